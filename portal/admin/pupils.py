"""The class grid across the whole school: every pupil on roll, their Key Stage's AUP and this
year's quiz for their Key Stage, as the teacher's class view shows them (teaching/service.py).

One SELECT draws every row, with the AUP and quiz statuses worked out in SQL, so filters, sorts
and pages are SQL too: a school of 2,000 pupils costs the same few statements as one of 100.
Read-only; nothing here touches ``request``.
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import DateTime, Select, and_, case, false, func, literal, null, or_, select
from sqlalchemy.orm import aliased

from portal.admin.listing import Lean, ListSpec, ListState, Sort
from portal.database import contains_words
from portal.extensions import db
from portal.people.models import Pupil, SchoolClass, Staff
from portal.people.school_year import KEY_STAGE_NAMES, RECEPTION
from portal.policies.models import Acknowledgement, PolicyVersion
from portal.pupils.progress import (
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    aup_baselines,
    school_year_of,
)
from portal.quiz.catalogue import quiz_for
from portal.quiz.models import QuizAnswer, QuizAttempt

AUP_LABELS = {"done": "Acknowledged", "not_yet": "Not yet"}
QUIZ_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", DONE: "Done"}
NEVER = datetime(9999, 12, 31)  # "not yet" sorts after every date


def key_stage_of(year_group):
    """The Key Stage of a year group, in SQL (people/school_year.key_stage)."""
    return case((year_group == RECEPTION, "EYFS"), (year_group.in_((1, 2)), "KS1"), else_="KS2")


class_stage = key_stage_of(SchoolClass.year_group)
LEAN_SORTS = frozenset({"name", "class"})  # the sorts on the pupil's and class's own columns


def _current_acknowledgement(baselines: tuple[tuple[str, int, int], ...]):
    """The id of the pupil's latest acknowledgement (as teaching shows it) in their Key Stage,
    of an AUP at or after its baseline: looked up per pupil through ix_acknowledgement_pupil."""
    rules = [
        and_(
            Acknowledgement.key_stage == stage,
            PolicyVersion.policy_id == policy_id,
            PolicyVersion.number >= number,
        )
        for stage, policy_id, number in baselines
    ]
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


def _quiz_ids() -> tuple[tuple[str, str], ...]:
    """Each Key Stage's quiz id, for the stages that have one."""
    return tuple((stage, quiz.id) for stage in KEY_STAGE_NAMES if (quiz := quiz_for(stage)))


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
        query = self._on_roll(self.query, state)
        filters = state.filters
        if "aup" in filters:
            done = filters["aup"] == "done"
            query = query.where(self.aup_id.is_not(None) if done else self.aup_id.is_(None))
        if "quiz" in filters:
            query = query.where(self.quiz_status == filters["quiz"])
        return query

    def lean(self, state: ListState) -> Lean | None:
        """The pupils the state asks for, without working out each one's AUP and quiz (most
        of the grid's cost), unless a filter tests them: then None."""
        if "aup" in state.filters or "quiz" in state.filters:
            return None
        pupils = select(Pupil.id).join(Pupil.school_class).where(Pupil.left_on.is_(None))
        return Lean(self._on_roll(pupils, state), Pupil.id, LEAN_SORTS)

    def same_for(self, state: ListState) -> tuple | None:
        """What settles the statements of ``select`` and ``lean`` (page_of keeps them): the
        grid's own statement (one per school day's facts) and the filters; None for a search."""
        return state.same_for(self.query)

    @staticmethod
    def _on_roll(query: Select, state: ListState) -> Select:
        """``query`` narrowed by the filters and search that test only the pupil and class."""
        filters = state.filters
        if "key_stage" in filters:
            query = query.where(class_stage == filters["key_stage"])
        if "class" in filters:
            query = query.where(Pupil.class_id == int(filters["class"]))
        if state.search:
            full_name = Pupil.first_name + " " + Pupil.last_name
            query = query.where(contains_words(full_name, state.search))
        return query


def pupil_grid(today: date, page_size: int = 50) -> PupilGrid:
    """The whole school's class grid for ``today``: a few small queries (the AUPs' baselines,
    the classes), none per pupil."""
    query, sorts, aup_id, status = _grid_query(
        aup_baselines(today), _quiz_ids(), school_year_of(today)
    )
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
    return PupilGrid(query, spec, classes, aup_id, status)


# Built once for the same facts (the baselines, the quizzes, the school year): building the
# grid's statement cost more than running it. Statements hold no data, only their shape.
@lru_cache(maxsize=16)
def _grid_query(baselines: tuple, quiz_ids: tuple, year: int):
    """The grid's statement (every pupil on roll), its sorts, and the columns filters test."""
    aup = aliased(Acknowledgement)
    witness = aliased(Staff)
    attempt, latest, status, answered = _quiz_columns(dict(quiz_ids), year)
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
        .outerjoin(aup, aup.id == _current_acknowledgement(baselines))
        .outerjoin(witness, witness.id == aup.recorded_by_id)
        .outerjoin(attempt, attempt.id == latest)
        .where(Pupil.left_on.is_(None))
    )
    return query, _grid_sorts(aup, status), aup.id, status


def _quiz_columns(quiz_ids: dict[str, str], year: int):
    """The pupil's latest attempt this year at their Key Stage's quiz (as teaching counts it),
    its status (None where the Key Stage has no quiz) and how many questions it answered."""
    quiz_id = case(*((class_stage == s, q) for s, q in quiz_ids.items()), else_=null())
    if not quiz_ids:
        quiz_id = null()
    latest = (
        select(func.max(QuizAttempt.id))
        .where(
            QuizAttempt.pupil_id == Pupil.id,
            QuizAttempt.quiz_id == quiz_id,
            QuizAttempt.academic_year == year,
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
    return attempt, latest, status, answered


def _grid_sorts(aup, status) -> dict[str, Sort]:
    by_name = (Pupil.first_name, Pupil.last_name, Pupil.id)
    quiz_rank = case(
        (status == NOT_STARTED, 0), (status == IN_PROGRESS, 1), (status == DONE, 2), else_=3
    )
    never = literal(NEVER, DateTime())
    return {
        "name": Sort("Pupil", by_name),
        "class": Sort("Class", (SchoolClass.year_group, SchoolClass.name, *by_name)),
        "aup": Sort("AUP", (func.coalesce(aup.created_at, never), *by_name)),
        "quiz": Sort("Quiz", (quiz_rank, *by_name)),
    }


SCHOOL_CLASSES = select(SchoolClass.id, SchoolClass.name).order_by(
    SchoolClass.year_group, SchoolClass.name
)


def school_classes() -> list[tuple[int, str]]:
    """Every class, youngest first: one query."""
    return [tuple(row) for row in db.session.execute(SCHOOL_CLASSES)]
