"""Reading the incident log: a page of reports, and one report whole. A fixed number of
queries whatever the size of the log."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from portal.config import role_list
from portal.extensions import db
from portal.formatting import school_day_starts
from portal.incidents.models import (
    CLOSED,
    Incident,
    IncidentAction,
    IncidentEvidence,
    IncidentPupil,
)
from portal.people.models import Pupil

PER_PAGE = 25


def readers() -> tuple[str, ...]:
    """The roles the school lets open the log (PORTAL_INCIDENT_LOG_ROLES: never wider than
    the Head Teacher, the e-Safety lead and the DSLs)."""
    return role_list(current_app.config["INCIDENT_LOG_ROLES"])


@dataclass(frozen=True)
class LogPage:
    reports: list[Incident]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class LogFilters:
    """What the log is narrowed to; empty means everything."""

    status: str | None = None
    category: str | None = None
    pathway: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None
    pupil: str | None = None
    words: str | None = None

    def conditions(self) -> list:
        where = [
            column == value
            for column, value in (
                (Incident.status, self.status),
                (Incident.category, self.category),
                (Incident.pathway, self.pathway),
                (Incident.source, self.source),
            )
            if value
        ]
        # Days on the school's clock: a report made at 00:30 in June is that day's, not the last.
        if self.since:
            where.append(Incident.created_at >= school_day_starts(self.since))
        if self.until:
            where.append(Incident.created_at < school_day_starts(self.until + timedelta(days=1)))
        if self.pupil:
            where.append(_names_a_pupil(self.pupil))
        if self.words:
            where.append(_holds_words(self.words))
        return where


# Words searched for in a report: its reference and everything written in it.
SEARCHED = (
    Incident.reference,
    Incident.what_happened,
    Incident.childs_words,
    Incident.who_involved,
    Incident.place_other,
    Incident.outcome,
)


def _names_a_pupil(words: str):
    name = func.lower(Pupil.first_name + " " + Pupil.last_name)
    return Incident.id.in_(
        select(IncidentPupil.incident_id)
        .join(Pupil, Pupil.id == IncidentPupil.pupil_id)
        .where(name.contains(words.lower(), autoescape=True))
    )


def _holds_words(words: str):
    term = words.lower()
    return or_(
        *(
            func.lower(func.coalesce(column, "")).contains(term, autoescape=True)
            for column in SEARCHED
        )
    )


def log_page(page: int = 1, filters: LogFilters = LogFilters()) -> LogPage:
    """Newest first, ``PER_PAGE`` at a time (three queries: count, reports, their pupils)."""
    where = filters.conditions()
    total = db.session.scalar(select(func.count()).select_from(Incident).where(*where))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    reports = db.session.scalars(
        select(Incident)
        .where(*where)
        .order_by(Incident.created_at.desc(), Incident.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .options(selectinload(Incident.pupils).joinedload(IncidentPupil.pupil))
    ).all()
    return LogPage(reports, total, page, pages)


def evidence_of(incident_id: int, evidence_id: int) -> IncidentEvidence | None:
    return db.session.scalar(
        select(IncidentEvidence).where(
            IncidentEvidence.id == evidence_id, IncidentEvidence.incident_id == incident_id
        )
    )


def report_whole(incident_id: int) -> tuple[Incident, list[IncidentAction]] | None:
    """The report with its pupils and evidence, and its chronology oldest first."""
    incident = db.session.scalar(
        select(Incident)
        .where(Incident.id == incident_id)
        .options(
            selectinload(Incident.pupils).joinedload(IncidentPupil.pupil),
            selectinload(Incident.reported_by_staff),
            selectinload(Incident.evidence),
        )
    )
    if incident is None:
        return None
    chronology = db.session.scalars(
        select(IncidentAction)
        .where(IncidentAction.incident_id == incident_id)
        .order_by(IncidentAction.created_at, IncidentAction.id)
        .options(selectinload(IncidentAction.staff))
    ).all()
    return incident, chronology


# Every leader's home page asks: built once (building a statement costs more than running it).
_WAITING = select(func.count(), func.count().filter(Incident.urgent.is_(True))).where(
    Incident.status == "new"
)


_OPEN_BY_STATUS = (
    select(Incident.status, func.count()).where(Incident.status != CLOSED).group_by(Incident.status)
)


def open_by_status() -> dict[str, int]:
    """How many reports stand at each status but closed: counts only (the overview's tile)."""
    return dict(db.session.execute(_OPEN_BY_STATUS).all())


def waiting_counts() -> dict[str, int]:
    """New reports nobody has taken up yet, and how many of them are urgent (one query)."""
    new, urgent = db.session.execute(_WAITING).one()
    return {"new": new, "urgent": urgent}
