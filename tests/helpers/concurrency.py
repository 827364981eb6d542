"""Real concurrency in tests: browsers with their own cookies released together by a Barrier,
and waiting for what another thread or request really does, never for a guessed time.

The portal is served from a thread (the `live_server` fixture); each `Browser` is one
requests.Session with its own cookie and CSRF token. `at_once` runs prepared requests in
threads that a Barrier releases at the same moment, and joins every thread before returning.
"""

import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import requests
from sqlalchemy import event, text

from portal.extensions import db
from tests.helpers.builders import PASSWORD
from tests.helpers.web import CSRF_FIELD

WAIT = 60  # seconds: a request, or the whole race, that takes longer has hung


class Browser:
    """One browser: its own cookies; redirects are not followed, so each answer is seen as sent."""

    def __init__(self, base_url: str):
        self.base_url, self.http = base_url, requests.Session()

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base_url + path, allow_redirects=False, timeout=WAIT)

    def token(self, page: str) -> str:
        """The CSRF token of this browser's session, read from a page's form."""
        response = self.get(page)
        match = CSRF_FIELD.search(response.text)
        assert match, f"no CSRF token on {page} ({response.status_code})"
        return match.group(1) or match.group(2)

    def post(self, path: str, data: dict | None = None, page: str | None = None):
        return self.poster(path, data, page)()

    def poster(self, path: str, data: dict | None = None, page: str | None = None):
        """A POST ready to send: the token is fetched now, so only the POST itself races."""
        form = {"csrf_token": self.token(page or path), **(data or {})}
        return lambda: self.http.post(
            self.base_url + path, data=form, allow_redirects=False, timeout=WAIT
        )

    def sign_in(self, email: str, password: str = PASSWORD) -> "Browser":
        response = self.post("/sign-in", {"email": email, "password": password})
        assert response.status_code == 302, response.text
        return self


def at_once(actions: list[Callable[[], Any]]) -> list:
    """Each action (a request) in its own thread, all released together; results, in order."""
    start = threading.Barrier(len(actions))
    results: list = [None] * len(actions)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            start.wait(timeout=WAIT)
            results[index] = actions[index]()
        except BaseException as error:  # reported in the test's own thread, below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    if errors:
        raise errors[0]
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
