"""What the portal accepts from outside, whatever the route or form. Pure: no Flask.

Ids are INTEGER columns, and PostgreSQL's hold at most 2**31 - 1: a bigger number sent
to either database fails ("integer out of range", OverflowError) instead of finding
nothing, so it is refused where it comes in. Text is stored as typed, so invisible
control characters (a NUL, which PostgreSQL cannot store at all, an escape, a
backspace) are refused too.
"""

import re

SMALLEST_INT, BIGGEST_INT = -(2**31), 2**31 - 1
MAX_EMAIL_LENGTH = 254  # the longest address SMTP carries (RFC 5321)
CONTROL_CHARACTER_MESSAGE = (
    "This held an invisible control character (perhaps pasted in), now taken out: "
    "check it and send it again."
)
# C0 controls, DEL and C1 controls; multi-line text may hold tabs and line breaks.
CONTROL_CHARACTER_CLASS = r"\x00-\x1f\x7f-\x9f"
_CONTROL = re.compile(f"[{CONTROL_CHARACTER_CLASS}]")
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def database_int(text: str) -> int:
    """``text`` as a whole number an integer column can hold, else ValueError (``type=``)."""
    number = int(text)
    if not fits_database_int(number):
        raise ValueError("the number does not fit a database integer")
    return number


def fits_database_int(number: int) -> bool:
    return SMALLEST_INT <= number <= BIGGEST_INT


def has_control_characters(text: str, multiline: bool = False) -> bool:
    return bool(_control(multiline).search(text))


def without_control_characters(text: str, multiline: bool = False) -> str:
    """``text`` safe to show again in a form: the control characters taken out."""
    return _control(multiline).sub("", text)


def _control(multiline: bool) -> re.Pattern:
    return _CONTROL_EXCEPT_LINES if multiline else _CONTROL
