"""Who has answered in a campaign: per class and for the school (guardian by guardian is the
admin list, portal/admin/guardians.py, built on invited() and status_column()).

Each invited guardian with a child on the roll has one status: their answer, whatever the
method, else "no email" (no address on file now), else "no answer". A guardian counts in
the row of each class their children are in, and once in the school's total. Every figure
is aggregated in SQL: a fixed number of queries however many classes and guardians.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import groupby
from types import SimpleNamespace

from sqlalchemy import and_, case, func, literal, select, union_all

from portal.extensions import db
from portal.formatting import long_date, school_time
from portal.parents.campaign import has_email, on_roll
from portal.parents.models import ParentCampaign, ParentInvite
from portal.parents.service import ACKNOWLEDGED, DECLINED, QUESTION
from portal.people.models import Guardian, Pupil, SchoolClass, guardian_pupil
from portal.policies.models import Acknowledgement

NO_ANSWER, NO_EMAIL = "no_answer", "no_email"
# In the order of the page's columns.
STATUSES = (ACKNOWLEDGED, QUESTION, DECLINED, NO_ANSWER, NO_EMAIL)
STATUS_LABELS = {
    ACKNOWLEDGED: "Acknowledged",
    QUESTION: "Have a question",
    DECLINED: "Do not agree",
    NO_ANSWER: "No answer",
    NO_EMAIL: "No email",
}
# The office gets back to questions first, then to those who do not agree.
FOLLOW_UP = (QUESTION, DECLINED)
METHOD_LABELS = {
    "online": "online",
    "paper": "paper",
    "phone": "telephone",
    "in_person": "in person",
}


@dataclass
class Tally:
    """Guardians by status: one class's row, or the whole school's."""

    class_id: int | None = None
    name: str = "No class"
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def guardians(self) -> int:
        return sum(self.counts.values())

    def __getitem__(self, status: str) -> int:
        return self.counts[status]


@dataclass(frozen=True)
class FollowUp:
    """A guardian the office should get back to, with what they asked or said."""

    guardian_id: int
    name: str
    classes: str
    response: str
    answered_at: datetime
    note: str | None


def _answer_join(campaign: ParentCampaign):
    return and_(
        Acknowledgement.guardian_id == ParentInvite.guardian_id,
        Acknowledgement.policy_version_id == campaign.policy_version_id,
        Acknowledgement.academic_year == campaign.academic_year,
    )


def status_column():
    return case(
        (Acknowledgement.response.is_not(None), Acknowledgement.response),
        (has_email(), NO_ANSWER),
        else_=NO_EMAIL,
    )


def invited(campaign: ParentCampaign, *columns):
    """The campaign's invited guardians joined to their answer (if any), selecting columns."""
    return (
        select(*columns)
        .select_from(ParentInvite)
        .join(Guardian, Guardian.id == ParentInvite.guardian_id)
        .outerjoin(Acknowledgement, _answer_join(campaign))
        .where(ParentInvite.campaign_id == campaign.id)
    )


def _on_roll_children():
    """Join from the guardian to their children who have not left."""
    return and_(guardian_pupil.c.pupil_id == Pupil.id, Pupil.left_on.is_(None))


def school_tally(campaign: ParentCampaign) -> Tally:
    """The whole school: each guardian on the roll once (one query)."""
    statuses = invited(campaign, status_column().label("status")).where(on_roll()).subquery()
    rows = db.session.execute(
        select(statuses.c.status, func.count()).group_by(statuses.c.status)
    ).all()
    tally = Tally(name="Whole school")
    tally.counts.update(dict(rows))
    return tally


def tallies(campaign: ParentCampaign) -> tuple[list[Tally], Tally]:
    """Each class's row in the school's order (then "No class" if needed), and the whole
    school's: two queries. The (class, guardian, status) rows are read once for both; a guardian
    counts in each of their children's classes and once in the school's total."""
    facts = (campaign.id, campaign.policy_version_id, campaign.academic_year)
    counts = db.session.execute(_tallies(facts)).all()
    classes = db.session.execute(_CLASSES).all()
    rows = {class_id: Tally(class_id, name) for class_id, name in classes}
    school = Tally(name="Whole school")
    for whole_school, class_id, status, count in counts:
        tally = school if whole_school else rows.setdefault(class_id, Tally())
        tally.counts[status] = count
    return list(rows.values()), school


_CLASSES = select(SchoolClass.id, SchoolClass.name).order_by(
    SchoolClass.year_group, SchoolClass.name
)


# Built once for each campaign (the overview asks on every view): building this statement
# cost more than running it.
@lru_cache(maxsize=8)
def _tallies(facts: tuple[int, int, int]):
    campaign_id, policy_version_id, academic_year = facts
    # Only these three values of the campaign go into the statement.
    campaign = SimpleNamespace(
        id=campaign_id, policy_version_id=policy_version_id, academic_year=academic_year
    )
    pairs = (
        invited(campaign, Pupil.class_id, ParentInvite.guardian_id, status_column().label("status"))
        .join(guardian_pupil, guardian_pupil.c.guardian_id == ParentInvite.guardian_id)
        .join(Pupil, _on_roll_children())
        .distinct()
        .cte("pairs")
    )
    by_class = select(
        literal(False).label("school"), pairs.c.class_id, pairs.c.status, func.count()
    ).group_by(pairs.c.class_id, pairs.c.status)
    by_school = select(
        literal(True), None, pairs.c.status, func.count(pairs.c.guardian_id.distinct())
    ).group_by(pairs.c.status)
    return union_all(by_class, by_school)


def campaign_totals(campaign: ParentCampaign) -> dict[str, int]:
    """The campaign page's figures: invites, emails queued, and the school's tally."""
    invites, emailed = db.session.execute(
        select(func.count(), func.count(ParentInvite.emailed_at)).where(
            ParentInvite.campaign_id == campaign.id
        )
    ).one()
    return {"invites": invites, "emailed": emailed, **school_tally(campaign).counts}


def follow_ups(campaign: ParentCampaign) -> list[FollowUp]:
    """Questions first, then those who do not agree; oldest first in each (one query)."""
    first = case((Acknowledgement.response == QUESTION, 0), else_=1)
    query = (
        invited(
            campaign,
            Guardian.id,
            Guardian.first_name,
            Guardian.last_name,
            Acknowledgement.response,
            Acknowledgement.created_at,
            Acknowledgement.note,
            SchoolClass.name,
        )
        .join(guardian_pupil, guardian_pupil.c.guardian_id == Guardian.id)
        .join(Pupil, _on_roll_children())
        .outerjoin(SchoolClass, SchoolClass.id == Pupil.class_id)
        .where(Acknowledgement.response.in_(FOLLOW_UP))
        .order_by(
            first, Acknowledgement.created_at, Guardian.id, SchoolClass.year_group, SchoolClass.name
        )
    )
    rows = []
    for (guardian_id, first_name, last, answer, at, note), classes in groupby(
        db.session.execute(query).all(), key=lambda row: tuple(row[:-1])
    ):
        names = ", ".join(dict.fromkeys(row[-1] or "No class" for row in classes))
        rows.append(FollowUp(guardian_id, f"{first_name} {last}", names, answer, at, note))
    return rows


# The CSV downloads: the same rows and words as the pages.
TALLY_HEADER = ("Class", *STATUS_LABELS.values(), "Guardians")
FOLLOW_UP_HEADER = ("Guardian", "Classes", "Answer", "Answered on", "Question or reason")


def tally_cells(tallies: list[Tally], school: Tally) -> list[list]:
    return [[t.name, *(t[s] for s in STATUSES), t.guardians] for t in [*tallies, school]]


def follow_up_cells(rows: list[FollowUp]) -> list[list]:
    return [
        [r.name, r.classes, STATUS_LABELS[r.response], _day(r.answered_at), r.note or ""]
        for r in rows
    ]


def _day(value: datetime | None) -> str:
    return long_date(school_time(value)) if value else ""
