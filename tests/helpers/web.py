"""Talking to the portal as a browser would: settings, an isolated client, CSRF, sign-in."""

import contextvars
import html
import re

from flask import current_app
from flask.testing import FlaskClient

from portal.auth.access import pupil_required
from portal.classroom.pupil_auth import current_pupil
from tests.helpers.builders import make_staff

TEST_SECRET = "test-secret-key-that-is-long-enough-for-production-checks"


def settings_for_tests(database_url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "SERVER_NAME": None,
        "BASE_URL": "http://portal.test",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": 1,  # nothing listens there unless a test starts a server
        "SMTP_TIMEOUT": 5,
        **extra,
    }


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, g and database session, as in production.

    Without this, requests reuse the test's app context and so its g (Flask-Login's
    cached user, Flask-WTF's cached token) and hide real bugs.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


CSRF_FIELD = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'type="hidden" name="csrf_token" value="([^"]+)"'
)


def csrf_token(client, page: str = "/sign-in") -> str:
    """The CSRF token of this client's session, read from a page as a browser would."""
    html = client.get(page).get_data(as_text=True)
    match = CSRF_FIELD.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def post_form(client, url: str, data: dict | None = None, page: str | None = None, **kwargs):
    """POST a form with the session's CSRF token, as the browser would send it."""
    token = csrf_token(client, page or "/sign-in")
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def sign_in(client, email: str, password: str = "correct horse battery"):
    return post_form(client, "/sign-in", {"email": email, "password": password})


def signed_in(client, *roles: str, email: str | None = None):
    person = make_staff(email, roles=roles)
    sign_in(client, person.email)
    return person


def hidden_value(page: str, name: str) -> str:
    """The value of a hidden form field, as the browser would send it back."""
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    assert match, f"no hidden field {name!r}"
    return html.unescape(match.group(1))


def whoami():
    """Test-only pupil page: the signed-in pupil's own name, as the pupil pages show it."""
    pupil = current_pupil()
    return {"name": pupil.display_name, "pupil_id": pupil.id}


def with_classroom(app):
    """Add a test-only page that only a signed-in pupil may open."""
    if "test_whoami" not in app.view_functions:
        app.add_url_rule("/test-only/whoami", "test_whoami", pupil_required(whoami))
    app.config["SCHOOL_DAY_ENDS"] = ""  # the tests run at any hour; the rule has its own tests
    return app


def body_of(response, status: int = 200) -> str:
    """The page a response carries, once it is known to be the one expected (not an error)."""
    assert response.status_code == status, (response.status_code, response.location)
    return response.get_data(as_text=True)


def static_address(filename: str) -> str:
    """The address pages give a file under static/: its content-hashed name after `make setup`."""
    with current_app.test_request_context():
        return current_app.jinja_env.globals["static_url_for"]("static", filename=filename)
