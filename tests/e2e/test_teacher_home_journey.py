"""A teacher with three minutes before the bell: in school hours the class session comes first."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from portal.clock import school_today
from portal.core import home
from portal.extensions import db
from portal.policies.shipped import install_shipped_policies
from tests.helpers.browser import sign_in_as
from tests.helpers.builders import make_class, make_staff
from tests.helpers.checkers import assert_accessible

LAPTOP = {"width": 1366, "height": 768}
# Naive UTC, as the portal's clock gives it: 08:50 and 18:30 in London on Tuesday 10 November 2026.
TUESDAY_BEFORE_THE_BELL = datetime(2026, 11, 10, 8, 50)
TUESDAY_EVENING = datetime(2026, 11, 10, 18, 30)
SATURDAY_MORNING = datetime(2026, 11, 14, 8, 50)
BEFORE = (
    "(first, second) => first.compareDocumentPosition(second) & Node.DOCUMENT_POSITION_FOLLOWING"
)


@pytest.fixture
def teacher(app):
    """A class teacher whose staff module is due (as it is each year for everyone)."""
    install_shipped_policies(school_today())
    db.session.commit()
    make_staff("teacher1@wilkinson.example.org", name="Ruth Okafor", classes=[make_class("Oak", 1)])


def open_home(page, live_server, monkeypatch, now: datetime):
    monkeypatch.setattr(home, "utcnow", lambda: now)
    page.set_viewport_size(LAPTOP)
    sign_in_as(page, live_server, "teacher1@wilkinson.example.org")
    expect(page.get_by_role("heading", name="Hello, Ruth")).to_be_visible()


def comes_before(page, first: str, second: str) -> bool:
    return bool(
        page.evaluate(
            f"() => ({BEFORE})(document.querySelector({first!r}), "
            f"document.querySelector({second!r}))"
        )
    )


def test_in_school_hours_start_a_class_session_is_first_and_in_the_first_screenful(
    page, live_server, monkeypatch, teacher
):
    open_home(page, live_server, monkeypatch, TUESDAY_BEFORE_THE_BELL)
    start = page.get_by_role("button", name="Start a class session for Oak")
    expect(start).to_be_visible()
    box = start.bounding_box()
    assert box["y"] + box["height"] <= LAPTOP["height"], box
    expect(page.locator(".due-card")).to_be_visible()  # the module is still there, below
    assert comes_before(page, "#classroom-heading", "#due")
    assert_accessible(page)


@pytest.mark.parametrize("now", [TUESDAY_EVENING, SATURDAY_MORNING], ids=["evening", "weekend"])
def test_out_of_school_hours_the_staff_module_due_comes_first(
    page, live_server, monkeypatch, teacher, now
):
    open_home(page, live_server, monkeypatch, now)
    expect(page.locator(".due-card")).to_be_visible()
    expect(page.get_by_role("button", name="Start a class session for Oak")).to_be_attached()
    assert comes_before(page, "#due", "#classroom-heading")
