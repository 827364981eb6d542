"""How a request's transaction ends: one that only read commits (on PostgreSQL, psycopg drops
its prepared statements on every rollback, so each page would be parsed and planned afresh);
one that wrote anything, or has changes pending, is rolled back as before: nothing it did
without committing is ever kept."""

import pytest
from sqlalchemy import event, func, select, text

from portal.extensions import db
from portal.people.models import SchoolClass
from tests.conftest import DATABASES
from tests.helpers.builders import make_class


@pytest.fixture
def endings(app):
    """The way each transaction on the engine ends, in order: "commit" or "rollback"."""
    seen = []
    listeners = {
        kind: lambda _conn, kind=kind: seen.append(kind) for kind in ("commit", "rollback")
    }
    for kind, listener in listeners.items():
        event.listen(db.engine, kind, listener)
    yield seen
    for kind, listener in listeners.items():
        event.remove(db.engine, kind, listener)


def classes() -> int:
    with db.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(SchoolClass))


def test_a_context_that_only_read_commits(app, endings):
    make_class("Oak")
    endings.clear()
    with app.app_context():
        db.session.execute(select(SchoolClass)).all()
    assert endings == ["commit"]


def test_a_write_that_was_not_committed_is_rolled_back_and_lost(app, endings):
    make_class("Oak")
    endings.clear()
    with app.app_context():
        db.session.execute(select(SchoolClass)).all()
        db.session.execute(SchoolClass.__table__.insert().values(name="Elm", year_group=2))
    assert endings == ["rollback"] and classes() == 1


def test_a_pending_change_is_rolled_back_and_lost(app, endings):
    oak = make_class("Oak")
    endings.clear()
    with app.app_context():
        db.session.get(SchoolClass, oak.id).name = "Elm"
        db.session.add(SchoolClass(name="Ash", year_group=3))
    assert endings == ["rollback"]
    assert db.session.scalars(select(SchoolClass.name)).all() == ["Oak"] and classes() == 1


def test_after_a_commit_only_what_came_after_decides(app, endings):
    with app.app_context():
        db.session.add(SchoolClass(name="Elm", year_group=2))
        db.session.commit()
        db.session.execute(select(SchoolClass)).all()
    assert endings == ["commit", "commit"] and classes() == 1


def test_an_error_rolls_back_what_was_read(app, endings):
    with pytest.raises(RuntimeError), app.app_context():
        db.session.execute(select(SchoolClass)).all()
        raise RuntimeError("the view failed")
    assert endings == ["rollback"]


# Prepared statements are psycopg's: this runs on PostgreSQL only (CI requires it).
@pytest.mark.parametrize("database_url", [d for d in DATABASES if d == "postgresql"], indirect=True)
def test_postgresql_keeps_the_statements_it_prepared_across_requests(app):
    """psycopg prepares a statement used five times on a connection: read-only requests
    must not throw that away."""
    query = select(SchoolClass.id).where(SchoolClass.year_group == 1)
    for _ in range(6):
        with app.app_context():
            db.session.execute(query).all()
    with app.app_context():
        prepared = db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
    assert prepared >= 1
