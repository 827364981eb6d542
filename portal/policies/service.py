"""Policies: versions in force, reviews and acknowledgements; what the policy pages list."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import event, select
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.clock import school_today, utcnow
from portal.database import insert_if_absent
from portal.extensions import db
from portal.people.models import Guardian, Pupil, Staff
from portal.policies import formats
from portal.policies.models import (
    INITIAL,
    MATERIAL,
    METHODS,
    RESPONSES,
    REVIEW_OUTCOMES,
    Acknowledgement,
    Policy,
    PolicyReview,
    PolicyVersion,
)

WARN_DAYS = 60  # the admin home warns this many days before a review is due
OVERDUE, DUE_SOON, OK = "overdue", "due_soon", "ok"


class PolicyProblem(Exception):
    """A change to a policy that cannot be made; the message is safe to show.

    ``field`` names the form field the problem is about, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# A school has a handful of policies and a page asks about several (the leaders' home asks
# about five): every one, with its versions and review dates, in one joined statement, kept
# in the database session's ``info`` for the request (the identity map alone lets go of an
# object nothing holds) until a policy is added or removed, or the session rolls back.
_EVERY_POLICY = (
    select(Policy)
    .order_by(Policy.id)
    .options(joinedload(Policy.versions), joinedload(Policy.reviews))
)
_KEPT = "every_policy"


def all_policies() -> list[Policy]:
    """Every policy with its versions and its review dates, in one query however many there
    are, once per database session (a request)."""
    kept = db.session.info.get(_KEPT)
    if kept is None or (kept and kept[0] not in db.session):  # read again after a close
        kept = db.session.info[_KEPT] = db.session.scalars(_EVERY_POLICY).unique().all()
    return kept


def policy_with_slug(slug: str) -> Policy | None:
    """The policy with this slug, or None (from all_policies: read once per request)."""
    return next((policy for policy in all_policies() if policy.slug == slug), None)


@event.listens_for(Session, "after_flush")
def _forget_policies_added_or_removed(session: Session, _context) -> None:
    if any(isinstance(row, Policy) for row in (*session.new, *session.deleted)):
        session.info.pop(_KEPT, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_policies_rolled_back(session: Session, _previous) -> None:
    session.info.pop(_KEPT, None)


def policy_by_slug(slug: str) -> Policy | None:
    """One policy with its versions, reviews and who made them, ready for its page."""
    return db.session.scalar(
        select(Policy)
        .where(Policy.slug == slug)
        .options(
            selectinload(Policy.versions).selectinload(PolicyVersion.published_by),
            selectinload(Policy.versions).selectinload(PolicyVersion.withdrawn_by),
            selectinload(Policy.reviews).selectinload(PolicyReview.reviewed_by),
        )
    )


def version_numbered(policy: Policy, number: int) -> PolicyVersion | None:
    return next((v for v in policy.versions if v.number == number), None)


def live_versions(policy: Policy) -> list[PolicyVersion]:
    """The versions not withdrawn, oldest first: the only ones that ever take effect."""
    return [v for v in policy.versions if v.withdrawn_at is None]


def latest_version(policy: Policy) -> PolicyVersion | None:
    """The last version published and not withdrawn, whether or not it has taken effect."""
    return max(live_versions(policy), key=lambda v: v.number, default=None)


def current_version(policy: Policy, today: date) -> PolicyVersion | None:
    """The version in force: the highest number that has taken effect by ``today``."""
    return max(
        (v for v in live_versions(policy) if v.effective_on <= today),
        key=lambda v: v.number,
        default=None,
    )


def readable(policy: Policy, version: PolicyVersion) -> bool:
    """True if the version's text can be shown in its policy's format (see formats.py)."""
    return formats.problem_in(policy.slug, version.body) is None


def version_shown(policy: Policy, today: date) -> PolicyVersion | None:
    """The version pupils and staff read today: the one in force, or, if its text cannot be
    shown in its format (older data, a hand edit), the latest in force before it that can."""
    return next(_readable_in_force(policy, today), None)


def acknowledgement_baseline(policy: Policy, today: date) -> PolicyVersion | None:
    """The last version shown that asked everyone to acknowledge it (initial or material).

    A version nobody can be shown cannot be acknowledged, so it never becomes the baseline.
    """
    return next(
        (v for v in _readable_in_force(policy, today) if v.change_kind in (INITIAL, MATERIAL)),
        None,
    )


def _readable_in_force(policy: Policy, today: date):
    """Versions in force whose text can be shown, newest first (each parsed only when reached)."""
    in_force = sorted(
        (v for v in live_versions(policy) if v.effective_on <= today), key=lambda v: -v.number
    )
    return (v for v in in_force if readable(policy, v))


def unreadable_versions(
    policy: Policy, today: date
) -> list[tuple[PolicyVersion, formats.TextProblem]]:
    """Versions newer than the one shown whose text cannot be shown, with why, oldest first."""
    shown = version_shown(policy, today)
    later = [v for v in live_versions(policy) if shown is None or v.number > shown.number]
    found = [(v, formats.problem_in(policy.slug, v.body)) for v in later]
    return [(version, problem) for version, problem in found if problem is not None]


def acknowledgement_is_current(version: PolicyVersion, policy: Policy, today: date) -> bool:
    """True if acknowledging ``version`` still counts: the baseline or later, not withdrawn."""
    baseline = acknowledgement_baseline(policy, today)
    return (
        baseline is not None
        and version.policy_id == policy.id
        and version.withdrawn_at is None
        and version.number >= baseline.number
    )


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (29 February + 12 → 28 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def record_review(
    policy: Policy,
    reviewed_on: date,
    reviewed_by: Staff,
    outcome: str,
    notes: str,
    today: date | None = None,
) -> PolicyReview:
    """Keep a review in the history and set the next review date from it."""
    today = today or school_today()
    if reviewed_on > today:
        raise PolicyProblem(
            "A review cannot be recorded before it happens: choose today or an earlier date.",
            "reviewed_on",
        )
    began = _began(policy)
    if began is not None and reviewed_on < began:
        raise PolicyProblem(
            f"A review cannot be dated before the policy existed ({_long(began)}).", "reviewed_on"
        )
    if outcome not in REVIEW_OUTCOMES:
        raise PolicyProblem("Choose the outcome of the review.", "outcome")
    last = max((r.reviewed_on for r in policy.reviews), default=None)
    if last is not None and reviewed_on < last:
        raise PolicyProblem(f"A later review is already recorded ({_long(last)}).", "reviewed_on")
    policy.next_review_on = add_months(reviewed_on, policy.review_interval_months)
    review = PolicyReview(
        reviewed_on=reviewed_on,
        reviewed_by=reviewed_by,
        outcome=outcome,
        notes=(notes or "").strip(),
        next_review_on=policy.next_review_on,
    )
    policy.reviews.insert(0, review)
    db.session.flush()
    return review


def _began(policy: Policy) -> date | None:
    """When the policy came to exist: its first text's date, or its publishing if earlier."""
    return min(
        (min(v.effective_on, v.published_at.date()) for v in policy.versions if v.published_at),
        default=None,
    )


def review_status(policy: Policy, today: date) -> str:
    """ "overdue" after the review date, "due_soon" within 60 days of it, otherwise "ok"."""
    days = (policy.next_review_on - today).days
    return OVERDUE if days < 0 else DUE_SOON if days <= WARN_DAYS else OK


@dataclass(frozen=True)
class ReviewAlert:
    policy: Policy
    status: str  # overdue or due_soon
    days: int  # days overdue, or days left


def review_alerts(today: date) -> list[ReviewAlert]:
    """Policies whose review is overdue or due within 60 days, soonest first."""
    due = sorted(
        (p for p in all_policies() if p.next_review_on <= today + timedelta(days=WARN_DAYS)),
        key=lambda policy: (policy.next_review_on, policy.title),
    )
    return [
        ReviewAlert(policy, review_status(policy, today), abs((policy.next_review_on - today).days))
        for policy in due
    ]


def record_acknowledgement(
    version: PolicyVersion,
    academic_year: int,
    *,
    staff: Staff | None = None,
    pupil: Pupil | None = None,
    guardian: Guardian | None = None,
    method: str,
    response: str = "acknowledged",
    recorded_by: Staff | None = None,
    typed_name: str | None = None,
    note: str | None = None,
    key_stage: str | None = None,
) -> Acknowledgement:
    """Record someone's answer to ``version``; a repeat (double click, retry) returns the first."""
    subjects = {"staff": staff, "pupil": pupil, "guardian": guardian}
    named = [(name, person) for name, person in subjects.items() if person is not None]
    if len(named) != 1:
        raise PolicyProblem("An acknowledgement names exactly one person.")
    if method not in METHODS or response not in RESPONSES:
        raise PolicyProblem("That is not a way of acknowledging the portal knows.")
    ((name, person),) = named
    insert_if_absent(
        Acknowledgement,
        policy_version_id=version.id,
        academic_year=academic_year,
        method=method,
        response=response,
        typed_name=typed_name,
        note=note,
        key_stage=key_stage,
        created_at=utcnow(),
        recorded_by_id=recorded_by.id if recorded_by else None,
        **{f"{name}_id": person.id},
    )
    return _acknowledgement_of(version, academic_year, name, person.id, key_stage)


def _acknowledgement_of(
    version: PolicyVersion, academic_year: int, subject: str, person_id: int, key_stage: str | None
) -> Acknowledgement | None:
    column = getattr(Acknowledgement, f"{subject}_id")
    return db.session.scalar(
        select(Acknowledgement).where(
            Acknowledgement.policy_version_id == version.id,
            Acknowledgement.academic_year == academic_year,
            column == person_id,
            Acknowledgement.key_stage.is_not_distinct_from(key_stage),
        )
    )


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
