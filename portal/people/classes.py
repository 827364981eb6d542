"""Who may see a class, and who is on its roll: one rule and one query for every feature."""

from flask import abort
from flask_login import current_user
from sqlalchemy import bindparam, select

from portal.extensions import db
from portal.people.models import Pupil, SchoolClass, Staff, teacher_class
from portal.people.roles import SCHOOL_LEADERS


def sees_every_class(staff: Staff) -> bool:
    return staff.has_role(*SCHOOL_LEADERS)


def may_see_class(staff: Staff, school_class: SchoolClass) -> bool:
    """Leaders see every class; a teacher only the classes they teach."""
    if sees_every_class(staff):
        return True
    found = db.session.execute(_TEACHES, {"staff_id": staff.id, "class_id": school_class.id})
    return found.first() is not None


# Asked by every class page: one row looked up, not the teacher's classes loaded as objects.
_TEACHES = select(teacher_class.c.class_id).where(
    teacher_class.c.staff_id == bindparam("staff_id"),
    teacher_class.c.class_id == bindparam("class_id"),
)


def visible_classes(staff: Staff) -> list[SchoolClass]:
    """The classes this person may see: their own, or every class for the school's leaders."""
    if sees_every_class(staff):
        query = select(SchoolClass).order_by(SchoolClass.year_group, SchoolClass.name)
        return list(db.session.scalars(query))
    return sorted(staff.classes, key=lambda c: (c.year_group, c.name))


def class_roll(*class_ids: int) -> list[Pupil]:
    """The pupils now in these classes (not those who have left), by name, in one query."""
    return list(db.session.scalars(_ROLL, {"class_ids": list(class_ids)}))


# Asked by every class view and by the class board every few seconds: built once.
_ROLL = (
    select(Pupil)
    .where(Pupil.class_id.in_(bindparam("class_ids", expanding=True)), Pupil.left_on.is_(None))
    .order_by(Pupil.first_name, Pupil.last_name, Pupil.id)
)


def class_or_403(class_id: int) -> SchoolClass:
    """For views: the class if the signed-in member of staff may see it; 404 or 403 if not."""
    school_class = db.get_or_404(SchoolClass, class_id)
    if not may_see_class(current_user, school_class):
        abort(403)
    return school_class
