"""Following a report up: every change is a new line in its chronology and in the audit trail;
nothing already written is ever changed (a correction is a new line naming the one it corrects)."""

from sqlalchemy import update

from portal.clock import utcnow
from portal.extensions import db
from portal.formatting import long_date, school_time
from portal.incidents.models import (
    CATEGORIES,
    CLOSED,
    PATHWAYS,
    PLACES,
    PUPIL_ROLES,
    STATUSES,
    Incident,
    IncidentAction,
)
from portal.incidents.service import audit
from portal.people.models import Staff

SAFEGUARDING = "safeguarding"


class FollowUpProblem(Exception):
    """A change that cannot be made as asked; the message is safe to show."""


def _entry(incident: Incident, staff: Staff, kind: str, text: str = "", **values) -> None:
    db.session.add(
        IncidentAction(
            incident_id=incident.id,
            staff_id=staff.id,
            created_at=utcnow(),
            kind=kind,
            text=text,
            **values,
        )
    )
    audit(staff.id, "change", incident.id, kind)


def add_note(incident: Incident, staff: Staff, text: str) -> None:
    _entry(incident, staff, "note", text)


def change_status(
    incident: Incident, staff: Staff, seen: str, to: str, outcome: str | None, note: str = ""
) -> None:
    """Move the report on (or back); closing needs its outcome. ``seen``: the status the
    page showed, so two leads changing it at once cannot overwrite each other unseen."""
    if to not in STATUSES or to == seen:
        raise FollowUpProblem("Choose a different status.")
    if to == CLOSED and not outcome:
        raise FollowUpProblem("Say what the outcome was before closing the report.")
    values = {"status": to}
    if to == CLOSED:
        values |= {"outcome": outcome, "closed_at": utcnow()}
    elif seen == CLOSED:
        values |= {"closed_at": None}  # reopened: its earlier outcome stays in the chronology
    changed = db.session.execute(
        update(Incident)
        .where(Incident.id == incident.id, Incident.status == seen)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise FollowUpProblem(
            "Someone else changed the status while you were reading. Here is the report as it "
            "is now."
        )
    text = "\n\n".join(part for part in (outcome if to == CLOSED else None, note) if part)
    _entry(incident, staff, "status", text, status_from=seen, status_to=to)


def set_pathway(incident: Incident, staff: Staff, pathway: str) -> None:
    if pathway not in PATHWAYS or pathway == incident.pathway:
        raise FollowUpProblem("Choose a different pathway.")
    incident.pathway = pathway
    _entry(incident, staff, "pathway", PATHWAYS[pathway])


def set_category(incident: Incident, staff: Staff, category: str) -> None:
    if category not in CATEGORIES or category == incident.category:
        raise FollowUpProblem("Choose a different category.")
    incident.category = category
    _entry(incident, staff, "category", CATEGORIES[category])


def record_support(incident: Incident, staff: Staff, pupil_id: int, text: str) -> None:
    if pupil_id not in {involved.pupil_id for involved in incident.pupils}:
        raise FollowUpProblem("Choose one of the pupils involved in this report.")
    _entry(incident, staff, "support", text, pupil_id=pupil_id)


def correct(incident: Incident, staff: Staff, action_id: int, text: str) -> None:
    """A new line that corrects an earlier one; the earlier one stays as it was written."""
    earlier = db.session.get(IncidentAction, action_id)
    if earlier is None or earlier.incident_id != incident.id:
        raise FollowUpProblem("That entry is not in this report's chronology.")
    _entry(incident, staff, "correction", text, corrects_id=earlier.id)


def safeguarding_summary(incident: Incident) -> str:
    """The facts, to copy into the school's safeguarding record: no opinion, nothing added."""
    lines = [
        f"Online-safety report {incident.reference}, "
        f"made {long_date(school_time(incident.created_at))} ({incident.source}).",
        f"Category: {CATEGORIES.get(incident.category, 'not yet chosen')}.",
    ]
    if incident.place:
        where = PLACES[incident.place] + (
            f": {incident.place_other}" if incident.place_other else ""
        )
        lines.append(f"Where: {where}.")
    if incident.happened_on:
        lines.append(f"When: {long_date(incident.happened_on)}.")
    for involved in incident.pupils:
        lines.append(f"{involved.pupil.full_name}: {PUPIL_ROLES[involved.role].lower()}.")
    lines.append(f"What happened: {incident.what_happened}")
    if incident.childs_words:
        lines.append(f'The child\'s own words: "{incident.childs_words}"')
    lines.append(f"Status: {STATUSES[incident.status].lower()}.")
    return "\n".join(lines)
