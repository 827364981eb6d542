"""Each year brings new questions, in a real browser: a Year 3 pupil and a Year 5 pupil of Key
Stage 2 take the one KS2 quiz on their tablets and are asked different questions; then the
Head Teacher reads which year group each question is for and what each year group covers.
Every screen passes axe. The quizzes folder is the tests' own (tests/helpers/year_quizzes.py).
"""

import re

import pytest
from playwright.sync_api import expect

from portal.quiz.catalogue import quiz_for
from tests.e2e.test_pupil_quiz_journey import TABLET, choose_and_go_on, make_seated_pupil, sign_in
from tests.helpers.browser import sign_in_as
from tests.helpers.builders import install_content, make_staff
from tests.helpers.checkers import assert_accessible
from tests.helpers.year_quizzes import ks2_questions_for, text_of, use_year_quizzes


@pytest.fixture
def app(app, tmp_path):
    use_year_quizzes(app, tmp_path / "quizzes")
    install_content()
    return app


def take_the_quiz(page, live_server, year_group: int, first_name: str) -> list[str]:
    """Sign in, agree and answer every question as it comes; the questions' texts, in order."""
    pupil, class_session = make_seated_pupil(year_group, first_name=first_name)
    sign_in(page, live_server, pupil, class_session)
    page.get_by_role("button", name="I agree").click()
    page.get_by_role("button", name="Start the quiz").click()
    quiz, asked = quiz_for("KS2"), []
    while True:
        heading = page.locator("#question-heading")
        expect(heading).to_be_visible()
        said = " ".join(heading.text_content().split())  # "Question n of m: " (hidden), text
        question = next(q for q in quiz.questions if said.endswith(q.text))
        asked.append(question.text)
        if question.year is not None:
            expect(page.get_by_text(f"Question {len(asked)} of 9")).to_be_attached()
            assert_accessible(page)
        choose_and_go_on(page, question)
        next_question = page.get_by_role("button", name="Next question")
        if not next_question.count():
            break
        next_question.click()
    page.get_by_role("button", name="See my stars").click()
    expect(page.get_by_role("img", name="3 stars")).to_be_visible()
    return asked


def test_a_year_3_and_a_year_5_pupil_get_different_questions(browser, live_server):
    seen = {}
    for year_group, name in ((3, "Priya"), (5, "Tomasz")):
        context = browser.new_context(viewport=TABLET)
        seen[year_group] = take_the_quiz(context.new_page(), live_server, year_group, name)
        context.close()
    for year_group in (3, 5):
        assert seen[year_group] == [text_of(q) for q in ks2_questions_for(year_group)]
    assert text_of("ks2-year-3") in seen[3] and text_of("ks2-year-3") not in seen[5]
    assert text_of("ks2-year-5") in seen[5] and text_of("ks2-year-5") not in seen[3]


def test_the_head_reads_which_year_group_each_question_and_strand_is_for(page, live_server):
    make_staff("head@wilkinson.example.org", roles=("head_teacher",))
    sign_in_as(page, live_server, "head@wilkinson.example.org")
    page.goto(f"{live_server}/admin/understanding?key_stage=KS2")
    expect(page.get_by_text("Question 9, Key Stage 2, Year 3 only")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server}/admin/coverage")
    expect(page.get_by_role("columnheader", name="Year 5")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Key Stage 2")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Year 3: 9, Year 4: 8"))).to_be_visible()
    assert_accessible(page)
