"""What CI relies on: a checker it requires is there, or the run fails instead of skipping."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HTML_CHECK = "tests/test_html.py::test_pages_are_valid_html"


def pytest_without_java(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    """A fresh pytest run on this checkout, on a machine where ``java`` is not on the PATH."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PORTAL_REQUIRE") and key != "PORTAL_TEST_DATABASE_URL"
    }
    env.update(PATH=str(Path(sys.executable).parent), **environment)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    run.output = run.stdout + run.stderr
    return run


def test_without_java_the_html_check_is_skipped_and_says_why():
    run = pytest_without_java(HTML_CHECK)
    assert run.returncode == 0, run.output
    assert "1 skipped" in run.output and "java is not installed" in run.output


def test_a_required_validator_that_is_missing_fails_the_run():
    run = pytest_without_java(HTML_CHECK, PORTAL_REQUIRE_VALIDATOR="1")
    assert run.returncode == 4, run.output  # a usage error, before any test runs
    assert "PORTAL_REQUIRE_VALIDATOR is set but java is not installed" in run.output


def test_required_postgresql_without_its_address_fails_the_run():
    run = pytest_without_java("--collect-only", "tests/test_cli.py", PORTAL_REQUIRE_POSTGRES="1")
    assert run.returncode == 4, run.output
    assert "PORTAL_REQUIRE_POSTGRES is set but PORTAL_TEST_DATABASE_URL is not" in run.output
