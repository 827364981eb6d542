"""Read-aloud for the youngest, in Chromium: what the speech synthesis is asked to say.

A Reception or Key Stage 1 pupil hears every screen without anyone switching it on: the
instructions of the sign-in pages, their name when they tap it, every line of the AUP, the
buttons they tap, each question and their stars. Key Stage 2 pupils, and a young pupil whose
teacher turned it off, hear only the speaker buttons they tap.
"""

import re
from itertools import count
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.policies.formats import parse_aup
from portal.quiz.catalogue import quiz_for
from tests.helpers.builders import (
    PASSWORD,
    install_content,
    make_class,
    make_pupil,
    make_staff,
    open_class_session,
)
from tests.helpers.checkers import assert_accessible
from tests.helpers.speech import FAKE_SPEECH, spoken

_codes = count(6201)
AUP_LINES = [
    sentence
    for _, sentence in parse_aup(
        (Path(__file__).parents[2] / "content/policies/aup-eyfs-ks1.md").read_text()
    ).lines
]


@pytest.fixture
def app(app):
    install_content()
    return app


def seated_pupil(year_group, **settings):
    """A pupil (the owl is their picture) whose class has an open session."""
    school_class = make_class(year_group=year_group)
    class_session = open_class_session(
        school_class, make_staff(classes=[school_class]), code=str(next(_codes))
    )
    pupil = make_pupil(school_class, first_name="Amara", last_name="Bello")
    pupil.picture = "owl"
    for name, value in settings.items():
        setattr(pupil, name, value)
    db.session.commit()
    return pupil, class_session


def said_last(page, words: str) -> None:
    """Wait until the newest utterance is ``words`` (read-aloud waits for a screen to settle)."""
    page.wait_for_function("w => (window.__spoken.at(-1) || {}).text === w", arg=words)


def settled(page) -> None:
    page.wait_for_load_state()
    expect(page.locator("#quiz-region.htmx-settling")).to_have_count(0)


def test_a_reception_child_hears_every_screen_from_the_class_code_to_the_stars(page, live_server):
    page.add_init_script(FAKE_SPEECH)
    _, class_session = seated_pupil(0)  # read-aloud left as the teacher found it
    quiz = quiz_for("EYFS")

    # A tablet no class has used yet: the code page cannot know who is coming, so it waits
    # for a tap on its speaker button.
    page.goto(f"{live_server}/class")
    page.get_by_role("button", name="Read aloud: Type your class code").click()
    said_last(page, "Type your class code. The four numbers on the board")
    page.get_by_label("The four numbers on the board").fill(class_session.code)
    page.get_by_role("button", name="Go").click()

    said_last(page, "Tap your name")
    page.get_by_role("link", name="Amara B.").click()
    assert "Amara B." in spoken(page)  # said before the picture page appears
    said_last(page, "Amara B., tap your picture")
    page.get_by_role("button", name="Owl").click()

    expect(page).to_have_url(re.compile(r"/me/aup$"))
    whole_aup = page.wait_for_function(
        "() => ((window.__spoken.at(-1) || {}).text || '').startsWith('How we stay safe online')"
    )
    assert whole_aup
    for line in AUP_LINES:  # the screen reads itself, every line
        assert line in spoken(page)[-1]
    assert "If I am not sure, I can ask a grown-up I trust." in spoken(page)[-1]
    before = len(spoken(page))
    page.get_by_role("button", name="Read it all to me").click()
    page.wait_for_function("n => window.__spoken.length > n", arg=before)
    assert spoken(page)[-1] == spoken(page)[before - 1]  # and again, on the child's tap
    assert_accessible(page)

    page.get_by_role("button", name="I agree").click()
    said_last(page, f"I agree. Hello, Amara! {quiz.title}. {quiz.intro}")
    page.get_by_role("button", name="Start the quiz").click()

    for number, question in enumerate(quiz.questions, start=1):
        words = question.read_aloud or question.text
        said_last(page, f"{'Start the quiz' if number == 1 else 'Next question'}. {words}")
        settled(page)
        page.get_by_role("button", name=question.correct_choice.text, exact=True).click()
        page.wait_for_function(
            "() => ((window.__spoken.at(-1) || {}).text || '').startsWith('Well done!')"
        )
        settled(page)
        go_on = "See my stars" if number == len(quiz.questions) else "Next question"
        page.get_by_role("button", name=go_on).click()

    expect(page.get_by_role("heading", name="You finished the quiz!")).to_be_visible()
    page.wait_for_function(
        "() => ((window.__spoken.at(-1) || {}).text || '')"
        ".startsWith('See my stars. You finished the quiz!')"
    )
    assert "Tell a grown-up what you learned." in spoken(page)[-1]

    # The next child on this tablet: the names page speaks, and the code page now does too,
    # as it knows a Reception class signed in here last.
    page.get_by_role("button", name="I have finished: sign out").click()
    said_last(page, "I have finished: sign out. Tap your name")
    page.get_by_role("link", name="Use a different class code").click()
    said_last(page, "Type your class code. The four numbers on the board")


def test_speaker_buttons_are_named_by_what_they_read(page, live_server):
    page.add_init_script(FAKE_SPEECH)
    _, class_session = seated_pupil(1)
    sign_in(page, live_server, class_session)
    expect(page).to_have_url(re.compile(r"/me/aup$"))
    assert_named_apart(page)
    expect(page.get_by_role("button", name=f"Read aloud: {AUP_LINES[0]}")).to_be_visible()
    page.get_by_role("button", name="I agree").click()
    page.get_by_role("button", name="Start the quiz").click()
    question = quiz_for("KS1").for_year(1).questions[0]
    expect(page.get_by_role("heading", name=question.text)).to_be_visible()
    assert_named_apart(page)
    second = question.choices[1]
    page.get_by_role("button", name=f"Read answer 2 aloud: {second.text}").click()
    said_last(page, second.read_aloud or second.text)


def test_a_screen_opened_without_a_tap_waits_for_the_first_tap(page, live_server):
    """Browsers may refuse to speak on a page nobody has tapped: the words wait for a tap."""
    _, class_session = seated_pupil(1)
    sign_in(page, live_server, class_session)
    expect(page).to_have_url(re.compile(r"/me/aup$"))
    tab = page.context.new_page()  # a new tab, opened from the address bar
    tab.add_init_script(FAKE_SPEECH)
    tab.goto(f"{live_server}/me/aup")
    expect(tab.get_by_role("button", name="Read it all to me")).to_be_visible()
    quiet(tab)
    tab.get_by_role("heading", name="How we stay safe online").click()
    tab.wait_for_function("() => window.__spoken.length === 1")
    assert all(line in spoken(tab)[0] for line in AUP_LINES)


def assert_named_apart(page) -> None:
    names = page.locator("button.say").evaluate_all("bs => bs.map(b => b.ariaLabel)")
    assert len(names) >= 3 and len(set(names)) == len(names), names


def sign_in(page, live_server, class_session) -> None:
    page.goto(f"{live_server}/class")
    page.get_by_label("The four numbers on the board").fill(class_session.code)
    page.get_by_role("button", name="Go").click()
    page.get_by_role("link", name="Amara B.").click()
    page.get_by_role("button", name="Owl").click()


@pytest.mark.parametrize(
    "year_group, settings", [(4, {}), (0, {"always_read_aloud": False})], ids=["KS2", "turned off"]
)
def test_only_the_speaker_buttons_speak_when_read_aloud_is_off(
    page, live_server, year_group, settings
):
    page.add_init_script(FAKE_SPEECH)
    _, class_session = seated_pupil(year_group, **settings)
    page.goto(f"{live_server}/class")
    page.get_by_label("The four numbers on the board").fill(class_session.code)
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Tap your name")).to_be_visible()
    if year_group == 0:  # the names page speaks for a Reception class: nobody is known yet
        said_last(page, "Tap your name")
    else:
        quiet(page)
    page.get_by_role("link", name="Amara B.").click()
    expect(page.get_by_role("heading", name="Amara B., tap your picture")).to_be_visible()
    quiet(page)  # from here on, the pupil's own setting
    page.get_by_role("button", name="Owl").click()
    expect(page.get_by_role("button", name="I agree")).to_be_visible()
    quiet(page)
    page.get_by_role("button", name="I agree").click()
    page.get_by_role("button", name="Start the quiz").click()
    question = quiz_for("KS2" if year_group == 4 else "EYFS").for_year(year_group).questions[0]
    expect(page.get_by_role("heading", name=question.text)).to_be_visible()
    quiet(page)
    settled(page)
    page.get_by_role("button", name=question.correct_choice.text, exact=True).click()
    expect(page.get_by_role("heading", name="Well done!")).to_be_focused()
    quiet(page)
    page.get_by_role("button", name=re.compile("^Read aloud: Well done!")).click()
    page.wait_for_function("() => window.__spoken.length === 1")


def quiet(page) -> None:
    """Nothing said on this screen, given the time read-aloud takes to begin."""
    page.wait_for_load_state()
    page.wait_for_timeout(300)
    assert spoken(page) == []


def test_the_quiz_tells_a_screen_reader_the_question_number_and_a_short_status(page, live_server):
    page.add_init_script(FAKE_SPEECH)
    _, class_session = seated_pupil(4)
    quiz = quiz_for("KS2").for_year(4)
    sign_in(page, live_server, class_session)
    page.get_by_role("button", name="I agree").click()
    page.get_by_role("button", name="Start the quiz").click()
    first, second = quiz.questions[:2]
    heading = page.get_by_role("heading", name=first.text)
    expect(heading).to_have_text(re.compile(rf"^Question 1 of {len(quiz.questions)}"))
    saving = page.get_by_text("Saving your answer")
    expect(saving).to_be_attached()
    expect(saving).to_be_hidden()  # not displayed, so not read, while nothing is being saved
    settled(page)
    page.get_by_role("button", name=first.correct_choice.text, exact=True).click()
    expect(page.get_by_role("heading", name="Well done!")).to_be_focused()
    assert_short_live_regions(page)
    expect(page.get_by_role("status")).to_have_text("Answer saved")
    page.get_by_role("button", name="Next question").click()
    heading = page.get_by_role("heading", name=second.text)
    expect(heading).to_be_focused()
    expect(heading).to_have_text(re.compile(rf"^Question 2 of {len(quiz.questions)}"))
    assert_short_live_regions(page)
    assert_accessible(page)


def assert_short_live_regions(page) -> None:
    regions = page.locator("[aria-live], [role=status], [role=alert]")
    texts = regions.evaluate_all("rs => rs.map(r => r.textContent.trim())")
    assert texts and all(len(text) < 60 for text in texts), texts


def test_the_teacher_sees_read_aloud_on_for_reception_and_can_turn_it_off(page, live_server):
    acorns = make_class("Acorns", 0)
    make_staff("acorns@wilkinson.example.org", classes=[acorns])
    make_pupil(acorns, "Noah", "Adams")
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("acorns@wilkinson.example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/teach/classes/{acorns.id}")
    read_aloud = page.get_by_role("checkbox", name="Read aloud for Noah Adams")
    expect(read_aloud).to_be_checked()
    expect(read_aloud).to_have_accessible_description("On for Reception and Key Stage 1")
    read_aloud.uncheck()
    page.get_by_role("button", name="Save the quiz settings for Noah Adams").click()
    expect(page.get_by_role("row", name=re.compile("^Noah Adams"))).to_contain_text("Saved")
    page.reload()
    expect(page.get_by_role("checkbox", name="Read aloud for Noah Adams")).not_to_be_checked()
    assert_accessible(page)
