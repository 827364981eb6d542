"""A member of staff with the keyboard alone: what looks like a button answers Space."""

import re

from playwright.sync_api import expect

from tests.helpers.builders import PASSWORD, make_staff


def test_space_follows_a_link_drawn_as_a_button(page, live_server):
    make_staff("admin@wilkinson.example.org", roles=("admin",))
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("admin@wilkinson.example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"{live_server}/admin/staff/")
    add = page.get_by_role("button", name="Add a member of staff")
    add.focus()
    expect(add).to_be_focused()
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"/admin/staff/new$"))
    expect(page.get_by_role("heading", name=re.compile("member of staff", re.I))).to_be_visible()
