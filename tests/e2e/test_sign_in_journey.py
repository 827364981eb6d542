"""A member of staff signs in, lands on the home page and signs out, in a real browser."""

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.helpers.builders import make_staff
from tests.helpers.checkers import assert_accessible


def test_sign_in_home_and_sign_out(page, live_server):
    make_staff("teacher1@wilkinson.example.org", name="Ruth Okafor")
    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Email address").fill("teacher1@wilkinson.example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello, Ruth")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/sign-in"))


def test_wrong_password_shows_the_problem_next_to_the_form(page, live_server):
    make_staff("teacher1@wilkinson.example.org")
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("teacher1@wilkinson.example.org")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match an active account")
    expect(page.get_by_label("Email address")).to_have_value("teacher1@wilkinson.example.org")
    assert_accessible(page)


def test_sign_in_works_on_a_phone_with_the_keyboard_alone(page, live_server):
    make_staff("teacher1@wilkinson.example.org", name="Ruth Okafor")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server}/sign-in")
    page.keyboard.type("teacher1@wilkinson.example.org")  # the email field has focus
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Hello, Ruth")).to_be_visible()
    fits = "() => document.documentElement.scrollWidth <= 360"
    try:  # settled layout: a page measured mid-load (stylesheets in flight) looks too wide
        page.wait_for_function(fits, timeout=5000)
    except PlaywrightTimeout:
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 361)
            .map(e => `${e.tagName}.${e.className} ${e.getBoundingClientRect().right}`)""")
        raise AssertionError(f"wider than 360px: {wide}") from None
