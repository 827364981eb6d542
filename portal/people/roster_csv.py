"""A roster file as text: its records with their lines, and what makes a cell unreadable. Pure.

Every problem names its line (the header is line 1), so the office can correct the
file in one go.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from portal.input_rules import has_control_characters

# Longer than any name, email or list of classes the portal keeps.
MAX_CELL_LENGTH = 1000


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class RosterProblems(Exception):
    """The file cannot be imported; ``problems`` lists every reason, in line order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda problem: problem.line)
        super().__init__("; ".join(str(problem) for problem in self.problems))


def decode_roster(data: bytes) -> str:
    """The text of an uploaded file: UTF-8, with or without a byte-order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RosterProblems(
            [
                Problem(
                    line, 'the file is not UTF-8 text: save it from the spreadsheet as "CSV UTF-8"'
                )
            ]
        ) from None


def read_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank CSV records with the line each starts on (the header is line 1)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for values in reader:
            if any(value.strip() for value in values):
                yield start, values
            start = reader.line_num + 1
    except csv.Error as error:  # the reader cannot go on past this record
        raise RosterProblems([Problem(start, unreadable(error))]) from None


def unreadable(error: csv.Error) -> str:
    if str(error).startswith("field larger than field limit"):
        return f"a cell is longer than {MAX_CELL_LENGTH:,} characters"
    return f"this line is not valid CSV ({error})"


def cell_problem(column: str, value: str) -> str | None:
    """Why this cell cannot be taken whatever its column means, or None."""
    name = column.replace("_", " ")
    if len(value) > MAX_CELL_LENGTH:
        return f"{name} is longer than {MAX_CELL_LENGTH:,} characters"
    if has_control_characters(value):
        return f"{name} holds an invisible control character (a tab, a line break…): retype it"
    return None
