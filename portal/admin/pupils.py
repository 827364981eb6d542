"""The class grid across the whole school: every pupil on roll, their Key Stage's AUP and this
year's quiz for their Key Stage, as the teacher's class view shows them (teaching/service.py).

One SELECT draws every row, with the AUP and quiz statuses worked out in SQL, so filters, sorts
and pages are SQL too: a school of 2,000 pupils costs the same few statements as one of 100.
Read-only; nothing here touches ``request``.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import DateTime, Select, and_, case, false, func, literal, null, or_, select
from sqlalchemy.orm import aliased

from portal.admin.listing import ListSpec, ListState, Sort
from portal.extensions import db
from portal.formatting import long_date, school_time
from portal.people.models import Pupil, SchoolClass, Staff
from portal.people.school_year import KEY_STAGE_NAMES, RECEPTION
from portal.policies.models import Acknowledgement, PolicyVersion
from portal.policies.service import acknowledgement_baseline
from portal.pupils.progress import (
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    aup_policy,
    school_year_of,
)
from portal.pupils.service import stars
from portal.quiz.catalogue import quiz_for
from portal.quiz.models import QuizAnswer, QuizAttempt

AUP_LABELS = {"done": "Acknowledged", "not_yet": "Not yet"}
QUIZ_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", DONE: "Done"}
METHOD_LABELS = {
    "online": "online",
    "in_class": "in class",
    "in_person": "in person",
    "paper": "on paper",
    "phone": "by phone",
}
CSV_HEADER = [
    "Pupil",
    "Class",
    "Key Stage",
    "AUP",
    "AUP acknowledged on",
    "AUP acknowledged how",
    "AUP witness",
    "Quiz",
    "Quiz questions answered",
    "Quiz questions right",
    "Quiz stars",
]
NEVER = datetime(9999, 12, 31)  # "not yet" sorts after every date


def key_stage_of(year_group):
    """The Key Stage of a year group, in SQL (people/school_year.key_stage)."""
    return case((year_group == RECEPTION, "EYFS"), (year_group.in_((1, 2)), "KS1"), else_="KS2")


class_stage = key_stage_of(SchoolClass.year_group)


def _current_acknowledgement(today: date):
    """The id of the pupil's latest acknowledgement (as teaching shows it) in their Key Stage,
    of an AUP at or after its baseline: looked up per pupil through ix_acknowledgement_pupil."""
    rules = []
    for stage in KEY_STAGE_NAMES:
        policy = aup_policy(stage)
        baseline = acknowledgement_baseline(policy, today)
        if baseline is not None:
            rules.append(
                and_(
                    Acknowledgement.key_stage == stage,
                    PolicyVersion.policy_id == policy.id,
                    PolicyVersion.number >= baseline.number,
                )
            )
    return (
        select(Acknowledgement.id)
        .join(Acknowledgement.policy_version)
        .where(
            Acknowledgement.pupil_id == Pupil.id,
            Acknowledgement.key_stage == class_stage,
            Acknowledgement.response == "acknowledged",
            or_(*rules) if rules else false(),
        )
        .order_by(Acknowledgement.created_at.desc(), Acknowledgement.id.desc())
        .limit(1)
        .correlate(Pupil, SchoolClass)
        .scalar_subquery()
    )


def _quiz_ids() -> dict[str, str]:
    """Each Key Stage's quiz id, for the stages that have one."""
    return {stage: quiz.id for stage in KEY_STAGE_NAMES if (quiz := quiz_for(stage))}


@dataclass(frozen=True)
class PupilGrid:
    """The grid's query (every pupil on roll, unfiltered), its list spec and its classes."""

    query: Select
    spec: ListSpec
    classes: list[tuple[int, str]]  # (id, name), for the class filter
    aup_id: object  # the columns the filters test
    quiz_status: object

    def select(self, state: ListState) -> Select:
        """The rows the state asks for (filters and search in SQL; its order is the listing's)."""
        query = self.query
        filters = state.filters
        if "key_stage" in filters:
            query = query.where(class_stage == filters["key_stage"])
        if "class" in filters:
            query = query.where(Pupil.class_id == int(filters["class"]))
        if "aup" in filters:
            done = filters["aup"] == "done"
            query = query.where(self.aup_id.is_not(None) if done else self.aup_id.is_(None))
        if "quiz" in filters:
            query = query.where(self.quiz_status == filters["quiz"])
        if state.search:
            full_name = func.lower(Pupil.first_name + " " + Pupil.last_name)
            query = query.where(full_name.contains(state.search.lower(), autoescape=True))
        return query


def pupil_grid(today: date, page_size: int = 50) -> PupilGrid:
    """The whole school's class grid for ``today``: a few small queries (the AUPs' baselines,
    the classes), none per pupil."""
    aup = aliased(Acknowledgement)
    witness = aliased(Staff)
    quiz_ids = _quiz_ids()
    quiz_id = case(*((class_stage == s, q) for s, q in quiz_ids.items()), else_=null())
    if not quiz_ids:
        quiz_id = null()
    latest = (  # the pupil's latest attempt this year at their Key Stage's quiz, as teaching
        select(func.max(QuizAttempt.id))
        .where(
            QuizAttempt.pupil_id == Pupil.id,
            QuizAttempt.quiz_id == quiz_id,
            QuizAttempt.academic_year == school_year_of(today),
        )
        .correlate(Pupil, SchoolClass)
        .scalar_subquery()
    )
    attempt = aliased(QuizAttempt)
    status = case(
        (quiz_id.is_(None), null()),
        (attempt.id.is_(None), NOT_STARTED),
        (attempt.finished_at.is_(None), IN_PROGRESS),
        else_=DONE,
    )
    answered = (
        select(func.count(QuizAnswer.id))
        .where(QuizAnswer.attempt_id == attempt.id)
        .scalar_subquery()
    )
    query = (
        select(
            Pupil.id,
            Pupil.first_name,
            Pupil.last_name,
            SchoolClass.id.label("class_id"),
            SchoolClass.name.label("class_name"),
            class_stage.label("key_stage"),
            aup.created_at.label("aup_on"),
            aup.method.label("aup_method"),
            witness.name.label("aup_witness"),
            status.label("quiz_status"),
            answered.label("quiz_answered"),
            attempt.score.label("quiz_score"),
            attempt.total.label("quiz_total"),
        )
        .join(Pupil.school_class)
        .outerjoin(aup, aup.id == _current_acknowledgement(today))
        .outerjoin(witness, witness.id == aup.recorded_by_id)
        .outerjoin(attempt, attempt.id == latest)
        .where(Pupil.left_on.is_(None))
    )
    by_name = (Pupil.first_name, Pupil.last_name, Pupil.id)
    quiz_rank = case(
        (status == NOT_STARTED, 0), (status == IN_PROGRESS, 1), (status == DONE, 2), else_=3
    )
    never = literal(NEVER, DateTime())
    sorts = {
        "name": Sort("Pupil", by_name),
        "class": Sort("Class", (SchoolClass.year_group, SchoolClass.name, *by_name)),
        "aup": Sort("AUP", (func.coalesce(aup.created_at, never), *by_name)),
        "quiz": Sort("Quiz", (quiz_rank, *by_name)),
    }
    classes = school_classes()
    spec = ListSpec(
        filters={
            "key_stage": tuple(KEY_STAGE_NAMES),
            "class": tuple(str(class_id) for class_id, _ in classes),
            "aup": tuple(AUP_LABELS),
            "quiz": tuple(QUIZ_LABELS),
        },
        sorts=sorts,
        searchable=True,
        page_size=page_size,
    )
    return PupilGrid(query, spec, classes, aup.id, status)


def school_classes() -> list[tuple[int, str]]:
    """Every class, youngest first: one query."""
    rows = db.session.execute(
        select(SchoolClass.id, SchoolClass.name).order_by(SchoolClass.year_group, SchoolClass.name)
    )
    return [tuple(row) for row in rows]


# What a row says, on the page and in the CSV alike --------------------------------------


@dataclass(frozen=True)
class GridRow:
    """One pupil's line of the grid, in words."""

    pupil_id: int
    name: str
    class_id: int
    class_name: str
    key_stage: str
    aup_on: datetime | None
    aup_method: str | None
    aup_witness: str | None
    quiz_status: str | None
    quiz_answered: int
    quiz_score: int | None
    quiz_total: int | None

    @classmethod
    def of(cls, row) -> "GridRow":
        return cls(
            row.id,
            f"{row.first_name} {row.last_name}",
            row.class_id,
            row.class_name,
            row.key_stage,
            row.aup_on,
            row.aup_method,
            row.aup_witness,
            row.quiz_status,
            row.quiz_answered or 0,
            row.quiz_score,
            row.quiz_total,
        )

    @property
    def key_stage_name(self) -> str:
        return KEY_STAGE_NAMES[self.key_stage]

    @property
    def aup(self) -> str:
        return AUP_LABELS["done" if self.aup_on else "not_yet"]

    @property
    def aup_date(self) -> str:
        return long_date(school_time(self.aup_on)) if self.aup_on else ""

    @property
    def aup_how(self) -> str:
        return METHOD_LABELS.get(self.aup_method, self.aup_method or "")

    @property
    def quiz(self) -> str:
        return QUIZ_LABELS.get(self.quiz_status, "No quiz")

    @property
    def stars(self) -> int | None:
        if self.quiz_status != DONE:
            return None
        return stars(self.quiz_score or 0, self.quiz_total or 0)

    @property
    def right(self) -> str:
        if self.quiz_status != DONE:
            return ""
        return f"{self.quiz_score or 0} of {self.quiz_total or 0}"

    @property
    def quiz_detail(self) -> str:
        """What the class view adds to the status: progress part-way, the result when done."""
        if self.quiz_status == IN_PROGRESS:
            return f"{self.quiz_answered} of {self.quiz_total} questions answered"
        if self.quiz_status == DONE:
            count = self.stars
            return f"{self.right} right, {count} star{'' if count == 1 else 's'}"
        return ""

    def cells(self) -> list:
        """The row as the CSV holds it (CSV_HEADER's order)."""
        answered = self.quiz_answered if self.quiz_status in (IN_PROGRESS, DONE) else ""
        return [
            self.name,
            self.class_name,
            self.key_stage_name,
            self.aup,
            self.aup_date,
            self.aup_how,
            self.aup_witness or "",
            self.quiz,
            answered,
            self.right,
            self.stars or "",
        ]


def grid_rows(rows) -> list[GridRow]:
    return [GridRow.of(row) for row in rows]
