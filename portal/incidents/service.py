"""Filing a report: its reference, the pupils involved, the first entry of its chronology, the
audit trail, and a notification that names nobody. One transaction; a repeat is a no-op."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from portal.clock import utcnow
from portal.database import dialect_insert
from portal.extensions import db
from portal.incidents.models import (
    Incident,
    IncidentAction,
    IncidentAudit,
    IncidentCounter,
    IncidentPupil,
)
from portal.mail.service import queue_emails
from portal.people.models import Staff, StaffRole
from portal.urls import external_url


@dataclass(frozen=True)
class NewReport:
    """What a reporter said, whichever of the three forms they used."""

    source: str
    submission_key: str
    what_happened: str = ""
    category: str | None = None
    place: str | None = None
    place_other: str | None = None
    happened_on: date | None = None
    childs_words: str | None = None
    who_involved: str | None = None
    urgent: bool = False
    told_dsl_in_person: bool | None = None
    feeling: str | None = None
    tell: str | None = None
    reported_by_staff_id: int | None = None
    reported_by_pupil_id: int | None = None
    reporter_name: str | None = None
    reporter_contact: str | None = None
    # (pupil id, role) pairs
    pupils: tuple[tuple[int, str], ...] = field(default=())


def next_reference(year: int) -> str:
    """OS-2026-0042: the next number in the year, from one atomic upsert (no two alike)."""
    number = db.session.scalar(
        dialect_insert(IncidentCounter)
        .values(year=year, last=1)
        .on_conflict_do_update(
            index_elements=[IncidentCounter.year], set_={"last": IncidentCounter.last + 1}
        )
        .returning(IncidentCounter.last)
    )
    return f"OS-{year}-{number:04d}"


def audit(staff_id: int | None, action: str, incident_id: int | None = None, detail: str = ""):
    """One line in the audit trail; it commits, or rolls back, with what it records."""
    db.session.add(
        IncidentAudit(
            staff_id=staff_id, action=action, incident_id=incident_id, detail=detail[:300]
        )
    )


def file_report(
    report: NewReport,
    log_roles,
    now: datetime | None = None,
    on_filed: Callable[[int], None] | None = None,
) -> Incident:
    """File the report once: the same submission key sent again returns the first report.

    ``log_roles``: the roles that can open the log, whose holders are told (by email, naming
    nobody) that a report needs their attention. ``on_filed(incident_id)`` runs only for a
    report filed now (evidence is kept once, however often the form is sent).
    """
    now = now or utcnow()
    earlier = _filed_with(report.submission_key)
    if earlier is not None:
        return earlier
    values = {
        name: getattr(report, name) for name in NewReport.__dataclass_fields__ if name != "pupils"
    }
    incident_id = db.session.scalar(
        dialect_insert(Incident)
        .values(reference=next_reference(now.year), created_at=now, status="new", **values)
        .on_conflict_do_nothing(index_elements=[Incident.submission_key])
        .returning(Incident.id)
    )
    if incident_id is None:  # the same form, sent twice at the same moment
        return _filed_with(report.submission_key)
    _add_pupils_and_first_action(incident_id, report, now)
    if on_filed is not None:
        on_filed(incident_id)
    audit(report.reported_by_staff_id, "report", incident_id, f"a {report.source} report")
    _tell_the_log(incident_id, report.urgent, log_roles)
    db.session.flush()
    return db.session.get(Incident, incident_id)


def _add_pupils_and_first_action(incident_id: int, report: NewReport, now: datetime) -> None:
    db.session.add_all(
        IncidentPupil(incident_id=incident_id, pupil_id=pupil_id, role=role)
        for pupil_id, role in dict.fromkeys(report.pupils)
    )
    db.session.add(
        IncidentAction(
            incident_id=incident_id,
            staff_id=report.reported_by_staff_id,
            created_at=now,
            kind="reported",
            status_to="new",
        )
    )


def _filed_with(submission_key: str) -> Incident | None:
    return db.session.scalar(select(Incident).where(Incident.submission_key == submission_key))


def log_openers(log_roles) -> list[tuple[str, str]]:
    """(name, email) of every active member of staff who can open the log."""
    rows = db.session.execute(
        select(Staff.name, Staff.email)
        .where(
            Staff.active.is_(True),
            Staff.id.in_(select(StaffRole.staff_id).where(StaffRole.role.in_(log_roles))),
        )
        .order_by(Staff.id)
    )
    return rows.all()


def _tell_the_log(incident_id: int, urgent: bool, log_roles) -> None:
    """An email that says a report is waiting, and nothing about it: no name, no category, no
    detail (an email can be read over a shoulder or reach the wrong inbox)."""
    link = external_url("incidents.detail", incident_id=incident_id)
    subject = (
        "Urgent: a new report needs your attention"
        if urgent
        else ("A new report needs your attention")
    )
    queue_emails(
        "incident_new",
        [
            (email, subject, {"name": name, "link": link, "urgent": urgent})
            for name, email in log_openers(log_roles)
        ],
    )


def reports_by(staff_id: int) -> list[tuple[str, datetime, str]]:
    """(reference, when, status) of each report a member of staff made, newest first."""
    rows = db.session.execute(
        select(Incident.reference, Incident.created_at, Incident.status)
        .where(Incident.reported_by_staff_id == staff_id)
        .order_by(Incident.created_at.desc(), Incident.id.desc())
    )
    return rows.all()
