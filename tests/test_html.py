"""Every page a person sees is valid HTML (the Nu validator, run once over all of them)."""

import pytest

from tests.helpers.builders import install_content, make_class, make_staff
from tests.helpers.checkers import assert_valid_html
from tests.helpers.web import body_of, sign_in


@pytest.fixture
def pages(app, client):
    """The HTML of each page, as a signed-out visitor, a teacher and an admin see them."""
    seen = {
        "sign-in": body_of(client.get("/sign-in")),
        "about": body_of(client.get("/about")),
        "not-found-404": body_of(client.get("/nowhere"), 404),
    }
    teacher = make_staff("teacher@wilkinson.example.org", classes=[make_class("Oak", 1)])
    admin = make_staff("admin@wilkinson.example.org", roles=("admin",))
    sign_in(client, teacher.email)
    seen.update(
        {
            "teacher-home": body_of(client.get("/")),
            "password": body_of(client.get("/account/password")),
            "forbidden-403": body_of(client.get("/admin/staff/"), 403),
        }
    )
    admin_client = app.test_client()
    sign_in(admin_client, admin.email)
    for name, url in [
        ("admin-home", "/"),
        ("staff", "/admin/staff/"),
        ("staff-new", "/admin/staff/new"),
        ("staff-edit", f"/admin/staff/{teacher.id}/edit"),
        ("roster", "/admin/roster/"),
        ("outbox", "/admin/outbox/"),
        ("staff-module-not-installed", "/admin/module"),
    ]:
        seen[name] = body_of(admin_client.get(url))
    install_content()
    seen["staff-module"] = body_of(admin_client.get("/admin/module?sort=status"))
    for name, url in [
        ("staff-module-results", "/admin/module?q=t"),
        ("staff-accounts-results", "/admin/staff/?q=t"),
    ]:
        swapped = body_of(admin_client.get(url, headers={"HX-Request": "true"}))
        seen[name] = f"<!doctype html><html lang=en><title>{name}</title>{swapped}</html>"
    return seen


@pytest.mark.html_validator
def test_pages_are_valid_html(pages, tmp_path):
    assert_valid_html(pages, tmp_path)
