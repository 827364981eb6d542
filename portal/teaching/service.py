"""The teacher's class view: the AUP, the quiz, what to revisit, and each pupil's settings.

Bulk queries only: a class of 30 costs the same few queries as a class of 5.
Every function flushes and never commits; the view (or the CLI) commits once.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select

from portal.extensions import db
from portal.people.classes import class_roll
from portal.people.models import Pupil, SchoolClass, Staff
from portal.people.school_year import reads_aloud_by_default
from portal.policies.models import Acknowledgement, PolicyVersion
from portal.policies.service import record_acknowledgement
from portal.pupils.progress import (
    DONE,
    READ_TOGETHER_STAGES,
    QuizProgress,
    aup_acknowledgements,
    aup_to_show,
    quiz_progress,
    school_year_of,
)
from portal.quiz.catalogue import quiz_for
from portal.quiz.content import Quiz


class TeachingProblem(Exception):
    """Something the service refuses to do; the message is safe to show to the teacher."""


@dataclass(frozen=True)
class Tally:
    """A number with its base, as staff read it: "18 of 24 (75%)"."""

    count: int
    base: int

    @property
    def percent(self) -> int | None:
        # Rounded half up (62.5% shows as 63%), not to the nearest even number.
        return (200 * self.count + self.base) // (2 * self.base) if self.base else None

    def __str__(self) -> str:
        share = f" ({self.percent}%)" if self.base else ""
        return f"{self.count} of {self.base}{share}"


def pupil_on_roll(school_class: SchoolClass, pupil_id: int) -> Pupil | None:
    """The pupil, if they are on the roll of this class; otherwise None."""
    pupil = db.session.get(Pupil, pupil_id)
    if pupil is None or pupil.class_id != school_class.id or pupil.left_on is not None:
        return None
    return pupil


# The class at a glance -------------------------------------------------------------------


@dataclass(frozen=True)
class PupilRow:
    pupil: Pupil
    acknowledgement: Acknowledgement | None  # of the AUP, current for their Key Stage
    witness: str | None  # the member of staff who recorded it, when not given online
    progress: QuizProgress | None  # None when the Key Stage has no quiz

    @property
    def quiz_status(self) -> str | None:
        return self.progress.status if self.progress else None


@dataclass(frozen=True)
class ClassOverview:
    school_class: SchoolClass
    rows: list[PupilRow]
    aup_version: PolicyVersion | None
    quiz: Quiz | None  # with the questions of the class's year group

    def quiz_count(self, status: str) -> int:
        """How many pupils' quiz is NOT_STARTED, IN_PROGRESS or DONE."""
        return sum(row.quiz_status == status for row in self.rows)

    @property
    def aup_done(self) -> Tally:
        return Tally(sum(row.acknowledgement is not None for row in self.rows), len(self.rows))

    @property
    def quiz_done(self) -> Tally | None:
        return Tally(self.quiz_count(DONE), len(self.rows)) if self.quiz else None

    @property
    def reads_together(self) -> bool:
        return self.school_class.key_stage in READ_TOGETHER_STAGES


def _witness_names(acknowledgements: list[Acknowledgement]) -> dict[int, str]:
    ids = {ack.recorded_by_id for ack in acknowledgements if ack.recorded_by_id}
    if not ids:
        return {}
    return dict(db.session.execute(_NAMES, {"ids": list(ids)}).all())


_NAMES = select(Staff.id, Staff.name).where(Staff.id.in_(bindparam("ids", expanding=True)))


def _rows(pupils: list[Pupil], key_stage: str, today: date) -> list[PupilRow]:
    """Each pupil's AUP and quiz status, in a fixed handful of queries."""
    acknowledged = aup_acknowledgements(pupils, key_stage, today)
    witnesses = _witness_names(list(acknowledged.values()))
    quiz = quiz_for(key_stage)
    progress = quiz_progress(pupils, quiz.id, school_year_of(today)) if quiz else {}
    rows = []
    for pupil in pupils:
        ack = acknowledged.get(pupil.id)
        witness = witnesses.get(ack.recorded_by_id) if ack and ack.recorded_by_id else None
        rows.append(PupilRow(pupil, ack, witness, progress.get(pupil.id)))
    return rows


def class_summaries(classes: list[SchoolClass], today: date) -> list[ClassOverview]:
    """Each class's pupils, AUP and quiz status; the queries grow with Key Stages, not pupils."""
    stage_of = {school_class.id: school_class.key_stage for school_class in classes}
    versions = {stage: aup_to_show(stage, today) for stage in set(stage_of.values())}
    by_stage: dict[str, list[Pupil]] = defaultdict(list)
    for pupil in class_roll(*(c.id for c in classes)):
        by_stage[stage_of[pupil.class_id]].append(pupil)
    rows: dict[int, list[PupilRow]] = defaultdict(list)
    for stage, pupils in by_stage.items():
        for row in _rows(pupils, stage, today):
            rows[row.pupil.class_id].append(row)
    return [
        ClassOverview(
            school_class,
            rows[school_class.id],
            versions[school_class.key_stage],
            class_quiz(school_class),
        )
        for school_class in classes
    ]


def class_quiz(school_class: SchoolClass) -> Quiz | None:
    """The class's Key Stage quiz with the questions of its year group, as its pupils take it."""
    quiz = quiz_for(school_class.key_stage)
    return quiz.for_year(school_class.year_group) if quiz else None


def class_overview(school_class: SchoolClass, today: date) -> ClassOverview:
    """One class: its pupils on roll with their AUP and quiz status, and the totals."""
    return class_summaries([school_class], today)[0]


def pupil_row(pupil: Pupil, today: date) -> PupilRow:
    """One pupil's row of the class view (after their settings change)."""
    return _rows([pupil], pupil.school_class.key_stage, today)[0]


# What the class found hard ---------------------------------------------------------------


def set_accommodations(pupil: Pupil, always_read_aloud: bool, two_choices: bool) -> Pupil:
    """The pupil's quiz settings: read every screen aloud; show the right answer and one other.

    Read-aloud as their Key Stage has it by default is stored as no choice, so it follows the
    pupil into Key Stage 2; only a choice against the default is kept.
    """
    chosen = bool(always_read_aloud)
    default = reads_aloud_by_default(pupil.school_class.key_stage)
    pupil.always_read_aloud = None if chosen == default else chosen
    pupil.two_choices = bool(two_choices)
    db.session.flush()
    return pupil


@dataclass(frozen=True)
class ReadTogether:
    version: PolicyVersion | None
    due: list[Pupil]  # on roll and not yet acknowledged for this Key Stage
    on_roll: int


def read_together(school_class: SchoolClass, today: date) -> ReadTogether:
    """The AUP to read with the class today, and who still needs to acknowledge it."""
    pupils = class_roll(school_class.id)
    if school_class.key_stage not in READ_TOGETHER_STAGES:
        return ReadTogether(None, [], len(pupils))
    acknowledged = aup_acknowledgements(pupils, school_class.key_stage, today)
    return ReadTogether(
        aup_to_show(school_class.key_stage, today),
        [pupil for pupil in pupils if pupil.id not in acknowledged],
        len(pupils),
    )


def _present_pupils(school_class: SchoolClass, pupil_ids: list[int]) -> list[Pupil]:
    roll = {pupil.id: pupil for pupil in class_roll(school_class.id)}
    if set(pupil_ids) - roll.keys():
        raise TeachingProblem(
            f"Some of the pupils ticked are not on the roll of "
            f"{school_class.name}, so nothing was recorded. "
            "Reload the page and try again."
        )
    return [roll[pupil_id] for pupil_id in sorted(set(pupil_ids))]


def record_class_acknowledgement(
    school_class: SchoolClass, pupil_ids_present: list[int], teacher: Staff, today: date
) -> int:
    """Record "we read it together in class" for the pupils present, with the teacher as witness.

    Only for EYFS and KS1. Pupils who have already acknowledged for their Key Stage are left
    as they are, so recording twice changes nothing. Returns how many were recorded.
    """
    stage = school_class.key_stage
    if stage not in READ_TOGETHER_STAGES:
        raise TeachingProblem(
            "Pupils in Key Stage 2 acknowledge the AUP themselves, on their "
            "own screen, so there is no class acknowledgement for them."
        )
    pupils = _present_pupils(school_class, pupil_ids_present)
    version = aup_to_show(stage, today)
    if version is None:
        raise TeachingProblem("No version of the AUP is in force yet, so nothing was recorded.")
    before = aup_acknowledgements(pupils, stage, today)
    for pupil in pupils:
        if pupil.id not in before:
            record_acknowledgement(
                version,
                school_year_of(today),
                pupil=pupil,
                method="in_class",
                recorded_by=teacher,
                key_stage=stage,
            )
    db.session.flush()
    return len(aup_acknowledgements(pupils, stage, today)) - len(before)
