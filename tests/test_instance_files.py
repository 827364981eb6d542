"""The instance folder holds the database and the secret key: only the portal's user reads it."""

import os
import stat

import pytest
from sqlalchemy import text

from portal import create_app
from portal.extensions import db
from tests.helpers.web import settings_for_tests


@pytest.fixture
def usual_umask():
    """The umask most servers run with, which leaves new files readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def start_portal_with_defaults(instance) -> dict:
    """Start on the default SQLite file and generated key; the modes of what is in instance/."""
    app = create_app(settings_for_tests("", SECRET_KEY=""))
    with app.app_context():
        db.create_all()
        with db.engine.connect() as connection:  # the -wal and -shm files exist while connected
            connection.execute(text("SELECT count(*) FROM staff"))
            modes = {path.name: mode(path) for path in instance.iterdir()}
        db.engine.dispose()
    return modes


def test_a_new_instance_folder_and_its_files_are_private(tmp_path, monkeypatch, usual_umask):
    instance = tmp_path / "instance"
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(instance))
    modes = start_portal_with_defaults(instance)
    assert mode(instance) == 0o700
    assert modes == {
        "portal.sqlite3": 0o600,
        "portal.sqlite3-wal": 0o600,
        "portal.sqlite3-shm": 0o600,
        "secret_key": 0o600,
    }


def test_an_instance_folder_made_readable_by_everyone_is_made_private(
    tmp_path, monkeypatch, usual_umask
):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)  # as `mkdir -p instance` leaves it
    (instance / "portal.sqlite3").touch(mode=0o644)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(instance))
    modes = start_portal_with_defaults(instance)
    assert mode(instance) == 0o700
    assert modes["portal.sqlite3"] == 0o600 and modes["portal.sqlite3-wal"] == 0o600
