"""How dates and times read on every page and in every email. Imports no feature."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app


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
