"""Class sessions and picture sign-in: verb functions that flush and never commit.

Times are naive UTC, passed in; the end of the school day is a ``time`` carrying the
school's time zone (naive means UTC), or None for no end-of-day limit.
"""

import secrets
from collections import Counter
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import bindparam, select, update

from portal.classroom.models import ClassSession, SessionPupil
from portal.classroom.pictures import BY_KEY, PICTURES
from portal.database import insert_if_absent
from portal.extensions import db
from portal.people.classes import class_roll
from portal.people.models import Pupil, SchoolClass, Staff

SESSION_LENGTH = timedelta(hours=2)
# A new session's code can be taken by another class's new session in the same instant.
CODE_TRIES = 5
MAX_WRONG_PICTURES = 3
NOT_IN_CLASS, NO_PICTURE, LOCKED, WRONG, CLOSED = (
    "not_in_class",
    "no_picture",
    "locked",
    "wrong",
    "closed",
)
_random = secrets.SystemRandom()


class SignInProblem(Exception):
    """Why a pupil cannot sign in: a kind message, and a ``kind`` the view maps to a page."""

    def __init__(self, message: str, kind: str, tries_left: int = 0):
        super().__init__(message)
        self.message, self.kind, self.tries_left = message, kind, tries_left


class SessionProblem(Exception):
    """Why a class session cannot start."""


def school_day_end(now: datetime, day_ends_at: time | None) -> datetime | None:
    """Today's end of the school day (on the school's clock) as naive UTC."""
    if day_ends_at is None:
        return None
    zone = day_ends_at.tzinfo or UTC
    local_day = now.replace(tzinfo=UTC).astimezone(zone).date()
    local_end = datetime.combine(local_day, day_ends_at.replace(tzinfo=None), tzinfo=zone)
    return local_end.astimezone(UTC).replace(tzinfo=None)


def _is_open(now: datetime):
    return ClassSession.ended_at.is_(None), ClassSession.expires_at > now


def open_session_of_class(school_class: SchoolClass, now: datetime) -> ClassSession | None:
    return db.session.scalar(
        select(ClassSession)
        .where(ClassSession.class_id == school_class.id, *_is_open(now))
        .order_by(ClassSession.id.desc())
        .limit(1)
    )


def start_session(
    school_class: SchoolClass, teacher: Staff, now: datetime, day_ends_at: time | None
) -> ClassSession:
    """The class's open session, or a new one lasting two hours or to the end of the day.

    Several starts at once open one session: the database keeps one open session per class
    (and each code on one open session), and every start gets the session that is open.
    """
    existing = open_session_of_class(school_class, now)
    if existing is not None:
        return existing
    expires_at = now + SESSION_LENGTH
    day_end = school_day_end(now, day_ends_at)
    if day_end is not None and day_end <= now:
        raise SessionProblem("The school day has ended, so pupils cannot sign in until tomorrow.")
    end_expired_sessions(now)
    for _ in range(CODE_TRIES):
        insert_if_absent(
            ClassSession,
            class_id=school_class.id,
            started_by_id=teacher.id,
            code=_free_code(),
            started_at=now,
            expires_at=min(expires_at, day_end or expires_at),
        )
        started = open_session_of_class(school_class, now)
        if started is not None:
            return started  # ours, or the one another start opened a moment before
    raise SessionProblem("Too many class sessions are open. End one and try again.")


def end_expired_sessions(now: datetime) -> None:
    """Mark sessions that ran out of time as ended then, so they hold neither class nor code."""
    db.session.execute(
        update(ClassSession)
        .where(ClassSession.ended_at.is_(None), ClassSession.expires_at <= now)
        .values(ended_at=ClassSession.expires_at),
        execution_options={"synchronize_session": False},
    )


def _free_code() -> str:
    """Four random digits that no session still open (not ended) is using."""
    taken = set(
        db.session.scalars(select(ClassSession.code).where(ClassSession.ended_at.is_(None)))
    )
    for _ in range(200):
        code = f"{secrets.randbelow(10_000):04d}"
        if code not in taken:
            return code
    raise SessionProblem("Too many class sessions are open. End one and try again.")


def open_session_for_code(code: str | None, now: datetime) -> ClassSession | None:
    """The open session with this four-digit code, or None."""
    code = (code or "").strip()
    if len(code) != 4 or not (code.isascii() and code.isdigit()):
        return None
    return db.session.scalar(
        select(ClassSession)
        .where(ClassSession.code == code, *_is_open(now))
        .order_by(ClassSession.id.desc())
        .limit(1)
    )


def open_session(session_id: object, now: datetime) -> ClassSession | None:
    """The session with this id (as kept on a tablet) if it is still open."""
    if not isinstance(session_id, int):
        return None
    class_session = db.session.get(ClassSession, session_id)
    return class_session if class_session and class_session.is_open(now) else None


def end_session(class_session: ClassSession, now: datetime) -> None:
    """End the session now: no more sign-ins, and signed-in pupils are signed out."""
    if class_session.ended_at is None:
        class_session.ended_at = now
        db.session.flush()


def seat_of(class_session: ClassSession, pupil_id: int) -> SessionPupil | None:
    return db.session.scalar(
        select(SessionPupil).where(
            SessionPupil.session_id == class_session.id, SessionPupil.pupil_id == pupil_id
        )
    )


def pupil_at_the_door(class_session: ClassSession, pupil_id: int) -> Pupil:
    """The pupil about to choose a picture, or SignInProblem if they cannot."""
    pupil = db.session.get(Pupil, pupil_id)
    if pupil is None or pupil.class_id != class_session.class_id or pupil.left_on is not None:
        raise SignInProblem("We can't find you in this class. Ask your teacher.", NOT_IN_CLASS)
    if pupil.picture not in BY_KEY:
        raise SignInProblem("Ask your teacher to give you a picture.", NO_PICTURE)
    seat = seat_of(class_session, pupil_id)
    if seat is not None and seat.locked:
        raise SignInProblem("Ask your teacher to help you sign in.", LOCKED)
    return pupil


def choose_picture(
    class_session: ClassSession, pupil_id: int, picture: str, now: datetime
) -> SessionPupil:
    """The pupil's seat, signed in, if ``picture`` is theirs; otherwise count the try and explain.

    Both outcomes are one conditional UPDATE of the seat, so taps on several tablets at once
    are decided one after another by the database: none gets past the lock.
    """
    if not class_session.is_open(now):
        raise SignInProblem("This class session has ended.", CLOSED)
    pupil = pupil_at_the_door(class_session, pupil_id)
    insert_if_absent(
        SessionPupil, session_id=class_session.id, pupil_id=pupil.id, wrong_pictures=0, locked=False
    )
    if picture != pupil.picture:
        _count_wrong_picture(class_session, pupil)
    seat = db.session.scalar(
        update(SessionPupil)
        .where(_seat_is(class_session, pupil), SessionPupil.locked.is_(False))
        .values(wrong_pictures=0, signed_in_at=now, last_seen_at=now)
        .returning(SessionPupil),
        execution_options={"populate_existing": True},
    )
    if seat is None:  # locked by other taps since the door let the pupil through
        raise SignInProblem("Ask your teacher to help you sign in.", LOCKED)
    return seat


def _seat_is(class_session: ClassSession, pupil: Pupil):
    return (SessionPupil.session_id == class_session.id) & (SessionPupil.pupil_id == pupil.id)


def _count_wrong_picture(class_session: ClassSession, pupil: Pupil) -> None:
    """One more wrong try, unless already locked; the third locks. The row's answer decides."""
    tries = SessionPupil.wrong_pictures + 1
    counted = db.session.execute(
        update(SessionPupil)
        .where(_seat_is(class_session, pupil), SessionPupil.locked.is_(False))
        .values(wrong_pictures=tries, locked=tries >= MAX_WRONG_PICTURES)
        .returning(SessionPupil.wrong_pictures, SessionPupil.locked),
        execution_options={"synchronize_session": False},
    ).one_or_none()
    if counted is None or counted.locked:
        raise SignInProblem("Ask your teacher to help you sign in.", LOCKED)
    left = MAX_WRONG_PICTURES - counted.wrong_pictures
    raise SignInProblem(
        f"Not that one. You have {left} more {'try' if left == 1 else 'tries'}.",
        WRONG,
        tries_left=left,
    )


def unlock(class_session: ClassSession, pupil_id: int) -> Pupil:
    """Let a locked pupil try their picture again (three more tries)."""
    pupil = db.session.get(Pupil, pupil_id)
    if pupil is None or pupil.class_id != class_session.class_id:
        raise SignInProblem("That pupil is not in this class.", NOT_IN_CLASS)
    seat = seat_of(class_session, pupil_id)
    if seat is not None:
        seat.locked, seat.wrong_pictures = False, 0
        db.session.flush()
    return pupil


def set_picture(pupil: Pupil, picture: str) -> None:
    if picture not in BY_KEY:
        raise ValueError(f"unknown picture {picture!r}")
    pupil.picture = picture
    db.session.flush()


def new_picture(pupil: Pupil) -> str:
    """Give the pupil a different picture, at random (the teacher's "reset")."""
    pupil.picture = _random.choice([p.key for p in PICTURES if p.key != pupil.picture])
    db.session.flush()
    return pupil.picture


def reset_pictures(school_class: SchoolClass, everyone: bool = False) -> int:
    """Random pictures for pupils without one (or for everyone), spread evenly; how many."""
    pupils = class_roll(school_class.id)
    targets = [p for p in pupils if everyone or p.picture not in BY_KEY]
    used = Counter(p.picture for p in pupils if p not in targets)
    _random.shuffle(targets)
    for pupil in targets:
        fewest = min(used[p.key] for p in PICTURES)
        pupil.picture = _random.choice([p.key for p in PICTURES if used[p.key] == fewest])
        used[pupil.picture] += 1
    db.session.flush()
    return len(targets)


def teacher_panel_context(staff: Staff, now: datetime) -> dict:
    """For the home page: each class the member of staff teaches, with its open session."""
    classes = list(staff.classes)
    if not classes:  # a leader or an office account: nothing to ask
        return {"classroom_classes": []}
    values = {"class_ids": [c.id for c in classes], "now": now}
    open_sessions = {s.class_id: s for s in db.session.scalars(_OPEN_OF_CLASSES, values)}
    return {"classroom_classes": [(c, open_sessions.get(c.id)) for c in classes]}


# A teacher's every home page asks: built once (building a statement costs more than running it).
_OPEN_OF_CLASSES = (
    select(ClassSession)
    .where(
        ClassSession.class_id.in_(bindparam("class_ids", expanding=True)),
        *_is_open(bindparam("now")),
    )
    .order_by(ClassSession.id)
)
