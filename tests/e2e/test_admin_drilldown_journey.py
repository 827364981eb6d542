"""The Head Teacher narrows the pupils' grid by keyboard: Key Stage, a name, a sort, page 2.
The address follows each step, reload shows the same rows and Back the rows before."""

import re

from playwright.sync_api import expect

from portal.clock import school_today
from portal.extensions import db
from portal.people.models import Pupil
from portal.policies.shipped import install_shipped_policies
from tests.helpers.browser import sign_in_as, tab_to
from tests.helpers.builders import make_class, make_staff
from tests.helpers.checkers import assert_accessible


def rows(page) -> list[str]:
    return page.locator("#list-results tbody th").all_inner_texts()


def test_the_head_narrows_the_pupils_grid_and_the_address_keeps_up(page, live_server):
    install_shipped_policies(school_today())
    oak, ash, elm = make_class("Oak", 1), make_class("Ash", 4), make_class("Elm", 5)
    db.session.add_all(
        Pupil(mis_id=f"M{n}", first_name=f"Kit{n:02d}", last_name="Rivers", school_class=school)
        for n, school in enumerate([oak] * 5 + [ash, elm] * 30)
    )
    db.session.add(Pupil(mis_id="X1", first_name="Zed", last_name="Other", school_class=ash))
    make_staff("head@wilkinson.example.org", roles=("head_teacher",))
    db.session.commit()
    sign_in_as(page, live_server, "head@wilkinson.example.org")
    page.goto(f"{live_server}/admin/pupils")
    expect(page.locator("#list-count")).to_have_text("1 to 50 of 66 pupils.")

    # Key Stage 2, by keyboard: Every Key Stage -> EYFS -> KS1 -> KS2.
    tab_to(page, page.get_by_label("Key Stage"))
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(page).to_have_url(re.compile(r"/admin/pupils\?key_stage=KS2$"))
    expect(page.locator("#list-count")).to_have_text("1 to 50 of 61 pupils.")
    assert_accessible(page)  # after a swap

    tab_to(page, page.get_by_label("Pupil's name"))
    page.keyboard.type("rivers")
    expect(page).to_have_url(re.compile(r"key_stage=KS2&q=rivers$"))
    expect(page.locator("#list-count")).to_have_text("1 to 50 of 60 pupils.")

    # Sort by class, by keyboard: Ash (Year 4) before Elm (Year 5); the heading keeps the focus.
    tab_to(page, page.get_by_role("link", name="Class", exact=True))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"key_stage=KS2&sort=class&q=rivers$"))
    expect(page.locator("#sort-class")).to_be_focused()
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Class")
    first_page = rows(page)
    assert first_page[0] == "Kit05 Rivers" and first_page[29] == "Kit63 Rivers"  # every Ash
    assert first_page[30] == "Kit06 Rivers"  # then Elm

    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"sort=class&q=rivers&page=2$"))
    expect(page.locator("#list-count")).to_have_text("51 to 60 of 60 pupils.")
    second_page = rows(page)
    assert len(second_page) == 10 and set(second_page).isdisjoint(first_page)
    assert_accessible(page)

    page.reload()
    expect(page.locator("#list-count")).to_have_text("51 to 60 of 60 pupils.")
    assert rows(page) == second_page
    expect(page.get_by_label("Pupil's name")).to_have_value("rivers")

    page.go_back()
    expect(page).to_have_url(re.compile(r"key_stage=KS2&sort=class&q=rivers$"))
    expect(page.locator("#list-count")).to_have_text("1 to 50 of 60 pupils.")
    assert rows(page) == first_page
    expect(page.get_by_label("Key Stage")).to_have_value("KS2")
