"""A pupil signs in on a tablet, agrees to their AUP and takes the quiz, in a real browser.

Pupils sign in through the classroom's real pages: class code, name, picture.
"""

import re
from itertools import count

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.quiz.catalogue import quiz_for
from tests.helpers.builders import (
    install_content,
    make_class,
    make_pupil,
    make_staff,
    open_class_session,
)
from tests.helpers.checkers import assert_accessible
from tests.helpers.speech import FAKE_SPEECH, NO_SPEECH

_codes = count(5101)
TABLET = {"width": 820, "height": 1180}
RIGHT, THINK = "Well done!", "Let's think about it"  # the feedback headings


@pytest.fixture
def app(app):
    install_content()
    return app


def make_seated_pupil(year_group, first_name="Amara", **accommodations):
    """A pupil whose class has an open session; their picture is the owl."""
    school_class = make_class(year_group=year_group)
    class_session = open_class_session(
        school_class, make_staff(classes=[school_class]), code=str(next(_codes))
    )
    pupil = make_pupil(school_class, first_name=first_name)
    pupil.picture = "owl"
    for name, value in accommodations.items():
        setattr(pupil, name, value)
    db.session.commit()
    return pupil, class_session


def sign_in(page, live_server, pupil, class_session):
    """Through the classroom's pages: the code on the board, my name, my picture."""
    page.goto(f"{live_server}/class")
    page.get_by_label("The four numbers on the board").fill(class_session.code)
    page.get_by_role("button", name="Go").click()
    page.get_by_role("link", name=pupil.display_name).click()
    page.get_by_role("button", name="Owl").click()


def answer(page, choice) -> None:
    # As a child would: once the screen has loaded and htmx has wired up what it swapped in.
    page.wait_for_load_state()
    expect(page.locator("#quiz-region.htmx-settling")).to_have_count(0)
    page.get_by_role("button", name=choice.text, exact=True).click()


def choose_and_go_on(page, question, right=True) -> None:
    on_screen = [
        c for c in question.choices if page.get_by_role("button", name=c.text, exact=True).count()
    ]
    answer(page, next(c for c in on_screen if c.correct == right))
    expect(page.get_by_role("heading", name=RIGHT if right else THINK)).to_be_focused()


def test_a_pupil_agrees_answers_reloads_resumes_and_finishes(page, live_server):
    pupil, class_session = make_seated_pupil(1)
    quiz = quiz_for("KS1").for_year(1)
    sign_in(page, live_server, pupil, class_session)

    expect(page).to_have_url(re.compile(r"/me/aup$"))
    expect(page.get_by_role("heading", name="How we stay safe online")).to_be_visible()
    expect(page.get_by_role("img", name="key")).to_have_count(0)  # the KS1 text, not KS2's
    assert "consent" not in page.content().lower()
    assert_accessible(page)
    page.get_by_role("button", name="I agree").click()

    expect(page.get_by_role("heading", name="Hello, Amara!")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start the quiz").click()

    first, second, third = quiz.questions[:3]
    expect(page.get_by_role("heading", name=first.text)).to_be_visible()
    assert_accessible(page)
    wrong = next(c for c in first.choices if not c.correct)
    answer(page, wrong)
    expect(page.get_by_role("heading", name=THINK)).to_be_focused()
    expect(page.get_by_text(wrong.explanation)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Answer saved")  # not the whole card
    expect(page).to_have_url(re.compile(r"/me/quiz$"))  # a reload resumes at the next question
    assert_accessible(page)  # after the htmx swap

    page.get_by_role("button", name="Next question").click()
    expect(page.get_by_role("heading", name=second.text)).to_be_focused()
    assert_accessible(page)
    choose_and_go_on(page, second)
    page.get_by_role("button", name="Next question").click()
    expect(page.get_by_role("heading", name=third.text)).to_be_visible()

    page.reload()  # the tablet is closed and opened again in the middle of the quiz
    expect(page.get_by_role("heading", name=third.text)).to_be_visible()
    expect(page.get_by_text(f"Question 3 of {len(quiz.questions)}")).to_be_attached()
    expect(page.locator(".dot-done")).to_have_count(2)

    for question in quiz.questions[2:]:
        expect(page.get_by_role("heading", name=question.text)).to_be_visible()
        choose_and_go_on(page, question)
        if question is not quiz.questions[-1]:
            page.get_by_role("button", name="Next question").click()
    page.get_by_role("button", name="See my stars").click()

    expect(page.get_by_role("heading", name="You finished the quiz!")).to_be_visible()
    expect(page.get_by_role("img", name="3 stars")).to_be_visible()
    assert "%" not in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="I have finished: sign out").click()
    expect(page).to_have_url(re.compile(r"/class"))


def test_the_quiz_can_be_completed_with_the_keyboard_alone(page, live_server):
    pupil, class_session = make_seated_pupil(0, first_name="Noah")
    quiz = quiz_for("EYFS")
    sign_in(page, live_server, pupil, class_session)
    expect(page).to_have_url(re.compile(r"/me/aup$"))
    press_on(page, "I agree", "Enter")
    expect(page.get_by_role("heading", name="Hello, Noah!")).to_be_visible()
    press_on(page, "Start the quiz", "Space")
    for number, question in enumerate(quiz.questions, start=1):
        heading = page.get_by_role("heading", name=question.text)
        if number == 1:
            expect(heading).to_be_visible()
            page.wait_for_load_state()
        else:  # swapped in by htmx: focus moves to the question once it has settled
            expect(heading).to_be_focused()
        press_on(page, question.correct_choice.text, "Enter" if number % 2 else "Space")
        expect(page.get_by_role("heading", name=RIGHT)).to_be_focused()
        # Both keys a button answers, on the link-buttons too.
        go_on = "See my stars" if number == len(quiz.questions) else "Next question"
        press_on(page, go_on, "Space" if number % 2 else "Enter")
    expect(page.get_by_role("heading", name="You finished the quiz!")).to_be_visible()


def press_on(page, name: str, key: str, limit: int = 40) -> None:
    """Tab forward until the control named ``name`` has focus, then press ``key``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => (document.activeElement.innerText || '').trim()")
        if focused == name or name in focused.split("\n") or focused.endswith(name):
            page.keyboard.press(key)
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_speaker_buttons_read_aloud_and_always_read_aloud_reads_each_screen(page, live_server):
    page.add_init_script(FAKE_SPEECH)
    pupil, class_session = make_seated_pupil(0, always_read_aloud=True)
    question = quiz_for("EYFS").questions[0]
    sign_in(page, live_server, pupil, class_session)
    page.get_by_role("button", name="I agree").click()
    page.get_by_role("button", name="Start the quiz").click()
    speaker = page.get_by_role("button", name="Read the question aloud")
    expect(speaker).to_be_visible()
    assert speaker.evaluate("b => [b.type, b.offsetWidth >= 64, b.offsetHeight >= 64]") == [
        "button",
        True,
        True,
    ]
    speaker.click()
    spoken = page.evaluate("() => window.__spoken")
    assert spoken[-1] == {"text": question.read_aloud, "lang": "en-GB", "rate": 0.85}
    page.get_by_role("button", name=f"Read answer 1 aloud: {question.choices[0].text}").click()
    assert page.evaluate("() => window.__spoken.at(-1).text") == (
        question.choices[0].read_aloud or question.choices[0].text
    )
    answer(page, question.correct_choice)
    expect(page.get_by_role("heading", name=RIGHT)).to_be_focused()
    page.wait_for_function(
        "() => window.__spoken.at(-1).text.startsWith('Well done! Good thinking!')"
    )


def test_without_speech_synthesis_the_speaker_buttons_stay_hidden(page, live_server):
    page.add_init_script(NO_SPEECH)
    pupil, class_session = make_seated_pupil(3)
    sign_in(page, live_server, pupil, class_session)
    expect(page.get_by_role("heading", name="How we stay safe online")).to_be_visible()
    expect(page.locator("button.say")).not_to_have_count(0)
    for button in page.locator("button.say").all():
        expect(button).to_be_hidden()


@pytest.mark.parametrize(
    "viewport", [{"width": 360, "height": 740}, TABLET, {"width": 1180, "height": 820}]
)
@pytest.mark.parametrize("year_group", [0, 5])
def test_nothing_overflows_on_a_phone_or_a_tablet(page, live_server, viewport, year_group):
    page.set_viewport_size(viewport)
    pupil, class_session = make_seated_pupil(year_group, two_choices=year_group == 5)
    quiz = quiz_for("EYFS" if year_group == 0 else "KS2").for_year(year_group)
    sign_in(page, live_server, pupil, class_session)
    assert_fits(page, viewport, "aup")
    page.get_by_role("button", name="I agree").click()
    assert_fits(page, viewport, "home")
    page.get_by_role("button", name="Start the quiz").click()
    for question in quiz.questions:
        expect(page.get_by_role("heading", name=question.text)).to_be_visible()
        assert_fits(page, viewport, question.id)
        choose_and_go_on(page, question, right=question is not quiz.questions[0])
        assert_fits(page, viewport, f"{question.id} feedback")
        if question is not quiz.questions[-1]:
            page.get_by_role("button", name="Next question").click()
    page.get_by_role("button", name="See my stars").click()
    assert_fits(page, viewport, "done")
    if viewport == TABLET:
        assert_accessible(page)


def assert_fits(page, viewport, screen: str) -> None:
    page.wait_for_load_state()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{screen} is {width}px wide at {viewport['width']}px"
