"""The class view's pupil rows as the page draws them: each row's words, statuses and form
address made once in Python (a class of thirty drew them through some forty template
expressions a row, the most of the page's cost)."""

from collections.abc import Callable
from typing import NamedTuple

from markupsafe import Markup

from portal.formatting import long_date, school_time, status
from portal.people.models import SchoolClass
from portal.pupils.progress import IN_PROGRESS, METHOD_LABELS
from portal.teaching.service import PupilRow
from portal.urls import url_for_each

QUIZ_LABELS = {"not_started": "Not started", "in_progress": "In progress", "done": "Done"}


class PupilLine(NamedTuple):
    id: int
    name: str
    aup: Markup  # its status, with how and when it was acknowledged
    quiz: Markup | str  # its status, or "No quiz"
    action: str  # the address of the pupil's quiz settings form
    reads_aloud: bool  # as the pupil hears it
    by_default: bool  # ticked by their Key Stage's default, not by a choice
    two_choices: bool


def pupil_lines(rows: list[PupilRow], school_class: SchoolClass) -> list[PupilLine]:
    """The class's rows for the page (or the one row its settings form swaps)."""
    settings_url = url_for_each("teaching.accommodations", "pupil_id", class_id=school_class.id)
    return [pupil_line(row, school_class.key_stage, settings_url) for row in rows]


def pupil_line(row: PupilRow, key_stage: str, settings_url: Callable[[int], str]) -> PupilLine:
    pupil = row.pupil
    reads_aloud = pupil.reads_aloud_in(key_stage)
    return PupilLine(
        pupil.id,
        pupil.full_name,
        _aup(row),
        _quiz(row),
        settings_url(pupil.id),
        reads_aloud,
        reads_aloud and pupil.always_read_aloud is None,
        pupil.two_choices,
    )


def _aup(row: PupilRow) -> Markup:
    ack = row.acknowledgement
    if not ack:
        return status("due", "Not yet")
    how = METHOD_LABELS.get(ack.method, ack.method)
    witness = f"; witness: {row.witness}" if row.witness else ""
    return status("acknowledged", "Acknowledged", f"{how}, {_on(ack.created_at)}{witness}")


def _quiz(row: PupilRow) -> Markup | str:
    progress = row.progress
    if not progress:
        return "No quiz"
    detail = ""
    if progress.status == IN_PROGRESS:
        detail = f"{progress.answered} of {progress.attempt.total} questions answered"
    return status(progress.status, QUIZ_LABELS[progress.status], detail)


def _on(created_at) -> str:
    return long_date(school_time(created_at))
