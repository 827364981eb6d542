"""Counting the SQL a page costs, for the tests that list pages make a fixed number of queries."""

from contextlib import contextmanager

from sqlalchemy import event, text
from sqlalchemy.exc import DatabaseError

from portal.extensions import db


@contextmanager
def counting_queries():
    """Collects every SQL statement the engine runs inside the block."""
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def times_analyzed(table: str) -> int:
    """How often the query planner's statistics of ``table`` were gathered (SQLite: 0 or 1)."""
    if db.engine.dialect.name == "postgresql":
        query = "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = :table"
    else:
        query = (
            "SELECT count(*) > 0 FROM sqlite_master m, sqlite_stat1 s"
            " WHERE m.name = 'sqlite_stat1' AND s.tbl = :table"
        )
    with db.engine.connect() as connection:
        try:
            return int(connection.execute(text(query), {"table": table}).scalar() or 0)
        except DatabaseError:  # SQLite before any ANALYZE: no sqlite_stat1 table
            return 0
