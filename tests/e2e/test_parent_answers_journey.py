"""Who has answered, in a real browser: the office opens the totals, follows a class, filters
it without JavaScript's help, and every screen passes axe, on a laptop and on a phone."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.parents import service
from portal.parents.models import ParentInvite
from tests.helpers.browser import sign_in_as
from tests.helpers.builders import make_staff
from tests.helpers.checkers import assert_accessible
from tests.helpers.parents import MAIL, make_family, start

PHONE = {"width": 320, "height": 640}


def test_the_office_follows_who_has_answered_class_by_class(app, page, live_server):
    family = make_family()
    start()
    invite = db.session.scalar(
        select(ParentInvite).where(ParentInvite.guardian_id == family["grace"].id)
    )
    service.record_answer(invite, "question", None, "Can I film the <b>nativity</b>?", MAIL)
    db.session.commit()
    make_staff("office@wilkinson.example.org", roles=("admin",), name="Olu Office")
    sign_in_as(page, live_server, "office@wilkinson.example.org")

    page.get_by_role("link", name="Parents' answers").click()
    expect(page.get_by_role("heading", name=re.compile("Who has answered"))).to_be_visible()
    expect(page.get_by_role("cell", name="Can I film the <b>nativity</b>?")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Oak").click()
    expect(page.get_by_role("heading", name="Oak: who has answered")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Show").select_option("no_email")
    page.get_by_role("button", name="Show these guardians").click()
    expect(page).to_have_url(re.compile(r"status=no_email"))
    expect(page.get_by_role("row", name=re.compile(family["femi"].full_name))).to_be_visible()
    expect(page.get_by_text(family["grace"].full_name)).to_have_count(0)
    assert_accessible(page)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/admin/parents/answers")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
