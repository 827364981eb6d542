"""The teacher's class view by keyboard alone: after Save, focus lands on the row's confirmation."""

import re

from playwright.sync_api import expect

from portal.clock import school_today
from portal.extensions import db
from portal.policies.shipped import install_shipped_policies
from tests.helpers.browser import sign_in_as, tab_to
from tests.helpers.builders import make_class, make_pupil, make_staff
from tests.helpers.checkers import assert_accessible


def test_saving_a_pupils_settings_by_keyboard_lands_on_the_confirmation(page, live_server):
    install_shipped_policies(school_today())
    oak = make_class("Oak", 1)
    make_staff("teacher1@wilkinson.example.org", classes=[oak])
    amara = make_pupil(oak, "Amara", "Adeyemi")
    make_pupil(oak, "Ben", "Smith")
    db.session.commit()
    sign_in_as(page, live_server, "teacher1@wilkinson.example.org")
    page.goto(f"{live_server}/teach/classes/{oak.id}")

    read_aloud = page.get_by_label("Read aloud for Amara Adeyemi")
    expect(read_aloud).to_be_checked()  # on by default in Key Stage 1
    tab_to(page, read_aloud)
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Save the quiz settings for Amara Adeyemi"))
    page.keyboard.press("Enter")

    saved = page.locator(f"#pupil-{amara.id}").get_by_text("Saved", exact=True)
    expect(saved).to_be_focused()
    expect(page.get_by_role("status")).to_have_text(
        re.compile("Saved the quiz settings for Amara Adeyemi")
    )
    assert_accessible(page)

    page.keyboard.press("Tab")  # on to the next pupil's first setting
    expect(page.get_by_label("Read aloud for Ben Smith")).to_be_focused()
    page.reload()
    expect(page.get_by_label("Read aloud for Amara Adeyemi")).not_to_be_checked()
