"""A governor acknowledges the Social Media Policy for the year, and a teacher acknowledges the
policy with the staff guidelines, in a real browser on a laptop and on a phone, with axe
finding nothing on any page they see and nothing scrolling sideways."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import sign_in_as
from tests.helpers.builders import install_content, make_staff
from tests.helpers.checkers import assert_accessible
from tests.helpers.staff_module import read_and_passed

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}
VIEWPORTS = pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])


def assert_fits(page, viewport) -> None:
    """Accessible, and nothing wider than the window (WCAG 1.4.10)."""
    assert_accessible(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], width


@VIEWPORTS
def test_a_governor_reads_and_acknowledges_the_policy_for_the_year(
    app, browser, live_server, viewport
):
    install_content()
    make_staff("gwen@school.test", roles=("governor",), name="Gwen Governor")
    page = browser.new_page(viewport=viewport)
    sign_in_as(page, live_server, "gwen@school.test")

    expect(page.get_by_text("As a governor, please read and acknowledge")).to_be_visible()
    assert_fits(page, viewport)
    page.get_by_role("button", name="Read and acknowledge the policy").click()
    expect(page.get_by_role("heading", name="Acknowledge the Social Media Policy")).to_be_visible()
    assert_fits(page, viewport)

    page.get_by_role("link", name=re.compile("Read the Social Media Policy")).click()
    expect(
        page.get_by_role("heading", name="Social Media Policy", exact=False).first
    ).to_be_visible()
    page.go_back()

    page.get_by_role("button", name="I acknowledge").click()  # no name typed
    expect(page.get_by_role("alert")).to_contain_text("Type your full name")
    assert page.title().startswith("Error:")
    assert_fits(page, viewport)
    page.get_by_label("Type your full name").fill("Gwen Governor")
    page.get_by_role("button", name="I acknowledge").click()

    expect(page.get_by_text("You have acknowledged the Social Media Policy for")).to_be_visible()
    assert_fits(page, viewport)


@VIEWPORTS
def test_a_teacher_acknowledges_the_policy_and_the_guidelines_together(
    app, browser, live_server, viewport
):
    install_content()
    read_and_passed(make_staff("ruth@school.test", name="Ruth Okafor"))
    page = browser.new_page(viewport=viewport)
    sign_in_as(page, live_server, "ruth@school.test")

    page.goto(f"{live_server}/module/acknowledge")
    expect(
        page.get_by_role("heading", name="What the Social Media Policy asks of staff")
    ).to_be_visible()
    expect(page.get_by_text("and the staff guidelines (version 1")).to_be_visible()
    assert_fits(page, viewport)
    page.get_by_label("Type your full name").fill("Ruth Okafor")
    page.get_by_role("button", name="I acknowledge").click()

    expect(page.get_by_role("heading", name="Certificate of completion")).to_be_visible()
    expect(
        page.get_by_text("the Social Media Policy (version 1) and the staff guidelines")
    ).to_be_visible()
    assert_fits(page, viewport)
