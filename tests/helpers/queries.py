"""Counting the SQL a page costs, for the tests that list pages make a fixed number of queries."""

from contextlib import contextmanager

from sqlalchemy import event

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
