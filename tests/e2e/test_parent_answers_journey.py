"""Who has answered, in a real browser: the office opens the totals, follows a class to the
guardians list, filters it (htmx keeps the address), reminds one guardian from their row, and
every screen passes axe, on a laptop and on a phone."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.parents import service
from portal.parents.models import ParentInvite
from tests.helpers.browser import sign_in_as
from tests.helpers.builders import make_class, make_guardian, make_pupil, make_staff
from tests.helpers.checkers import assert_accessible
from tests.helpers.parents import MAIL, make_family, outbox, start

PHONE = {"width": 320, "height": 640}


def test_the_office_follows_a_class_to_its_guardians_and_reminds_one(app, page, live_server):
    family = make_family()
    waiting = make_guardian([make_pupil(make_class("Elm", 2), "Zara")], email="w@example.org")
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
    expect(page.get_by_role("heading", name="Guardians: parents' acknowledgement")).to_be_visible()
    expect(page.get_by_label("Class")).to_have_value(str(family["amara"].school_class.id))
    expect(page.get_by_text(waiting.full_name)).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Status").select_option("no_email")  # htmx refreshes on change
    expect(page).to_have_url(re.compile(r"status=no_email"))
    expect(page.get_by_role("row", name=re.compile(family["femi"].full_name))).to_be_visible()
    expect(page.get_by_text(family["grace"].full_name)).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Class").select_option("")
    page.get_by_label("Status").select_option("no_answer")
    row = page.get_by_role("row", name=re.compile(waiting.full_name))
    row.get_by_role("button", name=f"Send a reminder to {waiting.full_name}").click()
    expect(page.get_by_role("status").filter(has_text="A reminder was sent")).to_be_visible()
    expect(row).to_contain_text("1 reminder, last sent")
    expect(page).to_have_url(re.compile(r"status=no_answer"))
    assert len(outbox("w@example.org")) == 2
    assert_accessible(page)

    page.set_viewport_size(PHONE)
    for address in ("/admin/parents/answers", "/admin/guardians"):
        page.goto(f"{live_server}{address}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert_accessible(page)
