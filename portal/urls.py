"""Links: absolute ones for emails (from PORTAL_BASE_URL), and which paths are safe to follow."""

from urllib.parse import urlsplit

from flask import current_app

from portal.input_rules import has_control_characters

MAX_LOCAL_PATH = 2000


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
