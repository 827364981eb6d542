"""Staff sessions kept on the server, so signing out really ends them.

The browser's session carries a random token; the database keeps its hash, whose
member of staff it is and until when it lasts (a working day, renewed while in use).
Signing out, changing the password or deactivating the account deletes the rows,
so a copy of the cookie taken earlier is refused.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import joinedload

from portal.auth.models import StaffSession, TwoFactor
from portal.extensions import db
from portal.people.models import Staff

# A session in use is renewed at most this often: not a database write on every request.
RENEW_EVERY = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    staff: Staff, now: datetime, hours: int, two_factor_at: datetime | None = None
) -> str:
    """A new session for ``staff``; returns the token the browser is to carry.

    ``two_factor_at`` carries over a code already given (a password changed in a session
    that gave one); otherwise a person with two-factor on is asked for a code next.
    """
    db.session.execute(
        delete(StaffSession).where(
            StaffSession.staff_id == staff.id, StaffSession.expires_at <= now
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        StaffSession(
            token_hash=_hash(token),
            staff_id=staff.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=hours),
            two_factor_at=two_factor_at,
        )
    )
    return token


# Every staff request asks: built once, with bound parameters (building and keying a
# statement costs more than running it); the roles joined in, not a second statement.
FIND_SESSION = (
    select(Staff, StaffSession, TwoFactor.confirmed_at)
    .join(StaffSession, StaffSession.staff_id == Staff.id)
    .outerjoin(TwoFactor, TwoFactor.staff_id == Staff.id)
    .where(
        StaffSession.token_hash == bindparam("token_hash"),
        StaffSession.expires_at > bindparam("now"),
    )
    .options(joinedload(Staff.role_rows))
)


def find_session(token: str, now: datetime) -> tuple[Staff, StaffSession, bool] | None:
    """The active member of staff and their session this token opens, if it is still open,
    and whether they have two-factor sign-in on (in the same query: every request asks)."""
    values = {"token_hash": _hash(token), "now": now}
    row = db.session.execute(FIND_SESSION, values).unique().first()
    if row is None or not row.Staff.active:
        return None
    return row.Staff, row.StaffSession, row.confirmed_at is not None


def renew(staff_session: StaffSession, now: datetime, hours: int) -> bool:
    """Push back the end of a session in use; False when it was renewed a moment ago."""
    if now - staff_session.last_seen_at < RENEW_EVERY:
        return False
    result = db.session.execute(
        update(StaffSession)
        .where(
            StaffSession.id == staff_session.id,
            StaffSession.last_seen_at == staff_session.last_seen_at,
        )
        .values(last_seen_at=now, expires_at=now + timedelta(hours=hours))
    )
    return result.rowcount == 1


def end_session(token: str) -> None:
    """Sign this browser out on the server: its cookie, and every copy of it, stops working."""
    db.session.execute(delete(StaffSession).where(StaffSession.token_hash == _hash(token)))


def end_all_sessions(staff: Staff) -> None:
    """Sign ``staff`` out everywhere (a new password, a deactivated account)."""
    db.session.execute(delete(StaffSession).where(StaffSession.staff_id == staff.id))
