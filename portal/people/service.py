"""Staff accounts: adding, editing, inviting and deactivating."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.auth.service import normalise_email, set_password_token
from portal.auth.sessions import end_all_sessions
from portal.clock import utcnow
from portal.extensions import db
from portal.mail.service import queue_email
from portal.people.models import SchoolClass, Staff, StaffRole
from portal.people.roles import ADMIN, TEACHER
from portal.urls import external_url


class StaffProblem(Exception):
    """A change to a staff account that cannot be made; the message is safe to show."""


def staff_directory() -> list[Staff]:
    """Every member of staff with roles and classes, in three queries whatever the size."""
    return db.session.scalars(
        select(Staff).options(selectinload(Staff.classes)).order_by(Staff.active.desc(), Staff.name)
    ).all()


def all_classes() -> list[SchoolClass]:
    return db.session.scalars(
        select(SchoolClass).order_by(SchoolClass.year_group, SchoolClass.name)
    ).all()


def _check_email_free(email: str, staff_id: int | None = None) -> None:
    query = select(Staff.id).where(func.lower(Staff.email) == email)
    if staff_id is not None:
        query = query.where(Staff.id != staff_id)
    if db.session.scalar(query) is not None:
        raise StaffProblem(f"{email} already belongs to another member of staff.")


def _apply_details(staff: Staff, name: str, roles: list[str], class_ids: list[int]) -> None:
    staff.name = name.strip()
    staff.role_rows = [row for row in staff.role_rows if row.role in roles] + [
        StaffRole(role=role) for role in sorted(set(roles) - staff.roles)
    ]
    wanted = set(class_ids) if TEACHER in roles else set()
    staff.classes = [c for c in all_classes() if c.id in wanted]


def add_staff(name: str, email: str, roles: list[str], class_ids: list[int]) -> Staff:
    """A new, active account with no password yet (they set it from an invitation)."""
    email = normalise_email(email)
    _check_email_free(email)
    staff = Staff(email=email, name=name.strip(), active=True)
    _apply_details(staff, name, roles, class_ids)
    db.session.add(staff)
    db.session.flush()
    return staff


def update_staff(
    staff: Staff, acting: Staff, name: str, email: str, roles: list[str], class_ids: list[int]
) -> None:
    email = normalise_email(email)
    if staff.id == acting.id and ADMIN not in roles:
        raise StaffProblem("You cannot remove the administrator role from your own account.")
    _check_email_free(email, staff.id)
    staff.email = email
    _apply_details(staff, name, roles, class_ids)
    db.session.flush()


def set_active(staff: Staff, acting: Staff, active: bool) -> None:
    """Deactivating signs the person out at once and stops their sign-in; nothing is deleted."""
    if staff.id == acting.id and not active:
        raise StaffProblem("You cannot deactivate your own account.")
    if staff.active != active:
        staff.active = active
        staff.session_version += 1
        end_all_sessions(staff)


def invite(staff: Staff, secret_key: str, school_name: str, max_age_days: int):
    """Email a set-password link; any earlier link stops working when the password is set."""
    if not staff.active:
        raise StaffProblem(f"{staff.name}'s account is deactivated: reactivate it first.")
    staff.invited_at = utcnow()
    link = external_url("auth.set_password", token=set_password_token(staff, secret_key))
    return queue_email(
        staff.email,
        f"Your account on the {school_name} Online-Safety Portal",
        "invitation",
        staff=staff,
        link=link,
        school_name=school_name,
        max_age_days=max_age_days,
    )
