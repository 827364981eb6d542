"""Pupils' figures for the school overview: each class's pupils on roll, how many have
acknowledged their Key Stage's AUP and how many finished its quiz this school year.

The same rules as the teacher's class view (portal/pupils/progress.py), counted in SQL for the
whole school at once: three queries, whatever the number of classes.
"""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

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
from portal.pupils.progress import aup_baselines
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


# Each class and its pupils on roll, in the school's order.
_CLASSES = (
    select(
        SchoolClass.id,
        SchoolClass.name,
        SchoolClass.year_group,
        func.count(Pupil.id).filter(Pupil.left_on.is_(None)),
    )
    .outerjoin(Pupil, Pupil.class_id == SchoolClass.id)
    .group_by(SchoolClass.id, SchoolClass.name, SchoolClass.year_group)
    .order_by(SchoolClass.year_group, SchoolClass.name)
)


def class_figures(today: date) -> list[ClassFigures]:
    """Every class, in the school's order, with its pupils' AUP and quiz figures."""
    classes = db.session.execute(_CLASSES).all()
    quizzes = {stage: quiz_for(stage) for stage in KEY_STAGES}
    acknowledged = _aup_acknowledged(today)
    quiz_ids = tuple((stage, quiz.id) for stage, quiz in quizzes.items() if quiz is not None)
    finished = _quiz_finished(quiz_ids, academic_year(today).start_year)
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
    baselines = aup_baselines(today)
    if not baselines:  # no AUP installed or in force: nobody can be current with one
        return {}
    return dict(db.session.execute(_acknowledged_by_class(baselines)).all())


# The two counts below are built once for the same facts (Key Stages' baselines, quizzes, the
# school year): building their statements cost more than running them.
@lru_cache(maxsize=16)
def _acknowledged_by_class(baselines: tuple[tuple[str, int, int], ...]):
    current = [
        and_(
            _in_stage(stage),
            Acknowledgement.key_stage == stage,
            PolicyVersion.policy_id == policy_id,
            PolicyVersion.number >= number,
        )
        for stage, policy_id, number in baselines
    ]
    return (
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


def _quiz_finished(quiz_ids: tuple[tuple[str, str], ...], year: int) -> dict[int, int]:
    """Pupils on roll per class whose latest attempt this year at their Key Stage's quiz is
    finished (the rule of portal/pupils/progress.py quiz_progress, counted in SQL): one
    statement for every Key Stage."""
    if not quiz_ids:
        return {}
    return dict(db.session.execute(_finished_by_class(quiz_ids, year)).all())


@lru_cache(maxsize=16)
def _finished_by_class(quiz_ids: tuple[tuple[str, str], ...], year: int):
    theirs = [and_(_in_stage(stage), QuizAttempt.quiz_id == quiz_id) for stage, quiz_id in quiz_ids]
    latest = (
        select(func.max(QuizAttempt.id))
        .join(Pupil, Pupil.id == QuizAttempt.pupil_id)
        .join(SchoolClass, SchoolClass.id == Pupil.class_id)
        .where(Pupil.left_on.is_(None), QuizAttempt.academic_year == year, or_(*theirs))
        .group_by(QuizAttempt.pupil_id)
    )
    return (
        select(Pupil.class_id, func.count())
        .join(QuizAttempt, QuizAttempt.pupil_id == Pupil.id)
        .where(QuizAttempt.id.in_(latest), QuizAttempt.finished_at.is_not(None))
        .group_by(Pupil.class_id)
    )


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
