"""What a roster file cannot do to this database, checked before anything is written: the
rows it may touch, loaded once (Existing), and the conflicts between the two."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.people.models import Guardian, Pupil, SchoolClass, Staff
from portal.people.roles import ADMIN
from portal.people.roster import Problem, Roster, StaffRow


@dataclass
class Existing:
    """Every row the import may touch, loaded in a handful of queries and keyed for lookup."""

    classes: dict[str, SchoolClass]
    pupils: dict[str, Pupil]
    guardians: dict[str, Guardian]
    staff_by_mis_id: dict[str, Staff]
    staff_by_email: dict[str, Staff]
    class_names_by_id: dict[int, str]


def load_existing() -> Existing:
    classes = {row.name: row for row in db.session.scalars(select(SchoolClass))}
    pupils = {row.mis_id: row for row in db.session.scalars(select(Pupil))}
    guardians = {
        row.mis_id: row
        for row in db.session.scalars(select(Guardian).options(selectinload(Guardian.pupils)))
    }
    staff = db.session.scalars(select(Staff).options(selectinload(Staff.classes))).all()
    return Existing(
        classes,
        pupils,
        guardians,
        staff_by_mis_id={member.mis_id: member for member in staff if member.mis_id},
        staff_by_email={member.email.lower(): member for member in staff},
        class_names_by_id={row.id: row.name for row in classes.values()},
    )


def find_conflicts(roster: Roster, existing: Existing, full: bool) -> list[Problem]:
    """What the file cannot do to this database, checked before anything is written."""
    problems = []
    if full and not roster.pupils:
        problems.append(
            Problem(
                1,
                "a full import needs the pupils: this file has none, so "
                "every pupil would be marked as left. Use a partial import.",
            )
        )
    pupil_ids = {row.mis_id for row in roster.pupils} | (set() if full else set(existing.pupils))
    class_names = {row.name for row in roster.classes} | set(existing.classes)
    for guardian in roster.guardians:
        problems += [
            Problem(guardian.line, f"guardian linked to unknown pupil '{mis_id}'")
            for mis_id in guardian.pupil_ids
            if mis_id not in pupil_ids
        ]
    for staff in roster.staff:
        problems += [
            Problem(staff.line, f"staff teaching unknown class '{name}'")
            for name in staff.class_names
            if name not in class_names
        ]
        problems += staff_conflicts(staff, existing)
    if not problems and leaves_no_admin(roster, existing):
        problems.append(
            Problem(
                1,
                "no active member of staff would keep the admin role: "
                "give someone 'admin' in the roles column",
            )
        )
    return problems


def leaves_no_admin(roster: Roster, existing: Existing) -> bool:
    """True when the portal has an active admin now and would have none after the import."""
    staff = existing.staff_by_email.values()
    if not any(member.active and ADMIN in member.roles for member in staff):
        return False
    in_file = {}
    for row in roster.staff:
        member = existing.staff_by_mis_id.get(row.mis_id) or existing.staff_by_email.get(row.email)
        in_file[row.mis_id] = (member, row)
    kept = any(
        member.active and ADMIN in member.roles
        for member in staff
        if all(member is not match for match, _ in in_file.values())
    )
    granted = any(
        ADMIN in row.roles and (member is None or member.active) for member, row in in_file.values()
    )
    return not (kept or granted)


def staff_conflicts(row: StaffRow, existing: Existing) -> list[Problem]:
    """An email already used by a different member of staff than the MIS id names."""
    by_mis_id = existing.staff_by_mis_id.get(row.mis_id)
    by_email = existing.staff_by_email.get(row.email)
    if by_email is None or by_email is by_mis_id:
        return []
    if by_mis_id is None and by_email.mis_id in (None, row.mis_id):
        return []
    owner = f"MIS id '{by_email.mis_id}'" if by_email.mis_id else "no MIS id"
    return [Problem(row.line, f"email '{row.email}' already belongs to {by_email.name} ({owner})")]
