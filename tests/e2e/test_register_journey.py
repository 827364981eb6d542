"""A teacher asks to use a class blog and the e-Safety lead approves it, in a real browser, on
a laptop and on a phone, with axe finding nothing on the list, the form and the entry."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import sign_in_as
from tests.helpers.builders import make_class, make_staff
from tests.helpers.checkers import assert_accessible

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_teacher_asks_for_a_blog_and_the_lead_approves_it(app, browser, live_server, viewport):
    oak = make_class("Oak", 3)
    make_staff("teacher@school.test", roles=("teacher",), classes=[oak])
    make_staff("lead@school.test", roles=("esafety_lead",), name="Lee Lead")

    page = browser.new_page(viewport=viewport)
    sign_in_as(page, live_server, "teacher@school.test")
    page.get_by_role("link", name="Tools in lessons").click()
    expect(
        page.get_by_role("heading", name="Risk assessments of social media tools")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add a tool").click()
    assert_accessible(page)
    page.get_by_role("button", name="Ask for approval").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_contain_text("Name the tool.")
    assert page.title().startswith("Error:")
    assert_accessible(page)
    page.get_by_label("The tool").fill("The Oak class blog")
    page.get_by_label("Oak").check()
    page.get_by_label("What pupils will do with it").fill("Write about science week.")
    page.get_by_label("The risks and how they are managed").fill("First names only; no faces.")
    page.get_by_role("button", name="Ask for approval").click()
    expect(page.get_by_text("It now awaits approval.")).to_be_visible()
    expect(page.get_by_text("Awaiting approval", exact=True)).to_be_visible()
    assert_accessible(page)
    entry = page.url
    page.get_by_role("button", name="Sign out").click()

    sign_in_as(page, live_server, "lead@school.test")
    page.goto(entry)
    assert_accessible(page)  # the entry with the lead's actions
    page.get_by_role("button", name="Approve it").click()
    expect(page.get_by_text("Its review is due on")).to_be_visible()
    expect(page.get_by_text("Approved by Lee Lead")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Risk assessments of social media tools").click()
    page.get_by_label("Status").select_option("approved")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"status=approved"))  # the filter lives in the address
    expect(page.get_by_role("link", name="The Oak class blog")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.close()
