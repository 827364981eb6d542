"""Class codes typed on the tablets, counted per network address.

A code guessed from outside would show a class's first names, so wrong codes are
limited. A whole school may share one address, so the teacher whose class session is
open can see when tablets have been stopped and let them try again.
"""

from datetime import datetime

from portal.auth import throttle
from portal.classroom import service
from portal.classroom.models import ClassSession

# A whole class may share one address, so allow plenty of slips before stopping guesses.
GUESSES_ALLOWED = 50
WINDOW_MINUTES = 15


class TooManyGuesses(Exception):
    """Tablets at this address are stopped until the window ends or a teacher lets them in."""


def guesser_key(address: str) -> str:
    return throttle.throttle_key("class-code-address", address)


def session_for_code(code: str, address: str, now: datetime) -> ClassSession | None:
    """The open class session with this code, or None (counted as a wrong guess)."""
    try:
        [ticket] = throttle.admit({guesser_key(address): GUESSES_ALLOWED}, WINDOW_MINUTES, now)
    except throttle.TooMany as too_many:
        raise TooManyGuesses from too_many
    class_session = service.open_session_for_code(code, now)
    if class_session is not None:
        throttle.give_back(ticket)  # a class joining together does not use up the allowance
    return class_session


def stopped(address: str, now: datetime) -> bool:
    """Whether tablets at this address are being turned away now."""
    key = guesser_key(address)
    return bool(throttle.stopped([key], GUESSES_ALLOWED, WINDOW_MINUTES, now))


def let_try_again(class_session: ClassSession, address: str, now: datetime) -> bool:
    """The teacher of an open session vouches for the tablets at this address: their wrong
    codes are forgotten. False (and nothing changed) once the session has ended."""
    if not class_session.is_open(now):
        return False
    throttle.clear(guesser_key(address))
    return True
