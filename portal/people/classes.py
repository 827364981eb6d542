"""Who may see a class, and who is on its roll: one rule and one query for every feature."""

from flask import abort
from flask_login import current_user
from sqlalchemy import bindparam, exists, select

from portal.extensions import db
from portal.people.models import Pupil, SchoolClass, Staff, teacher_class
from portal.people.roles import SCHOOL_LEADERS


def sees_every_class(staff: Staff) -> bool:
    return staff.has_role(*SCHOOL_LEADERS)


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
    """For views: the class if the signed-in member of staff may see it; 404 or 403 if not.
    Leaders see every class; a teacher only the classes they teach."""
    values = {"class_id": class_id, "staff_id": current_user.id}
    found = db.session.execute(_CLASS_AND_TEACHES, values).first()
    if found is None:
        abort(404)
    if not (found.teaches or sees_every_class(current_user)):
        abort(403)
    return found.SchoolClass


# Asked by every class page: the class and whether the signed-in person teaches it, in one
# statement built once (not the class, then the teacher's classes loaded as objects).
_TEACHES = exists().where(
    teacher_class.c.class_id == SchoolClass.id,
    teacher_class.c.staff_id == bindparam("staff_id"),
)
_CLASS_AND_TEACHES = select(SchoolClass, _TEACHES.label("teaches")).where(
    SchoolClass.id == bindparam("class_id")
)
