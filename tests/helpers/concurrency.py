"""Real concurrent requests: the portal served from a thread, many browsers released at once."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import requests
from werkzeug.serving import make_server

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
