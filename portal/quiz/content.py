"""Quiz files (``quizzes/<id>.toml``) parsed and validated into frozen dataclasses.

Pure: no Flask, no database. Every problem in every file is collected and reported at once,
each naming its file and question, so a teacher can fix a file in one sitting; a broken file
stops the portal at start-up, never in front of a pupil.
"""

import difflib
import tomllib
from collections.abc import Iterable
from pathlib import Path

from portal.pictures import NO_PICTURE, has_svg
from portal.quiz.types import (
    AUDIENCES,
    CHOICE_COUNT,
    ID_PATTERN,
    MAX_ID_LENGTH,
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
    "year": (int, False),
    "emoji": (str, False),
    "picture": (str, False),
    "read_aloud": (str, False),
    "choices": (list, True),
}
CHOICE_KEYS = {
    "id": (str, True),
    "text": (str, True),
    "correct": (bool, False),
    "explanation": (str, True),
    "emoji": (str, False),
    "read_aloud": (str, False),
}
TYPE_NAMES = {
    str: "text in quotes",
    int: "a whole number",
    bool: "true or false",
    list: "a list of tables",
}


class _Report:
    """Collects problems for one file, each prefixed with where it is."""

    def __init__(self, source: str):
        self.source, self.problems = source, []

    def add(self, message: str, question: str | None = None, choice: str | None = None) -> None:
        where = self.source + (f", question {question}" if question is not None else "")
        where += f", choice {choice}" if choice is not None else ""
        self.problems.append(f"{where}: {message}")

    def count(self, number: int, limits: tuple[int, int], noun: str, **where) -> None:
        low, high = limits
        if not low <= number <= high:
            wanted = f"exactly {low}" if low == high else f"{low} to {high}"
            noun += "" if number == 1 else "s"
            self.add(f"has {number} {noun}; a {where.pop('whole')} needs {wanted}", **where)


def _label(table: dict, position: int) -> str:
    """How a question or choice is named in a problem: its id, or its position."""
    value = table.get("id")
    return f"'{value}'" if isinstance(value, str) and value.strip() else str(position)


def _has_type(value: object, kind: type) -> bool:
    return isinstance(value, kind) and (kind is not int or not isinstance(value, bool))


def _unknown_key(key: str, spec: dict, meant: set) -> str:
    close = difflib.get_close_matches(key, spec, n=1)
    meant.update(close)
    hint = f" (did you mean '{close[0]}'?)" if close else f"; known keys: {', '.join(spec)}"
    return f"unknown key '{key}'{hint}"


def _fields(table: dict, spec: dict, what: str, report: _Report, **where) -> dict:
    """The well-typed values of ``table``; unknown, missing and mistyped keys are reported."""
    values, meant = {}, set()  # a misspelt key is reported once, not also as missing
    for key in [key for key in table if key not in spec]:
        report.add(_unknown_key(key, spec, meant), **where)
    for key, (kind, required) in spec.items():
        if key not in table:
            if required and key not in meant:
                report.add(f"'{key}' is missing", **where)
        elif not _has_type(table[key], kind):
            report.add(f"'{key}' should be {TYPE_NAMES[kind]}", **where)
        elif kind is str and not table[key].strip():
            report.add(f"'{key}' is empty", **where)
        else:
            values[key] = table[key].strip() if kind is str else table[key]
    identifier = values.get("id")
    if identifier and (not ID_PATTERN.fullmatch(identifier) or len(identifier) > MAX_ID_LENGTH):
        report.add(
            f"the {what} id '{identifier}' should be lower-case letters, digits and "
            f"hyphens (like 'password-toothbrush'), at most {MAX_ID_LENGTH} long",
            **where,
        )
    emoji = values.get("emoji")
    if emoji and (len(emoji) > 16 or any(c.isascii() and c.isalpha() for c in emoji)):
        report.add(f"'emoji' should be an emoji only (got '{emoji}'); words go in 'text'", **where)
    elif emoji and not has_svg(emoji):
        report.add(NO_PICTURE.format(emoji=emoji), **where)
    return values


def _tables(value: list, what: str, report: _Report, **where) -> list[dict]:
    """The entries of a list that are tables, checking ids are not repeated."""
    tables = [item for item in value if isinstance(item, dict)]
    if len(tables) != len(value):
        report.add(f"every entry of '{what}' should be a [[{what}]] table", **where)
    first: dict[str, int] = {}
    for position, table in enumerate(tables, start=1):
        key = table.get("id")
        if isinstance(key, str) and key in first:
            noun = "choice" if "question" in where else "question"
            report.add(
                f"the {noun} id '{key}' is already used by {noun} {first[key]}",
                **(where or {"question": str(position)}),
            )
        elif isinstance(key, str):
            first[key] = position
    return tables


def _canonical_strand(value: str) -> str | None:
    simple = " ".join(value.lower().replace(",", " ").split())
    return next((s for s in STRANDS if " ".join(s.replace(",", " ").split()) == simple), None)


def _check_choice(table: dict, audience: str | None, report: _Report, **where) -> Choice | None:
    before = len(report.problems)
    values = _fields(table, CHOICE_KEYS, "choice", report, **where)
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
    raw: list, question: str, audience: str | None, report: _Report
) -> tuple[Choice, ...] | None:
    """The question's choices, or None if any has a problem."""
    tables = _tables(raw, "questions.choices", report, question=question)
    report.count(len(raw), CHOICE_COUNT, "choice", whole="question", question=question)
    choices = [
        _check_choice(table, audience, report, question=question, choice=_label(table, position))
        for position, table in enumerate(tables, start=1)
    ]
    correct = [_label(t, n) for n, t in enumerate(tables, start=1) if t.get("correct") is True]
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
    table: dict, position: int, audience: str | None, report: _Report
) -> Question | None:
    before, label = len(report.problems), _label(table, position)
    values = _fields(table, QUESTION_KEYS, "question", report, question=label)
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
        values.get("year"),
    )


def _check_quiz_fields(raw: dict, values: dict, expected_id: str | None, report: _Report) -> None:
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


def _read_toml(data: bytes | str, report: _Report) -> dict | None:
    try:
        return tomllib.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
    except UnicodeDecodeError:
        report.add("is not UTF-8 text: save it with UTF-8 encoding")
    except tomllib.TOMLDecodeError as error:
        report.add(f"is not valid TOML, so nothing else could be checked: {error}")
    return None


def _count_questions(tables: list[dict], audience: str, report: _Report) -> None:
    """Each year group's questions (those tagged with its ``year`` and the untagged ones)
    number what its audience needs; without any ``year``, the whole quiz does."""
    limits, whole = QUESTION_COUNTS[audience], f"quiz for {audience}"
    years = {table["year"] for table in tables if _has_type(table.get("year"), int)}
    if not years:
        report.count(len(tables), limits, "question", whole=whole)
    for year in sorted(years):
        asked = [table for table in tables if table.get("year") in (year, None)]
        report.count(len(asked), limits, "question", whole=f"{whole}, Year {year}")


def parse_quiz(data: bytes | str, source_name: str, expected_id: str | None = None) -> Quiz:
    """Parse one quiz file's contents; raise QuizProblems listing everything wrong with it."""
    report = _Report(source_name)
    raw = _read_toml(data, report)
    if raw is None:
        raise QuizProblems(report.problems)
    values = _fields(raw, QUIZ_KEYS, "quiz", report)
    _check_quiz_fields(raw, values, expected_id, report)
    audience = values.get("audience") if values.get("audience") in AUDIENCES else None
    questions = []
    if "questions" in values:
        tables = _tables(values["questions"], "questions", report)
        if audience:
            _count_questions(tables, audience, report)
        questions = [
            _check_question(table, position, audience, report)
            for position, table in enumerate(tables, start=1)
        ]
    if report.problems:
        raise QuizProblems(report.problems)
    encoded = data.encode("utf-8") if isinstance(data, str) else data
    return Quiz(
        values["id"],
        values["title"],
        audience,
        values["version"],
        revision_of(encoded),
        tuple(questions),
        values["intro"],
        values.get("pass_mark"),
    )


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
