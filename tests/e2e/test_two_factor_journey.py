"""A Head Teacher turns on two-factor sign-in with the key typed from the page, then signs in
with a code from the app and, another time, with a recovery code; by keyboard, axe-clean."""

import re
import time
from datetime import timedelta

import pyotp
from playwright.sync_api import expect

from portal.clock import utcnow
from tests.helpers.browser import sign_in_as
from tests.helpers.builders import make_staff
from tests.helpers.checkers import assert_accessible

EMAIL = "head@wilkinson.example.org"


def code_after(secret: str, seconds: int) -> str:
    """The code the app shows ``seconds`` from now (a later step than any used before)."""
    return pyotp.TOTP(secret).at(time.time() + seconds)


def test_set_up_then_sign_in_with_a_code_and_with_a_recovery_code(page, live_server):
    make_staff(EMAIL, roles=("head_teacher", "dsl"), name="Helen Adeyemi")
    sign_in_as(page, live_server, EMAIL)
    page.get_by_role("link", name="Two-factor", exact=True).click()
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible(page)

    secret = page.locator("#two-factor-secret code").inner_text().replace(" ", "")
    code_field = page.get_by_label("The 6-digit code your app shows")
    code_field.fill("000000")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("That code did not work")
    assert_accessible(page)
    page.get_by_label("The 6-digit code your app shows").fill(code_after(secret, 0))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)
    page.get_by_role("button", name="I have kept my codes: continue").click()
    expect(page.get_by_text("You have 10 of 10 recovery codes left.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in_as(page, live_server, EMAIL)
    expect(page.get_by_role("heading", name="Type your code")).to_be_visible()
    expect(page.get_by_label("Code")).to_be_focused()
    assert_accessible(page)
    page.keyboard.type(code_after(secret, 30))  # the step after set-up's: never the same twice
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Hello, Helen")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in_as(page, live_server, EMAIL)
    expect(page.get_by_label("Code")).to_be_focused()  # typing goes into the field
    page.keyboard.type(codes[0])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Hello, Helen")).to_be_visible()
    assert_accessible(page)


def test_the_head_teacher_resets_a_colleagues_lost_phone(page, live_server):
    from portal.auth import totp, two_factor
    from portal.extensions import db

    colleague = make_staff(name="Ruth Okafor")
    setting = two_factor.begin_setup(colleague)
    earlier = utcnow() - timedelta(minutes=2)
    two_factor.confirm_setup(colleague, totp.code_at(setting.secret, earlier), earlier)
    db.session.commit()
    make_staff(EMAIL, roles=("head_teacher",), name="Helen Adeyemi")
    sign_in_as(page, live_server, EMAIL)
    page.get_by_role("link", name="Staff two-factor").click()
    assert_accessible(page)
    page.get_by_role("link", name="Reset Ruth Okafor's two-factor sign-in").click()
    assert_accessible(page)
    page.get_by_role("button", name="Reset Ruth Okafor's two-factor sign-in").click()
    expect(page.get_by_text("Ruth Okafor's two-factor sign-in is reset")).to_be_visible()
    assert_accessible(page)
