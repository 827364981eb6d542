"""Real concurrency in tests: the portal served from a thread, many browsers released at once,
and waiting for what another thread or request really does, never for a guessed time."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import requests
from sqlalchemy import event, text
from werkzeug.serving import make_server

from portal.extensions import db
from tests.helpers.web import CSRF_FIELD


@contextmanager
def serving(app) -> Iterator[str]:
    """The app on a threaded server at 127.0.0.1; yields its base address."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


class Browser:
    """One browser: its own cookies and its own CSRF token, read from a page like a person's."""

    def __init__(self, base: str):
        self.base, self.http = base, requests.Session()
        self.token = ""

    def open(self, page: str) -> "Browser":
        html = self.http.get(self.base + page, timeout=30).text
        match = CSRF_FIELD.search(html)
        assert match, f"no CSRF token on {page}"
        self.token = match.group(1) or match.group(2)
        return self

    def post(self, path: str, data: dict) -> requests.Response:
        form = {"csrf_token": self.token, **data}
        return self.http.post(self.base + path, data=form, allow_redirects=False, timeout=60)


def all_at_once(browsers: list[Browser], act: Callable[[Browser], int]) -> list:
    """Run ``act`` for every browser at the same moment (a barrier releases them together)."""
    barrier, results, errors = threading.Barrier(len(browsers)), [], []
    lock = threading.Lock()

    def run(browser: Browser):
        try:
            barrier.wait(timeout=60)
            outcome = act(browser)
        except Exception as error:  # reported in the test's own thread
            with lock:
                errors.append(error)
        else:
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [], errors[:3]
    return results


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
