"""Static files: content-hashed addresses, a year's caching, precompressed gzip and brotli.

`make setup` runs `flask digest compile` (Flask-Static-Digest): each file under static/ gets a
copy named by its content's MD5 (css/portal-<32 hex>.css), a .gz and a .br beside each, and
static/cache_manifest.json maps every name to its copy. Templates ask `static_url_for`, which
reads that manifest (or falls back to the plain name before the first compile).
WhiteNoise then serves static/ ahead of Flask: it sends the .br or .gz the browser accepts,
with `Vary: Accept-Encoding`, and answers a revalidation with 304.
"""

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from flask import Flask, request
from flask_static_digest import FlaskStaticDigest
from whitenoise import WhiteNoise

# Flask-Static-Digest's own naming: "<name>-<32 hex digits of MD5>.<extension>".
HASHED_NAME = re.compile(r"-[0-9a-f]{32}\.[^/.]+$")
# A hashed address never changes content: a year, and browsers need not even revalidate.
HASHED_CACHING = "public, max-age=31536000, immutable"
# A plain name (an old page, a bookmark) may change at the next deploy: ask each time (ETag).
PLAIN_CACHING = "no-cache"


def init_app(app: Flask, security_headers: Mapping[str, str]) -> None:
    """Hashed names in templates; WhiteNoise in front of the app for everything under static/."""
    app.config.setdefault("FLASK_STATIC_DIGEST_COMPRESSION", ["gzip", "brotli"])
    digest = FlaskStaticDigest(app)  # the `static_url_for` template global, `flask digest` CLI
    app.add_template_global(remembered_addresses(digest.static_url_for), "static_url_for")
    server = WhiteNoise(app.wsgi_app, max_age=None, allow_all_origins=False)
    server.files = served_files(
        app.static_folder,
        app.static_url_path,
        tuple(security_headers.items()),
        manifest_version(app.static_folder),
    )
    app.wsgi_app = server


@cache
def served_files(folder: str, url_path: str, security_headers: tuple, _version) -> dict:
    """WhiteNoise's index of the folder, headers included: built once per process, not per app.

    The folder holds 22,000 files with the hashed and compressed copies: indexing takes most of
    a second, which every test (each builds an app) would pay again.
    """

    def add_headers(headers, path: str, url: str) -> None:
        # WhiteNoise answers before Flask's after_request runs: the same headers, set here.
        # HSTS is left to the pages (it depends on the request; see README).
        for name, value in security_headers:
            headers[name] = value
        headers["Cache-Control"] = HASHED_CACHING if is_hashed(url) else PLAIN_CACHING

    indexer = WhiteNoise(
        None,
        root=folder,
        prefix=url_path,
        max_age=None,  # add_headers sets Cache-Control
        allow_all_origins=False,  # same-origin only, as before
        add_headers_function=add_headers,
    )
    return indexer.files


def remembered_addresses(static_url_for):
    """static_url_for, remembering each file's address: the manifest is read once at start-up,
    so an address only changes with the app's mount point, and every page asks for five."""
    addresses = {}

    def remembered(endpoint: str, **values) -> str:
        if endpoint != "static" or values.keys() != {"filename"}:
            return static_url_for(endpoint, **values)
        key = (request.script_root, values["filename"])
        if key not in addresses:
            addresses[key] = static_url_for(endpoint, **values)
        return addresses[key]

    return remembered


def manifest_version(folder: str) -> int | None:
    """Changes when `flask digest compile` runs again, so a new index is built."""
    try:
        return (Path(folder) / "cache_manifest.json").stat().st_mtime_ns
    except FileNotFoundError:
        return None


def is_hashed(url: str) -> bool:
    return HASHED_NAME.search(url) is not None
