"""Every guardian asked in this year's parents' campaign, one row each: their children's
classes, their answer, the reminders they have had. One query draws a page and its CSV alike.

A guardian is listed while at least one of their children is on the roll, as the class
tallies count them (portal/parents/answers.py).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, Select, case, exists, func, literal, or_, select

from portal.admin.listing import ListSpec, Sort
from portal.database import contains_words
from portal.extensions import db
from portal.formatting import long_date, school_time
from portal.parents import answers
from portal.parents.campaign import on_roll
from portal.parents.models import ParentCampaign, ParentInvite
from portal.people.models import Guardian, Pupil, SchoolClass, guardian_pupil
from portal.policies.models import Acknowledgement

NOT_ANSWERED = datetime(9999, 12, 31)  # sorts after every answer, on both databases


@dataclass(frozen=True)
class GuardianRow:
    """One guardian in the list; ``classes`` is filled in after the page is read."""

    guardian_id: int
    name: str
    email: str | None
    status: str
    response: str | None
    answered_at: datetime | None
    method: str | None
    reminders_sent: int
    reminded_at: datetime | None
    classes: tuple[str, ...] = ()

    @property
    def has_email(self) -> bool:
        return bool((self.email or "").strip())

    @property
    def how(self) -> str:
        return answers.METHOD_LABELS.get(self.method, self.method or "")

    @property
    def status_label(self) -> str:
        return answers.STATUS_LABELS[self.status]

    @property
    def reminders(self) -> str:
        """How many reminders, and when the last reminder or new link went."""
        if not self.reminders_sent and not self.reminded_at:
            return "None"
        count = f"{self.reminders_sent} reminder{'' if self.reminders_sent == 1 else 's'}"
        if self.reminded_at is None:
            return count
        return f"{count}, last sent {_day(self.reminded_at)}"

    @property
    def may_be_reminded(self) -> bool:
        return self.status == answers.NO_ANSWER


def _first_class(column):
    """The guardian's first class in the school's order (year group, then name), by column."""
    return (
        select(column)
        .select_from(guardian_pupil)
        .join(Pupil, Pupil.id == guardian_pupil.c.pupil_id)
        .join(SchoolClass, SchoolClass.id == Pupil.class_id)
        .where(guardian_pupil.c.guardian_id == Guardian.id, Pupil.left_on.is_(None))
        .order_by(SchoolClass.year_group, SchoolClass.name)
        .limit(1)
        .scalar_subquery()
    )


# One key for the name, so reversing the sort reverses first names too.
_by_name = (Guardian.last_name + " " + Guardian.first_name, Guardian.id)


def _status_rank():
    """The statuses in the page's order (acknowledged first), not alphabetical."""
    status = answers.status_column()
    return case(*((status == value, place) for place, value in enumerate(answers.STATUSES)))


SORTS = {
    "name": Sort("Guardian", _by_name),
    "class": Sort(
        "Children's classes",
        (_first_class(SchoolClass.year_group), _first_class(SchoolClass.name), *_by_name),
    ),
    "status": Sort("Status", (_status_rank(), *_by_name)),
    "answered": Sort(
        "Answered on",
        (func.coalesce(Acknowledgement.created_at, literal(NOT_ANSWERED, DateTime())), *_by_name),
    ),
    "reminders": Sort(
        "Reminders", (ParentInvite.reminders_sent, ParentInvite.reminded_at, *_by_name)
    ),
}


def list_spec(classes: list[tuple[int, str]]) -> ListSpec:
    """What the list offers: the classes that exist now, the statuses, search, five sorts."""
    return ListSpec(
        filters={
            "class": [str(class_id) for class_id, _name in classes],
            "status": answers.STATUSES,
        },
        sorts=SORTS,
        searchable=True,
    )


def class_options() -> list[tuple[int, str]]:
    """The class filter's choices, in the school's order."""
    return db.session.execute(
        select(SchoolClass.id, SchoolClass.name).order_by(SchoolClass.year_group, SchoolClass.name)
    ).all()


def guardians_query(
    campaign: ParentCampaign, filters: dict | None = None, search: str = ""
) -> Select:
    """The campaign's guardians on the roll, filtered by class, status and words in the name
    or email address; unordered (the list's state orders it)."""
    filters = filters or {}
    query = answers.invited(
        campaign,
        Guardian.id,
        Guardian.first_name,
        Guardian.last_name,
        Guardian.email,
        answers.status_column().label("status"),
        Acknowledgement.response,
        Acknowledgement.created_at,
        Acknowledgement.method,
        ParentInvite.reminders_sent,
        ParentInvite.reminded_at,
    ).where(on_roll())
    if "class" in filters:
        query = query.where(
            exists().where(
                guardian_pupil.c.guardian_id == Guardian.id,
                guardian_pupil.c.pupil_id == Pupil.id,
                Pupil.left_on.is_(None),
                Pupil.class_id == int(filters["class"]),
            )
        )
    if "status" in filters:
        query = query.where(answers.status_column() == filters["status"])
    if search:
        full_name = Guardian.first_name + " " + Guardian.last_name
        query = query.where(
            or_(contains_words(full_name, search), contains_words(Guardian.email, search))
        )
    return query


def one_row(campaign: ParentCampaign, guardian_id: int) -> GuardianRow | None:
    """One guardian's row as the list shows it, or None if they are no longer listed."""
    found = db.session.execute(guardians_query(campaign).where(Guardian.id == guardian_id)).all()
    rows = with_classes(found)
    return rows[0] if rows else None


def with_classes(found: list, ids_from: Select | None = None) -> list[GuardianRow]:
    """Rows of ``guardians_query`` as GuardianRows with their children's classes (one more
    query: for the rows' ids, or for every id ``ids_from`` selects, as the CSV's are many)."""
    if not found:
        return []
    ids = select(ids_from.subquery().c.id) if ids_from is not None else [row.id for row in found]
    classes = defaultdict(list)
    for guardian_id, _year, name in db.session.execute(
        select(guardian_pupil.c.guardian_id, SchoolClass.year_group, SchoolClass.name)
        .join(Pupil, Pupil.id == guardian_pupil.c.pupil_id)
        .join(SchoolClass, SchoolClass.id == Pupil.class_id)
        .where(guardian_pupil.c.guardian_id.in_(ids), Pupil.left_on.is_(None))
        .distinct()
        .order_by(guardian_pupil.c.guardian_id, SchoolClass.year_group, SchoolClass.name)
    ):
        classes[guardian_id].append(name)
    return [
        GuardianRow(
            row.id,
            f"{row.first_name} {row.last_name}",
            row.email,
            row.status,
            row.response,
            row.created_at,
            row.method,
            row.reminders_sent,
            row.reminded_at,
            tuple(classes[row.id]),
        )
        for row in found
    ]


HEADER = ("Guardian", "Children's classes", "Status", "Answered on", "How", "Reminders")


def cells(rows: list[GuardianRow]) -> list[list[str]]:
    """The CSV's rows: the same words as the page's cells."""
    return [
        [
            row.name,
            ", ".join(row.classes),
            row.status_label,
            _day(row.answered_at),
            row.how,
            row.reminders,
        ]
        for row in rows
    ]


def _day(value: datetime | None) -> str:
    return long_date(school_time(value)) if value else ""
