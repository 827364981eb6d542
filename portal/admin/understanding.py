"""What pupils understand, school-wide: each question's share right at the pupils' first go,
the commonest wrong answer, by Key Stage and by class (coverage.py: which strands each covers).

A pupil's first go is their first attempt at the quiz this school year (QuizAttempt.first_go).
Only first goes at the quiz file's current revision count: a first go at an earlier revision
(whose choices may have meant something else) is left out, and counted as left out. Pupils on
roll count, in the class they are in now (first_goes.py reads them: three or four SQL
statements for the whole school); the rest is Python.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from portal.admin.first_goes import answer_counts, first_go_counts
from portal.extensions import db
from portal.people.models import SchoolClass
from portal.people.school_year import KEY_STAGE_NAMES, YEAR_GROUPS
from portal.quiz.content import Choice, Question, Quiz
from portal.teaching.service import Tally

KEY_STAGES = tuple(KEY_STAGE_NAMES)  # EYFS, KS1, KS2: the pupils' quizzes
# Governors see a figure only when at least this many pupils stand behind it, so that no
# figure can be read back to a handful of children ("0 of 3" says what each of the 3 chose).
SAFE_SIZE = 10


@dataclass(frozen=True)
class Figure:
    """One group's answers to one question: a Key Stage or a class."""

    label: str  # "Key Stage 2" or the class's name
    school_class: SchoolClass | None
    right: Tally  # right at the first go, of the pupils who answered it at their first go
    wrong_choices: tuple[Choice, ...]  # the most chosen wrong answer(s); several if tied
    wrong_count: int  # pupils who chose each of them
    hidden: bool = False  # too few pupils for this reader (a governor)


@dataclass(frozen=True)
class QuestionRow:
    key_stage: str
    number: int
    question: Question
    figure: Figure  # the Key Stage's, or the chosen class's
    classes: tuple[Figure, ...] = ()  # each class of the Key Stage, when one is chosen

    @property
    def figures(self) -> tuple[Figure, ...]:
        return (self.figure, *self.classes)

    @property
    def year_asked(self) -> str | None:
        """ "Year 3" for a question only Year 3 is asked; None when every year group is."""
        year = self.question.year
        return None if year is None else YEAR_GROUPS[year]


@dataclass(frozen=True)
class Understanding:
    rows: list[QuestionRow]
    left_out: int  # pupils in scope whose first go was at an earlier revision of the quiz
    first_goes: int  # pupils in scope whose first go counts


# Reading the school ---------------------------------------------------------------------------


def all_classes() -> list[SchoolClass]:
    """Every class, youngest first: the class filter's choices."""
    return list(
        db.session.scalars(select(SchoolClass).order_by(SchoolClass.year_group, SchoolClass.name))
    )


# Combining in Python -------------------------------------------------------------------------


def _figure(label, school_class, question: Question, chosen: Mapping[str, int], min_base: int):
    counts = {choice.id: chosen.get(choice.id, 0) for choice in question.choices}
    answered = sum(counts.values())
    wrong = [choice for choice in question.choices if not choice.correct and counts[choice.id]]
    most = max((counts[choice.id] for choice in wrong), default=0)
    return Figure(
        label,
        school_class,
        Tally(counts[question.correct_choice_id], answered),
        tuple(choice for choice in wrong if counts[choice.id] == most),
        most,
        hidden=0 < answered < min_base,
    )


def _add(into: dict, counts: Mapping[str, int]) -> None:
    for choice_id, pupils in counts.items():
        into[choice_id] = into.get(choice_id, 0) + pupils


def sort_rows(rows: list[QuestionRow], sort: str, descending: bool) -> list[QuestionRow]:
    """By "share" right (hardest first) or "question" (Key Stage, then quiz order).

    Ties keep the quiz order; a question nobody answered, or whose figure is hidden from this
    reader, goes last (its place would tell what the figure hides).
    """
    rows = sorted(rows, key=lambda row: (KEY_STAGES.index(row.key_stage), row.number))
    if sort == "question":
        return rows[::-1] if descending else rows
    shown = [row for row in rows if row.figure.right.base and not row.figure.hidden]
    rest = [row for row in rows if row not in shown]
    share = lambda row: row.figure.right.count / row.figure.right.base  # noqa: E731
    return sorted(shown, key=share, reverse=descending) + rest


SORTS = ("share", "question")


def _chosen(quizzes: Mapping[str, Quiz], classes: Mapping[int, SchoolClass], year: int):
    """(class id, question id) -> choice -> pupils, over first goes at the current revision."""
    current = {
        class_id: (quiz.id, quiz.revision)
        for class_id, school_class in classes.items()
        if (quiz := quizzes.get(school_class.key_stage))
    }
    chosen: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for class_id, quiz_id, revision, question_id, choice_id, pupils in answer_counts(year):
        if current.get(class_id) == (quiz_id, revision):
            chosen[(class_id, question_id)][choice_id] = pupils
    return chosen


def _stage_rows(stage, quiz, stage_classes, chosen, by_class: bool, one_class: bool, min_base):
    """One row per question of ``quiz``: the Key Stage's figure (and its classes'), or the
    one class's. A question for one year group only has the figures of its classes only."""
    rows = []
    if one_class:  # the questions its pupils are asked, numbered as they see them
        quiz = quiz.for_year(stage_classes[0].year_group)
    for number, question in enumerate(quiz.questions, start=1):
        asked = [c for c in stage_classes if question.year in (None, c.year_group)]
        classes = (
            [
                _figure(c.name, c, question, chosen.get((c.id, question.id), {}), min_base)
                for c in asked
            ]
            if by_class or one_class
            else []
        )
        if one_class:
            rows.append(QuestionRow(stage, number, question, classes[0]))
            continue
        total: dict[str, int] = {}
        for c in stage_classes:
            _add(total, chosen.get((c.id, question.id), {}))
        figure = _figure(KEY_STAGE_NAMES[stage], None, question, total, min_base)
        rows.append(
            QuestionRow(stage, number, question, figure, tuple(classes) if by_class else ())
        )
    return rows


def understanding(
    quizzes: Mapping[str, Quiz],
    classes: Iterable[SchoolClass],
    year: int,
    key_stage: str | None = None,
    school_class: SchoolClass | None = None,
    min_base: int = 0,
) -> Understanding:
    """Each question of the pupils' quizzes (``quizzes`` by Key Stage) with its figures.

    With no filter, one figure per question, its Key Stage's; with ``key_stage``, that Key
    Stage's questions with each class's figure too; with ``school_class``, that class's only.
    ``min_base``: a figure resting on fewer pupils is marked hidden.
    """
    classes = {c.id: c for c in classes}
    if school_class is not None:
        key_stage = school_class.key_stage
    chosen = _chosen(quizzes, classes, year)
    in_scope = {
        c.id: c
        for c in classes.values()
        if (school_class is None or c.id == school_class.id)
        and (key_stage is None or c.key_stage == key_stage)
    }
    rows = []
    for stage in KEY_STAGES:
        quiz = quizzes.get(stage)
        if quiz is None or (key_stage and stage != key_stage):
            continue
        stage_classes = [c for c in in_scope.values() if c.key_stage == stage]
        one_class = school_class is not None
        rows += _stage_rows(
            stage, quiz, stage_classes, chosen, bool(key_stage), one_class, min_base
        )
    left_out, counted = _first_goes(quizzes, in_scope, year)
    return Understanding(rows, left_out, counted)


def _first_goes(quizzes: Mapping[str, Quiz], in_scope: Mapping[int, SchoolClass], year: int):
    """(left out, counted): pupils in scope whose first go was at an old / the current revision."""
    left_out = counted = 0
    for class_id, quiz_id, revision, pupils in first_go_counts(year):
        school_class = in_scope.get(class_id)
        quiz = quizzes.get(school_class.key_stage) if school_class else None
        if quiz is None or quiz.id != quiz_id:
            continue
        if revision == quiz.revision:
            counted += pupils
        else:
            left_out += pupils
    return left_out, counted


# CSV ------------------------------------------------------------------------------------------

UNDERSTANDING_HEADER = (
    "Key Stage",
    "Question number",
    "Question",
    "Strand",
    "Group",
    "Answered correctly at first go",
    "Answered at first go",
    "Per cent correct",
    "Most chosen wrong answer",
    "Pupils who chose it",
    "Year group asked",
)
HIDDEN = f"Fewer than {SAFE_SIZE} pupils"
EVERY_YEAR = "Every year group"


def figure_cells(row: QuestionRow, figure: Figure) -> list:
    """One CSV line: the question, then one group's figure (blank if hidden, never guessed)."""
    head = [row.key_stage, row.number, row.question.text, row.question.strand_label, figure.label]
    asked = row.year_asked or EVERY_YEAR
    if figure.hidden:
        return [*head, HIDDEN, "", "", "", "", asked]
    wrong = " / ".join(choice.text for choice in figure.wrong_choices)
    right = figure.right
    percent = "" if right.percent is None else right.percent
    return [*head, right.count, right.base, percent, wrong, figure.wrong_count or "", asked]


def understanding_cells(rows: Iterable[QuestionRow]) -> list[list]:
    """The page's table, line for line: each question's figure, then its classes'."""
    return [figure_cells(row, figure) for row in rows for figure in row.figures]
