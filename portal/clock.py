"""The portal's clock: stored times are naive UTC; the date is the school's. Imports no feature."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

SCHOOL_ZONE = "Europe/London"  # the school's clock when no app is configured (config.TIMEZONE)
_held_day: date | None = None


def utcnow() -> datetime:
    """Now, as naive UTC, the way every time is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def school_today() -> date:
    """Today's date on the school's clock, whatever the server's own timezone: at 00:30 in
    June a server on UTC is still on yesterday, the school is not."""
    if _held_day is not None:
        return _held_day
    zone = current_app.config["TIMEZONE"] if has_app_context() else SCHOOL_ZONE
    return datetime.now(ZoneInfo(zone)).date()


def hold_school_day(day: date | None) -> None:
    """Keep ``school_today()`` on one date (None lets it run again). For the test suite, whose
    run can cross midnight while its fixtures were dated the day before."""
    global _held_day
    _held_day = day
