"""The pupils' grid in words: each row as the page and the CSV say it."""

from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from markupsafe import Markup

from portal.admin.pupils import AUP_LABELS, QUIZ_LABELS
from portal.formatting import long_date, school_time, status
from portal.people.school_year import KEY_STAGE_NAMES
from portal.pupils.progress import DONE, IN_PROGRESS, METHOD_LABELS
from portal.pupils.service import stars

CSV_HEADER = [
    "Pupil",
    "Class",
    "Key Stage",
    "AUP",
    "AUP acknowledged on",
    "AUP acknowledged how",
    "AUP witness",
    "Quiz",
    "Quiz questions answered",
    "Quiz questions right",
    "Quiz stars",
]


# What a row says, on the page and in the CSV alike --------------------------------------


class GridRow(NamedTuple):
    """One pupil's line of the grid, in words (a tuple: a page of fifty, or a CSV of the whole
    school, makes one for each pupil, and a frozen dataclass takes several times as long)."""

    pupil_id: int
    name: str
    class_id: int
    class_name: str
    key_stage: str
    aup_on: datetime | None
    aup_method: str | None
    aup_witness: str | None
    quiz_status: str | None
    quiz_answered: int
    quiz_score: int | None
    quiz_total: int | None

    @classmethod
    def of(cls, row) -> "GridRow":
        return cls(
            row.id,
            f"{row.first_name} {row.last_name}",
            row.class_id,
            row.class_name,
            row.key_stage,
            row.aup_on,
            row.aup_method,
            row.aup_witness,
            row.quiz_status,
            row.quiz_answered or 0,
            row.quiz_score,
            row.quiz_total,
        )

    @property
    def key_stage_name(self) -> str:
        return KEY_STAGE_NAMES[self.key_stage]

    @property
    def aup(self) -> str:
        return AUP_LABELS["done" if self.aup_on else "not_yet"]

    @property
    def aup_date(self) -> str:
        return long_date(school_time(self.aup_on)) if self.aup_on else ""

    @property
    def aup_how(self) -> str:
        return METHOD_LABELS.get(self.aup_method, self.aup_method or "")

    @property
    def quiz(self) -> str:
        return QUIZ_LABELS.get(self.quiz_status, "No quiz")

    @property
    def stars(self) -> int | None:
        if self.quiz_status != DONE:
            return None
        return stars(self.quiz_score or 0, self.quiz_total or 0)

    @property
    def right(self) -> str:
        if self.quiz_status != DONE:
            return ""
        return f"{self.quiz_score or 0} of {self.quiz_total or 0}"

    @property
    def quiz_detail(self) -> str:
        """What the class view adds to the status: progress part-way, the result when done."""
        if self.quiz_status == IN_PROGRESS:
            return f"{self.quiz_answered} of {self.quiz_total} questions answered"
        if self.quiz_status == DONE:
            count = self.stars
            return f"{self.right} right, {count} star{'' if count == 1 else 's'}"
        return ""

    def cells(self) -> list:
        """The row as the CSV holds it (CSV_HEADER's order)."""
        answered = self.quiz_answered if self.quiz_status in (IN_PROGRESS, DONE) else ""
        return [
            self.name,
            self.class_name,
            self.key_stage_name,
            self.aup,
            self.aup_date,
            self.aup_how,
            self.aup_witness or "",
            self.quiz,
            answered,
            self.right,
            self.stars or "",
        ]


def grid_rows(rows) -> list[GridRow]:
    return [GridRow.of(row) for row in rows]


class GridLine(NamedTuple):
    """One pupil's row as the page draws it: its words, and its two status cells made once
    in Python (fifty rows of template logic and calls cost the page more than the query)."""

    name: str
    class_url: str  # the teacher's page of the class
    class_name: str
    key_stage_name: str
    aup: Markup
    quiz: Markup | str  # a status, or "No quiz"


def grid_lines(rows, class_url: Callable[[int], str]) -> list[GridLine]:
    return [_line(GridRow.of(row), class_url) for row in rows]


def _line(row: GridRow, class_url: Callable[[int], str]) -> GridLine:
    if row.aup_on:
        witness = f"; witness: {row.aup_witness}" if row.aup_witness else ""
        aup = status("acknowledged", row.aup, f"{row.aup_date}, {row.aup_how}{witness}")
    else:
        aup = status("due", row.aup)
    quiz = status(row.quiz_status, row.quiz, row.quiz_detail) if row.quiz_status else row.quiz
    class_page = class_url(row.class_id)
    return GridLine(row.name, class_page, row.class_name, row.key_stage_name, aup, quiz)
