"""Whole-school load on 127.0.0.1: requests per second and latency of the busiest pages.

    make bench            (or: .venv/bin/python bench/load.py --seconds 10 --clients 8)

It builds a throwaway demo school in a temporary folder, serves it with gunicorn (2 workers)
on a free loopback port, signs clients in as the demo staff, and for each page runs
--clients concurrent clients for --seconds. It prints one line per page, with a bare route
(/healthz) as the baseline to compare against on the same machine and run.
"""

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PASSWORD = "benchmark-demo-password"
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Client:
    """One browser: a keep-alive connection and its session cookie."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, text

    def sign_in(self, email: str) -> None:
        from urllib.parse import urlencode

        _, page = self.request("GET", "/sign-in")
        token = TOKEN.search(page).group(1)
        status, _ = self.request(
            "POST",
            "/sign-in",
            urlencode({"csrf_token": token, "email": email, "password": PASSWORD}),
        )
        if status != 302:
            raise SystemExit(f"could not sign in as {email}: HTTP {status}")


def hammer(port: int, path: str, email: str | None, clients: int, seconds: float) -> dict:
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def run():
        client = Client(port)
        if email:
            client.sign_in(email)
        mine = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            status, _ = client.request("GET", path)
            mine.append(time.perf_counter() - started)
            if status != 200:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds,
        "errors": errors[0],
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


def serve(folder: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi:app",
        "PORTAL_INSTANCE_PATH": folder,
        "PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
    }
    for command in (["db", "upgrade"], ["portal", "seed-demo", "--password", PASSWORD]):
        subprocess.run(
            [BIN / "flask", *command], env=env, cwd=ROOT, check=True, capture_output=True
        )
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


PAGES = [
    ("/healthz", None, "baseline: a bare route"),
    ("/sign-in", None, "sign-in page"),
    ("/", "teacher1@wilkinson.example.org", "a teacher's home"),
    ("/", "head@wilkinson.example.org", "the Head Teacher's home"),
    ("/admin/module", "head@wilkinson.example.org", "staff module completion"),
    ("/admin/staff/", "admin@wilkinson.example.org", "staff accounts"),
    ("/policies/", "governor@wilkinson.example.org", "policies list"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as folder:
        port = free_port()
        server = serve(folder, port)
        try:
            print(
                f"gunicorn -w 2 on 127.0.0.1:{port}, SQLite, demo school (175 pupils), "
                f"{args.clients} clients x {args.seconds:g} s per page"
            )
            for path, email, label in PAGES:
                r = hammer(port, path, email, args.clients, args.seconds)
                print(
                    f"{label:<28} {path:<16} {r['rps']:7.0f} req/s  p50 {r['p50']:6.1f} ms  "
                    f"p95 {r['p95']:6.1f} ms  errors {r['errors']}"
                )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
