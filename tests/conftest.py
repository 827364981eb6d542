"""A fresh portal per test, on SQLite and, when PORTAL_TEST_DATABASE_URL is set, on PostgreSQL."""

import os
import threading

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from portal import clock, create_app
from portal.extensions import db
from tests.helpers.checkers import validator_missing
from tests.helpers.parents import make_family
from tests.helpers.smtp import SmtpServer
from tests.helpers.web import IsolatedClient, settings_for_tests

POSTGRES_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])

# One school date for the whole run: tests name "today" once, when their module loads, so a
# run that crosses midnight must not see the portal move on to tomorrow halfway through.
clock.hold_school_day(clock.school_today())


def pytest_collection_modifyitems(items):
    """CI sets PORTAL_REQUIRE_*: what it requires must be there, never quietly skipped."""
    if os.environ.get("PORTAL_REQUIRE_POSTGRES") and not POSTGRES_URL:
        raise pytest.UsageError(
            "PORTAL_REQUIRE_POSTGRES is set but PORTAL_TEST_DATABASE_URL is not: "
            "every PostgreSQL case would vanish"
        )
    checks = [item for item in items if item.get_closest_marker("html_validator")]
    missing = validator_missing() if checks else None
    if missing is None:
        return
    if os.environ.get("PORTAL_REQUIRE_VALIDATOR"):
        raise pytest.UsageError(f"PORTAL_REQUIRE_VALIDATOR is set but {missing}")
    for item in checks:
        item.add_marker(pytest.mark.skip(reason=missing))


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


@pytest.fixture
def live_server(app):
    """The portal served from a thread, one thread per request, as browsers and races need."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def family(app):
    """Two guardians of Amara (Oak) and Leo (Ash); one has no email."""
    return make_family()
