"""Throttles: take a numbered ticket before an attempt is checked; the number decides.

Counting the attempt and learning its place in the window is one atomic statement
(INSERT ... ON CONFLICT DO UPDATE ... RETURNING), so however many requests arrive at
once, no more than ``limit`` of them are ever checked in a window.

The tickets of attempts that succeed or are never checked are given back, so a count
is the failures in the window: a school's staff or a class signing in together from
one address do not use up the allowance meant for wrong guesses.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update

from portal.auth.models import Throttle
from portal.database import dialect_insert
from portal.extensions import db

# No throttle window is longer; older rows are only litter.
FORGET_AFTER = timedelta(days=1)


class TooMany(Exception):
    """An attempt turned away unchecked: its key has used up its window's allowance."""


@dataclass(frozen=True)
class Ticket:
    key: str
    number: int
    window_started_at: datetime
    limit: int

    @property
    def allowed(self) -> bool:
        return self.number <= self.limit


def throttle_key(kind: str, value: str) -> str:
    """A bounded key for what is counted (an email, an address), whatever its length."""
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def take_ticket(key: str, limit: int, minutes: int, now: datetime) -> Ticket:
    """Count one attempt against ``key``; only a ticket within ``limit`` may be checked.

    Committed at once, before the attempt is checked: the count must stand whatever
    happens to the request, and no lock is held while a password is hashed. So call
    it before changing anything else in the request.
    """
    window_start = now - timedelta(minutes=minutes)
    expired = Throttle.window_started_at <= window_start
    statement = (
        dialect_insert(Throttle)
        .values(key=key, attempts=1, window_started_at=now)
        .on_conflict_do_update(
            index_elements=[Throttle.key],
            set_={
                "attempts": case((expired, 1), else_=Throttle.attempts + 1),
                "window_started_at": case((expired, now), else_=Throttle.window_started_at),
            },
        )
        .returning(Throttle.attempts, Throttle.window_started_at)
    )
    number, window_started_at = db.session.execute(statement).one()
    db.session.commit()
    return Ticket(key, number, window_started_at, limit)


def admit(limits: dict[str, int], minutes: int, now: datetime) -> list[Ticket]:
    """A ticket for each key (key: limit), or TooMany if any key is over its limit.

    An attempt turned away by one key is not counted against the others.
    """
    tickets = []
    for key, limit in limits.items():
        ticket = take_ticket(key, limit, minutes, now)
        if not ticket.allowed:
            give_back(*tickets)
            raise TooMany
        tickets.append(ticket)
    return tickets


def give_back(*tickets: Ticket) -> None:
    """Uncount attempts that succeeded or were never checked (unless their window is over)."""
    for ticket in tickets:
        db.session.execute(
            update(Throttle)
            .where(
                Throttle.key == ticket.key,
                Throttle.window_started_at == ticket.window_started_at,
                Throttle.attempts > 0,
            )
            .values(attempts=Throttle.attempts - 1)
        )


def clear(key: str) -> None:
    """Start ``key`` afresh: a person has vouched for it, or it has just succeeded."""
    db.session.execute(delete(Throttle).where(Throttle.key == key))


def stopped(keys: list[str], limit: int, minutes: int, now: datetime) -> set[str]:
    """Those of ``keys`` whose next attempt would be turned away now."""
    if not keys:
        return set()
    query = select(Throttle.key).where(
        Throttle.key.in_(keys),
        Throttle.attempts >= limit,
        Throttle.window_started_at > now - timedelta(minutes=minutes),
    )
    return set(db.session.scalars(query))


def forget_old(now: datetime) -> None:
    """Delete rows of windows long over, so guessed emails do not pile up."""
    db.session.execute(delete(Throttle).where(Throttle.window_started_at < now - FORGET_AFTER))
