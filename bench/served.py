"""The benchmark's school and server (bench/load.py measures them): a throwaway database
filled by the portal's own commands, gunicorn on a free loopback port, and browsers signed in
with Python: staff at /sign-in, a pupil through the classroom (class code, name, picture)."""

import http.client
import json
import re
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PASSWORD = "benchmark-demo-password"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
FORM_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
# The school and its server.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flask(env: dict, *command: str) -> str:
    done = subprocess.run(
        [BIN / "flask", *command], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"flask {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


@contextmanager
def database(kind: str, folder: str, name: str):
    """The database URL for the run: a file in ``folder``, or a PostgreSQL database made afresh
    and dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder}/bench.sqlite3"
        return
    import psycopg

    server = PG_SERVER.replace("+psycopg", "") + "/postgres"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build_school(env: dict, pupils: int) -> dict:
    """Fill the database; the demo accounts for each role."""
    flask(env, "db", "upgrade")
    flask(env, "portal", "install-content")
    if pupils == 0:
        flask(env, "portal", "seed-demo", "--password", PASSWORD)
        domain, admin, governor = "wilkinson.example.org", "admin", "governor"
    else:
        flask(env, "portal", "generate-demo", "--pupils", str(pupils), "--password", PASSWORD)
        domain, admin, governor = "demo-school.example.org", "office1", "governor1"
    return {
        "teacher": f"teacher1@{domain}",
        "head": f"head@{domain}",
        "admin": f"{admin}@{domain}",
        "governor": f"{governor}@{domain}",
    }


PUPIL_FACTS = """
import json
from sqlalchemy import select
from portal import create_app
from portal.extensions import db
from portal.people.models import Pupil, Staff
from portal.quiz.models import QuizAttempt
app = create_app()
with app.app_context():
    teacher = db.session.scalar(select(Staff).where(Staff.email == {email!r}))
    school_class = sorted(teacher.classes, key=lambda c: c.id)[0]
    pupil = db.session.scalar(
        select(Pupil).where(Pupil.class_id == school_class.id, Pupil.left_on.is_(None),
                            Pupil.picture.is_not(None), Pupil.two_choices.is_(False))
        .order_by(select(QuizAttempt.id).where(QuizAttempt.pupil_id == Pupil.id).exists(),
                  Pupil.id).limit(1))
    print(json.dumps({{"class_id": school_class.id, "pupil_id": pupil.id,
                      "picture": pupil.picture}}))
"""


def pupil_facts(env: dict, teacher_email: str) -> dict:
    """The teacher's first class, and one of its pupils, one who has not begun the quiz if there
    is one (a generated school has finished many; the others start it again), with their
    picture (the teacher prints it on login cards)."""
    script = PUPIL_FACTS.format(email=teacher_email)
    done = subprocess.run(
        [BIN / "python", "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"could not find a pupil:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def gunicorn(env: dict, port: int):
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
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        yield
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


# Signing in with Python.


class Client:
    """One browser: a keep-alive connection and its cookies."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    @property
    def cookie(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, form: dict | None = None, headers=None):
        headers = {**(headers or {}), "Cookie": self.cookie}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text, response.getheader("Location")

    def token(self, path: str) -> str:
        _, page, _ = self.request("GET", path)
        return FORM_TOKEN.search(page).group(1)


def staff_client(port: int, email: str) -> Client:
    client = Client(port)
    form = {"csrf_token": client.token("/sign-in"), "email": email, "password": PASSWORD}
    status, _, _ = client.request("POST", "/sign-in", form)
    if status != 302:
        raise SystemExit(f"could not sign in as {email}: HTTP {status}")
    return client


def start_class_session(teacher: Client, class_id: int) -> str:
    """The teacher starts a class session from their home page; the board shows its code."""
    form = {"csrf_token": teacher.token("/"), "class_id": class_id}
    status, _, board = teacher.request("POST", "/teach/sessions", form)
    if status != 302:
        raise SystemExit(f"could not start a class session: HTTP {status}")
    _, page, _ = teacher.request("GET", board)
    return re.search(r"board-code\">(\d{4})<", page).group(1)


def pupil_client(port: int, code: str, facts: dict) -> tuple[Client, str, str]:
    """A pupil signed in on a tablet (code, name, picture), their AUP agreed, their quiz begun
    and its first question answered; the question they answered."""
    pupil = Client(port)
    pupil.request("POST", "/class", {"code": code, "csrf_token": pupil.token("/class")})
    door = f"/class/names/{facts['pupil_id']}"
    form = {"csrf_token": pupil.token(door), "picture": facts["picture"]}
    status, _, _ = pupil.request("POST", door, form)
    if status != 302:
        raise SystemExit(f"the pupil could not sign in: HTTP {status}")
    _, _, where = pupil.request("GET", "/me")
    if where and where.endswith("/me/aup"):
        _, page, _ = pupil.request("GET", "/me/aup")
        version = re.search(r'name="version_id" type="hidden" value="(\d+)"', page)
        version = version or re.search(r'value="(\d+)"[^>]*name="version_id"', page)
        pupil.request(
            "POST",
            "/me/aup",
            {"csrf_token": FORM_TOKEN.search(page).group(1), "version_id": version.group(1)},
        )
    # Their home, or, for a pupil who finished this year, the done screen ("Play again").
    status, page, where = pupil.request("GET", "/me")
    if status in (302, 303):
        _, page, _ = pupil.request("GET", where)
    pupil.request("POST", "/me/start", {"csrf_token": FORM_TOKEN.search(page).group(1)})
    _, page, _ = pupil.request("GET", "/me/quiz")
    question = re.search(r'action="/me/quiz/([^"]+)"', page).group(1)
    choice = re.search(r'name="choice" value="([^"]+)"', page).group(1)
    form = {"csrf_token": FORM_TOKEN.search(page).group(1), "choice": choice}
    pupil.request("POST", f"/me/quiz/{question}", form)
    return pupil, question, choice
