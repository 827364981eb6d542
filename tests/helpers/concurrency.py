"""Waiting for what another thread or request really does, never for a guessed time."""

import threading
import time
from collections.abc import Callable
from contextlib import contextmanager

from sqlalchemy import event, text

from portal.extensions import db


def wait_until(condition: Callable[[], object], timeout: float = 30.0, every: float = 0.05):
    """Poll ``condition`` until it holds; fail the test if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(every)


@contextmanager
def statement_reached(thread: threading.Thread, prefix: str):
    """An Event, set as soon as ``thread`` starts a statement beginning with ``prefix``."""
    reached = threading.Event()

    def listener(_conn, _cursor, statement, *_args):
        if threading.current_thread() is thread and statement.startswith(prefix):
            reached.set()

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield reached
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


LOCK_WAITS = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def a_backend_waits_on_a_lock() -> bool:
    """PostgreSQL: some session of this database is blocked by another's lock.

    Asked on a fresh connection each time: a transaction sees one snapshot of the activity."""
    with db.engine.connect() as watcher:
        return watcher.scalar(LOCK_WAITS) > 0
