"""Static files: hashed addresses cached for a year, precompressed, and new after a change."""

import gzip
import re
import shutil
from pathlib import Path

import brotli
import pytest
from flask_static_digest.cli import digest

from portal import create_app
from portal.web import SECURITY_HEADERS
from tests.helpers.builders import (
    install_content,
    make_class,
    make_pupil,
    make_staff,
    open_class_session,
    seat_pupil,
)
from tests.helpers.parents import start, token_for
from tests.helpers.web import settings_for_tests, sign_in

STATIC = Path(__file__).resolve().parent.parent / "static"
A_YEAR = "public, max-age=31536000, immutable"
HASHED = re.compile(r"^/static/(?P<name>.+)-[0-9a-f]{32}(?P<extension>\.\w+)$")

pytestmark = pytest.mark.skipif(
    not (STATIC / "cache_manifest.json").exists(), reason="needs `make setup` (flask digest)"
)


def static_addresses(page: str) -> list[str]:
    """Every address under /static/ a page's <link>, <script> or <img> asks the browser for."""
    return re.findall(r'<(?:link|script|img)\b[^>]*\b(?:href|src)="(/static/[^"]+)"', page)


def address_of(client, page_url: str, file_name: str) -> str:
    page = client.get(page_url).get_data(as_text=True)
    (address,) = [
        address
        for address in static_addresses(page)
        if (hashed := HASHED.match(address)) and hashed["name"] == file_name
    ]
    return address


def test_pages_ask_for_hashed_addresses_kept_for_a_year(client):
    address = address_of(client, "/sign-in", "css/portal")
    response = client.get(address)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == A_YEAR
    assert response.get_data() == (STATIC / "css/portal.css").read_bytes()
    assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_plain_name_still_works_for_old_pages_but_is_revalidated(client):
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.get_data() == (STATIC / "css/portal.css").read_bytes()
    again = client.get(
        "/static/css/portal.css", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304 and again.get_data() == b""


@pytest.mark.parametrize(
    "accept_encoding, content_encoding, decompress",
    [("gzip, deflate, br", "br", brotli.decompress), ("gzip, deflate", "gzip", gzip.decompress)],
)
def test_a_browser_that_accepts_compression_gets_the_smaller_precompressed_file(
    client, accept_encoding, content_encoding, decompress
):
    for name in ("vendor/htmx.min", "vendor/pico.min"):
        address = address_of(client, "/sign-in", name)
        plain = client.get(address, headers={"Accept-Encoding": ""})
        packed = client.get(address, headers={"Accept-Encoding": accept_encoding})
        assert "Content-Encoding" not in plain.headers
        assert packed.headers["Content-Encoding"] == content_encoding
        assert packed.headers["Vary"] == "Accept-Encoding"
        assert packed.headers["Cache-Control"] == A_YEAR
        assert int(packed.headers["Content-Length"]) < int(plain.headers["Content-Length"]) / 3
        assert decompress(packed.get_data()) == plain.get_data()


def test_changing_a_css_file_changes_its_address(database_url, tmp_path, monkeypatch):
    folder = tmp_path / "static"
    shutil.copytree(
        STATIC / "css", folder / "css", ignore=shutil.ignore_patterns("*-*", "*.gz", "*.br")
    )
    monkeypatch.setenv("PORTAL_STATIC_FOLDER", str(folder))
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))

    def deploy():  # what `make setup` runs, then a fresh start of the portal
        app = create_app(settings_for_tests(database_url))
        assert app.test_cli_runner().invoke(digest, ["compile"]).exit_code == 0
        client = create_app(settings_for_tests(database_url)).test_client()
        return client, address_of(client, "/sign-in", "css/portal")

    client, before = deploy()
    with (folder / "css/portal.css").open("a") as css:
        css.write("\nbody { outline: none; }\n")
    client, after = deploy()

    assert after != before
    assert client.get(after).get_data().endswith(b"body { outline: none; }\n")
    assert client.get(after).headers["Cache-Control"] == A_YEAR
    assert b"outline: none" not in client.get(before).get_data()  # old pages keep their CSS


def a_signed_out_page(client, request):
    return "/sign-in"


def a_staff_home_page(client, request):
    sign_in(client, make_staff().email)
    return "/"


def a_pupil_page_with_a_picture(client, request):
    install_content()
    oak = make_class("Oak", 1)
    seat_pupil(client, open_class_session(oak, make_staff(classes=[oak])), make_pupil(oak))
    return "/me/aup"


def a_parents_page(client, request):
    family = request.getfixturevalue("family")
    start()
    return f"/parents/{token_for(family['grace'])}"


@pytest.mark.parametrize(
    "page, expected",
    [
        (a_signed_out_page, {"vendor/pico.min", "vendor/htmx.min", "css/portal", "js/portal"}),
        (a_staff_home_page, {"css/classroom"}),
        (a_pupil_page_with_a_picture, {"css/pupil", "js/read-aloud", "vendor/twemoji/1f5e3"}),
        (a_parents_page, {"css/parents", "js/read-aloud"}),
    ],
    ids=lambda value: value.__name__ if callable(value) else None,
)
def test_every_static_file_a_page_uses_is_hashed_and_served(client, request, page, expected):
    addresses = static_addresses(client.get(page(client, request)).get_data(as_text=True))
    names = set()
    for address in addresses:
        assert HASHED.match(address), address
        names.add(HASHED.match(address)["name"])
        response = client.get(address)
        assert response.status_code == 200, address
        assert response.headers["Cache-Control"] == A_YEAR, address
    assert expected <= names
