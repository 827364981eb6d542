"""Pupils' figures for the school overview: each class's pupils on roll, how many have
acknowledged their Key Stage's AUP and how many finished its quiz this school year.

The same rules as the teacher's class view (portal/pupils/progress.py), counted in SQL for the
whole school at once: a fixed number of queries (three per Key Stage at most), never per class.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from portal.extensions import db
from portal.people.models import Pupil, SchoolClass
from portal.people.school_year import KEY_STAGE_NAMES, academic_year, key_stage
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
    classes = db.session.execute(
        select(SchoolClass.id, SchoolClass.name, SchoolClass.year_group).order_by(
            SchoolClass.year_group, SchoolClass.name
        )
    ).all()
    on_roll = dict(
        db.session.execute(
            select(Pupil.class_id, func.count())
            .where(Pupil.left_on.is_(None), Pupil.class_id.is_not(None))
            .group_by(Pupil.class_id)
        ).all()
    )
    stage_of = {row.id: key_stage(row.year_group) for row in classes}
    acknowledged, finished, has_quiz = Counter(), Counter(), {}
    for stage in KEY_STAGES:
        ids = [class_id for class_id, s in stage_of.items() if s == stage]
        if not ids:
            continue
        acknowledged.update(_aup_acknowledged(ids, stage, today))
        quiz = quiz_for(stage)
        has_quiz[stage] = quiz is not None
        if quiz is not None:
            finished.update(_quiz_finished(ids, quiz.id, academic_year(today).start_year))
    return [
        ClassFigures(
            row.name,
            stage_of[row.id],
            on_roll.get(row.id, 0),
            acknowledged[row.id],
            finished[row.id] if has_quiz[stage_of[row.id]] else None,
        )
        for row in classes
    ]


def _on_roll_in(class_ids: list[int]):
    return (Pupil.class_id.in_(class_ids), Pupil.left_on.is_(None))


def _aup_acknowledged(class_ids: list[int], stage: str, today: date) -> dict[int, int]:
    """Pupils on roll per class with a current AUP acknowledgement for ``stage`` (the rule of
    portal/pupils/progress.py aup_acknowledgements, counted in SQL)."""
    try:
        policy = aup_policy(stage)
    except LookupError:  # a new install without its content: nobody can have acknowledged
        return {}
    baseline = acknowledgement_baseline(policy, today)
    if baseline is None:  # nothing in force yet: nothing to be current with
        return {}
    rows = db.session.execute(
        select(Pupil.class_id, func.count(func.distinct(Pupil.id)))
        .join(Acknowledgement, Acknowledgement.pupil_id == Pupil.id)
        .join(PolicyVersion, PolicyVersion.id == Acknowledgement.policy_version_id)
        .where(
            *_on_roll_in(class_ids),
            Acknowledgement.key_stage == stage,
            PolicyVersion.policy_id == policy.id,
            PolicyVersion.number >= baseline.number,
            Acknowledgement.response == "acknowledged",
        )
        .group_by(Pupil.class_id)
    )
    return dict(rows.all())


def _quiz_finished(class_ids: list[int], quiz_id: str, year: int) -> dict[int, int]:
    """Pupils on roll per class whose latest attempt this year at ``quiz_id`` is finished (the
    rule of portal/pupils/progress.py quiz_progress, counted in SQL)."""
    latest = (
        select(func.max(QuizAttempt.id))
        .join(Pupil, Pupil.id == QuizAttempt.pupil_id)
        .where(*_on_roll_in(class_ids), QuizAttempt.quiz_id == quiz_id)
        .where(QuizAttempt.academic_year == year)
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
