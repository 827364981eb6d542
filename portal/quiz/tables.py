"""Reading a quiz file's tables: typed fields, ids and lists of tables, every problem
collected with the place it is at (file, question, choice). Pure; content.py uses it."""

import difflib

from portal.people.school_year import YEAR_GROUPS
from portal.pictures import NO_PICTURE, has_svg
from portal.quiz.types import ID_PATTERN, MAX_ID_LENGTH

TYPE_NAMES = {
    str: "text in quotes",
    int: "a whole number",
    bool: "true or false",
    list: "a list of tables",
}


class Report:
    """Collects problems for one file, each prefixed with where it is."""

    def __init__(self, source: str):
        self.source, self.problems = source, []

    def add(self, message: str, question: str | None = None, choice: str | None = None) -> None:
        where = self.source + (f", question {question}" if question is not None else "")
        where += f", choice {choice}" if choice is not None else ""
        self.problems.append(f"{where}: {message}")

    def count(
        self, number: int, limits: tuple[int, int], noun: str, year: int | None = None, **where
    ) -> None:
        """Report ``number`` outside ``limits``; with ``year``, as that year group's count."""
        low, high = limits
        if not low <= number <= high:
            wanted = f"exactly {low}" if low == high else f"{low} to {high}"
            noun += "" if number == 1 else "s"
            if year is not None:
                noun, wanted = f"{noun} for {YEAR_GROUPS[year]}", f"{wanted} for each year group"
            self.add(f"has {number} {noun}; a {where.pop('whole')} needs {wanted}", **where)


def label_of(table: dict, position: int) -> str:
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


def typed_fields(table: dict, spec: dict, what: str, report: Report, **where) -> dict:
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


def tables_of(value: list, what: str, report: Report, **where) -> list[dict]:
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
