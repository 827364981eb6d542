"""Governors acknowledge the Social Media Policy once each school year; the school counts them.

A governor's acknowledgement is an ordinary Acknowledgement row (staff_id is the governor), so
one given through the staff module by a governor who also works at the school counts too.
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import and_, case, func, select

from portal.extensions import db
from portal.people.models import Staff
from portal.people.roles import GOVERNOR
from portal.people.school_year import AcademicYear, academic_year
from portal.policies.models import Acknowledgement, Policy, PolicyVersion
from portal.policies.service import acknowledgement_baseline, record_acknowledgement, version_shown
from portal.staff_module.school import has_role_clause
from portal.staff_module.service import names_match
from portal.staff_module.status import current_acknowledgements, social_media_policy


class GovernorProblem(Exception):
    """An acknowledgement that cannot be recorded; the message says why, plainly."""


@dataclass(frozen=True)
class GovernorStatus:
    governor: Staff
    year: AcademicYear
    version: PolicyVersion  # the Social Media Policy shown today
    acknowledgement: Acknowledgement | None  # this year's, if it still counts

    @property
    def done(self) -> bool:
        return self.acknowledgement is not None


def governor_status(governor: Staff, today: date) -> GovernorStatus:
    """Whether ``governor`` has acknowledged the policy this school year (three queries)."""
    year, policy = academic_year(today), social_media_policy()
    baseline = acknowledgement_baseline(policy, today)
    found = current_acknowledgements([governor.id], year.start_year, policy, baseline)
    return GovernorStatus(governor, year, version_shown(policy, today), found.get(governor.id))


def acknowledge(status: GovernorStatus, version_id: int, typed_name: str) -> Acknowledgement:
    """Record the governor's acknowledgement of the version shown; a repeat returns the first."""
    if version_id != status.version.id:
        raise GovernorProblem(
            "That is not the current version of the Social Media Policy. "
            "Reload the page to acknowledge the current one."
        )
    if not names_match(typed_name, status.governor.name):
        raise GovernorProblem(
            f"Type your full name as the portal knows it: {status.governor.name}."
        )
    return record_acknowledgement(
        status.version,
        status.year.start_year,
        staff=status.governor,
        method="online",
        typed_name=" ".join(typed_name.split()),
    )


@dataclass(frozen=True)
class GovernorRow:
    governor: Staff
    acknowledged_at: datetime | None


def _acknowledged_facts(today: date) -> tuple[int, int, int]:
    """(the policy's id, its baseline's number, the school year): what counts today."""
    policy: Policy = social_media_policy()
    baseline = acknowledgement_baseline(policy, today)
    return policy.id, baseline.number, academic_year(today).start_year


# Built once for the same facts: building the statement cost more than running it.
@lru_cache(maxsize=16)
def _acknowledged(policy_id: int, baseline_number: int, year: int):
    """When each person last acknowledged the policy this year in a way that still counts."""
    return (
        select(Acknowledgement.staff_id, func.max(Acknowledgement.created_at).label("at"))
        .join(PolicyVersion, PolicyVersion.id == Acknowledgement.policy_version_id)
        .where(
            Acknowledgement.staff_id.is_not(None),
            Acknowledgement.academic_year == year,
            Acknowledgement.response == "acknowledged",
            PolicyVersion.policy_id == policy_id,
            PolicyVersion.number >= baseline_number,
        )
        .group_by(Acknowledgement.staff_id)
        .subquery("governor_acknowledged")
    )


@lru_cache(maxsize=16)
def _tally(facts: tuple[int, int, int]):
    acknowledged = _acknowledged(*facts)
    return (
        select(func.count(case((acknowledged.c.at.is_not(None), 1))), func.count())
        .select_from(Staff)
        .outerjoin(acknowledged, acknowledged.c.staff_id == Staff.id)
        .where(_governors())
    )


def _governors():
    return and_(Staff.active.is_(True), has_role_clause(GOVERNOR))


def governors_tally(today: date) -> tuple[int, int]:
    """(acknowledged this year, governors): one query after the policy's own."""
    done, total = db.session.execute(_tally(_acknowledged_facts(today))).one()
    return done, total


def governor_rows(today: date) -> list[GovernorRow]:
    """Each active governor by name, with when they acknowledged this year (for leaders)."""
    acknowledged = _acknowledged(*_acknowledged_facts(today))
    rows = db.session.execute(
        select(Staff, acknowledged.c.at)
        .outerjoin(acknowledged, acknowledged.c.staff_id == Staff.id)
        .where(_governors())
        .order_by(Staff.name, Staff.id)
    )
    return [GovernorRow(staff, at) for staff, at in rows]
