"""The e-Safety lead, who keeps the pupils' AUPs, sees one flagged after the Social Media
Policy's review and records its review in a real browser; axe checks every page on the way."""

import re

from playwright.sync_api import expect

from portal.clock import school_today
from portal.extensions import db
from portal.policies.service import record_review
from portal.policies.shipped import install_shipped_policies
from tests.helpers.browser import sign_in_as
from tests.helpers.builders import make_staff
from tests.helpers.checkers import assert_accessible
from tests.helpers.policies import policy

AUP_TITLE = "Acceptable Internet Use Policy: Key Stage 2"


def test_the_esafety_lead_reviews_an_aup_flagged_by_the_policys_review(app, browser, live_server):
    install_shipped_policies(school_today())
    head = make_staff("head@wilkinson.example.org", roles=("head_teacher",))
    record_review(policy(), school_today(), head, "no_change", "", school_today())
    db.session.commit()
    make_staff("lead@wilkinson.example.org", roles=("esafety_lead",), name="Esi Lead")
    page = browser.new_page()
    sign_in_as(page, live_server, "lead@wilkinson.example.org")

    expect(page.get_by_text(f"{AUP_TITLE}: to review")).to_be_visible()  # on the home page
    assert_accessible(page)
    page.goto(f"{live_server}/policies/")
    aup_row = page.get_by_role("row", name=re.compile(AUP_TITLE))
    expect(aup_row).to_contain_text("To review: the Social Media Policy changed on")
    assert_accessible(page)

    aup_row.get_by_role("link", name=AUP_TITLE).click()
    expect(page.get_by_text("Kept by the e-Safety lead")).to_be_visible()
    expect(page.locator(".source-changed")).to_contain_text("This document is written from it")
    assert_accessible(page)
    page.get_by_role("button", name="Record a review").click()

    expect(page.get_by_role("heading", name="Record a review")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("No change").check()
    page.get_by_label("Notes").fill("Read against the policy's review: nothing to change.")
    page.get_by_role("button", name="Record the review").click()

    expect(page.get_by_text("Review recorded.")).to_be_visible()
    expect(page.locator(".source-changed")).to_have_count(0)
    expect(page.get_by_role("cell", name="Esi Lead")).to_be_visible()
    assert_accessible(page)

    # The staff guidelines are the Head Teacher's: read, not kept, by the e-Safety lead.
    page.goto(f"{live_server}/policies/staff-guidelines")
    expect(page.locator(".source-changed")).to_contain_text("a review of this one is due")
    expect(page.get_by_role("button", name="Record a review")).to_have_count(0)
    assert_accessible(page)
    page.close()
