"""Reminder emails to staff whose module is outstanding, never more often than allowed."""

from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from portal.clock import utcnow
from portal.extensions import db
from portal.mail.service import queue_email
from portal.people.models import Staff
from portal.staff_module.models import Reminder
from portal.staff_module.school import REMINDER_KIND
from portal.staff_module.status import (
    ModuleSettings,
    ModuleStatus,
    module_status,
    module_statuses,
    takes_module,
)
from portal.urls import external_url

KIND = REMINDER_KIND  # the kind of reminder this module sends


def staff_taking_module() -> list[Staff]:
    people = db.session.scalars(
        select(Staff)
        .where(Staff.active.is_(True))
        .options(selectinload(Staff.classes))
        .order_by(Staff.name)
    ).all()
    return [person for person in people if takes_module(person)]


def last_reminded(staff_ids: list[int]) -> dict[int, object]:
    rows = db.session.execute(
        select(Reminder.staff_id, func.max(Reminder.queued_at))
        .where(Reminder.staff_id.in_(staff_ids), Reminder.kind == KIND)
        .group_by(Reminder.staff_id)
    )
    return dict(rows.all())


def outstanding_and_complete(today: date, settings: ModuleSettings) -> list[ModuleStatus]:
    """Everyone who takes the module, with their status."""
    return list(module_statuses(staff_taking_module(), today, settings).values())


def outstanding(today: date, settings: ModuleSettings) -> list[ModuleStatus]:
    return [status for status in outstanding_and_complete(today, settings) if not status.complete]


def send_reminders(
    today: date, settings: ModuleSettings, every_days: int, school_name: str
) -> tuple[int, int]:
    """Queue a reminder for each outstanding person not reminded in ``every_days``.

    Returns (queued, skipped because reminded recently).
    """
    waiting = outstanding(today, settings)
    reminded = last_reminded([status.staff.id for status in waiting])
    cutoff = utcnow() - timedelta(days=every_days)
    queued = 0
    for status in waiting:
        if reminded.get(status.staff.id) and reminded[status.staff.id] > cutoff:
            continue
        _queue(status, today, school_name)
        queued += 1
    db.session.flush()
    return queued, len(waiting) - queued


def remind_one(
    staff_id: int, today: date, settings: ModuleSettings, every_days: int, school_name: str
) -> str:
    """Remind one person: "queued", "complete" (nothing to remind) or "recent" (left alone).

    Their staff row is locked first, so two clicks at once queue one email: the second waits
    for the first to commit and then sees its reminder. LookupError for someone who does not
    take the module.
    """
    db.session.execute(
        update(Staff)
        .where(Staff.id == staff_id)
        .values(session_version=Staff.session_version)
        .execution_options(synchronize_session=False)
    )
    staff = db.session.get(Staff, staff_id)
    if staff is None or not takes_module(staff):
        raise LookupError(staff_id)
    status = module_status(staff, today, settings)
    if status.complete:
        return "complete"
    last = last_reminded([staff_id]).get(staff_id)
    if last and last > utcnow() - timedelta(days=every_days):
        return "recent"
    _queue(status, today, school_name)
    db.session.flush()
    return "queued"


def _queue(status: ModuleStatus, today: date, school_name: str) -> None:
    queue_email(
        status.staff.email,
        "Your online-safety module is due",
        "module_reminder",
        status=status,
        school_name=school_name,
        link=external_url("core.home"),
        overdue=status.overdue(today),
    )
    db.session.add(
        Reminder(staff_id=status.staff.id, kind=KIND, academic_year=status.year.start_year)
    )
