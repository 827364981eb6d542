"""The whole pupils' journey in Chromium, as the issue describes it: the teacher opens a session,
a pupil signs in with code, name and picture, agrees to the AUP, answers with one wrong answer,
reloads mid-quiz, finishes; the teacher's class view shows it. Then a second pupil does the same
quiz with the keyboard alone. axe-core checks every screen on the way."""

import re

import pytest
from playwright.sync_api import expect

from portal.clock import school_today
from portal.extensions import db
from portal.policies.shipped import install_shipped_policies
from portal.quiz.catalogue import quiz_for
from tests.helpers.builders import make_class, make_pupil, make_staff
from tests.helpers.checkers import assert_accessible

TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def oak(app):
    app.config["SCHOOL_DAY_ENDS"] = ""  # the journey may run at any hour
    install_shipped_policies(school_today())
    oak = make_class("Oak", 1)
    make_staff("teacher1@wilkinson.example.org", name="Ruth Okafor", classes=[oak])
    make_pupil(oak, "Amara", "Adeyemi").picture = "fox"
    make_pupil(oak, "Ben", "Smith").picture = "owl"
    db.session.commit()
    return oak


def open_session(page, live_server) -> str:
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("teacher1@wilkinson.example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=re.compile("Start a class session")).click()
    return page.locator(".board-code").inner_text().strip()


def sign_in_on_tablet(tablet, live_server, code, name, picture):
    tablet.goto(f"{live_server}/class")
    assert_accessible(tablet)
    tablet.get_by_label("The four numbers on the board").fill(code)
    tablet.get_by_role("button", name="Go").click()
    assert_accessible(tablet)
    tablet.get_by_role("link", name=name).click()  # said aloud first, then the link is followed
    expect(tablet.get_by_role("button", name=picture)).to_be_visible()
    assert_accessible(tablet)
    tablet.get_by_role("button", name=picture).click()


def choice_text(question, correct: bool) -> str:
    return next(c.text for c in question.choices if c.correct == correct)


def answer(tablet, question, correct: bool):
    tablet.get_by_role("button", name=choice_text(question, correct), exact=True).click()


def test_a_pupil_signs_in_agrees_answers_resumes_and_the_teacher_sees_it(
    app, oak, page, live_server
):
    quiz = quiz_for("KS1").for_year(1)  # Oak is Year 1
    code = open_session(page, live_server)
    tablet = page.context.browser.new_context(viewport=TABLET).new_page()
    sign_in_on_tablet(tablet, live_server, code, "Amara A.", "Fox")

    expect(tablet.get_by_role("button", name="I agree")).to_be_visible()
    expect(tablet.get_by_text(re.compile("consent", re.I))).to_have_count(0)
    assert_accessible(tablet)
    tablet.get_by_role("button", name="I agree").click()
    tablet.get_by_role("button", name="Start the quiz").click()

    first, second = quiz.questions[0], quiz.questions[1]
    expect(tablet.get_by_role("heading", name=first.text)).to_be_visible()
    assert_accessible(tablet)
    answer(tablet, first, correct=False)
    wrong = next(c for c in first.choices if not c.correct)
    expect(tablet.get_by_text(wrong.explanation)).to_be_visible()
    assert_accessible(tablet)  # the feedback, swapped in by htmx
    tablet.get_by_role("button", name="Next question").click()
    expect(tablet.get_by_role("heading", name=second.text)).to_be_visible()
    answer(tablet, second, correct=True)
    tablet.get_by_role("button", name="Next question").click()

    tablet.reload()  # the tablet is closed and opened again mid-quiz
    expect(tablet.get_by_role("heading", name=quiz.questions[2].text)).to_be_visible()
    for question in quiz.questions[2:]:
        expect(tablet.get_by_role("heading", name=question.text)).to_be_visible()
        answer(tablet, question, correct=True)
        tablet.get_by_role("button", name=re.compile("Next question|See my stars")).click()
    expect(tablet.get_by_text(re.compile("%"))).to_have_count(0)
    assert_accessible(tablet)  # the end page: stars, not a percentage

    page.goto(f"{live_server}/teach/classes/{oak.id}")
    expect(page.get_by_role("row", name=re.compile(r"^Amara Adeyemi"))).to_contain_text("Done")
    question_row = page.get_by_role("row", name=re.compile(re.escape(first.text)))
    expect(question_row).to_contain_text(wrong.text)
    expect(question_row).to_contain_text("0 of 1 (0%)")  # answered right, of those who answered
    expect(question_row).to_contain_text("1 pupil")
    assert_accessible(page)


def test_the_same_quiz_with_the_keyboard_alone(app, oak, page, live_server):
    quiz = quiz_for("KS1").for_year(1)  # Oak is Year 1
    code = open_session(page, live_server)
    tablet = page.context.browser.new_context(viewport=TABLET).new_page()
    tablet.goto(f"{live_server}/class?code={code}")
    expect(tablet.get_by_role("heading", name="Tap your name")).to_be_visible()
    press_tab_until(tablet, "Ben S.")
    tablet.keyboard.press("Enter")
    expect(tablet.get_by_role("heading", name=re.compile("tap your picture"))).to_be_visible()
    press_tab_until(tablet, "Owl")
    tablet.keyboard.press("Enter")
    expect(tablet.get_by_role("button", name="I agree")).to_be_visible()
    press_tab_until(tablet, "I agree")
    tablet.keyboard.press("Enter")
    expect(tablet.get_by_role("button", name="Start the quiz")).to_be_visible()
    press_tab_until(tablet, "Start the quiz")
    tablet.keyboard.press("Enter")
    for number, question in enumerate(quiz.questions, start=1):
        expect(tablet.get_by_role("heading", name=question.text)).to_be_visible()
        press_tab_until(tablet, choice_text(question, correct=True), contains=True)
        tablet.keyboard.press("Enter")
        last = number == len(quiz.questions)
        follow = tablet.get_by_role("button", name="See my stars" if last else "Next question")
        expect(follow).to_be_visible()
        press_tab_until(tablet, "See my stars" if last else "Next question")
        tablet.keyboard.press("Enter")
    expect(tablet.get_by_role("button", name="Play again")).to_be_visible()


def press_tab_until(page, text: str, contains: bool = False, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.innerText.trim()")
        if (text in focused) if contains else focused.startswith(text):
            return
    raise AssertionError(f"Tab never reached {text!r}")
