"""The whole school's standing in this year's module, as SQL: one query for every row.

The same rules as ``status.ModuleStatus`` (a person's own pages), written as expressions so a
list can filter, sort, count and page them in the database whatever the number of staff.
tests/test_admin_module.py checks that both agree for people at each step.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache

from sqlalchemy import Select, and_, case, exists, false, func, literal, or_, select

from portal.extensions import db
from portal.people.models import Staff, StaffRole
from portal.people.roles import GOVERNOR
from portal.people.school_year import AcademicYear, academic_year
from portal.policies.models import Acknowledgement, PolicyVersion
from portal.policies.service import acknowledgement_baseline, version_shown
from portal.quiz.models import QuizAttempt
from portal.staff_module.models import Certificate, ModuleProgress, Reminder
from portal.staff_module.status import (
    CHECK_QUIZ_ID,
    ModuleSettings,
    guideline_cards,
    guidelines_policy,
    social_media_policy,
)

REMINDER_KIND = "staff_module"
# Where someone stands, in the order they go through it (status.STEPS, with reading split).
STANDINGS = ("not_started", "reading", "check", "acknowledge", "complete")
STANDING_LABELS = {
    "not_started": "Not started",
    "reading": "Reading the guidelines",
    "check": "Check to pass",
    "acknowledge": "To acknowledge",
    "complete": "Complete",
}


@dataclass(frozen=True)
class SchoolModule:
    """This year's module: the query of everyone who takes it, and what it is measured by."""

    year: AcademicYear
    cards_total: int
    query: Select  # one row per person: Staff and ``steps``
    steps: tuple  # the columns of each step's facts (cards_read, attempts, ... standing)
    standing: object  # the SQL expression of STANDINGS
    overdue: object  # the SQL expression: not complete and past their due date
    completed_at: object

    @cached_property
    def totals(self) -> Select:
        """How many stand at each step, and how many of them are overdue."""
        return self.query.with_only_columns(
            self.standing,
            func.count(),
            func.count(case((self.overdue, 1))),
            maintain_column_froms=True,
        ).group_by(self.standing)


def takes_module_clause():
    """Active, and some role other than governor (status.takes_module, in SQL)."""
    other_role = exists().where(StaffRole.staff_id == Staff.id, StaffRole.role != GOVERNOR)
    return and_(Staff.active.is_(True), other_role)


def has_role_clause(role: str):
    return exists().where(StaffRole.staff_id == Staff.id, StaffRole.role == role)


def school_module(today: date, settings: ModuleSettings) -> SchoolModule:
    """Everyone who takes the module with each step's facts, in one statement."""
    policy = guidelines_policy()
    version, baseline = version_shown(policy, today), acknowledgement_baseline(policy, today)
    whole_policy = social_media_policy()
    whole_baseline = acknowledgement_baseline(whole_policy, today)
    return _school_module(
        today,
        settings,
        (policy.id, baseline.number),
        (whole_policy.id, whole_baseline.number),
        len(guideline_cards(version)[1]),
    )


# Built once for the same facts (a day's pages ask again and again): building and keying this
# statement costs about three times what running it does at demo size.
@lru_cache(maxsize=16)
def _school_module(
    today: date,
    settings: ModuleSettings,
    guidelines: tuple[int, int],  # the policy's id and its acknowledgement baseline's number
    whole_policy: tuple[int, int],
    cards_total: int,
) -> SchoolModule:
    year = academic_year(today)
    this_year = year.start_year
    progress = _progress(this_year, *guidelines)
    check = _check_taken(this_year)
    acknowledged = _acknowledged(this_year, [guidelines, whole_policy])
    reminded = _reminded()
    cards_read, standing, complete = _standing(progress, check, acknowledged)
    overdue = and_(~complete, _past_due(year, today, settings))
    steps = (
        cards_read.label("cards_read"),
        check.c.attempts,
        check.c.best,
        check.c.out_of,
        check.c.passed_at,
        acknowledged.c.at.label("acknowledged_at"),
        _certificate(this_year).label("certificate"),
        reminded.c.at.label("reminded_at"),
        standing.label("standing"),
    )
    query = (
        select(Staff, *steps)
        .outerjoin(progress, progress.c.staff_id == Staff.id)
        .outerjoin(check, check.c.staff_id == Staff.id)
        .outerjoin(acknowledged, acknowledged.c.staff_id == Staff.id)
        .outerjoin(reminded, reminded.c.staff_id == Staff.id)
        .where(takes_module_clause())
    )
    return SchoolModule(year, cards_total, query, steps, standing, overdue, acknowledged.c.at)


def _standing(progress, check, acknowledged):
    """The cards read, the step each person stands at (STANDINGS) and whether they are
    complete, as SQL expressions over each step's facts."""
    cards_read = func.coalesce(progress.c.cards_read, 0)
    standing = case(
        (and_(progress.c.read_at.is_(None), cards_read == 0), literal("not_started")),
        (progress.c.read_at.is_(None), literal("reading")),
        (check.c.passed_at.is_(None), literal("check")),
        (acknowledged.c.at.is_(None), literal("acknowledge")),
        else_=literal("complete"),
    )
    complete = and_(
        progress.c.read_at.is_not(None),
        check.c.passed_at.is_not(None),
        acknowledged.c.at.is_not(None),
    )
    return cards_read, standing, complete


# Each step's facts, one row per member of staff (joined to Staff by school_module).


def _progress(this_year: int, policy_id: int, baseline_number: int):
    return (
        select(ModuleProgress.staff_id, ModuleProgress.cards_read, ModuleProgress.read_at)
        .join(PolicyVersion, PolicyVersion.id == ModuleProgress.policy_version_id)
        .where(
            ModuleProgress.academic_year == this_year,
            PolicyVersion.policy_id == policy_id,
            PolicyVersion.number >= baseline_number,  # reading before a material change is void
        )
        .subquery("progress")
    )


def _check_taken(this_year: int):
    passed = QuizAttempt.passed.is_(True)
    return (
        select(
            QuizAttempt.staff_id,
            func.count(QuizAttempt.finished_at).label("attempts"),
            func.max(case((passed, QuizAttempt.score))).label("best"),
            func.max(QuizAttempt.total).label("out_of"),
            func.min(case((passed, QuizAttempt.finished_at))).label("passed_at"),
        )
        .where(
            QuizAttempt.staff_id.is_not(None),
            QuizAttempt.academic_year == this_year,
            QuizAttempt.quiz_id == CHECK_QUIZ_ID,
        )
        .group_by(QuizAttempt.staff_id)
        .subquery("check_taken")
    )


def _acknowledged(this_year: int, documents: list[tuple[int, int]]):
    """Those who acknowledged every document (policy id, baseline number) at or after its
    baseline, and when the last."""
    counts = or_(
        *(
            and_(PolicyVersion.policy_id == policy_id, PolicyVersion.number >= number)
            for policy_id, number in documents
        )
    )
    return (
        select(Acknowledgement.staff_id, func.max(Acknowledgement.created_at).label("at"))
        .join(PolicyVersion, PolicyVersion.id == Acknowledgement.policy_version_id)
        .where(
            Acknowledgement.staff_id.is_not(None),
            Acknowledgement.academic_year == this_year,
            Acknowledgement.response == "acknowledged",
            counts,
        )
        .group_by(Acknowledgement.staff_id)
        .having(func.count(PolicyVersion.policy_id.distinct()) == len(documents))
        .subquery("acknowledged")
    )


def _certificate(this_year: int):
    return (
        select(Certificate.code)
        .where(Certificate.staff_id == Staff.id, Certificate.academic_year == this_year)
        .order_by(Certificate.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _reminded():
    return (
        select(Reminder.staff_id, func.max(Reminder.queued_at).label("at"))
        .where(Reminder.kind == REMINDER_KIND)
        .group_by(Reminder.staff_id)
        .subquery("reminded")
    )


def _past_due(year: AcademicYear, today: date, settings: ModuleSettings):
    """``today > status.due_on(person)``, as a clause on Staff.created_at.

    Due on the school's date, or, for someone who joined after the year began, the later of
    that date and joining plus ``new_staff_days``: so past due when today is past the school's
    date and the person joined before the year began or more than those days ago.
    """
    school_date = date(year.start_year, settings.due_month, settings.due_day)
    if today <= school_date:
        return false()
    joined_before_year = Staff.created_at < _midnight(year.starts_on + timedelta(days=1))
    joined_long_ago = Staff.created_at < _midnight(today - timedelta(days=settings.new_staff_days))
    return or_(joined_before_year, joined_long_ago)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def school_totals(module: SchoolModule) -> dict:
    """How many take the module, how many stand at each step, complete and overdue: one query."""
    by_standing = {standing: 0 for standing in STANDINGS}
    late_by_standing = {standing: 0 for standing in STANDINGS}
    for standing, count, late in db.session.execute(module.totals):
        by_standing[standing], late_by_standing[standing] = count, late
    return {
        "year": module.year,
        "total": sum(by_standing.values()),
        "done": by_standing["complete"],
        "overdue": sum(late_by_standing.values()),
        "by_standing": by_standing,
        "overdue_by_standing": late_by_standing,
    }
