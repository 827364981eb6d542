"""Each year group of a Key Stage is asked its own questions of the one Key Stage quiz.

These tests use their own quizzes folder (tests/helpers/year_quizzes.py), so they hold
whatever the shipped questions are.
"""

import re

import pytest
from sqlalchemy import select

from portal.classroom.live import live_view
from portal.classroom.models import ClassSession
from portal.clock import school_today
from portal.extensions import db
from portal.people.models import Pupil, SchoolClass
from portal.pupils import service
from portal.pupils.progress import school_year_of
from portal.quiz import catalogue
from portal.quiz.catalogue import quiz_for
from portal.quiz.models import QuizAnswer, QuizAttempt
from portal.teaching.service import class_overview
from portal.teaching.stats import question_stats
from tests.helpers.builders import install_content, make_staff
from tests.helpers.tables import table_rows, tables
from tests.helpers.web import sign_in
from tests.helpers.year_quizzes import (
    KS2_COMMON,
    KS2_YEARS,
    ks2_questions_for,
    text_of,
    use_year_quizzes,
    write_ks2_quiz,
)
from tests.test_admin_understanding import csv_rows
from tests.test_pupil_quiz import agree, esc, page, post, seated

FORM_ACTION = re.compile(r'action="/me/quiz/([a-z0-9-]+)"')


@pytest.fixture
def app(app, tmp_path):
    use_year_quizzes(app, tmp_path / "quizzes")
    install_content()
    return app


def take_the_quiz(client, pupil) -> list[str]:
    """Agree, start and answer every question rightly, as the screens ask them; their ids."""
    agree(client, pupil)
    post(client, "/me/start")
    asked = []
    while (found := FORM_ACTION.search(page(response := client.get("/me/quiz")))) is not None:
        question = quiz_for("KS2").question(found.group(1))
        assert f"Question {len(asked) + 1} of " in page(response)
        post(client, f"/me/quiz/{question.id}", {"choice": question.correct_choice_id})
        asked.append(question.id)
    return asked


def attempt_of(pupil) -> QuizAttempt:
    return db.session.scalars(select(QuizAttempt).where(QuizAttempt.pupil_id == pupil.id)).one()


# The pupil's quiz ---------------------------------------------------------------------------


def test_a_year_3_pupil_and_a_year_5_pupil_are_asked_different_questions(app):
    year3, year5 = app.test_client(), app.test_client()
    priya, tomasz = seated(year3, 3, "Priya"), seated(year5, 5, "Tomasz")
    assert take_the_quiz(year3, priya) == list(ks2_questions_for(3))
    assert take_the_quiz(year5, tomasz) == list(ks2_questions_for(5))
    assert "Question 1 of 9" not in page(year3.get("/me/quiz/done"))
    for pupil in (priya, tomasz):
        attempt = attempt_of(pupil)
        assert (attempt.quiz_id, attempt.score, attempt.total) == ("ks2", 9, 9)
        assert attempt.finished_at is not None
    assert 'aria-label="3 stars"' in page(year5.get("/me/quiz/done"))


def test_a_year_without_questions_of_its_own_is_asked_those_for_every_year(app):
    client = app.test_client()
    pupil = seated(client, 4)
    assert take_the_quiz(client, pupil) == list(KS2_COMMON)
    assert (attempt_of(pupil).score, attempt_of(pupil).total) == (8, 8)


def test_another_years_question_is_not_in_the_pupils_quiz_and_nothing_is_stored(app, client):
    pupil = seated(client, 4)
    agree(client, pupil)
    post(client, "/me/start")
    response = post(client, "/me/quiz/ks2-year-3", {"choice": "tell"})
    assert response.status_code == 404 and "That question is not in your quiz." in page(response)
    assert client.get("/me/quiz/ks2-year-3/feedback").status_code == 404
    assert db.session.scalars(select(QuizAnswer)).all() == []
    assert [q.id for q in service.my_quiz(pupil).questions] == list(KS2_COMMON)


def test_a_pupil_moved_to_another_year_mid_quiz_finishes_with_that_years_questions(app, client):
    pupil = seated(client, 3)
    agree(client, pupil)
    post(client, "/me/start")
    post(client, f"/me/quiz/{KS2_COMMON[0]}", {"choice": "tell"})
    pupil.school_class.year_group = 4  # the office corrects the class's year group
    db.session.commit()
    for question_id in KS2_COMMON[1:]:
        assert f"/me/quiz/{question_id}" in page(client.get("/me/quiz"))
        post(client, f"/me/quiz/{question_id}", {"choice": "tell"})
    attempt = attempt_of(pupil)
    assert attempt.finished_at is not None and (attempt.score, attempt.total) == (8, 8)


# What the teacher sees ----------------------------------------------------------------------


def answer_some(client, pupil, count: int) -> None:
    agree(client, pupil)
    post(client, "/me/start")
    for question_id in service.my_quiz(pupil).questions[:count]:
        post(client, f"/me/quiz/{question_id.id}", {"choice": "tell"})


def test_the_board_counts_each_pupils_questions_of_their_year(app):
    year3, year4 = app.test_client(), app.test_client()
    priya, leo = seated(year3, 3, "Priya"), seated(year4, 4, "Leo")
    answer_some(year3, priya, 2)
    answer_some(year4, leo, 2)
    for pupil, total in ((priya, 9), (leo, 8)):
        class_session = db.session.scalars(
            select(ClassSession).where(ClassSession.class_id == pupil.class_id)
        ).one()
        (row,) = live_view(class_session, school_today())
        assert row.progress == f"AUP done · quiz 2 of {total}"


def test_the_class_view_lists_the_questions_of_the_classs_year_group(app):
    year3, year4 = app.test_client(), app.test_client()
    priya, leo = seated(year3, 3, "Priya"), seated(year4, 4, "Leo")
    answer_some(year3, priya, 9)
    answer_some(year4, leo, 8)
    year_3_question = esc(text_of("ks2-year-3"))
    for pupil, asked in ((priya, True), (leo, False)):
        teacher = app.test_client()
        sign_in(teacher, pupil.school_class.teachers[0].email)
        view = page(teacher.get(f"/teach/classes/{pupil.class_id}"))
        assert (year_3_question in view) is asked
        assert "1 of 1 (100%)</strong> have finished" in view
        assert text_of("ks2-year-5") not in view
        overview = class_overview(pupil.school_class, school_today())
        stats = question_stats(pupil.school_class, overview.quiz, school_year_of(school_today()))
        expected = ks2_questions_for(pupil.school_class.year_group)
        assert [stat.question.id for stat in stats.questions] == list(expected)
        assert all(stat.answered.count == stat.answered.base == 1 for stat in stats.questions)


# What the school sees -----------------------------------------------------------------------


def test_coverage_counts_the_questions_each_year_group_is_asked(app):
    client = app.test_client()
    sign_in(client, make_staff(roles=("head_teacher",)).email)
    view = page(client.get("/admin/coverage"))
    assert "10 questions (Year 3: 9, Year 4: 8, Year 5: 9, Year 6: 8)" in view
    rows = table_rows(view)
    self_image = next(row for row in rows if row[0] == "Self-image and identity")
    # Year 3's and Year 5's own questions are on self-image and identity too.
    assert self_image[4:] == ["2", "1", "2", "1"]
    assert rows[-1][4:] == ["8 of 8 (100%)"] * 4


def two_classes_finished(app):
    """Priya (Year 3) and Leo (Year 4) have each finished their year's questions."""
    year3, year4 = app.test_client(), app.test_client()
    priya, leo = seated(year3, 3, "Priya"), seated(year4, 4, "Leo")
    answer_some(year3, priya, 9)
    answer_some(year4, leo, 8)
    return priya.school_class, leo.school_class


def table_groups(view: str) -> dict[str, list[tuple[str, str]]]:
    """Each question's row group: its heading -> (group, answered correctly) under it."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for row in (row for table in tables(view) for row in table.rows if row.in_body):
        if row.row_header == 1:  # the first row of a group starts with the question
            heading = row.cells[0]
        cells = row.cells[row.row_header :]
        groups.setdefault(heading, []).append((cells[0], cells[1]))
    return groups


def test_what_pupils_understand_names_the_year_group_asked_and_only_its_classes(app):
    year3_class, year4_class = two_classes_finished(app)
    client = app.test_client()
    sign_in(client, make_staff(roles=("head_teacher",)).email)
    view = page(client.get("/admin/understanding", query_string={"key_stage": "KS2"}))
    rows = table_groups(view)
    year_3_only = next(h for h in rows if text_of("ks2-year-3") in h)
    assert "Question 9, Key Stage 2, Year 3 only" in year_3_only
    assert rows[year_3_only] == [
        ("Key Stage 2", "1 of 1 (100%)"),
        (year3_class.name, "1 of 1 (100%)"),
    ]
    common = next(h for h in rows if text_of(KS2_COMMON[0]) in h)
    assert "only" not in common and [name for name, _ in rows[common]] == [
        "Key Stage 2",
        year3_class.name,
        year4_class.name,
    ]
    assert rows[common][0] == ("Key Stage 2", "2 of 2 (100%)")
    one_class = page(client.get("/admin/understanding", query_string={"class": year4_class.id}))
    assert "8 questions for" in one_class and text_of("ks2-year-3") not in one_class
    lines = csv_rows(client.get("/admin/understanding.csv", query_string={"key_stage": "KS2"}))
    assert lines[0][-1] == "Year group asked"
    asked = {line[2]: line[-1] for line in lines[1:]}
    assert asked[text_of("ks2-year-3")] == "Year 3"
    assert asked[text_of(KS2_COMMON[0])] == "Every year group"


# The demonstration school -------------------------------------------------------------------


def test_the_demo_schools_pupils_answer_only_their_year_groups_questions(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["portal", "generate-demo", "--pupils", "120", "--seed", "5", "--replace"]
    )
    assert result.exit_code == 0, result.output
    rows = db.session.execute(
        select(SchoolClass.year_group, QuizAttempt.id, QuizAttempt.total, QuizAnswer.question_id)
        .join(Pupil, Pupil.class_id == SchoolClass.id)
        .join(QuizAttempt, QuizAttempt.pupil_id == Pupil.id)
        .join(QuizAnswer, QuizAnswer.attempt_id == QuizAttempt.id)
        .where(SchoolClass.year_group >= 3)
    ).all()
    asked_by_year = {year: set(ks2_questions_for(year)) for year in range(3, 7)}
    assert {year for year, *_ in rows} == {3, 4, 5, 6}
    assert all(question in asked_by_year[year] for year, _, _, question in rows)
    assert all(total == len(asked_by_year[year]) for year, _, total, _ in rows)
    assert {question for year, *_, question in rows if year == 3} == asked_by_year[3]


# Past results -------------------------------------------------------------------------------


def test_a_finished_attempt_keeps_its_revision_and_result_after_the_year_gets_a_new_question(
    app, tmp_path
):
    client = app.test_client()
    priya = seated(client, 3, "Priya")
    take_the_quiz(client, priya)
    before = quiz_for("KS2").revision
    # The next week Year 3 gets a tenth question: the file, so its revision, changes.
    write_ks2_quiz(tmp_path / "quizzes", {**KS2_YEARS, 3: ("ks2-year-3", "ks2-year-3-new")})
    catalogue.init_app(app)  # as the portal restarting would
    assert quiz_for("KS2").revision != before
    assert len(service.my_quiz(priya).questions) == 10
    attempt = attempt_of(priya)
    assert (attempt.quiz_revision, attempt.score, attempt.total) == (before, 9, 9)
    assert 'aria-label="3 stars"' in page(client.get("/me/quiz/done"))
    teacher = app.test_client()
    sign_in(teacher, priya.school_class.teachers[0].email)
    view = page(teacher.get(f"/teach/classes/{priya.class_id}"))
    priya_row = next(row for row in table_rows(view) if row and row[0] == priya.full_name)
    assert priya_row[2] == "Done"
    assert "9 answers from an earlier version of the quiz are left out" in view
    head = app.test_client()
    sign_in(head, make_staff(roles=("head_teacher",)).email)
    assert "9 of 9 right, 3 stars" in page(head.get("/admin/pupils"))
