"""Apply a checked roster: create, update and mark as left, keyed by MIS id. Flushes, never commits.

The upload page previews by running import_roster and rolling back, so the preview is
exactly what applying does.
"""

from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.people.import_summary import ImportSummary
from portal.people.models import (
    Guardian,
    Pupil,
    SchoolClass,
    Staff,
    StaffRole,
    guardian_pupil,
    teacher_class,
)
from portal.people.roster import (
    Problem,
    Roster,
    RosterProblems,
    StaffRow,
    decode_roster,
    parse_roster,
)
from portal.people.roster_checks import Existing, find_conflicts, load_existing
from portal.people.school_year import YEAR_GROUPS

CHANGED_MEANWHILE = (
    "someone else changed the same people while this file was being imported, "
    "so the database refused it; upload the file again to see the changes as they are now"
)


def read_roster(data: bytes | str, full: bool = True) -> Roster:
    """Decode and check an export, knowing the classes (and, if partial, pupils) already here."""
    text = data if isinstance(data, str) else decode_roster(data)
    class_names = frozenset(db.session.scalars(select(SchoolClass.name)))
    pupil_ids = frozenset() if full else frozenset(db.session.scalars(select(Pupil.mis_id)))
    return parse_roster(text, pupil_ids, class_names)


def import_roster(roster: Roster, today: date, full: bool = True) -> ImportSummary:
    """Bring the database in line with ``roster``; with ``full``, absent pupils are marked left."""
    existing = load_existing()
    problems = find_conflicts(roster, existing, full)
    if problems:
        raise RosterProblems(problems)
    summary = ImportSummary()
    try:
        with db.session.no_autoflush:
            sync_classes(roster, existing, summary)
            sync_pupils(roster, existing, summary)
            if full:
                mark_left(roster, existing, today, summary)
            sync_guardians(roster, existing, summary)
            sync_staff(roster, existing, summary)
        db.session.flush()
    except IntegrityError as error:
        # Another request changed the same people after the checks above: the database
        # refused a row, and the caller's rollback undoes the rows already written.
        raise RosterProblems([Problem(1, CHANGED_MEANWHILE)]) from error
    return summary


def set_fields(row, **wanted) -> list[str]:
    """Set each attribute that differs and describe it: "last name Smith → Smith-Jones"."""
    changes = []
    for attribute, value in wanted.items():
        old = getattr(row, attribute)
        if old != value:
            changes.append(f"{attribute.replace('_', ' ')} {old or 'none'} → {value or 'none'}")
            setattr(row, attribute, value)
    return changes


def insert_all(model, rows: list[dict]) -> list:
    """Insert many rows in a few statements (the unit of work goes one by one on SQLite).

    They come back as objects in no set order; render_nulls keeps rows with and without
    an email in the same batch."""
    if not rows:
        return []
    statement = insert(model).returning(model).execution_options(render_nulls=True)
    return list(db.session.scalars(statement, rows))


def link_all(table, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(table), rows)


def sync_classes(roster: Roster, existing: Existing, summary: ImportSummary) -> None:
    new = []
    for row in roster.classes:
        school_class = existing.classes.get(row.name)
        year = YEAR_GROUPS[row.year_group]
        if school_class is None:
            new.append({"name": row.name, "year_group": row.year_group})
            summary.count("classes", "created", f"New class {row.name} ({year})")
        elif school_class.year_group != row.year_group:
            old = YEAR_GROUPS[school_class.year_group]
            school_class.year_group = row.year_group
            summary.count("classes", "updated", f"Class {row.name}: {old} → {year}")
        else:
            summary.count("classes", "unchanged")
    existing.classes.update((row.name, row) for row in insert_all(SchoolClass, new))


def sync_pupils(roster: Roster, existing: Existing, summary: ImportSummary) -> None:
    new = []
    for row in roster.pupils:
        pupil = existing.pupils.get(row.mis_id)
        class_id = existing.classes[row.class_name].id
        label = f"{row.mis_id} {row.first_name} {row.last_name}"
        if pupil is None:
            new.append(
                {
                    "mis_id": row.mis_id,
                    "first_name": row.first_name,
                    "last_name": row.last_name,
                    "class_id": class_id,
                }
            )
            summary.count("pupils", "created", f"New pupil {label} in {row.class_name}")
            continue
        changes = set_fields(pupil, first_name=row.first_name, last_name=row.last_name)
        old_class = existing.class_names_by_id.get(pupil.class_id)
        if old_class != row.class_name:
            changes.append(f"class {old_class or 'none'} → {row.class_name}")
            pupil.class_id = class_id
        if pupil.left_on is not None:
            changes.append("back on roll (had been marked as left)")
            pupil.left_on = None
        summary.record("pupils", f"Pupil {label}", changes)
    existing.pupils.update((row.mis_id, row) for row in insert_all(Pupil, new))


def mark_left(roster: Roster, existing: Existing, today: date, summary: ImportSummary) -> None:
    """Pupils absent from a full import have left: keep them, with the date they went."""
    in_file = {row.mis_id for row in roster.pupils}
    for mis_id in sorted(set(existing.pupils) - in_file):
        pupil = existing.pupils[mis_id]
        if pupil.left_on is None:
            pupil.left_on = today
            summary.count("pupils", "left", f"Pupil {mis_id} {pupil.full_name}: marked as left")


def sync_guardians(roster: Roster, existing: Existing, summary: ImportSummary) -> None:
    new, links = [], {}
    for row in roster.guardians:
        guardian = existing.guardians.get(row.mis_id)
        label = f"{row.mis_id} {row.first_name} {row.last_name}"
        if guardian is None:
            new.append(
                {
                    "mis_id": row.mis_id,
                    "first_name": row.first_name,
                    "last_name": row.last_name,
                    "email": row.email,
                }
            )
            links[row.mis_id] = row.pupil_ids
            summary.count(
                "guardians", "created", f"New guardian {label} of {', '.join(row.pupil_ids)}"
            )
            continue
        changes = set_fields(
            guardian, first_name=row.first_name, last_name=row.last_name, email=row.email
        )
        old_ids = sorted(pupil.mis_id for pupil in guardian.pupils)
        if old_ids != sorted(row.pupil_ids):
            changes.append(f"pupils {', '.join(old_ids) or 'none'} → {', '.join(row.pupil_ids)}")
            guardian.pupils = [existing.pupils[mis_id] for mis_id in row.pupil_ids]
        summary.record("guardians", f"Guardian {label}", changes)
    link_all(
        guardian_pupil,
        [
            {"guardian_id": guardian.id, "pupil_id": existing.pupils[mis_id].id}
            for guardian in insert_all(Guardian, new)
            for mis_id in links[guardian.mis_id]
        ],
    )


def sync_staff(roster: Roster, existing: Existing, summary: ImportSummary) -> None:
    new = {}
    for row in roster.staff:
        staff = existing.staff_by_mis_id.get(row.mis_id) or existing.staff_by_email.get(row.email)
        label = f"{row.mis_id} {row.name}"
        if staff is None:
            new[row.mis_id] = row
            teaching = f", teaching {', '.join(row.class_names)}" if row.class_names else ""
            summary.count(
                "staff", "created", f"New staff {label} ({', '.join(row.roles)}{teaching})"
            )
            continue
        changes = set_fields(staff, name=row.name, email=row.email, mis_id=row.mis_id)
        changes += set_roles(staff, set(row.roles))
        old_classes = sorted(school_class.name for school_class in staff.classes)
        if old_classes != sorted(row.class_names):
            changes.append(
                f"teaches {', '.join(old_classes) or 'no class'} → "
                f"{', '.join(row.class_names) or 'no class'}"
            )
            staff.classes = [existing.classes[name] for name in row.class_names]
        summary.record("staff", f"Staff {label}", changes)
    create_staff(list(new.values()), existing)


def create_staff(rows: list[StaffRow], existing: Existing) -> None:
    """New accounts have no password: an admin invites them to set one."""
    created = insert_all(
        Staff,
        [
            {
                "email": row.email,
                "name": row.name,
                "mis_id": row.mis_id,
                "password_hash": None,
                "active": True,
            }
            for row in rows
        ],
    )
    by_mis_id = {row.mis_id: row for row in rows}
    link_all(
        StaffRole.__table__,
        [
            {"staff_id": staff.id, "role": role}
            for staff in created
            for role in by_mis_id[staff.mis_id].roles
        ],
    )
    link_all(
        teacher_class,
        [
            {"staff_id": staff.id, "class_id": existing.classes[name].id}
            for staff in created
            for name in by_mis_id[staff.mis_id].class_names
        ],
    )


def set_roles(staff: Staff, wanted: set[str]) -> list[str]:
    """Keep the role rows still wanted and add the new ones (a unique row is never re-inserted)."""
    held = set(staff.roles)
    if held == wanted:
        return []
    staff.role_rows = [row for row in staff.role_rows if row.role in wanted] + [
        StaffRole(role=role) for role in sorted(wanted - held)
    ]
    return [f"roles {', '.join(sorted(held)) or 'none'} → {', '.join(sorted(wanted))}"]
