"""Every page a person sees is valid HTML (the Nu validator, run once over all of them)."""

import shutil
import subprocess

import pytest

from tests.helpers.builders import make_class, make_staff
from tests.helpers.checkers import VNU
from tests.helpers.web import sign_in


@pytest.fixture
def pages(app, client):
    """The HTML of each page, as a signed-out visitor, a teacher and an admin see them."""
    seen = {"sign-in": client.get("/sign-in"), "not-found": client.get("/nowhere")}
    teacher = make_staff("teacher@wilkinson.example.org", classes=[make_class("Oak", 1)])
    admin = make_staff("admin@wilkinson.example.org", roles=("admin",))
    sign_in(client, teacher.email)
    seen.update(
        {
            "teacher-home": client.get("/"),
            "password": client.get("/account/password"),
            "forbidden": client.get("/admin/staff/"),
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
    ]:
        seen[name] = admin_client.get(url)
    assert all(response.status_code < 500 for response in seen.values())
    return {name: response.get_data(as_text=True) for name, response in seen.items()}


@pytest.mark.skipif(not shutil.which("java") or not VNU.exists(), reason="needs java and vnu-jar")
def test_pages_are_valid_html(pages, tmp_path):
    files = []
    for name, html in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html)
        files.append(str(path))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
