"""How dates, times and statuses read on every page and in every email. Imports no feature."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from markupsafe import Markup, escape


def long_date(value: date | datetime | None) -> str:
    """24 November 2026"""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def school_time(value: datetime) -> datetime:
    """A stored (naive UTC) time on the school's clock."""
    return value.replace(tzinfo=UTC).astimezone(ZoneInfo(current_app.config["TIMEZONE"]))


def school_day_starts(day: date) -> datetime:
    """When ``day`` begins on the school's clock, as a stored (naive UTC) time."""
    local = datetime.combine(day, time(), tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))
    return local.astimezone(UTC).replace(tzinfo=None)


def status(kind: str, label: str, detail: str = "") -> Markup:
    """A status as a reader meets it in a table cell: its word (coloured by kind, never by
    colour alone) and, when there is one, the detail after it. Python, not a macro: a list
    shows two on each of its rows (and each part escaped into an f-string, which makes the
    same HTML as Markup's ``%`` at under half its cost)."""
    tag = f'<span class="status status-{escape(kind.replace("_", "-"))}">{escape(label)}</span>'
    if detail:
        tag += f' <small class="detail">{escape(detail)}</small>'
    return Markup(tag)  # noqa: S704  (every value above is escaped)
