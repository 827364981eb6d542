"""A Year 1 pupil tells a grown-up, in Chromium: signed in with code, name and picture, they tap
"Tell a grown-up", a face, a place and "My teacher", send, and are thanked; the Head Teacher,
in another browser, finds the report in the log. Every screen is read aloud, has no axe
violation, and every target a finger needs is at least 44 pixels each way."""

import re

import pytest
from playwright.sync_api import expect

from portal.auth import totp
from portal.clock import school_today, utcnow
from portal.extensions import db
from portal.people.roles import HEAD_TEACHER
from portal.policies.shipped import install_shipped_policies
from tests.helpers.browser import sign_in_as, tab_to
from tests.helpers.builders import make_class, make_pupil, make_staff, open_class_session
from tests.helpers.checkers import assert_accessible
from tests.helpers.speech import FAKE_SPEECH
from tests.helpers.two_factor import with_two_factor

TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 320, "height": 640}
HEAD = "head@wilkinson.example.org"
SMALLEST_TARGET = 44  # pixels, each way (WCAG 2.5.5's size; small fingers need it)


@pytest.fixture
def oak(app):
    app.config["SCHOOL_DAY_ENDS"] = ""  # the journey may run at any hour
    install_shipped_policies(school_today())
    oak = make_class("Oak", 1)
    teacher = make_staff("teacher1@wilkinson.example.org", name="Ruth Okafor", classes=[oak])
    make_pupil(oak, "Amara", "Adeyemi").picture = "fox"
    db.session.commit()
    return open_class_session(oak, teacher, code="5317")


@pytest.fixture
def head_secret(app) -> str:
    """The Head Teacher, whose authenticator app holds this secret."""
    return with_two_factor(make_staff(HEAD, roles=(HEAD_TEACHER,), name="Helen Head"))


def sign_in_on_tablet(tablet, live_server, code: str) -> None:
    tablet.goto(f"{live_server}/class")
    tablet.get_by_label("The four numbers on the board").fill(code)
    tablet.get_by_role("button", name="Go").click()
    tablet.get_by_role("link", name="Amara A.").click()
    tablet.get_by_role("button", name="Fox").click()
    expect(tablet.get_by_role("button", name="I agree")).to_be_visible()


def said_last(page, words: str) -> None:
    """Wait until the newest utterance is ``words``; else fail, saying what was said."""
    try:
        page.wait_for_function(
            "w => (window.__spoken.at(-1) || {}).text === w", arg=words, timeout=5000
        )
    except Exception:
        raise AssertionError(page.evaluate("() => window.__spoken.map(u => u.text)")) from None


def the_log(browser, live_server, secret: str):
    """The Head Teacher, in another browser, signed in with password and code, at the log."""
    office = browser.new_context().new_page()
    sign_in_as(office, live_server, HEAD)
    office.get_by_label("Code").fill(totp.code_at(secret, utcnow()))
    office.keyboard.press("Enter")
    expect(office.get_by_label("Code")).to_have_count(0)
    office.goto(f"{live_server}/incidents/")
    expect(office.get_by_role("heading", name="Online-safety log")).to_be_visible()
    return office


def assert_big_enough(*targets) -> None:
    for target in targets:
        box = target.bounding_box()
        assert box["width"] >= SMALLEST_TARGET and box["height"] >= SMALLEST_TARGET, (target, box)


def test_a_year_1_pupil_tells_a_grown_up_and_the_head_teacher_sees_it(
    app, oak, browser, live_server, head_secret
):
    tablet = browser.new_context(viewport=TABLET).new_page()
    tablet.add_init_script(FAKE_SPEECH)
    sign_in_on_tablet(tablet, live_server, oak.code)

    tell = tablet.get_by_role("link", name="Tell a grown-up")
    assert_big_enough(tell)
    tell.click()

    said_last(
        tablet,
        "Tell a grown-up. How do you feel? Sad. Worried. Scared. Angry. "
        "I\u2019m OK, but something happened",
    )
    faces = tablet.get_by_role("button", name=re.compile("^(Sad|Worried|Scared|Angry|I\u2019m OK)"))
    expect(faces).to_have_count(5)
    assert_big_enough(*faces.all(), tablet.get_by_role("button", name="Read aloud: Sad"))
    assert_accessible(tablet)
    tablet.get_by_role("button", name="Worried", exact=True).click()

    expect(tablet.get_by_role("heading", name="Where did it happen?")).to_be_visible()
    said_last(
        tablet,
        "Where did it happen? A game. A video. Messages. A tablet at school. A phone. "
        "Somewhere else",
    )
    assert_big_enough(*tablet.locator("button.tell-choice").all())
    assert_accessible(tablet)
    tablet.get_by_role("button", name="A game", exact=True).click()

    expect(tablet.get_by_role("heading", name="Who should know?")).to_be_visible()
    assert_accessible(tablet)
    tablet.get_by_role("button", name="My teacher", exact=True).click()

    expect(tablet.get_by_role("heading", name="You can tell us more if you want")).to_be_visible()
    expect(tablet.get_by_label(re.compile("show my name"))).to_have_count(0)  # Year 1: always named
    assert_accessible(tablet)
    tablet.get_by_label("Your words").fill("Someone in the game keeps saying mean things to me.")
    send = tablet.get_by_role("button", name="Send")
    assert_big_enough(send)
    send.click()

    expect(tablet.get_by_role("heading", name="Thank you for telling us.")).to_be_visible()
    expect(tablet.get_by_text("A grown-up will talk to you soon.")).to_be_visible()
    said_last(tablet, "Send. Thank you for telling us. A grown-up will talk to you soon.")
    expect(tablet.get_by_text(re.compile(r"OS-\d{4}"))).to_have_count(0)
    assert_accessible(tablet)
    back = tablet.get_by_role("link", name="Back to my screen")
    assert_big_enough(back)
    back.click()
    expect(tablet.get_by_role("button", name="I agree")).to_be_visible()  # where they were

    office = the_log(browser, live_server, head_secret)
    row = office.get_by_role("row", name=re.compile("Amara Adeyemi"))
    expect(row).to_contain_text("Not yet chosen")
    expect(row).to_contain_text("Amara Adeyemi (told us)")
    row.get_by_role("link").click()
    expect(office.locator("dd", has_text="Worried")).to_be_visible()
    expect(
        office.get_by_text("Someone in the game keeps saying mean things to me.")
    ).to_be_visible()


def test_the_button_fits_a_narrow_phone_beside_sign_out(app, oak, browser, live_server):
    phone = browser.new_context(viewport=PHONE).new_page()
    sign_in_on_tablet(phone, live_server, oak.code)
    tell = phone.get_by_role("link", name="Tell a grown-up")
    assert_big_enough(tell, phone.get_by_role("button", name="Sign out"))
    assert tell.locator("img").bounding_box()["width"] >= 24  # the picture is not squeezed out
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    tell.click()
    assert_big_enough(*phone.locator("button.tell-choice").all())
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(phone)


def test_a_year_5_pupil_tells_with_the_keyboard_alone_and_leaves_their_name_off(
    app, oak, browser, live_server, head_secret
):
    willow = make_class("Willow", 5)
    teacher = make_staff(classes=[willow])
    make_pupil(willow, "Zainab", "Quartermaine").picture = "owl"
    db.session.commit()
    session = open_class_session(willow, teacher, code="7429")
    tablet = browser.new_context(viewport=TABLET).new_page()
    tablet.goto(f"{live_server}/class")
    tablet.get_by_label("The four numbers on the board").fill(session.code)
    tablet.get_by_role("button", name="Go").click()
    tablet.get_by_role("link", name="Zainab Q.").click()
    tablet.get_by_role("button", name="Owl").click()

    for target in ("Tell a trusted adult", "Scared", "Messages", "The e-Safety lead"):
        tab_to(
            tablet,
            tablet.get_by_role("link", name=target).or_(
                tablet.get_by_role("button", name=target, exact=True)
            ),
        )
        tablet.keyboard.press("Enter")
    hide = tablet.get_by_label("Don\u2019t show my name")
    expect(hide).to_be_visible()
    assert_accessible(tablet)
    tab_to(tablet, hide)
    tablet.keyboard.press("Space")
    expect(hide).to_be_checked()
    tab_to(tablet, tablet.get_by_role("button", name="Send"))
    tablet.keyboard.press("Enter")

    expect(tablet.get_by_role("heading", name="Thank you for telling us.")).to_be_visible()
    expect(tablet.get_by_text("The grown-ups will read it and help.")).to_be_visible()
    assert_accessible(tablet)

    office = the_log(browser, live_server, head_secret)
    expect(office.get_by_role("row", name=re.compile("None named"))).to_have_count(1)
    expect(office.get_by_text("Zainab")).to_have_count(0)
