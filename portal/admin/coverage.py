"""Which of the eight curriculum strands each year group is asked about, by Key Stage: a
strand with no question stands out where the age needs one (STAGE_STRANDS, the check's own
list). Each Key Stage has one quiz, but a question may be for one year group only, so a year
group can miss a strand that its Key Stage's other years are asked about."""

from collections.abc import Mapping
from dataclasses import dataclass

from portal.admin.understanding import KEY_STAGES
from portal.people.school_year import STAGE_YEAR_GROUPS, YEAR_GROUPS, key_stage
from portal.quiz.content import Quiz
from portal.quiz.types import STAGE_STRANDS, STRANDS
from portal.teaching.service import Tally

# The table's columns: every year group, youngest first, grouped by Key Stage.
YEAR_COLUMNS = tuple(year for stage in KEY_STAGES for year in STAGE_YEAR_GROUPS[stage])


@dataclass(frozen=True)
class CoverageRow:
    strand: str  # the display label
    counts: dict[int, int | None]  # year group -> questions it is asked; None: no quiz
    expected: dict[int, bool]  # year group -> is the strand taught at that age (STAGE_STRANDS)


@dataclass(frozen=True)
class Coverage:
    quizzes: dict[str, Quiz | None]  # by Key Stage
    rows: list[CoverageRow]

    def covered(self, year: int) -> Tally | None:
        """The year group's strands with at least one question, of those taught at that age
        (the check's own list); None without a quiz."""
        if self.quizzes.get(key_stage(year)) is None:
            return None
        expected = [row for row in self.rows if row.expected[year]]
        return Tally(sum(bool(row.counts[year]) for row in expected), len(expected))


def _questions_for(quiz: Quiz | None, year: int):
    return None if quiz is None else quiz.questions_for(year)


def coverage(quizzes: Mapping[str, Quiz | None]) -> Coverage:
    """The eight strands x year group: how many of the questions each year group is asked
    (of its Key Stage's quiz) tag each strand."""
    stages = {stage: quizzes.get(stage) for stage in KEY_STAGES}
    asked = {year: _questions_for(stages[key_stage(year)], year) for year in YEAR_COLUMNS}
    rows = []
    for strand, label in STRANDS.items():
        counts = {
            year: None if questions is None else sum(q.strand == strand for q in questions)
            for year, questions in asked.items()
        }
        expected = {year: strand in STAGE_STRANDS[key_stage(year)] for year in YEAR_COLUMNS}
        rows.append(CoverageRow(label, counts, expected))
    return Coverage(stages, rows)


NO_QUESTION = "No question"  # a gap: the check fails until a question is added
NOT_AT_THIS_AGE = "Not at this age"  # no question, and none expected (STAGE_STRANDS)
NO_QUIZ = "No quiz"
COVERAGE_HEADER = ("Strand", *(YEAR_GROUPS[year] for year in YEAR_COLUMNS))


def coverage_cell(row: CoverageRow, year: int) -> str | int:
    count = row.counts[year]
    if count is None:
        return NO_QUIZ
    return count or (NO_QUESTION if row.expected[year] else NOT_AT_THIS_AGE)


def coverage_cells(result: Coverage) -> list[list]:
    return [
        [row.strand, *(coverage_cell(row, year) for year in YEAR_COLUMNS)] for row in result.rows
    ]
