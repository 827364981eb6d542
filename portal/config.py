"""Every setting the portal reads, named and commented.

Defaults suit a laptop; each one can be overridden by an environment variable
with the ``PORTAL_`` prefix (``PORTAL_SCHOOL_NAME``, ``PORTAL_SMTP_HOST``, ...).
"""

import logging
import os
import secrets
import stat
from datetime import date, time
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url

from portal.people.roles import INCIDENT_LOG_ROLES

TWO_FACTOR_CHOICES = ("incident_log", "all_staff")

DEFAULTS = {
    # "development" or "production": production refuses insecure settings.
    "ENV": "development",
    # SQLAlchemy URL; the embedded default is SQLite under instance/.
    "DATABASE_URL": "",
    # Signs sessions, CSRF tokens and emailed links. Generated into instance/ when unset.
    "SECRET_KEY": "",
    "SCHOOL_NAME": "Wilkinson Primary School",
    # The folder of quiz files; empty means the quizzes/ folder that ships with the portal.
    "QUIZ_DIR": "",
    # Times are stored in UTC and shown on the school's clock.
    "TIMEZONE": "Europe/London",
    # Absolute address of the portal, used in links inside emails.
    "BASE_URL": "http://127.0.0.1:5000",
    "SMTP_HOST": "127.0.0.1",
    "SMTP_PORT": 25,
    # "none", "starttls" or "ssl".
    "SMTP_TLS": "none",
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "MAIL_SENDER": "Online-Safety Portal <portal@wilkinson.example.org>",
    # Seconds to connect and sign in to the SMTP server before it counts as down.
    "SMTP_TIMEOUT": 20,
    # Seconds to wait for the server to take a message (RFC 5321 allows 10 minutes for its
    # answer): giving up sooner risks sending again a message it kept.
    "SMTP_DATA_TIMEOUT": 600,
    # Set-password links in invitations stay valid this long.
    "INVITATION_MAX_AGE_DAYS": 7,
    # Failed sign-ins allowed per account and per network address in the window.
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 10,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 50,
    "LOGIN_THROTTLE_MINUTES": 15,
    # A staff session ends after this many hours unused (a working day); using it renews it.
    "STAFF_SESSION_HOURS": 10,
    # How many reverse proxies (nginx, Caddy) stand in front: their X-Forwarded-* are trusted.
    "TRUSTED_PROXIES": 0,
    # Class sessions for pupils' sign-in end at this time of the school day (HH:MM, school clock;
    # empty for no end-of-day limit), or two hours after they start if sooner.
    "SCHOOL_DAY_ENDS": "15:30",
    # School hours, Monday to Friday on the school's clock: a teacher's home page then puts the
    # class session first (outside them, what is due comes first).
    "SCHOOL_HOURS": "08:00-16:00",
    # The class board asks for who has signed in this often, in seconds.
    "BOARD_REFRESH_SECONDS": 5,
    # The staff module is due each year on this day (MM-DD), or this many days after joining.
    "STAFF_MODULE_DUE": "09-30",
    "STAFF_MODULE_NEW_STAFF_DAYS": 30,
    # Nobody is sent a reminder more often than this.
    "REMINDER_INTERVAL_DAYS": 7,
    # The parents' yearly acknowledgement: a personal link works this many days (never after
    # the campaign closes); "send me a new link" sends at most this many a day per guardian.
    "PARENT_LINK_DAYS": 28,
    "PARENT_NEW_LINKS_PER_DAY": 3,
    # A campaign closes by default at the end of the autumn term (MM-DD), or, when started
    # after that, this many weeks later; never after the school year ends.
    "AUTUMN_TERM_ENDS": "12-18",
    "PARENT_CAMPAIGN_WEEKS": 6,
    # Reminders to guardians who have not answered: due this many days after their first email
    # (strictly increasing whole days, comma-separated; empty for none). `flask portal
    # send-reminders` sends them; one that cron missed is skipped once the next is due.
    "PARENT_REMINDER_DAYS": "7,14",
    # The school office: told when a parent has a question; shown to parents as the
    # way to raise a concern (with the telephone number) until the reporting form exists.
    "OFFICE_EMAIL": "office@wilkinson.example.org",
    "OFFICE_PHONE": "01632 960 000",
    # The public "report a concern" form: at most this many reports an hour from one network
    # address (a school's families share few addresses; a flood is refused, with the phone number).
    "PUBLIC_REPORTS_PER_HOUR": 10,
    # Who may open the incident log (comma-separated roles): only ever some of head_teacher,
    # esafety_lead, dsl and deputy_dsl. The school may narrow the list, never widen it.
    "INCIDENT_LOG_ROLES": "head_teacher,esafety_lead,dsl,deputy_dsl",
    # Who must sign in with an authenticator app as well as a password: "incident_log" (those
    # who can open the incident log, before it opens) or "all_staff" (everyone, from sign-in).
    "TWO_FACTOR_FOR": "incident_log",
    # Biggest request body accepted (roster uploads included), in bytes.
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # Biggest text a form may send (all its fields; each field of a multipart form), in bytes,
    # and most fields in one form. A bigger form is refused with 413 before anything reads it.
    "MAX_FORM_MEMORY_SIZE": 500_000,
    "MAX_FORM_PARTS": 1000,
}

INT_SETTINGS = {
    "SMTP_PORT",
    "SMTP_TIMEOUT",
    "SMTP_DATA_TIMEOUT",
    "INVITATION_MAX_AGE_DAYS",
    "LOGIN_MAX_FAILURES_PER_ACCOUNT",
    "LOGIN_MAX_FAILURES_PER_ADDRESS",
    "LOGIN_THROTTLE_MINUTES",
    "STAFF_SESSION_HOURS",
    "MAX_CONTENT_LENGTH",
    "MAX_FORM_MEMORY_SIZE",
    "MAX_FORM_PARTS",
    "TRUSTED_PROXIES",
    "STAFF_MODULE_NEW_STAFF_DAYS",
    "REMINDER_INTERVAL_DAYS",
    "BOARD_REFRESH_SECONDS",
    "PARENT_LINK_DAYS",
    "PARENT_NEW_LINKS_PER_DAY",
    "PARENT_CAMPAIGN_WEEKS",
    "PUBLIC_REPORTS_PER_HOUR",
}


def settings_from_environment(environ=os.environ) -> dict:
    """The defaults, overridden by any PORTAL_* environment variable."""
    settings = dict(DEFAULTS)
    for name in DEFAULTS:
        value = environ.get(f"PORTAL_{name}")
        if value is not None:
            settings[name] = int(value) if name in INT_SETTINGS else value
    return settings


def private_folder(path: str) -> Path:
    """The folder at ``path``, made if missing; either way only its owner may enter it."""
    folder = Path(path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _owner_only(folder)
    return folder


def private_sqlite_file(database_url: str) -> None:
    """Create a SQLite database file readable by its owner alone, before SQLite does.

    SQLite gives its -wal and -shm files the database file's permissions.
    """
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return
    path = Path(url.database)
    if path.parent.is_dir():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        _owner_only(path)


def _owner_only(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        try:
            path.chmod(mode & 0o700)
        except PermissionError:  # not ours to change: say so rather than refuse to start
            logging.getLogger(__name__).warning("%s is readable by other users", path)


def instance_secret_key(instance_path: str) -> str:
    """The key kept in instance/secret_key, written there on first use."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        private_folder(instance_path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _clock_time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _school_hours(value: str) -> None:
    opens, closes = (_clock_time(part) for part in value.split("-"))
    if opens >= closes:
        raise ValueError("school hours close before they open")


def _month_day(value: str) -> date:
    month, day = value.split("-")
    return date(2000, int(month), int(day))  # a leap year, so 02-29 is a day


def reminder_days(value: str) -> tuple[int, ...]:
    """Reads "7,14" as (7, 14), empty as (); ValueError unless strictly increasing days > 0."""
    days = tuple(int(part) for part in value.split(",")) if value.strip() else ()
    if any(day < 1 for day in days) or any(a >= b for a, b in pairwise(days)):
        raise ValueError("days must be positive and strictly increasing")
    return days


# Settings written as text that the portal reads as times of day, days of the year, a zone or
# a list of days.
CLOCK_SETTINGS = {
    "SCHOOL_DAY_ENDS": ("HH:MM, or empty", lambda v: not v or _clock_time(v)),
    "SCHOOL_HOURS": ("HH:MM-HH:MM, opening before closing", _school_hours),
    "STAFF_MODULE_DUE": ("MM-DD", _month_day),
    "AUTUMN_TERM_ENDS": ("MM-DD", _month_day),
    "TIMEZONE": ("a zone such as Europe/London", ZoneInfo),
    "PARENT_REMINDER_DAYS": (
        "strictly increasing whole days separated by commas, such as 7,14, or empty",
        reminder_days,
    ),
}


def unreadable_settings(config: dict) -> list[str]:
    """Clock settings the portal could not read, named as PORTAL_* with the form expected."""
    problems = []
    for name, (form, read) in CLOCK_SETTINGS.items():
        if name not in config:
            continue
        try:
            read(str(config[name]))
        except (ValueError, ZoneInfoNotFoundError):
            problems.append(f"PORTAL_{name} should be {form}, not {config[name]!r}")
    return problems


def role_list(value: str) -> tuple[str, ...]:
    """Roles written as "head_teacher, dsl": lower case, in the order given, blanks dropped."""
    return tuple(part.strip().lower() for part in str(value).split(",") if part.strip())


def refused_access_settings(config: dict) -> list[str]:
    """Settings that would widen who sees the most sensitive data, or that mean nothing."""
    problems = []
    roles = role_list(config.get("INCIDENT_LOG_ROLES", ""))
    outside = [role for role in roles if role not in INCIDENT_LOG_ROLES]
    if not roles or outside:
        problems.append(
            "PORTAL_INCIDENT_LOG_ROLES may only narrow the incident log to some of "
            f"{', '.join(INCIDENT_LOG_ROLES)}, not {config.get('INCIDENT_LOG_ROLES')!r}"
        )
    if config.get("TWO_FACTOR_FOR") not in TWO_FACTOR_CHOICES:
        problems.append(
            "PORTAL_TWO_FACTOR_FOR should be incident_log or all_staff, "
            f"not {config.get('TWO_FACTOR_FOR')!r}"
        )
    return problems


def insecure_settings(config: dict) -> list[str]:
    """Reasons why these settings are not safe to serve a school with (empty when fine)."""
    problems = []
    if config.get("DEBUG"):
        problems.append("debug mode is on: unset FLASK_DEBUG")
    if len(config.get("SECRET_KEY") or "") < 32:
        problems.append("PORTAL_SECRET_KEY is shorter than 32 characters")
    if not str(config.get("BASE_URL", "")).startswith("https://"):
        problems.append("PORTAL_BASE_URL must start with https:// so cookies and links are secure")
    if config.get("SMTP_PASSWORD") and config.get("SMTP_TLS") == "none":
        problems.append(
            "PORTAL_SMTP_PASSWORD would cross the network in clear: set PORTAL_SMTP_TLS"
        )
    if config.get("SMTP_TLS") not in ("none", "starttls", "ssl"):
        problems.append("PORTAL_SMTP_TLS must be none, starttls or ssl")
    return problems


def engine_options(database_url: str) -> dict:
    """Connection settings: SQLite waits for a busy writer instead of failing at once."""
    if database_url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}
