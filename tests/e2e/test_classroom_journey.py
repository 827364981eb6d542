"""A teacher opens a class session; a pupil signs in on a tablet; the board shows it live."""

import re

import pytest
from playwright.sync_api import expect

from portal.clock import school_today
from portal.extensions import db
from portal.policies.shipped import install_shipped_policies
from tests.helpers.builders import make_class, make_pupil, make_staff
from tests.helpers.checkers import assert_accessible
from tests.helpers.web import with_classroom

TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def app(app):
    install_shipped_policies(school_today())
    db.session.commit()
    return with_classroom(app)


@pytest.fixture
def oak(app):
    oak = make_class("Oak", 1)
    make_staff("teacher1@wilkinson.example.org", name="Ruth Okafor", classes=[oak])
    amara = make_pupil(oak, "Amara", "Adeyemi")
    make_pupil(oak, "Ben", "Smith").picture = "owl"
    amara.picture = "fox"
    db.session.commit()
    return oak


def start_session_on_the_board(page, live_server):
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("teacher1@wilkinson.example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=re.compile("Start a class session")).click()
    expect(page.get_by_role("heading", name=re.compile("Oak: sign in"))).to_be_visible()
    return page.locator(".board-code").inner_text().strip()


def tab_to(page, name: str, limit: int = 40) -> None:
    """Press Tab until the focused element's text is ``name``: keyboard only, as a child might."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.innerText.trim()").startswith(name):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_teacher_starts_a_session_and_a_pupil_signs_in_with_their_picture(oak, page, live_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    code = start_session_on_the_board(page, live_server)
    assert re.fullmatch(r"\d{4}", code)
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    expect(page.locator("#live-status")).to_contain_text("0 of 2 signed in")
    assert_accessible(page)

    tablet = page.context.browser.new_context(viewport=TABLET).new_page()
    tablet.goto(f"{live_server}/class")
    assert_accessible(tablet)
    tablet.get_by_label("The four numbers on the board").fill("0000" if code != "0000" else "9999")
    tablet.get_by_role("button", name="Go").click()
    expect(tablet.get_by_role("alert")).to_contain_text("isn't open")
    assert_accessible(tablet)
    tablet.get_by_label("The four numbers on the board").fill(code)
    tablet.keyboard.press("Enter")

    expect(tablet.get_by_role("heading", name="Tap your name")).to_be_visible()
    expect(tablet.get_by_text("Adeyemi")).to_have_count(0)
    assert_accessible(tablet)
    tab_to(tablet, "Amara A.")
    tablet.keyboard.press("Enter")

    expect(tablet.get_by_role("heading", name="Amara A., tap your picture")).to_be_visible()
    assert_accessible(tablet)
    tablet.get_by_role("button", name="Dog").click()
    expect(tablet.get_by_role("alert")).to_have_text("Not that one. You have 2 more tries.")
    assert_accessible(tablet)
    tab_to(tablet, "Fox")
    tablet.keyboard.press("Enter")
    expect(tablet).to_have_url(re.compile(r"/me(/aup)?$"))

    expect(page.locator("#live-status")).to_contain_text("1 of 2 signed in", timeout=12_000)
    expect(page.get_by_role("row", name=re.compile("Amara A."))).to_contain_text("Signed in")
    assert_accessible(page)
    tablet.context.close()


def test_a_locked_pupil_is_unlocked_from_the_board(oak, page, live_server):
    code = start_session_on_the_board(page, live_server)
    tablet = page.context.browser.new_context(viewport=TABLET).new_page()
    tablet.goto(f"{live_server}/class?code={code}")
    tablet.get_by_role("link", name="Ben S.").click()
    for name in ("Dog", "Cat", "Bee"):
        tablet.get_by_role("button", name=name).click()
    expect(
        tablet.get_by_role("heading", name="Ask your teacher to help you sign in.")
    ).to_be_visible()
    assert_accessible(tablet)

    expect(page.locator("#live-status")).to_contain_text("1 needs help", timeout=12_000)
    assert_accessible(page)
    page.get_by_role("button", name="Unlock Ben S.").click()
    expect(page.locator("#live-status")).to_contain_text("nobody needs help")
    tablet.get_by_role("link", name="Back to the names").click()
    tablet.get_by_role("link", name="Ben S.").click()
    tablet.get_by_role("button", name="Owl").click()
    expect(tablet).to_have_url(re.compile(r"/me(/aup)?$"))
    tablet.context.close()


def test_after_a_wrong_code_a_child_types_the_right_one_straight_away(oak, page, live_server):
    """The field is empty again (the message quotes the wrong code), so typing just works."""
    code = start_session_on_the_board(page, live_server)
    wrong = "0000" if code != "0000" else "9999"
    tablet = page.context.browser.new_context(viewport=TABLET).new_page()
    tablet.goto(f"{live_server}/class")
    field = tablet.get_by_label("The four numbers on the board")
    expect(field).to_be_focused()  # the field has focus as the page opens
    tablet.keyboard.type(wrong)
    tablet.keyboard.press("Enter")
    expect(tablet.get_by_role("alert")).to_contain_text(f"{wrong} isn't open")
    expect(field).to_be_focused()
    expect(field).to_have_value("")
    tablet.keyboard.type(code)
    tablet.keyboard.press("Enter")
    expect(tablet.get_by_role("heading", name="Tap your name")).to_be_visible()
