"""Per-connection settings for SQLite, so it behaves like the PostgreSQL we also run on."""

import sqlite3
from functools import cache

from sqlalchemy import event, func, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        # Readers never block the writer: the mail worker and the web server share the file.
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()


# How a request's transaction ends. psycopg drops every statement it has prepared (after five
# uses of one statement on a connection) whenever a transaction rolls back, and a request that
# only read ended with the session's rollback: PostgreSQL parsed and planned each page's
# statements afresh, every time. A transaction that ran nothing but SELECTs and has nothing
# pending commits instead, which for it is the same thing; anything else is rolled back.


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(connection, _cursor, statement: str, *_args) -> None:
    if not statement.startswith("SELECT"):
        connection.info["wrote"] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _forget_writes(connection) -> None:
    connection.info.pop("wrote", None)


def end_read_only_transaction(session) -> None:
    """Commit the session's transaction if it only read; leave anything else to the rollback
    that closing the session does."""
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    if session.connection().info.get("wrote"):
        return
    # The session is closed next: expiring every object it loaded would be work for nothing.
    session.expire_on_commit = False
    try:
        session.commit()
    except SQLAlchemyError:  # nothing to lose: it only read
        session.rollback()


def insert_if_absent(model, **values) -> bool:
    """INSERT … ON CONFLICT DO NOTHING, on SQLite and PostgreSQL alike; True if it inserted.

    Makes a repeated submission (double click, retried request, two workers) a no-op
    without a SAVEPOINT, which pysqlite would commit on its own.
    """
    from portal.extensions import db

    db.session.flush()  # as the ORM would before a statement: rows this one may refer to
    connection = db.session.connection()  # Core: no ORM bulk-insert machinery for one row
    statement = _insert_or_nothing(model.__table__, connection.dialect.name)
    return connection.execute(statement, values).first() is not None


def count_one_more(model, counter: str, **key) -> None:
    """Add one to ``counter`` of the row with primary key ``key``, made at 1 if absent: one
    INSERT … ON CONFLICT DO UPDATE, so simultaneous writers never lose a count."""
    from portal.extensions import db

    connection = db.session.connection()
    statement = _one_more(model.__table__, counter, connection.dialect.name)
    connection.execute(statement, {**key, counter: 1})


@cache
def _one_more(table, counter: str, dialect: str):
    column = table.c[counter]
    return _insert_for(dialect)(table).on_conflict_do_update(
        index_elements=list(table.primary_key), set_={column: column + 1}
    )


@cache
def _insert_or_nothing(table, dialect: str):
    """Built once per table: the values come as parameters (a pupil's every answer is one).
    It returns the new row's key, or nothing when the row was there: rowcount says -1 where
    the driver returns rows (psycopg)."""
    return _insert_for(dialect)(table).on_conflict_do_nothing().returning(*table.primary_key)


def dialect_insert(model):
    """An INSERT with this database's ON CONFLICT clauses (SQLite and PostgreSQL share them)."""
    from portal.extensions import db

    return _insert_for(db.session.get_bind().dialect.name)(model)


def _insert_for(dialect: str):
    """This database's INSERT construct, the one that has ON CONFLICT."""
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


def contains_words(column, words: str):
    """``column`` holds ``words`` (case-insensitive), with % and _ taken literally: the same
    LIKE on SQLite and PostgreSQL, for a list's search box."""
    escaped = words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def refresh_statistics() -> None:
    """Let the query planner see the database as it now is, after a bulk load (a new school,
    a roster import). PostgreSQL's autovacuum gets there only later: until then, with no
    statistics, it picked plans that made the overview take 2 s instead of 55 ms at 5,000
    pupils. Runs outside any transaction, after the load has been committed."""
    from portal.extensions import db

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
