"""Who the pupil on this tablet is: kept in the Flask session, checked on every request.

A pupil is signed in only while their class session is open, they are still in that class,
and their teacher has not locked them out. Nothing else (no password, no account).
"""

from flask import g, session
from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager

from portal.classroom.models import ClassSession, SessionPupil
from portal.clock import utcnow
from portal.extensions import db
from portal.people.models import Pupil, SchoolClass

SESSION_KEY = "pupil"

# One statement, checked by the database: the pupil, and their class (every pupil screen shows
# its Key Stage), while their seat in an open session of their own class is not locked. Built
# once, with bound parameters: every pupil request asks, and building and keying a statement
# costs more than running it.
SIGNED_IN_PUPIL = (
    select(Pupil)
    .join(SessionPupil, SessionPupil.pupil_id == Pupil.id)
    .join(ClassSession, ClassSession.id == SessionPupil.session_id)
    .join(SchoolClass, SchoolClass.id == Pupil.class_id)
    .where(
        SessionPupil.session_id == bindparam("session_id"),
        SessionPupil.pupil_id == bindparam("pupil_id"),
        SessionPupil.locked.is_(False),
        ClassSession.ended_at.is_(None),
        ClassSession.expires_at > bindparam("now"),
        ClassSession.class_id == Pupil.class_id,
        Pupil.left_on.is_(None),
    )
    .options(contains_eager(Pupil.school_class))
)


def sign_in_pupil(seat: SessionPupil) -> None:
    """Start a fresh browser session for this pupil (the tablet's last user is signed out).

    The seat's sign-in time was set by the picture check that let the pupil in.
    """
    session.clear()
    session[SESSION_KEY] = [seat.session_id, seat.pupil_id]


def sign_out_pupil() -> None:
    session.pop(SESSION_KEY, None)
    g.pop("signed_in_pupil", None)


def current_pupil() -> Pupil | None:
    """This request's pupil, signed in on this tablet and still let in, or None."""
    if "signed_in_pupil" not in g:
        g.signed_in_pupil = _load_pupil()
    return g.signed_in_pupil


def _load_pupil() -> Pupil | None:
    value = session.get(SESSION_KEY)
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        return None
    session_id, pupil_id = value
    values = {"session_id": session_id, "pupil_id": pupil_id, "now": utcnow()}
    return db.session.scalar(SIGNED_IN_PUPIL, values)
