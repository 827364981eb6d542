"""What pupils understand, in a real browser: the Head Teacher narrows the school's figures to
Key Stage 1 (htmx swaps the table and the address follows), opens a class from its figure,
and reads the strands covered; every screen passes axe, on a laptop and on a phone."""

import re

from playwright.sync_api import expect

from portal.extensions import db
from portal.quiz.catalogue import quiz_for
from tests.helpers.browser import sign_in_as
from tests.helpers.builders import make_class, make_pupil, make_staff, take_quiz
from tests.helpers.checkers import assert_accessible

PHONE = {"width": 320, "height": 640}


def first_go(pupil, quiz, right: bool) -> None:
    question = quiz.questions[0]
    wrong = next(c for c in question.choices if not c.correct)
    take_quiz(pupil, quiz, {1: "right" if right else wrong.id})


def test_the_head_narrows_to_a_key_stage_and_opens_a_class(app, page, live_server):
    oak, elm = make_class("Oak", 1), make_class("Elm", 2)
    quiz = quiz_for("KS1")
    for n, right in enumerate([True, False, False]):
        first_go(make_pupil(oak, f"Oak{n}"), quiz, right)
    first_go(make_pupil(elm), quiz, True)
    db.session.commit()
    make_staff("head@wilkinson.example.org", roles=("head_teacher",), classes=[oak])
    sign_in_as(page, live_server, "head@wilkinson.example.org")

    page.goto(f"{live_server}/admin/understanding")
    expect(page.get_by_role("heading", name=re.compile("What pupils understand"))).to_be_visible()
    expect(page.get_by_role("cell", name="2 of 4 (50%)")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Key Stage").select_option("KS1")
    expect(page).to_have_url(re.compile(r"key_stage=KS1"))
    expect(page.get_by_role("cell", name="1 of 3 (33%)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Oak").first.click()
    expect(page).to_have_url(re.compile(rf"/teach/classes/{oak.id}$"))

    page.goto(f"{live_server}/admin/coverage")
    reputation_row = page.get_by_role("row", name=re.compile("Online reputation"))
    expect(reputation_row.get_by_role("cell", name="Not at this age")).to_be_visible()
    expect(page.locator(".coverage-gap")).to_have_count(0)  # no strand missing its question
    expect(page.get_by_role("cell", name="6 of 6 (100%)")).to_be_visible()
    assert_accessible(page)

    page.set_viewport_size(PHONE)
    for address in ("/admin/understanding?key_stage=KS1", "/admin/coverage"):
        page.goto(f"{live_server}{address}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert_accessible(page)
