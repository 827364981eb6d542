"""Who the pupil on this tablet is: kept in the Flask session, checked on every request.

A pupil is signed in only while their class session is open, they are still in that class,
and their teacher has not locked them out. Nothing else (no password, no account).
"""

from flask import g, session
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.classroom.models import ClassSession, SessionPupil
from portal.clock import utcnow
from portal.extensions import db
from portal.people.models import Pupil

SESSION_KEY = "pupil"


def sign_in_pupil(seat: SessionPupil) -> None:
    """Start a fresh browser session for this pupil (the tablet's last user is signed out).

    The seat's sign-in time was set by the picture check that let the pupil in.
    """
    session.clear()
    session[SESSION_KEY] = [seat.session_id, seat.pupil_id]


def sign_out_pupil() -> None:
    session.pop(SESSION_KEY, None)
    g.pop("pupil_seat", None)


def current_seat() -> SessionPupil | None:
    """This request's signed-in pupil's seat in an open class session, or None."""
    if "pupil_seat" not in g:
        g.pupil_seat = _load_seat()
    return g.pupil_seat


def _load_seat() -> SessionPupil | None:
    value = session.get(SESSION_KEY)
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        return None
    session_id, pupil_id = value
    # One statement for the seat, its class session, the pupil and their class: every pupil
    # request asks, and every pupil screen shows the class's Key Stage.
    seat = db.session.scalar(
        select(SessionPupil)
        .where(SessionPupil.session_id == session_id, SessionPupil.pupil_id == pupil_id)
        .options(
            joinedload(SessionPupil.session),
            joinedload(SessionPupil.pupil).joinedload(Pupil.school_class),
        )
    )
    if seat is None or seat.locked:
        return None
    class_session: ClassSession = seat.session
    pupil = seat.pupil
    if (
        not class_session.is_open(utcnow())
        or pupil.left_on is not None
        or pupil.class_id != class_session.class_id
    ):
        return None
    return seat
