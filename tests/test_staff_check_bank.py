"""The staff module asks exactly this school year's ten scenarios drawn from the bank: the
check page, grading, pass mark, result, certificate and the leaders' figures all use them,
and a past attempt shows with the questions it was asked."""

import re
from datetime import date

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from portal import clock
from portal.clock import school_today
from portal.extensions import db
from portal.people.school_year import academic_year
from portal.policies.shipped import install_shipped_policies
from portal.quiz.bank import draw
from portal.quiz.catalogue import get_quiz
from portal.quiz.models import QuizAnswer, QuizAttempt
from portal.staff_module.status import CHECK_QUIZ_ID, ModuleSettings, check_for_year, module_status
from tests.helpers.builders import make_staff
from tests.helpers.web import post_form, sign_in

TODAY = school_today()
YEAR = academic_year(TODAY).start_year


@pytest.fixture
def teacher(client):
    install_shipped_policies(TODAY)
    db.session.commit()
    staff = make_staff("teacher1@wilkinson.example.org", name="Ruth Okafor")
    sign_in(client, staff.email)
    return staff


def asked_on_page(html: str) -> list[str]:
    """The question ids of the check's form, in order."""
    return re.findall(r'<fieldset id="q-([a-z0-9-]+)"', html)


def read_and_start(client) -> str:
    for card in range(1, 7):
        post_form(client, f"/module/read/{card}", page=f"/module/read/{card}")
    start = post_form(client, "/module/check/start", page="/module/check")
    assert start.status_code == 302
    return start.location


def shows(html: str, question) -> bool:
    return str(escape(question.text)) in html


def answers(questions, right: int) -> dict[str, str]:
    wrong = {q.id: next(c.id for c in q.choices if not c.correct) for q in questions}
    return {
        q.id: q.correct_choice_id if n < right else wrong[q.id] for n, q in enumerate(questions)
    }


def test_the_bank_holds_more_than_the_ten_a_year_asks(app):
    bank = get_quiz(CHECK_QUIZ_ID)
    assert len(bank.questions) > 10 and len(check_for_year(YEAR).questions) == 10


def test_the_module_asks_exactly_this_years_ten_end_to_end(app, client, teacher):
    ten = check_for_year(YEAR).questions
    assert [q.id for q in ten] == [q.id for q in draw(get_quiz(CHECK_QUIZ_ID), YEAR)]
    for card in range(1, 7):
        post_form(client, f"/module/read/{card}", page=f"/module/read/{card}")
    intro = client.get("/module/check").get_data(as_text=True)
    assert "There are 10 short scenarios" in intro and "80% (8 of 10)" in intro
    attempt_url = post_form(client, "/module/check/start", page="/module/check").location
    assert asked_on_page(client.get(attempt_url).get_data(as_text=True)) == [q.id for q in ten]

    result = client.get(post_form(client, attempt_url, answers(ten, 8), page=attempt_url).location)
    html = result.get_data(as_text=True)
    assert "You passed the check" in html and "You answered 8 of 10 correctly (80%)" in html
    assert all(shows(html, q) for q in ten)
    attempt = db.session.scalar(select(QuizAttempt))
    assert (attempt.score, attempt.total, attempt.passed) == (8, 10, True)
    stored = db.session.scalars(select(QuizAnswer.question_id)).all()
    assert sorted(stored) == sorted(q.id for q in ten)

    post_form(
        client,
        "/module/acknowledge",
        {
            "version_id": module_status(teacher, TODAY, ModuleSettings()).version.id,
            "typed_name": "Ruth Okafor",
        },
        page="/module/acknowledge",
    )
    assert "passed the check with 8 of 10" in client.get("/module/certificate").get_data(
        as_text=True
    )
    head = app.test_client()
    sign_in(head, make_staff(roles=("head_teacher",)).email)
    assert "Passed (8 of 10), 1 attempt" in head.get("/admin/module").get_data(as_text=True)


def test_an_answer_to_a_scenario_not_drawn_this_year_is_refused(client, teacher):
    ten = check_for_year(YEAR).questions
    left_out = next(q for q in get_quiz(CHECK_QUIZ_ID).questions if q not in ten)
    attempt_url = read_and_start(client)
    extra = {**answers(ten, 10), left_out.id: left_out.correct_choice_id}
    assert post_form(client, attempt_url, extra, page=attempt_url).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(QuizAnswer)) == 0


def test_every_member_of_staff_is_asked_the_same_ten(app, client, teacher):
    mine = asked_on_page(client.get(read_and_start(client)).get_data(as_text=True))
    colleague = app.test_client()
    sign_in(colleague, make_staff().email)
    theirs = asked_on_page(colleague.get(read_and_start(colleague)).get_data(as_text=True))
    assert mine == theirs == [q.id for q in check_for_year(YEAR).questions]


@pytest.fixture
def school_clock():
    """Hold the school's clock on another day; back to today afterwards."""
    yield clock.hold_school_day
    clock.hold_school_day(TODAY)


def test_next_year_asks_a_different_ten_and_this_years_result_keeps_its_own(
    client, teacher, school_clock
):
    this_year = check_for_year(YEAR).questions
    attempt_url = read_and_start(client)
    result_url = post_form(client, attempt_url, answers(this_year, 9), page=attempt_url).location
    school_clock(date(YEAR + 1, 10, 1))

    next_year = check_for_year(YEAR + 1).questions
    assert {q.id for q in next_year} != {q.id for q in this_year}
    assert asked_on_page(client.get(read_and_start(client)).get_data(as_text=True)) == [
        q.id for q in next_year
    ]
    old = client.get(result_url).get_data(as_text=True)
    assert "You answered 9 of 10 correctly" in old
    assert all(shows(old, q) for q in this_year)
    assert not any(shows(old, q) for q in next_year if q not in this_year)


def test_an_unfinished_attempt_on_an_older_revision_is_asked_again_on_the_current_one(
    client, teacher
):
    attempt_url = read_and_start(client)
    attempt = db.session.scalar(select(QuizAttempt))
    attempt.quiz_revision = "older"  # the file was edited after it was opened
    db.session.commit()
    ten = check_for_year(YEAR).questions
    response = post_form(client, attempt_url, answers(ten, 10), page=attempt_url)
    assert response.location == "/module/check"
    assert "The check was updated after you opened it" in client.get("/module/check").get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(QuizAnswer)) == 0
    again = post_form(client, "/module/check/start", page="/module/check").location
    assert again != attempt_url
    assert asked_on_page(client.get(again).get_data(as_text=True)) == [q.id for q in ten]
