"""`flask portal generate-demo`: a large realistic school, consistent, repeatable, and careful."""

import re
from collections import Counter

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DatabaseError

from portal.clock import school_today
from portal.extensions import db
from portal.governors.service import governors_tally
from portal.incidents.models import Incident, IncidentAction, IncidentCounter, IncidentPupil
from portal.parents.models import ParentInvite
from portal.people.models import Guardian, Pupil, SchoolClass, Staff, guardian_pupil
from portal.people.roles import GOVERNOR, HEAD_TEACHER, TEACHER
from portal.people.school_year import academic_year
from portal.policies.models import Acknowledgement
from portal.quiz.catalogue import quizzes
from portal.quiz.models import QuizAnswer, QuizAttempt
from portal.staff_module.status import check_for_year, module_statuses, settings
from tests.helpers.queries import times_analyzed
from tests.helpers.web import sign_in

PASSWORD = "sunlit-kestrel-harbour"


def generate(runner, *extra):
    return runner.invoke(
        args=["portal", "generate-demo", "--pupils", "120", "--password", PASSWORD, *extra]
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_small_run_makes_a_consistent_school_the_head_can_sign_in_to(app, runner):
    result = generate(runner, "--seed", "3")

    assert result.exit_code == 0, result.output
    assert "Built a school of 120 pupils in" in result.output
    assert re.search(r"quiz_answer\s+[\d,]+", result.output)
    assert f"head@demo-school.example.org (Head Teacher); every account's password: {PASSWORD}" in (
        result.output
    )
    # Every pupil in a class; classes of about 30 across Reception to Year 6.
    assert count(Pupil) == 120
    assert db.session.scalar(select(func.count()).where(Pupil.class_id.is_(None))) == 0
    classes = db.session.scalars(select(SchoolClass)).all()
    assert sorted(c.year_group for c in classes) == list(range(7))
    assert "Oak R" in {c.name for c in classes} and "Oak 6" in {c.name for c in classes}
    # ~1.8 guardians a pupil, some shared by siblings, ~8% without email.
    guardians = db.session.scalars(select(Guardian)).all()
    assert 1.5 * 120 <= len(guardians) <= 2.1 * 120
    assert 0.02 < sum(g.email is None for g in guardians) / len(guardians) < 0.16
    assert count(guardian_pupil) > len(guardians)  # siblings share their guardians
    # Staff: a teacher for each class, one Head Teacher, governors.
    staff = db.session.scalars(select(Staff)).all()
    roles = Counter(role for person in staff for role in person.roles)
    assert roles[HEAD_TEACHER] == 1 and roles[GOVERNOR] >= 3
    assert all(school_class.teachers for school_class in classes) and roles[TEACHER] >= 7
    assert sign_in(app.test_client(), "head@demo-school.example.org", PASSWORD).status_code == 302
    # Quiz answers name real questions and choices of the attempt's quiz; ~40 a pupil.
    by_quiz = {quiz.id: quiz for quiz in quizzes().values()}
    answers = db.session.execute(
        select(QuizAttempt.quiz_id, QuizAttempt.quiz_revision, QuizAnswer.question_id)
        .add_columns(QuizAnswer.choice_id, QuizAnswer.correct)
        .join(QuizAnswer.attempt)
        .where(QuizAttempt.pupil_id.is_not(None))
    ).all()
    assert 30 * 120 <= len(answers) <= 50 * 120
    for quiz_id, revision, question_id, choice_id, correct in answers:
        quiz = by_quiz[quiz_id]
        question = next(q for q in quiz.questions if q.id == question_id)
        assert revision == quiz.revision
        assert (choice_id == question.correct_choice_id) == correct
    assert 0.5 < sum(a.correct for a in answers) / len(answers) < 0.9
    # Staff answered this year's ten scenarios drawn from the bank.
    year = academic_year(school_today()).start_year
    drawn = {question.id for question in check_for_year(year).questions}
    staff_answers = db.session.execute(
        select(QuizAttempt.id, QuizAttempt.total, QuizAnswer.question_id)
        .join(QuizAnswer.attempt)
        .where(QuizAttempt.staff_id.is_not(None))
    ).all()
    assert staff_answers and all(row.total == 10 for row in staff_answers)
    assert {row.question_id for row in staff_answers} == drawn
    # An acknowledgement per pupil at most per Key Stage: most, not all, have one.
    pupil_acks = db.session.execute(
        select(Acknowledgement.pupil_id, Acknowledgement.key_stage).where(
            Acknowledgement.pupil_id.is_not(None)
        )
    ).all()
    assert len(set(pupil_acks)) == len(pupil_acks)
    assert 0.8 * 120 <= len(pupil_acks) < 120
    # Staff module: most complete, some overdue (the due date is in September).
    statuses = module_statuses(staff, school_today(), settings()).values()
    asked = [s for s in statuses if s.staff.roles - {GOVERNOR}]
    complete = sum(s.complete for s in asked)
    assert 0.6 * len(asked) <= complete < len(asked)
    # Governors: most, not all, acknowledged the Social Media Policy this year.
    done, governors = governors_tally(school_today())
    assert governors >= 3 and 0 < done < governors
    # The parents' campaign: an invite each, answers mixed.
    assert count(ParentInvite) == len(guardians)
    responses = Counter(
        db.session.scalars(
            select(Acknowledgement.response).where(Acknowledgement.guardian_id.is_not(None))
        )
    )
    assert 0 < sum(responses.values()) < len(guardians) and responses["acknowledged"]
    # Incidents: ~N/2.5, each with a unique reference, pupils involved and a chronology.
    incidents = db.session.scalars(select(Incident)).all()
    assert len(incidents) == 48
    assert all(re.fullmatch(r"OS-\d{4}-\d{4}", i.reference) for i in incidents)
    assert len({i.reference for i in incidents}) == 48
    involved = set(db.session.scalars(select(IncidentPupil.incident_id)))
    reported = set(
        db.session.scalars(
            select(IncidentAction.incident_id).where(IncidentAction.kind == "reported")
        )
    )
    assert involved == reported == {i.id for i in incidents}
    assert all(i.outcome for i in incidents if i.status == "closed")
    assert len({i.status for i in incidents}) >= 3


def test_the_planner_learns_the_new_schools_size(runner):
    """Without statistics PostgreSQL planned the overview's queries for empty tables: 2 s
    instead of 55 ms at 5,000 pupils, until autovacuum came round."""
    before = {table: times_analyzed(table) for table in ("pupil", "quiz_answer", "guardian")}
    assert generate(runner).exit_code == 0
    for table, count_before in before.items():
        assert times_analyzed(table) > count_before, table


def test_the_portal_goes_on_adding_rows_after_the_generated_ones(runner):
    assert generate(runner).exit_code == 0
    highest_number = max(
        int(i.split("-")[2]) for i in db.session.scalars(select(Incident.reference))
    )
    this_year = school_today().year
    counters = {c.year: c.last for c in db.session.scalars(select(IncidentCounter))}
    assert counters[this_year] == highest_number or counters[this_year - 1] == highest_number
    highest_pupil = db.session.scalar(select(func.max(Pupil.id)))
    new_class = SchoolClass(name="Newcomers", year_group=3)
    db.session.add(new_class)
    db.session.add(Pupil(mis_id="NEW1", first_name="Ada", last_name="New", school_class=new_class))
    db.session.commit()  # on PostgreSQL, only if each table's id sequence was moved on
    assert db.session.scalar(select(func.max(Pupil.id))) == highest_pupil + 1


def school_snapshot() -> tuple:
    pupils = db.session.execute(
        select(Pupil.mis_id, Pupil.first_name, Pupil.last_name, SchoolClass.name)
        .join(Pupil.school_class)
        .order_by(Pupil.mis_id)
    ).all()
    guardians = db.session.execute(
        select(Guardian.mis_id, Guardian.email).order_by(Guardian.mis_id)
    ).all()
    answers = db.session.execute(
        select(QuizAnswer.question_id, QuizAnswer.choice_id).order_by(QuizAnswer.id)
    ).all()
    incidents = db.session.execute(
        select(Incident.reference, Incident.status, Incident.category).order_by(Incident.reference)
    ).all()
    return pupils, guardians, answers, incidents


def test_the_same_seed_gives_the_same_school_and_another_seed_another(runner):
    assert generate(runner, "--seed", "7").exit_code == 0
    first = school_snapshot()
    assert generate(runner, "--seed", "7", "--replace").exit_code == 0
    db.session.expire_all()
    assert school_snapshot() == first
    assert generate(runner, "--seed", "8", "--replace").exit_code == 0
    db.session.expire_all()
    assert school_snapshot() != first


def test_it_refuses_a_database_that_already_holds_a_school(runner, family):
    pupils_before = count(Pupil)

    result = generate(runner)

    assert result.exit_code != 0
    assert "already holds a school" in result.output and "--replace" in result.output
    assert count(Pupil) == pupils_before and count(Incident) == 0


def test_it_refuses_in_production_and_writes_nothing(app, runner):
    app.config["ENV"] = "production"

    result = generate(runner)

    assert result.exit_code != 0 and "PORTAL_ENV=production" in result.output
    assert count(Pupil) == count(Staff) == 0


def test_replace_empties_the_school_first_and_the_log_stays_append_only(runner, family):
    result = generate(runner, "--replace")

    assert result.exit_code == 0, result.output
    assert count(Pupil) == 120
    assert db.session.scalar(select(func.count()).where(Pupil.mis_id.like("DP%"))) == 120
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(update(IncidentAction).values(text="rewritten"))
    db.session.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("DELETE FROM incident_action"))
    db.session.rollback()
