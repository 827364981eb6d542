"""Browser journeys: the portal served from a thread, driven by Playwright in Debian's Chromium."""

import os

import pytest

from tests.helpers.checkers import CHROMIUM


def pytest_collection_modifyitems(items):
    if CHROMIUM.exists():
        return
    if os.environ.get("PORTAL_REQUIRE_BROWSER"):
        raise pytest.UsageError("PORTAL_REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
