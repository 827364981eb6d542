"""An editor previews a changed AUP in a real browser, with htmx and without, before publishing."""

import pytest
from playwright.sync_api import expect

from portal.clock import school_today
from portal.extensions import db
from portal.policies.shipped import install_shipped_policies
from tests.helpers.builders import make_staff
from tests.helpers.checkers import assert_accessible

URL = "/policies/aup-eyfs-ks1/publish"


@pytest.mark.parametrize("javascript", [True, False])
def test_an_editor_previews_the_aup_as_pupils_will_see_it(app, browser, live_server, javascript):
    install_shipped_policies(school_today())
    db.session.commit()
    make_staff("head@wilkinson.example.org", roles=("head_teacher",))
    page = browser.new_page(java_script_enabled=javascript)
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("head@wilkinson.example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}{URL}")
    text = page.get_by_label("The policy text")
    text.fill(text.input_value().replace("I will be kind", "I will be very kind"))
    page.get_by_role("button", name="Preview").click()

    preview = page.locator("#preview")
    expect(preview.get_by_text("I will be very kind to people online")).to_be_visible()
    expect(preview.locator(".aup-picture")).to_have_count(7)
    assert ("/publish" in page.url) == javascript  # htmx swapped the preview in place
    if javascript:  # axe runs in the page, so only where scripts may run
        assert_accessible(page)

    text.fill(text.input_value().replace("- 🧑‍🏫 I will only", "- I will only"))
    page.get_by_role("button", name="Preview").click()
    expect(preview.get_by_text("Line 3:")).to_be_visible()
    expect(preview.locator(".aup-picture")).to_have_count(0)
    if javascript:
        assert_accessible(page)
    page.close()
