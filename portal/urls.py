"""Links: absolute ones for emails (from PORTAL_BASE_URL), and which paths are safe to follow."""

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, url_for

from portal.input_rules import has_control_characters

MAX_LOCAL_PATH = 2000
MARKER = 9_081_726_354  # an id no row has, stood in for each row's own


def external_url(endpoint: str, **values) -> str:
    """The full address of an endpoint as people outside the server reach it."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def is_local_path(target: str | None) -> bool:
    """A path on this site only: never an open redirect, never a broken Location header."""
    if not target or len(target) > MAX_LOCAL_PATH or has_control_characters(target):
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    )


def local_path_or_blank(target: str | None) -> str:
    """A form filter: keep a safe local path, drop anything else."""
    return target if is_local_path(target) else ""


def url_for_each(endpoint: str, key: str, **values) -> Callable[[int], str]:
    """``url_for(endpoint, **{key: id}, **values)`` for many ids at the cost of one: a list
    draws an address or two on each row, and Werkzeug builds one far slower than Python
    formats it. The address is built once with a marker id, then each id takes its place."""
    parts = url_for(endpoint, **{key: MARKER}, **values).split(str(MARKER))
    if len(parts) != 2:  # the marker's digits are in a value too (a search): the slow way
        return lambda value: url_for(endpoint, **{key: value}, **values)
    before, after = parts
    return lambda value: f"{before}{int(value)}{after}"
