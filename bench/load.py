"""Requests per second and latency of the busiest pages, measured with wrk against gunicorn.

    make bench                                   (the four runs: SQLite and PostgreSQL,
                                                  the demo school and 5,000 pupils)
    .venv/bin/python bench/load.py --database postgresql --pupils 5000 --seconds 10

It builds a throwaway school (the small demo, ``seed-demo``, for --pupils 0; otherwise
``generate-demo --pupils N``) in a temporary folder (SQLite) or a database it creates and drops
(PostgreSQL at 127.0.0.1:5432), serves it with gunicorn (2 workers) on a free loopback port,
signs in with Python (staff at /sign-in; a pupil through the classroom: class code, name,
picture), then drives each page with wrk (-t1 -c8 --latency): wrk's one thread uses far less
CPU than the server, so on a 2-core machine the figures are the server's, not the client's.

One line per page: requests/s, p50, p95, the ratio to the bare route (/healthz) in the same
run, and the target the page must meet, with PASS or MISS. A page that answers 404 (a page
another branch has not added yet) is skipped with a note.

The answer POST re-answers a question the pupil has already answered: the portal keeps the
first answer (INSERT ... ON CONFLICT DO NOTHING) and returns its feedback, so the request runs
the same statements as a first answer, but writes no row: on SQLite, a real first answer also
waits for the database's write lock, so the figure is somewhat optimistic for writes.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from served import (
    Client,
    build_school,
    database,
    free_port,
    gunicorn,
    pupil_client,
    pupil_facts,
    staff_client,
    start_class_session,
)

BARE = "/healthz"
WRK = [shutil.which("wrk") or "/usr/bin/wrk", "-t1", "-c8", "--latency"]
LEADER_RATIO, PUPIL_RATIO, LARGE_P95_MS = 0.20, 0.40, 300.0


@dataclass(frozen=True)
class Page:
    """One page to measure: its address, who asks for it, and what it must reach."""

    label: str
    path: str
    who: str | None  # "teacher", "head", "admin", "governor", "pupil", or None (nobody)
    ratio: float = LEADER_RATIO  # at least this share of the bare route's requests/s
    answer: bool = False  # the pupil's answer POST (htmx), not a GET


# Easy to extend: add a line. The admin pages are being built in other branches; until they
# land they answer 404 and are skipped.
PAGES = [
    Page("bare route", BARE, None, 1.0),
    Page("pupil: question page", "/me/quiz", "pupil", PUPIL_RATIO),
    Page("pupil: answer POST", "/me/quiz/{question}", "pupil", PUPIL_RATIO, answer=True),
    Page("teacher's home", "/", "teacher"),
    Page("Head Teacher's home", "/", "head"),
    Page("staff accounts", "/admin/staff/", "admin"),
    Page("parents' answers", "/admin/parents/answers", "admin"),
    Page("teacher's classes", "/teach/classes/", "teacher"),
    Page("one class", "/teach/classes/{class_id}", "teacher"),
    Page("policies", "/policies/", "governor"),
    Page("admin overview", "/admin/", "head"),
    Page("admin: pupils", "/admin/pupils", "head"),
    Page("admin: staff module", "/admin/module", "head"),
    Page("admin: guardians", "/admin/guardians", "head"),
    Page("admin: understanding", "/admin/understanding", "head"),
    Page("admin: evidence", "/admin/evidence", "head"),
]


# Driving wrk.


WRK_SCRIPT = """
wrk.method = {method}
wrk.body = {body}
{headers}
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'RESULT {{"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "bad": %d, "socket": %d}}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
"""


def lua(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal for these values


def wrk(port: int, path: str, seconds: int, headers: dict, method="GET", body="") -> dict:
    lines = "\n".join(f"wrk.headers[{lua(k)}] = {lua(v)}" for k, v in headers.items())
    script = WRK_SCRIPT.format(method=lua(method), body=lua(body), headers=lines)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        done = subprocess.run(
            [*WRK, f"-d{seconds}s", "-s", file.name, f"http://127.0.0.1:{port}{path}"],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(file.name)
    result = json.loads(done.stdout.split("RESULT ", 1)[1].splitlines()[0])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def request_for(page: Page, clients: dict, facts: dict) -> tuple[str, dict, str, str]:
    """The address, headers, method and body wrk sends for ``page``."""
    client = clients.get(page.who)
    headers = {"Cookie": client.cookie} if client else {}
    path = page.path.format(class_id=facts.get("class_id"), question=facts.get("question"))
    if not page.answer:
        return path, headers, "GET", ""
    headers.update(
        {
            "HX-Request": "true",
            "X-CSRFToken": client.token("/me"),
            "Content-Type": "application/x-www-form-urlencoded",
        }
    )
    headers["Cookie"] = client.cookie  # token() may have refreshed it
    return path, headers, "POST", urlencode({"choice": facts["choice"]})


def check(page: Page, clients: dict, path: str, headers: dict, method: str, body: str):
    """The page's answer to one request first: None if it works, else why it is skipped."""
    client = clients.get(page.who) or Client(clients["port"])
    extra = {k: v for k, v in headers.items() if k not in ("Cookie", "Content-Type")}
    form = dict(item.split("=", 1) for item in body.split("&")) if body else None
    status, _, where = client.request(method, path, form, extra)
    if status == 200:
        return None
    if status == 404:
        return "404: not in this branch yet"
    return f"HTTP {status}" + (f" to {where}" if where else "")


# Reporting.


def target_of(page: Page, pupils: int) -> tuple[str, callable]:
    """What the page must reach in this run, and the test of it on (result, bare result)."""
    if page.path == BARE:
        return "", lambda result, bare: None
    if pupils and page.who != "pupil":
        return f"p95 < {LARGE_P95_MS:.0f} ms", lambda r, bare: r["p95"] < LARGE_P95_MS
    return f">= {page.ratio:.0%} of bare", lambda r, bare: r["rps"] >= page.ratio * bare["rps"]


def line(page: Page, path: str, result: dict, bare: dict, pupils: int) -> str:
    target, met = target_of(page, pupils)
    verdict = {None: "", True: "PASS", False: "MISS"}[met(result, bare)]
    errors = result["bad"] + result["socket"]
    note = f"  ({errors} errors)" if errors else ""
    return (
        f"{page.label:<26} {path:<26} {result['rps']:7.0f} req/s  p50 {result['p50']:6.1f} ms"
        f"  p95 {result['p95']:6.1f} ms  {result['rps'] / bare['rps']:5.0%}  "
        f"{target:<16} {verdict}{note}"
    )


def measure(port: int, clients: dict, facts: dict, args) -> None:
    bare = None
    for page in PAGES:
        path, headers, method, body = request_for(page, clients, facts)
        why = check(page, clients, path, headers, method, body)
        if why:
            print(f"{page.label:<26} {path:<26} skipped: {why}", flush=True)
            continue
        # Again, with the cookie the check was given back: a browser keeps what the portal
        # sets (the first page after signing in adds the form token to the session), so the
        # portal does not sign a new cookie on every request wrk sends.
        path, headers, method, body = request_for(page, clients, facts)
        result = wrk(port, path, args.seconds, headers, method, body)
        bare = bare or result
        print(line(page, path, result, bare, args.pupils), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pupils", type=int, default=0, help="0: the small demo school")
    parser.add_argument("--seconds", type=int, default=10, help="per page")
    parser.add_argument("--pg-database", default="portal_bench", help="made and dropped")
    args = parser.parse_args()
    if not Path(WRK[0]).exists():
        raise SystemExit("bench needs wrk: apt-get install -y wrk  (Debian/Ubuntu package wrk)")
    with (
        tempfile.TemporaryDirectory(prefix="portal-bench-") as folder,
        database(args.database, folder, args.pg_database) as url,
    ):
        env = {
            **os.environ,
            "FLASK_APP": "wsgi:app",
            "PORTAL_INSTANCE_PATH": folder,
            "PORTAL_DATABASE_URL": url,
            "PORTAL_SCHOOL_DAY_ENDS": "",  # class sessions stay open whatever the hour
            "PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
        }
        started = time.perf_counter()
        accounts = build_school(env, args.pupils)
        facts = pupil_facts(env, accounts["teacher"])
        size = f"{args.pupils:,} pupils" if args.pupils else "the demo school (seed-demo)"
        print(
            f"{args.database}, {size} (built in {time.perf_counter() - started:.0f} s); gunicorn"
            f" -w 2; wrk -t1 -c8 -d{args.seconds}s --latency per page",
            flush=True,
        )
        port = free_port()
        with gunicorn(env, port):
            clients = {who: staff_client(port, email) for who, email in accounts.items()}
            code = start_class_session(clients["teacher"], facts["class_id"])
            clients["pupil"], facts["question"], facts["choice"] = pupil_client(port, code, facts)
            clients["port"] = port
            measure(port, clients, facts, args)


if __name__ == "__main__":
    sys.exit(main())
