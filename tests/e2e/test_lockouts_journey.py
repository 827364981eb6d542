"""Being stopped, and being let back in: the teacher's board and the admin's staff list."""

import re

import pytest
from playwright.sync_api import expect

from portal.auth import throttle
from portal.auth.service import account_key
from portal.classroom import code_guesses
from portal.clock import school_today, utcnow
from portal.extensions import db
from portal.policies.shipped import install_shipped_policies
from tests.helpers.builders import PASSWORD, make_class, make_pupil, make_staff
from tests.helpers.checkers import assert_accessible
from tests.helpers.web import with_classroom


@pytest.fixture
def app(app):
    install_shipped_policies(school_today())
    db.session.commit()
    return with_classroom(app)


def sign_in(page, live_server, email: str):
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def use_up(key: str, limit: int, minutes: int) -> None:
    """As if ``limit`` wrong tries had just been made against ``key``."""
    for _ in range(limit):
        throttle.take_ticket(key, limit, minutes, utcnow())


def type_code(tablet, live_server, code: str):
    tablet.goto(f"{live_server}/class")
    tablet.get_by_label("The four numbers on the board").fill(code)
    tablet.get_by_role("button", name="Go").click()


def test_a_teacher_lets_stopped_tablets_try_the_class_code_again(page, context, live_server):
    oak = make_class("Oak", 1)
    make_staff("teacher1@wilkinson.example.org", classes=[oak])
    make_pupil(oak, "Amara", "Adeyemi").picture = "fox"
    db.session.commit()
    sign_in(page, live_server, "teacher1@wilkinson.example.org")
    page.get_by_role("button", name=re.compile("Start a class session")).click()
    code = page.locator(".board-code").inner_text().strip()

    use_up(code_guesses.guesser_key("127.0.0.1"), code_guesses.GUESSES_ALLOWED, 15)
    tablet = context.browser.new_context().new_page()
    type_code(tablet, live_server, code)
    expect(tablet.get_by_text(re.compile("Too many wrong codes from here"))).to_be_visible()

    notice = page.get_by_text(re.compile("Tablets at this school's address were stopped"))
    expect(notice).to_be_visible(timeout=10_000)  # the live list polls every 5 seconds
    expect(page.get_by_role("status")).to_contain_text("tablets here are stopped")
    assert_accessible(page)
    page.get_by_role("button", name="Let tablets try again").click()
    expect(notice).to_be_hidden()
    expect(page.get_by_role("status")).to_be_focused()  # not lost with the button it pressed
    expect(page.get_by_role("status")).not_to_contain_text("stopped")

    type_code(tablet, live_server, code)
    expect(tablet.get_by_role("link", name="Amara A.")).to_be_visible()


def test_an_admin_unlocks_an_account_that_failed_sign_ins_locked(page, live_server):
    make_staff("admin@wilkinson.example.org", roles=("admin",))
    teacher = make_staff("teacher1@wilkinson.example.org", name="Ruth Okafor")
    use_up(account_key(teacher.email), 10, 15)
    sign_in(page, live_server, "admin@wilkinson.example.org")
    page.goto(f"{live_server}/admin/staff/")
    expect(page.get_by_text("Locked by failed sign-ins")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Unlock Ruth Okafor").click()
    expect(page.get_by_text("Locked by failed sign-ins")).to_be_hidden()

    page.get_by_role("button", name=re.compile("Sign out")).click()
    sign_in(page, live_server, teacher.email)
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()
