"""Quiz files (``quizzes/<id>.toml``) parsed and validated into frozen dataclasses.

Pure: no Flask, no database. Every problem in every file is collected and reported at once,
each naming its file and question, so a teacher can fix a file in one sitting; a broken file
stops the portal at start-up, never in front of a pupil.
"""

import tomllib
from collections.abc import Iterable
from pathlib import Path

from portal.people.school_year import STAGE_YEAR_GROUPS
from portal.quiz.bank import draw_problems, tag_problems
from portal.quiz.tables import Report, label_of, tables_of, typed_fields
from portal.quiz.types import (
    AUDIENCES,
    CHOICE_COUNT,
    PICTURE_PATTERN,
    QUESTION_COUNTS,
    STRANDS,
    Choice,
    Question,
    Quiz,
    QuizProblems,
    revision_of,
)

QUIZ_KEYS = {
    "id": (str, True),
    "title": (str, True),
    "audience": (str, True),
    "version": (int, True),
    "intro": (str, True),
    "pass_mark": (int, False),
    "questions": (list, True),
}
QUESTION_KEYS = {
    "id": (str, True),
    "text": (str, True),
    "strand": (str, True),
    "emoji": (str, False),
    "picture": (str, False),
    "read_aloud": (str, False),
    "year": (int, False),
    "choices": (list, True),
    "guideline": (int, False),  # staff only: the policy's guideline it tests (quiz/bank.py)
    "safeguarding": (bool, False),  # staff only: a scenario the DSL would insist on
}
CHOICE_KEYS = {
    "id": (str, True),
    "text": (str, True),
    "correct": (bool, False),
    "explanation": (str, True),
    "emoji": (str, False),
    "read_aloud": (str, False),
}
# Who takes each pupils' quiz, and the values its questions' `year` may take.
YEARS_IN_WORDS = {
    "EYFS": ("Reception", "0"),
    "KS1": ("Years 1 and 2", "1 or 2"),
    "KS2": ("Years 3 to 6", "3, 4, 5 or 6"),
}


def _canonical_strand(value: str) -> str | None:
    simple = " ".join(value.lower().replace(",", " ").split())
    return next((s for s in STRANDS if " ".join(s.replace(",", " ").split()) == simple), None)


def _check_choice(table: dict, audience: str | None, report: Report, **where) -> Choice | None:
    before = len(report.problems)
    values = typed_fields(table, CHOICE_KEYS, "choice", report, **where)
    if audience == "EYFS" and "emoji" not in table:
        report.add("an EYFS choice needs an 'emoji' (it is a picture quiz)", **where)
    if len(report.problems) > before:
        return None
    return Choice(
        values["id"],
        values["text"],
        values.get("correct", False),
        values["explanation"],
        values.get("emoji"),
        values.get("read_aloud"),
    )


def _check_choices(
    raw: list, question: str, audience: str | None, report: Report
) -> tuple[Choice, ...] | None:
    """The question's choices, or None if any has a problem."""
    tables = tables_of(raw, "questions.choices", report, question=question)
    report.count(len(raw), CHOICE_COUNT, "choice", whole="question", question=question)
    choices = [
        _check_choice(table, audience, report, question=question, choice=label_of(table, position))
        for position, table in enumerate(tables, start=1)
    ]
    correct = [label_of(t, n) for n, t in enumerate(tables, start=1) if t.get("correct") is True]
    if not correct:
        report.add(
            "no choice is marked correct (add correct = true to the right one)", question=question
        )
    elif len(correct) > 1:
        report.add(
            f"{len(correct)} choices are marked correct ({', '.join(correct)}); mark exactly one",
            question=question,
        )
    return None if None in choices or len(tables) != len(raw) else tuple(choices)


def _check_question(
    table: dict, position: int, audience: str | None, report: Report
) -> Question | None:
    before, label = len(report.problems), label_of(table, position)
    values = typed_fields(table, QUESTION_KEYS, "question", report, question=label)
    strand = values.get("strand") and _canonical_strand(values["strand"])
    if "strand" in values and strand is None:
        known = ", ".join(f"'{strand}'" for strand in STRANDS)
        report.add(f"unknown strand '{values['strand']}'; use one of: {known}", question=label)
    if audience == "EYFS" and not ({"emoji", "picture"} & table.keys()):
        report.add("an EYFS question needs an 'emoji' or a 'picture'", question=label)
    if "picture" in values and not PICTURE_PATTERN.fullmatch(values["picture"]):
        report.add(
            "'picture' should be a file name under static/, like 'quiz/pop-up.png'", question=label
        )
    for problem in tag_problems(values, audience):
        report.add(problem, question=label)
    _check_year(values.get("year"), audience, report, label)
    choices = None
    if "choices" in values:
        choices = _check_choices(values["choices"], label, audience, report)
    if len(report.problems) > before:
        return None
    return Question(
        values["id"],
        values["text"],
        strand,
        choices,
        values.get("emoji"),
        values.get("picture"),
        values.get("read_aloud"),
        guideline=values.get("guideline"),
        safeguarding=values.get("safeguarding", False),
        year=values.get("year"),
    )


def _check_year(year: int | None, audience: str | None, report: Report, label: str) -> None:
    """A question's ``year`` must be a year group of its quiz's Key Stage."""
    if year is None or audience is None:
        return
    if audience == "staff":
        report.add(
            "'year' is only for pupils' quizzes: every member of staff takes the same check",
            question=label,
        )
    elif year not in STAGE_YEAR_GROUPS[audience]:
        who, values = YEARS_IN_WORDS[audience]
        report.add(
            f"'year' is {year}; the {audience} quiz is for {who}: use {values}", question=label
        )


def _count_questions(tables: list[dict], audience: str, report: Report) -> None:
    """The question count's limits, for each year group's questions when some have a year."""
    limits, whole = QUESTION_COUNTS[audience], f"quiz for {audience}"
    if audience == "staff" or all(table.get("year") is None for table in tables):
        report.count(len(tables), limits, "question", whole=whole)
        return
    for year in STAGE_YEAR_GROUPS[audience]:
        asked = sum(table.get("year") in (None, year) for table in tables)
        report.count(asked, limits, "question", year=year, whole=whole)


def _check_quiz_fields(raw: dict, values: dict, expected_id: str | None, report: Report) -> None:
    audience, pass_mark = values.get("audience"), values.get("pass_mark")
    if audience is not None and audience not in AUDIENCES:
        report.add(f"unknown audience '{audience}'; use one of: {', '.join(AUDIENCES)}")
    if expected_id is not None and values.get("id", expected_id) != expected_id:
        report.add(
            f"the quiz id '{values['id']}' should match the file name: id = \"{expected_id}\""
        )
    if values.get("version", 1) < 1:
        report.add("'version' should be 1 or more")
    if audience == "staff" and "pass_mark" not in raw:
        report.add("a staff quiz needs a 'pass_mark' (a percentage, 1 to 100)")
    elif audience == "staff" and pass_mark is not None and not 1 <= pass_mark <= 100:
        report.add(f"'pass_mark' is {pass_mark}; it should be a percentage from 1 to 100")
    elif audience in AUDIENCES and audience != "staff" and "pass_mark" in raw:
        report.add("'pass_mark' is only for staff quizzes: pupils' quizzes have no pass mark")


def _read_toml(data: bytes | str, report: Report) -> dict | None:
    try:
        return tomllib.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
    except UnicodeDecodeError:
        report.add("is not UTF-8 text: save it with UTF-8 encoding")
    except tomllib.TOMLDecodeError as error:
        report.add(f"is not valid TOML, so nothing else could be checked: {error}")
    return None


def parse_quiz(data: bytes | str, source_name: str, expected_id: str | None = None) -> Quiz:
    """Parse one quiz file's contents; raise QuizProblems listing everything wrong with it."""
    report = Report(source_name)
    raw = _read_toml(data, report)
    if raw is None:
        raise QuizProblems(report.problems)
    values = typed_fields(raw, QUIZ_KEYS, "quiz", report)
    _check_quiz_fields(raw, values, expected_id, report)
    audience = values.get("audience") if values.get("audience") in AUDIENCES else None
    questions = []
    if "questions" in values:
        tables = tables_of(values["questions"], "questions", report)
        if audience:
            _count_questions(tables, audience, report)
        questions = [
            _check_question(table, position, audience, report)
            for position, table in enumerate(tables, start=1)
        ]
    if report.problems:
        raise QuizProblems(report.problems)
    encoded = data.encode("utf-8") if isinstance(data, str) else data
    quiz = Quiz(
        values["id"],
        values["title"],
        audience,
        values["version"],
        revision_of(encoded),
        tuple(questions),
        values["intro"],
        values.get("pass_mark"),
    )
    if problems := draw_problems(quiz, source_name):
        raise QuizProblems(problems)
    return quiz


def display_name(path: Path) -> str:
    """A path as a teacher would recognise it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_files(paths: Iterable[Path]) -> dict[str, Quiz]:
    """Load these quiz files (id = file name); raise QuizProblems with every file's problems."""
    quizzes: dict[str, Quiz] = {}
    problems: list[str] = []
    for path in paths:
        source = display_name(path)
        try:
            quiz = parse_quiz(path.read_bytes(), source, expected_id=path.stem)
        except OSError as error:
            problems.append(f"{source}: cannot be read: {error.strerror}")
            continue
        except QuizProblems as error:
            problems.extend(error.problems)
            continue
        same = [other.id for other in quizzes.values() if other.audience == quiz.audience]
        if quiz.id in quizzes:
            problems.append(f"{source}: another file already has the quiz id '{quiz.id}'")
        elif same:
            problems.append(
                f"{source}: '{same[0]}' is already the quiz for {quiz.audience}; "
                "keep one quiz per audience"
            )
        quizzes[quiz.id] = quiz
    if problems:
        raise QuizProblems(problems)
    return quizzes


def load_catalogue(directory: Path | str) -> dict[str, Quiz]:
    """Every ``*.toml`` quiz in ``directory``, by id; raise QuizProblems listing all problems."""
    directory = Path(directory)
    if not directory.is_dir():
        raise QuizProblems([f"{display_name(directory)}: there is no such folder of quizzes"])
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise QuizProblems([f"{display_name(directory)}: there are no quiz files (*.toml) here"])
    return load_files(paths)
