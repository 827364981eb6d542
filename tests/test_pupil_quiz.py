"""A pupil's own screens: their Key Stage's AUP, then the quiz, one question at a time."""

import dataclasses
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import func, select, update

from portal import create_app
from portal.classroom.pupil_auth import SESSION_KEY
from portal.clock import school_today
from portal.extensions import db
from portal.people.school_year import academic_year
from portal.pictures import child_name, svg_file
from portal.policies.models import Acknowledgement
from portal.policies.service import record_acknowledgement
from portal.pupils import service
from portal.pupils.progress import aup_to_show
from portal.quiz.catalogue import quiz_for
from portal.quiz.content import Choice
from portal.quiz.grading import InvalidAnswers
from portal.quiz.models import QuizAnswer, QuizAttempt
from tests.helpers.builders import (
    install_content,
    make_class,
    make_pupil,
    make_staff,
    open_class_session,
    seat_pupil,
)
from tests.helpers.checkers import assert_valid_html
from tests.helpers.queries import counting_queries
from tests.helpers.web import (
    IsolatedClient,
    body_of,
    csrf_token,
    settings_for_tests,
    static_address,
)

ROOT = Path(__file__).resolve().parents[1]
STAGES = {0: "EYFS", 1: "KS1", 3: "KS2"}


@pytest.fixture
def app(app):
    install_content()
    return app


_codes = iter(range(1000, 9999))


def seated(client, year_group=1, first_name="Amara", **accommodations):
    """A pupil of a new class with an open session, signed in on ``client``."""
    school_class = make_class(year_group=year_group)
    teacher = make_staff(classes=[school_class])
    class_session = open_class_session(school_class, teacher, code=str(next(_codes)))
    pupil = make_pupil(school_class, first_name=first_name)
    for name, value in accommodations.items():
        setattr(pupil, name, value)
    db.session.commit()
    seat_pupil(client, class_session, pupil)
    return pupil


def post(client, url, data=None, htmx=False, **kwargs):
    token = csrf_token(client)
    if htmx:
        headers = {"HX-Request": "true", "X-CSRFToken": token}
        return client.post(url, data=data or {}, headers=headers, **kwargs)
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def agree(client, pupil):
    version = aup_to_show(pupil.school_class.key_stage, school_today())
    return post(client, "/me/aup", {"version_id": version.id})


def started(client, pupil):
    """The pupil has agreed to the AUP and started their quiz; returns the quiz, with the
    questions of their year group."""
    agree(client, pupil)
    post(client, "/me/start")
    return quiz_for(pupil.school_class.key_stage).for_year(pupil.school_class.year_group)


def wrong_choice(question):
    return next(choice for choice in question.choices if not choice.correct)


def answer_rows(pupil=None):
    query = select(QuizAnswer)
    if pupil is not None:
        query = query.join(QuizAttempt).where(QuizAttempt.pupil_id == pupil.id)
    return db.session.scalars(query).all()


def esc(text: str) -> str:
    """Text as the templates write it into the page."""
    return str(escape(text))


def page(response) -> str:
    return response.get_data(as_text=True)


# The AUP --------------------------------------------------------------------------------------


@pytest.mark.parametrize("year_group", [0, 1, 3])
def test_after_sign_in_the_aup_of_the_pupils_key_stage_is_due(client, year_group):
    pupil = seated(client, year_group)
    response = client.get("/me")
    assert response.status_code == 302 and response.location.endswith("/me/aup")
    text = page(client.get("/me/aup"))
    slug = "aup-ks2" if year_group == 3 else "aup-eyfs-ks1"
    other = "aup-eyfs-ks1" if year_group == 3 else "aup-ks2"
    body = (ROOT / "content" / "policies" / f"{slug}.md").read_text()
    other_body = (ROOT / "content" / "policies" / f"{other}.md").read_text()
    for line in [line for line in body.splitlines() if line.startswith("- ")]:
        picture, sentence = line[2:].split(" ", 1)
        assert f'aria-label="Read aloud: {esc(sentence)}"' in text  # each speaker names its line
        # Each line's picture is an image named as a child would say it ("teacher").
        assert f'src="{static_address(svg_file(picture))}" alt="{child_name(picture)}"' in text
    assert esc(other_body.splitlines()[2].split(" ", 2)[2]) not in text
    assert "consent" not in text.lower()
    assert 'aria-label="Read it all to me"' in text
    assert pupil.first_name not in text or "How we stay safe online" in text


def test_agreeing_records_one_acknowledgement_naming_the_exact_version(client):
    pupil = seated(client, 1)
    version = aup_to_show("KS1", school_today())
    assert agree(client, pupil).location.endswith("/me")
    assert agree(client, pupil).status_code == 303  # a double tap: still one record
    rows = db.session.scalars(select(Acknowledgement)).all()
    assert len(rows) == 1
    (row,) = rows
    assert (row.pupil_id, row.policy_version_id, row.method, row.key_stage, row.response) == (
        pupil.id,
        version.id,
        "online",
        "KS1",
        "acknowledged",
    )
    assert row.academic_year == academic_year(school_today()).start_year
    assert client.get("/me").status_code == 200


def test_a_version_that_is_not_the_pupils_aup_is_refused_and_nothing_stored(client):
    pupil = seated(client, 1)
    ks2 = aup_to_show("KS2", school_today())
    response = post(client, "/me/aup", {"version_id": ks2.id})
    assert response.status_code == 409
    assert "I agree" in page(response)
    assert post(client, "/me/aup", {"version_id": 99999}).status_code == 409
    assert db.session.scalar(select(func.count(Acknowledgement.id))) == 0
    with pytest.raises(service.AupRefused):
        service.agree_to_aup(pupil, ks2, school_today())


def move_to_year(pupil, year_group):
    pupil.school_class.year_group = year_group
    db.session.commit()


def test_moving_up_from_year_2_to_year_3_makes_the_ks2_aup_due(client):
    pupil = seated(client, 2)
    agree(client, pupil)
    assert client.get("/me").status_code == 200
    move_to_year(pupil, 3)
    assert client.get("/me").location.endswith("/me/aup")
    assert "I will stick to age limits" in page(client.get("/me/aup"))
    agree(client, pupil)
    assert client.get("/me").status_code == 200
    stages = db.session.scalars(select(Acknowledgement.key_stage).order_by(Acknowledgement.id))
    assert list(stages) == ["KS1", "KS2"]


def test_moving_up_from_reception_to_year_1_asks_again_though_the_text_is_the_same(client):
    pupil = seated(client, 0)
    version, this_year = aup_to_show("EYFS", school_today()), academic_year(school_today())
    record_acknowledgement(
        version, this_year.start_year - 1, pupil=pupil, method="online", key_stage="EYFS"
    )  # acknowledged in Reception, last school year
    db.session.commit()
    assert client.get("/me").status_code == 200
    move_to_year(pupil, 1)  # September: Year 1
    assert client.get("/me").location.endswith("/me/aup")
    agree(client, pupil)
    assert client.get("/me").status_code == 200
    rows = db.session.scalars(select(Acknowledgement).order_by(Acknowledgement.id)).all()
    assert [(r.key_stage, r.policy_version_id, r.academic_year) for r in rows] == [
        ("EYFS", version.id, this_year.start_year - 1),
        ("KS1", version.id, this_year.start_year),
    ]


def test_moving_from_reception_to_year_1_within_one_school_year_asks_again(client):
    pupil = seated(client, 0)
    agree(client, pupil)
    move_to_year(pupil, 1)  # a class's year group corrected, or a move mid-year
    assert client.get("/me").location.endswith("/me/aup")
    agree(client, pupil)
    assert client.get("/me").status_code == 200
    stages = db.session.scalars(select(Acknowledgement.key_stage).order_by(Acknowledgement.id))
    assert list(stages) == ["EYFS", "KS1"]


# The quiz -------------------------------------------------------------------------------------


@pytest.mark.parametrize("year_group", [0, 1, 3])
def test_the_quiz_shown_is_the_one_for_the_pupils_key_stage(client, year_group):
    pupil = seated(client, year_group)
    agree(client, pupil)
    home = page(client.get("/me"))
    quiz = quiz_for(STAGES[year_group]).for_year(year_group)
    assert "Start the quiz" in home and esc(quiz.title) in home
    assert post(client, "/me/start").location.endswith("/me/quiz")
    text = page(client.get("/me/quiz"))
    assert esc(quiz.questions[0].text) in text
    assert "Question 1 of" in text and 'aria-label="Read the question aloud"' in text
    assert text.count('name="choice"') == len(quiz.questions[0].choices)
    assert 'data-hx-post="/me/quiz/' in text and " hx-post" not in text
    assert 'data-hx-disabled-elt="#choices button"' in text and "htmx-indicator" in text


def test_the_quiz_waits_for_the_aup(client):
    pupil = seated(client, 1)
    assert post(client, "/me/start").location.endswith("/me")
    assert client.get("/me/quiz").location.endswith("/me")
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 0
    assert pupil.id


def test_an_answer_posted_twice_is_stored_once(client):
    pupil = seated(client, 1)
    quiz = started(client, pupil)
    question = quiz.questions[0]
    url = f"/me/quiz/{question.id}"
    first = post(client, url, {"choice": question.correct_choice_id})
    again = post(client, url, {"choice": wrong_choice(question).id})
    assert first.status_code == again.status_code == 303
    rows = answer_rows(pupil)
    assert [(r.question_id, r.choice_id, r.correct) for r in rows] == [
        (question.id, question.correct_choice_id, True)
    ]
    assert "Good thinking!" in page(client.get(first.location))


def test_an_answer_without_the_pages_token_is_refused_and_nothing_stored(client):
    # The answer form carries no token of its own: the check every POST passes refuses it.
    pupil = seated(client, 1)
    quiz = started(client, pupil)
    question = quiz.questions[0]
    url = f"/me/quiz/{question.id}"
    for headers in ({}, {"HX-Request": "true"}, {"HX-Request": "true", "X-CSRFToken": "forged"}):
        response = client.post(url, data={"choice": question.correct_choice_id}, headers=headers)
        assert response.status_code == 400
    assert answer_rows() == []


def test_a_choice_that_is_not_in_the_question_is_refused_and_nothing_stored(client):
    pupil = seated(client, 1)
    quiz = started(client, pupil)
    url = f"/me/quiz/{quiz.questions[0].id}"
    for data in ({"choice": "not-a-choice"}, {"choice": quiz.questions[1].choices[0].id + "x"}, {}):
        response = post(client, url, data)
        assert response.status_code == 422
        assert "answers on the screen" in page(response)
    assert answer_rows() == []


def test_a_question_from_another_key_stages_quiz_is_refused_and_nothing_stored(client):
    pupil = seated(client, 1)
    ks1, ks2 = started(client, pupil), quiz_for("KS2")
    foreign = next(q for q in ks2.questions if ks1.question(q.id) is None)
    response = post(client, f"/me/quiz/{foreign.id}", {"choice": foreign.correct_choice_id})
    assert response.status_code == 404
    assert "not in your quiz" in page(response)
    assert client.get(f"/me/quiz/{foreign.id}/feedback").status_code == 404
    assert answer_rows() == []
    attempt = service.current_attempt(pupil, ks1, school_today())
    with pytest.raises(service.QuizRefused):
        service.answer(attempt, ks2, foreign.id, foreign.correct_choice_id, pupil)
    assert answer_rows() == []


def test_a_wrong_answer_shows_its_explanation_kindly_with_the_safe_choice(client):
    pupil = seated(client, 1)
    quiz = started(client, pupil)
    question = quiz.questions[0]
    wrong = wrong_choice(question)
    response = post(client, f"/me/quiz/{question.id}", {"choice": wrong.id})
    assert response.location.endswith(f"/me/quiz/{question.id}/feedback")
    text = page(client.get(response.location))
    assert esc(wrong.explanation) in text and wrong.explanation.startswith("Not quite.")
    assert text.count("Not quite") == 1  # said once, not twice
    assert esc("Let's think about it") in text
    assert esc(question.correct_choice.text) in text
    assert "grown-up you trust" in text and "Next question" in text
    assert 'aria-live="polite"' in text
    assert not re.search(r"wrong|incorrect|✗|❌|timer|seconds", text, re.IGNORECASE)


def test_a_reload_mid_quiz_resumes_at_the_next_question_even_on_another_tablet(app, client):
    pupil = seated(client, 1)
    quiz = started(client, pupil)
    for question in quiz.questions[:2]:
        post(client, f"/me/quiz/{question.id}", {"choice": question.correct_choice_id})
    text = page(client.get("/me/quiz"))
    assert esc(quiz.questions[2].text) in text and "Question 3 of" in text
    assert text.count("dot dot-done") == 2
    tablet = app.test_client()  # the tablet was closed: the pupil signs in again
    with tablet.session_transaction() as session:
        session[SESSION_KEY] = [pupil_session_id(pupil), pupil.id]
    assert "Carry on" in page(tablet.get("/me"))
    assert post(tablet, "/me/start").location.endswith("/me/quiz")
    assert esc(quiz.questions[2].text) in page(tablet.get("/me/quiz"))
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1


def pupil_session_id(pupil) -> int:
    from portal.classroom.models import SessionPupil

    return db.session.scalar(
        select(SessionPupil.session_id).where(SessionPupil.pupil_id == pupil.id)
    )


def answer_all(client, quiz, wrong_at=()):
    for index, question in enumerate(quiz.questions):
        choice = wrong_choice(question).id if index in wrong_at else question.correct_choice_id
        response = post(client, f"/me/quiz/{question.id}", {"choice": choice})
        assert response.status_code == 303
    return response


def test_finishing_marks_the_attempt_finished_and_the_end_page_shows_stars(client):
    pupil = seated(client, 1)
    quiz = started(client, pupil)
    last = answer_all(client, quiz, wrong_at={1})
    (attempt,) = db.session.scalars(select(QuizAttempt)).all()
    assert attempt.finished_at is not None
    assert (attempt.score, attempt.total, attempt.passed) == (
        len(quiz.questions) - 1,
        len(quiz.questions),
        None,
    )
    assert (attempt.quiz_id, attempt.quiz_revision) == (quiz.id, quiz.revision)
    assert "See my stars" in page(client.get(last.location))
    assert client.get("/me").location.endswith("/me/quiz/done")
    assert client.get("/me/quiz").location.endswith("/me/quiz/done")
    text = page(client.get("/me/quiz/done"))
    assert (
        text.count(f'src="{static_address(svg_file("⭐"))}"') == 3
        and 'aria-label="3 stars"' in text
    )
    assert "Tell a grown-up what you learned" in text and 'action="/class/sign-out"' in text
    assert "Play again" in text
    assert "%" not in text and f"{attempt.score} of" not in text


def test_answering_the_last_question_twice_finishes_the_attempt_once(client):
    pupil = seated(client, 0)
    quiz = started(client, pupil)
    answer_all(client, quiz)
    attempt = db.session.scalar(select(QuizAttempt))
    finished_at = attempt.finished_at
    last = quiz.questions[-1]
    response = post(client, f"/me/quiz/{last.id}", {"choice": wrong_choice(last).id})
    assert response.status_code == 303
    db.session.refresh(attempt)
    assert (attempt.finished_at, attempt.score) == (finished_at, len(quiz.questions))
    assert len(answer_rows()) == len(quiz.questions)


def answer_counting_statements(client, quiz) -> list[int]:
    """Each question answered right, over htmx; the statements each answer cost."""
    headers = {"HX-Request": "true", "X-CSRFToken": csrf_token(client)}
    costs = []
    for number, question in enumerate(quiz.questions, start=1):
        with counting_queries() as statements:
            response = client.post(
                f"/me/quiz/{question.id}",
                data={"choice": question.correct_choice_id},
                headers=headers,
            )
        last = number == len(quiz.questions)
        assert "Good thinking!" in page(response) and f"Question {number} of" in page(response)
        assert ("See my stars" in page(response)) is last
        assert page(response).count("dot dot-done") == number
        costs.append(len(statements))
    return costs


def test_an_answer_costs_four_statements_and_reads_nothing_again_after_its_commit(client):
    """Sign-in (the seat with its class session, pupil and class, in one statement), the
    attempt, the answer, the answers so far; the last answer also finishes the attempt; at
    the pupil's first go, each answer is also counted for what pupils understand. The
    feedback is built from what is in hand."""
    pupil = seated(client, 1)
    quiz = started(client, pupil)
    *answers, last = answer_counting_statements(client, quiz)
    assert (set(answers), last) == ({5}, 6)  # the first go: counted
    post(client, "/me/start")  # play again
    *answers, last = answer_counting_statements(client, quiz)
    assert (set(answers), last) == ({4}, 5)


def test_a_question_page_costs_two_statements(client):
    """The pupil let in (seat, session, class checked by the database), then the attempt with
    its answers."""
    pupil = seated(client, 1)
    quiz = started(client, pupil)
    first = quiz.questions[0]
    post(client, f"/me/quiz/{first.id}", {"choice": first.correct_choice_id})
    with counting_queries() as statements:
        response = client.get("/me/quiz")
    assert len(statements) == 2, statements
    assert f"Question 2 of {len(quiz.questions)}" in page(response)
    assert page(response).count("dot dot-done") == 1


def questions_shown(client, pupil) -> list[str]:
    """Start the quiz and answer each question the screens show, rightly; their texts."""
    agree(client, pupil)
    post(client, "/me/start")
    quiz, shown = quiz_for("KS2"), []
    while found := re.search(r'action="/me/quiz/([a-z0-9-]+)"', page(client.get("/me/quiz"))):
        question = quiz.question(found.group(1))
        post(client, f"/me/quiz/{question.id}", {"choice": question.correct_choice_id})
        shown.append(question.text)
    return shown


def test_the_shipped_quiz_asks_a_year_3_and_a_year_5_pupil_different_questions(app):
    year3, year5 = app.test_client(), app.test_client()
    asked3 = questions_shown(year3, seated(year3, 3, "Priya"))
    asked5 = questions_shown(year5, seated(year5, 5, "Tomasz"))
    assert len(asked3) >= 9 and len(asked5) >= 9
    assert not set(asked3) & set(asked5)  # Year 5 meets nothing they met in Year 3


def test_play_again_starts_a_new_attempt_and_keeps_the_first(client):
    pupil = seated(client, 1)
    quiz = started(client, pupil)
    answer_all(client, quiz, wrong_at=set(range(len(quiz.questions) // 2)))  # about half right
    assert 'aria-label="2 stars"' in page(client.get("/me/quiz/done"))
    assert post(client, "/me/start").location.endswith("/me/quiz")
    attempts = db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.id)).all()
    assert [a.finished_at is not None for a in attempts] == [True, False]
    assert client.get("/me/quiz/done").location.endswith("/me/quiz")
    assert "Question 1 of" in page(client.get("/me/quiz"))


def test_last_school_years_attempt_is_history_and_the_quiz_starts_afresh(client):
    pupil = seated(client, 2)
    quiz = started(client, pupil)
    answer_all(client, quiz)
    last_year = academic_year(school_today()).start_year - 1
    db.session.execute(update(QuizAttempt).values(academic_year=last_year))
    db.session.commit()
    assert "Start the quiz" in page(client.get("/me"))
    assert client.get("/me/quiz/done").location.endswith("/me")
    post(client, "/me/start")
    assert f"Question 1 of {len(quiz.questions)}" in page(client.get("/me/quiz"))
    years = db.session.scalars(select(QuizAttempt.academic_year).order_by(QuizAttempt.id))
    assert list(years) == [last_year, last_year + 1]


def test_stars_are_for_effort_and_never_fewer_than_one():
    assert [service.stars(score, 6) for score in range(7)] == [1, 1, 2, 2, 3, 3, 3]
    assert service.stars(0, 10) == 1 and service.stars(10, 10) == 3
    assert service.stars(0, 0) == 1


def portal_with_quizzes(database_url, quiz_dir):
    app = create_app(settings_for_tests(database_url, QUIZ_DIR=str(quiz_dir)))
    app.test_client_class = IsolatedClient
    return app


def test_editing_the_quiz_file_starts_a_new_attempt_and_leaves_the_old_one_true(
    database_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    quiz_dir = tmp_path / "quizzes"
    shutil.copytree(ROOT / "quizzes", quiz_dir)
    before = portal_with_quizzes(database_url, quiz_dir)
    with before.app_context():
        db.create_all()
        install_content()
        client = before.test_client()
        pupil = seated(client, 1)
        quiz = started(client, pupil)
        for question in quiz.questions[:2]:
            post(client, f"/me/quiz/{question.id}", {"choice": question.correct_choice_id})
        old_revision, session_value = quiz.revision, [pupil_session_id(pupil), pupil.id]
        db.session.remove()
    path = quiz_dir / "ks1.toml"
    path.write_text(
        path.read_text().replace(
            quiz.questions[0].text, "Amara's friend asks where she lives. What should she do?"
        )
    )
    after = portal_with_quizzes(database_url, quiz_dir)
    with after.app_context():
        client = after.test_client()
        with client.session_transaction() as session:
            session[SESSION_KEY] = session_value
        assert "Start the quiz" in page(client.get("/me"))
        post(client, "/me/start")
        assert "Amara&#39;s friend asks where she lives" in page(client.get("/me/quiz"))
        old, new = db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.id)).all()
        assert old.quiz_revision == old_revision and new.quiz_revision != old_revision
        assert old.finished_at is None and len(old.answers) == 2 and new.answers == []
        db.session.remove()
        db.engine.dispose()
    with before.app_context():
        db.engine.dispose()


def test_a_quiz_file_put_back_as_it_was_resumes_the_attempt_begun_on_it(client):
    pupil = seated(client, 1)
    quiz = started(client, pupil)
    first = quiz.questions[0]
    post(client, f"/me/quiz/{first.id}", {"choice": first.correct_choice_id})
    edited = dataclasses.replace(quiz, revision="edited-since")
    service.open_attempt(pupil, edited, school_today())  # started on the edited file
    db.session.commit()
    # The edit is undone: the file, and so its revision, is as it was.
    state, attempt, answered = service.quiz_state(pupil, quiz, school_today())
    assert state == service.RESUME and list(answered) == list(service.answers_of(attempt))
    assert list(answered) == [first.id] and answered[first.id].choice_id == first.correct_choice_id
    assert service.open_attempt(pupil, quiz, school_today()).id == attempt.id
    assert service.current_attempt(pupil, quiz, school_today()).id == attempt.id
    assert "Question 2 of" in page(client.get("/me/quiz"))


def test_two_choices_only_offers_the_right_answer_and_one_other(client):
    pupil = seated(client, 3, two_choices=True)
    quiz = started(client, pupil)
    question = quiz.questions[0]
    assert len(question.choices) > 2
    offered = re.findall(r'name="choice" value="([^"]+)"', page(client.get("/me/quiz")))
    assert len(offered) == 2 and question.correct_choice_id in offered
    hidden = next(c.id for c in question.choices if c.id not in offered)
    response = post(client, f"/me/quiz/{question.id}", {"choice": hidden})
    assert response.status_code == 422 and answer_rows() == []
    assert re.findall(r'name="choice" value="([^"]+)"', page(client.get("/me/quiz"))) == offered
    other = next(c for c in offered if c != question.correct_choice_id)
    assert post(client, f"/me/quiz/{question.id}", {"choice": other}).status_code == 303
    assert [row.choice_id for row in answer_rows()] == [other]
    with pytest.raises(InvalidAnswers):
        attempt = service.current_attempt(pupil, quiz, school_today())
        service.answer(
            attempt,
            quiz,
            quiz.questions[1].id,
            next(
                c.id
                for c in quiz.questions[1].choices
                if c not in service.offered_choices(quiz.questions[1], attempt, pupil)
            ),
            pupil,
        )


def test_read_aloud_marks_the_pages_of_reception_and_ks1_unless_turned_off(app, client):
    pupil = seated(client, 0)  # as the teacher found it: on for Reception
    assert "data-read-aloud-always" in page(client.get("/me/aup"))
    started(client, pupil)
    text = page(client.get("/me/quiz"))
    assert "data-read-aloud-always" in text and "data-say-auto" in text
    assert 'class="pupil pupil-eyfs"' in text
    other = app.test_client()
    seated(other, 3, first_name="Zain")
    text = page(other.get("/me/aup"))
    assert "data-read-aloud-always" not in text and 'class="pupil pupil-ks2"' in text
    turned_off = app.test_client()
    seated(turned_off, 1, first_name="Noah", always_read_aloud=False)
    assert "data-read-aloud-always" not in page(turned_off.get("/me/aup"))


def test_htmx_gets_fragments_and_a_plain_post_gets_a_redirect(client):
    pupil = seated(client, 1)
    quiz = started(client, pupil)
    first, second = quiz.questions[:2]
    response = post(client, f"/me/quiz/{first.id}", {"choice": first.correct_choice_id}, htmx=True)
    text = page(response)
    assert response.status_code == 200 and "<html" not in text and "Good thinking!" in text
    assert "HX-Push-Url" not in response.headers  # the address stays /me/quiz
    assert "HX-Request" in response.headers["Vary"]
    assert 'data-hx-get="/me/quiz"' in text
    fragment = client.get("/me/quiz", headers={"HX-Request": "true"})
    assert "<html" not in page(fragment) and esc(second.text) in page(fragment)
    assert "<html" in page(client.get("/me/quiz"))
    plain = post(client, f"/me/quiz/{second.id}", {"choice": second.correct_choice_id})
    assert plain.status_code == 303
    assert plain.location.endswith(f"/me/quiz/{second.id}/feedback")
    refused = post(client, f"/me/quiz/{second.id}", {"choice": "nope"}, htmx=True)
    assert refused.status_code == 422 and "<html" not in page(refused)
    assert len(answer_rows()) == 2


def test_no_other_pupil_sees_this_pupils_attempt(app, client):
    amara = seated(client, 1, first_name="Amara")
    quiz = started(client, amara)
    question = quiz.questions[0]
    post(client, f"/me/quiz/{question.id}", {"choice": question.correct_choice_id})
    other = app.test_client()
    zain = seated(other, 1, first_name="Zain")
    agree(other, zain)
    home = page(other.get("/me"))
    assert "Start the quiz" in home and "Carry on" not in home and "Amara" not in home
    assert other.get(f"/me/quiz/{question.id}/feedback").location.endswith("/me")
    assert other.get("/me/quiz/done").location.endswith("/me")
    assert other.get("/me/quiz").location.endswith("/me")
    assert len(answer_rows(zain)) == 0 and len(answer_rows(amara)) == 1


def test_every_pupil_page_is_for_a_signed_in_pupil_only(app):
    from portal.auth.access import declared_audience

    endpoints = [name for name in app.view_functions if name.startswith("pupil.")]
    assert len(endpoints) == 8
    assert {declared_audience(app.view_functions[name]) for name in endpoints} == {"pupil"}


def test_signed_out_visitors_are_sent_to_the_class_sign_in(client):
    for url in ("/me", "/me/aup", "/me/quiz", "/me/quiz/done"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.endswith("/class")
    htmx = client.get("/me/quiz", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].endswith("/class")


def test_signing_out_ends_the_pupils_access(client):
    pupil = seated(client, 1)
    agree(client, pupil)
    assert client.get("/me").status_code == 200
    post(client, "/class/sign-out")
    assert client.get("/me").location.endswith("/class")


def test_pupils_pages_are_not_stored_by_the_browser(client):
    seated(client, 1)
    assert client.get("/me/aup").headers["Cache-Control"] == "no-store"


def test_feedback_says_its_opening_words_once(app):
    quiz = quiz_for("EYFS")
    question = quiz.questions[0]
    right = QuizAnswer(question_id=question.id, choice_id=question.correct_choice_id)
    feedback = service.feedback_for(quiz, right)
    assert feedback.heading == "Well done!"
    assert feedback.explanation == question.correct_choice.explanation
    assert feedback.explanation.startswith("Good thinking!")
    gone = QuizAnswer(question_id=question.id, choice_id="removed-since")
    assert service.feedback_for(quiz, gone) is None


def test_an_explanation_without_the_kind_opening_gets_one():
    plain = Choice("yes", "Yes", False, "Pop-ups can take you somewhere new.")
    assert service.kind_words(plain) == "Not quite. Pop-ups can take you somewhere new."
    right = Choice("no", "No", True, "Pop-ups can take you somewhere new.")
    assert service.kind_words(right).startswith("Good thinking! Pop-ups")


@pytest.mark.html_validator
def test_the_pupils_pages_are_valid_html(app, client, tmp_path):
    pupil = seated(client, 0)
    pages = {"aup": body_of(client.get("/me/aup"))}
    assert agree(client, pupil).status_code == 303
    pages["home"] = body_of(client.get("/me"))
    quiz = started(client, pupil)
    pages["question"] = body_of(client.get("/me/quiz"))
    first = quiz.questions[0]
    answered = post(client, f"/me/quiz/{first.id}", {"choice": wrong_choice(first).id})
    assert answered.status_code == 303
    pages["feedback"] = body_of(client.get(answered.location))
    pages["problem-404"] = body_of(post(client, f"/me/quiz/{first.id}x", {"choice": "x"}), 404)
    answer_all(client, quiz)
    pages["done"] = body_of(client.get("/me/quiz/done"))
    assert_valid_html(pages, tmp_path)


def test_nothing_is_due_before_any_aup_version_takes_effect(app):
    from portal.pupils.progress import aup_due

    pupil = make_pupil(make_class("Oak", 1))
    assert aup_due(pupil, school_today())
    assert not aup_due(pupil, date(2026, 8, 31))  # the shipped AUPs take effect 1 September 2026
