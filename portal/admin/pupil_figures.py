"""Pupils' figures for the school overview: each class's pupils on roll, how many have
acknowledged their Key Stage's AUP and how many finished its quiz this school year.

The same rules as the teacher's class view (portal/pupils/progress.py), counted in SQL for the
whole school at once: three queries, whatever the number of classes.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select

from portal.extensions import db
from portal.people.models import Pupil, SchoolClass
from portal.people.school_year import (
    KEY_STAGE_NAMES,
    STAGE_YEAR_GROUPS,
    academic_year,
    key_stage,
)
from portal.policies.models import Acknowledgement, PolicyVersion
from portal.policies.service import acknowledgement_baseline
from portal.pupils.progress import aup_policy
from portal.quiz.catalogue import quiz_for
from portal.quiz.models import QuizAttempt
from portal.teaching.service import Tally

KEY_STAGES = tuple(KEY_STAGE_NAMES)  # EYFS, KS1, KS2: the school's order


@dataclass(frozen=True)
class ClassFigures:
    name: str
    key_stage: str
    on_roll: int
    aup: int  # pupils on roll whose AUP for their Key Stage is acknowledged
    quiz: int | None  # pupils on roll who finished their quiz this year; None: no quiz


def class_figures(today: date) -> list[ClassFigures]:
    """Every class, in the school's order, with its pupils' AUP and quiz figures."""
    on_roll = func.count(Pupil.id).filter(Pupil.left_on.is_(None))
    classes = db.session.execute(
        select(SchoolClass.id, SchoolClass.name, SchoolClass.year_group, on_roll)
        .outerjoin(Pupil, Pupil.class_id == SchoolClass.id)
        .group_by(SchoolClass.id, SchoolClass.name, SchoolClass.year_group)
        .order_by(SchoolClass.year_group, SchoolClass.name)
    ).all()
    quizzes = {stage: quiz_for(stage) for stage in KEY_STAGES}
    acknowledged = _aup_acknowledged(today)
    finished = _quiz_finished(quizzes, academic_year(today).start_year)
    figures = []
    for class_id, name, year_group, pupils in classes:
        stage = key_stage(year_group)
        quiz = finished.get(class_id, 0) if quizzes[stage] is not None else None
        figures.append(ClassFigures(name, stage, pupils, acknowledged.get(class_id, 0), quiz))
    return figures


def _in_stage(stage: str):
    return SchoolClass.year_group.in_(STAGE_YEAR_GROUPS[stage])


def _aup_acknowledged(today: date) -> dict[int, int]:
    """Pupils on roll per class with a current acknowledgement of their Key Stage's AUP (the
    rule of portal/pupils/progress.py aup_acknowledgements, counted in SQL): one statement for
    every Key Stage."""
    current = []
    for stage in KEY_STAGES:
        try:
            policy = aup_policy(stage)
        except LookupError:  # a new install without its content: nobody can have acknowledged
            continue
        baseline = acknowledgement_baseline(policy, today)
        if baseline is None:  # nothing in force yet: nothing to be current with
            continue
        current.append(
            and_(
                _in_stage(stage),
                Acknowledgement.key_stage == stage,
                PolicyVersion.policy_id == policy.id,
                PolicyVersion.number >= baseline.number,
            )
        )
    if not current:
        return {}
    rows = db.session.execute(
        select(Pupil.class_id, func.count(func.distinct(Pupil.id)))
        .join(SchoolClass, SchoolClass.id == Pupil.class_id)
        .join(Acknowledgement, Acknowledgement.pupil_id == Pupil.id)
        .join(PolicyVersion, PolicyVersion.id == Acknowledgement.policy_version_id)
        .where(
            Pupil.left_on.is_(None),
            Acknowledgement.response == "acknowledged",
            or_(*current),
        )
        .group_by(Pupil.class_id)
    )
    return dict(rows.all())


def _quiz_finished(quizzes: dict, year: int) -> dict[int, int]:
    """Pupils on roll per class whose latest attempt this year at their Key Stage's quiz is
    finished (the rule of portal/pupils/progress.py quiz_progress, counted in SQL): one
    statement for every Key Stage."""
    theirs = [
        and_(_in_stage(stage), QuizAttempt.quiz_id == quiz.id)
        for stage, quiz in quizzes.items()
        if quiz is not None
    ]
    if not theirs:
        return {}
    latest = (
        select(func.max(QuizAttempt.id))
        .join(Pupil, Pupil.id == QuizAttempt.pupil_id)
        .join(SchoolClass, SchoolClass.id == Pupil.class_id)
        .where(Pupil.left_on.is_(None), QuizAttempt.academic_year == year, or_(*theirs))
        .group_by(QuizAttempt.pupil_id)
    )
    rows = db.session.execute(
        select(Pupil.class_id, func.count())
        .join(QuizAttempt, QuizAttempt.pupil_id == Pupil.id)
        .where(QuizAttempt.id.in_(latest), QuizAttempt.finished_at.is_not(None))
        .group_by(Pupil.class_id)
    )
    return dict(rows.all())


def by_stage(figures: list[ClassFigures], count) -> list[tuple[str, Tally]]:
    """One bar per Key Stage that has classes, from ``count(class figures)``."""
    bars = []
    for stage in KEY_STAGES:
        mine = [f for f in figures if f.key_stage == stage and count(f) is not None]
        if mine:
            bars.append((stage, Tally(sum(count(f) for f in mine), sum(f.on_roll for f in mine))))
    return bars


def school_total(figures: list[ClassFigures], count) -> Tally:
    mine = [f for f in figures if count(f) is not None]
    return Tally(sum(count(f) for f in mine), sum(f.on_roll for f in mine))
