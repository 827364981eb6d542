"""The school's date follows the school's clock, not the server's timezone."""

from datetime import datetime, timedelta

import pytest

from portal import clock


@pytest.fixture
def running_clock(monkeypatch):
    """The clock as it runs in the portal, not held on the run's date."""
    monkeypatch.setattr(clock, "_held_day", None)


def test_the_school_date_is_the_date_on_the_configured_clock(running_clock, app):
    # UTC+14 and UTC-11: whatever the server's zone, the two are never on the same date.
    app.config["TIMEZONE"] = "Pacific/Kiritimati"
    ahead = clock.school_today()
    app.config["TIMEZONE"] = "Pacific/Pago_Pago"
    behind = clock.school_today()
    assert ahead - behind in (timedelta(days=1), timedelta(days=2))


def test_a_held_day_stays_put_whatever_the_clock_says(monkeypatch):
    held = datetime(2027, 6, 30).date()
    monkeypatch.setattr(clock, "_held_day", None)
    clock.hold_school_day(held)
    try:
        assert clock.school_today() == held
    finally:
        monkeypatch.undo()
