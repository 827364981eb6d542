"""The board's live list: who has signed in, who is locked out, and each pupil's progress.

Reads only, in a fixed number of queries whatever the size of the class.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.classroom.models import ClassSession, SessionPupil
from portal.extensions import db
from portal.people.classes import class_roll
from portal.people.names import short_names
from portal.pupils import progress
from portal.quiz.catalogue import quiz_for


@dataclass(frozen=True)
class LiveRow:
    """One pupil on the board: nothing a class could not see on the sign-in grid, plus progress."""

    pupil_id: int
    display_name: str
    signed_in: bool
    locked: bool
    aup_done: bool | None  # None: the AUPs are not installed
    quiz_status: str | None  # None: no quiz for this Key Stage
    quiz_answered: int
    quiz_total: int  # of the pupil's attempt: the questions of their year group

    @property
    def progress(self) -> str:
        aup = {True: "AUP done", False: "AUP to do", None: "AUP not set up"}[self.aup_done]
        quiz = {
            None: "no quiz",
            progress.NOT_STARTED: "quiz not started",
            progress.DONE: "quiz finished",
        }.get(self.quiz_status, f"quiz {self.quiz_answered} of {self.quiz_total}")
        return f"{aup} · {quiz}"


def live_view(class_session: ClassSession, today: date) -> list[LiveRow]:
    """Each pupil on roll: signed in, locked, and progress. A fixed number of queries."""
    pupils = class_roll(class_session.class_id)
    seats = {
        seat.pupil_id: seat
        for seat in db.session.scalars(
            select(SessionPupil).where(SessionPupil.session_id == class_session.id)
        )
    }
    key_stage = class_session.school_class.key_stage
    try:
        acknowledged = progress.aup_acknowledgements(pupils, key_stage, today)
    except LookupError:
        acknowledged = None
    quiz = quiz_for(key_stage)
    year = progress.school_year_of(today)
    quizzes = progress.quiz_progress(pupils, quiz.id, year) if quiz else {}
    names = short_names(pupils)
    return [
        _live_row(pupil, names[pupil.id], seats.get(pupil.id), acknowledged, quizzes.get(pupil.id))
        for pupil in pupils
    ]


def _live_row(pupil, name, seat, acknowledged, quiz_state) -> LiveRow:
    # Each pupil's own attempt says how many questions they are asked: their year group's,
    # which differ from a classmate's after a change of year group or of the quiz file.
    attempt = quiz_state.attempt if quiz_state else None
    return LiveRow(
        pupil.id,
        name,
        signed_in=bool(seat and seat.signed_in_at),
        locked=bool(seat and seat.locked),
        aup_done=None if acknowledged is None else pupil.id in acknowledged,
        quiz_status=quiz_state.status if quiz_state else None,
        quiz_answered=quiz_state.answered if quiz_state else 0,
        quiz_total=attempt.total if attempt else 0,
    )
