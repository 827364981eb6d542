"""Reading the incident log: a page of reports, and one report whole. A fixed number of
queries whatever the size of the log."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.config import role_list
from portal.extensions import db
from portal.incidents.models import Incident, IncidentAction, IncidentEvidence, IncidentPupil

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


def log_page(page: int = 1, status: str | None = None) -> LogPage:
    """Newest first, ``PER_PAGE`` at a time (three queries: count, reports, their pupils)."""
    where = [Incident.status == status] if status else []
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
