"""The register's verbs: add an entry, approve or decline it, review it, retire it.

Each decision is one conditional UPDATE on the status (and, for a review, the due date) the
page showed: two leads acting at once, or one double click, change the entry once, and the
later request learns who got there first.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload

from portal.clock import utcnow
from portal.database import dialect_insert
from portal.extensions import db
from portal.formatting import long_date, school_time
from portal.people.classes import sees_every_class
from portal.people.models import SchoolClass, Staff
from portal.people.roles import ESAFETY_LEAD, HEAD_TEACHER
from portal.policies.service import add_months
from portal.register.models import (
    APPROVED,
    AWAITING,
    DECLINED,
    RETIRED,
    REVIEW_MONTHS,
    RiskAssessment,
    RiskAssessmentEvent,
    risk_assessment_class,
)

# Only they approve, decline, review and retire (the policy names them for online safety).
DECIDERS = (ESAFETY_LEAD, HEAD_TEACHER)


class RegisterProblem(Exception):
    """A change that cannot be made as asked; the message is safe to show. ``repeated``: the
    same person already made this very change (a double click), so nothing is wrong."""

    def __init__(self, message: str, repeated: bool = False):
        super().__init__(message)
        self.repeated = repeated


@dataclass(frozen=True)
class NewEntry:
    submission_key: str
    tool: str
    class_ids: tuple[int, ...]
    whole_school: bool
    purpose: str
    risks: str


def class_choices(staff: Staff) -> list[SchoolClass]:
    """The classes this person may add an entry for: their own, or every class for leaders."""
    if sees_every_class(staff):
        query = select(SchoolClass).order_by(SchoolClass.year_group, SchoolClass.name)
        return list(db.session.scalars(query))
    return sorted(staff.classes, key=lambda c: (c.year_group, c.name))


def may_choose_whole_school(staff: Staff) -> bool:
    return sees_every_class(staff)


def add_entry(entry: NewEntry, staff: Staff) -> RiskAssessment:
    """Add the entry once: the same submission key sent again returns the first entry."""
    allowed = {c.id for c in class_choices(staff)}
    if entry.whole_school and not may_choose_whole_school(staff):
        raise RegisterProblem("Only the school leaders can add a tool for the whole school.")
    if not entry.whole_school and not entry.class_ids:
        raise RegisterProblem("Choose the class or classes that will use it.")
    if not set(entry.class_ids) <= allowed:
        raise RegisterProblem("You can add a tool only for the classes you teach.")
    entry_id = db.session.scalar(
        dialect_insert(RiskAssessment)
        .values(
            submission_key=entry.submission_key,
            tool=entry.tool,
            whole_school=entry.whole_school,
            purpose=entry.purpose,
            risks=entry.risks,
            status=AWAITING,
            requested_by_id=staff.id,
            requested_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=[RiskAssessment.submission_key])
        .returning(RiskAssessment.id)
    )
    if entry_id is None:  # the same form sent again: the first one stands
        return _added_with(entry.submission_key)
    if not entry.whole_school:
        db.session.execute(
            risk_assessment_class.insert(),
            [{"risk_assessment_id": entry_id, "class_id": c} for c in sorted(set(entry.class_ids))],
        )
    _record(entry_id, "requested", staff)
    db.session.flush()
    return db.session.get(RiskAssessment, entry_id)


def _added_with(submission_key: str) -> RiskAssessment:
    query = select(RiskAssessment).where(RiskAssessment.submission_key == submission_key)
    return db.session.scalar(query)


def review_due_from(day: date) -> date:
    """An approval or a review on ``day`` lasts a year."""
    return add_months(day, REVIEW_MONTHS)


def approve(entry: RiskAssessment, staff: Staff, today: date) -> None:
    """Approve an entry awaiting approval: it is due for review a year from today."""
    due = review_due_from(today)
    _change(
        entry,
        staff,
        "approved",
        RiskAssessment.status == AWAITING,
        status=APPROVED,
        decided_by_id=staff.id,
        decided_at=utcnow(),
        review_due_on=due,
    )


def decline(entry: RiskAssessment, staff: Staff, reason: str) -> None:
    """Decline an entry awaiting approval, saying why."""
    _change(
        entry,
        staff,
        "declined",
        RiskAssessment.status == AWAITING,
        note=reason,
        status=DECLINED,
        decided_by_id=staff.id,
        decided_at=utcnow(),
        decline_reason=reason,
    )


def review(entry: RiskAssessment, staff: Staff, seen_due_on: date, note: str, today: date):
    """Record a review of an approved entry: its next review is due a year from today.
    ``seen_due_on``: the due date the page showed, so a second click reviews it once."""
    due = review_due_from(today)
    _change(
        entry,
        staff,
        "reviewed",
        (RiskAssessment.status == APPROVED)
        & (RiskAssessment.review_due_on == seen_due_on)
        & (RiskAssessment.review_due_on != due),  # already approved or reviewed today
        note=note,
        review_due_on=due,
    )


def retire(entry: RiskAssessment, staff: Staff, note: str) -> None:
    """The tool is no longer used: the entry stays in the register's history."""
    _change(entry, staff, "retired", RiskAssessment.status == APPROVED, note=note, status=RETIRED)


def _change(entry, staff, kind, still_as_seen, note="", **values) -> None:
    changed = db.session.execute(
        update(RiskAssessment)
        .where(RiskAssessment.id == entry.id, still_as_seen)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        db.session.refresh(entry)
        raise _already_changed(entry, staff, kind)
    _record(entry.id, kind, staff, note, values.get("review_due_on"))
    db.session.flush()
    db.session.refresh(entry)


def _already_changed(entry: RiskAssessment, staff: Staff, kind: str) -> RegisterProblem:
    """What happened meanwhile, said kindly: someone (perhaps this person) got there first."""
    last = entry.events[-1]
    if last.kind == "requested":
        return RegisterProblem("This entry is awaiting approval, so nothing was changed.")
    who = "You" if last.staff_id == staff.id else last.staff.name
    return RegisterProblem(
        f"{who} had already {last.kind} this entry on {long_date(school_time(last.at))}, "
        "so nothing was changed. Here it is as it stands now.",
        repeated=last.staff_id == staff.id and last.kind == kind,
    )


def _record(entry_id, kind, staff, note="", review_due_on=None) -> None:
    db.session.add(
        RiskAssessmentEvent(
            risk_assessment_id=entry_id,
            kind=kind,
            staff_id=staff.id,
            at=utcnow(),
            note=note,
            review_due_on=review_due_on,
        )
    )


# Every leader's home page asks: built once (building a statement costs more than running it).
_OVERDUE = select(func.count(RiskAssessment.id)).where(
    RiskAssessment.status == APPROVED, RiskAssessment.review_due_on < bindparam("today")
)


def overdue_count(today: date) -> int:
    """Approved entries whose review date has passed (one query)."""
    return db.session.scalar(_OVERDUE, {"today": today})


# The evidence pack asks on every print: built once, the classes joined in (a few per tool).
_APPROVED = (
    select(RiskAssessment)
    .where(RiskAssessment.status == APPROVED)
    .options(joinedload(RiskAssessment.classes))
    .order_by(RiskAssessment.review_due_on, RiskAssessment.tool, RiskAssessment.id)
)


def approved_tools() -> list[RiskAssessment]:
    """Every approved entry, soonest review first, with its classes (one query)."""
    return list(db.session.scalars(_APPROVED).unique())
