"""Which of the eight curriculum strands each Key Stage's quiz covers, with a strand that has
no question standing out where the age needs one (STAGE_STRANDS, the check's own list)."""

from collections.abc import Mapping
from dataclasses import dataclass

from portal.admin.understanding import KEY_STAGES
from portal.people.school_year import KEY_STAGE_NAMES
from portal.quiz.content import Quiz
from portal.quiz.types import STAGE_STRANDS, STRANDS
from portal.teaching.service import Tally


@dataclass(frozen=True)
class CoverageRow:
    strand: str  # the display label
    counts: dict[str, int | None]  # Key Stage -> questions; None where the stage has no quiz
    expected: dict[str, bool]  # Key Stage -> is the strand taught at that age (STAGE_STRANDS)


@dataclass(frozen=True)
class Coverage:
    quizzes: dict[str, Quiz | None]  # by Key Stage
    rows: list[CoverageRow]

    def covered(self, stage: str) -> Tally | None:
        """The stage's strands with at least one question, of those taught at that age (the
        check's own list); None without a quiz."""
        if self.quizzes.get(stage) is None:
            return None
        expected = [row for row in self.rows if row.expected[stage]]
        return Tally(sum(bool(row.counts[stage]) for row in expected), len(expected))


def coverage(quizzes: Mapping[str, Quiz | None]) -> Coverage:
    """The eight strands x Key Stage: how many questions of each stage's quiz tag each strand."""
    stages = {stage: quizzes.get(stage) for stage in KEY_STAGES}
    rows = []
    for strand, label in STRANDS.items():
        counts = {
            stage: None if quiz is None else sum(q.strand == strand for q in quiz.questions)
            for stage, quiz in stages.items()
        }
        expected = {stage: strand in STAGE_STRANDS[stage] for stage in stages}
        rows.append(CoverageRow(label, counts, expected))
    return Coverage(stages, rows)


NO_QUESTION = "No question"  # a gap: the check fails until a question is added
NOT_AT_THIS_AGE = "Not at this age"  # no question, and none expected (STAGE_STRANDS)
NO_QUIZ = "No quiz"
COVERAGE_HEADER = ("Strand", *(KEY_STAGE_NAMES[stage] for stage in KEY_STAGES))


def coverage_cell(row: CoverageRow, stage: str) -> str | int:
    count = row.counts[stage]
    if count is None:
        return NO_QUIZ
    return count or (NO_QUESTION if row.expected[stage] else NOT_AT_THIS_AGE)


def coverage_cells(result: Coverage) -> list[list]:
    return [
        [row.strand, *(coverage_cell(row, stage) for stage in KEY_STAGES)] for row in result.rows
    ]
