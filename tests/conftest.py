"""A fresh portal per test, on SQLite and, when PORTAL_TEST_DATABASE_URL is set, on PostgreSQL."""

import contextvars
import os
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from portal import create_app
from portal.extensions import db

POSTGRES_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
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


@pytest.fixture(scope="session")
def postgres_schema():
    """Create every table once per run; each test then starts from empty tables."""
    if not POSTGRES_URL:
        return None
    app = create_app(settings_for_tests(POSTGRES_URL))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return POSTGRES_URL


def empty_postgres_tables(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_schema")
        empty_postgres_tables(url)
        return url
    return f"sqlite:///{tmp_path / 'portal.sqlite3'}"


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, g and database session, as in production.

    Without this, requests reuse the test's app context and so its g (Flask-Login's
    cached user, Flask-WTF's cached token) and hide real bugs.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(settings_for_tests(database_url))
    app.test_client_class = IsolatedClient
    with app.app_context():
        if database_url.startswith("sqlite"):
            db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


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
