"""Read a MIS roster export (CSV) into checked rows, or every problem with its line. Pure."""

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from portal.people.roles import ALL_ROLES, STAFF
from portal.people.roster_csv import (  # noqa: F401  (decode_roster: part of this module's API)
    Problem,
    RosterProblems,
    cell_problem,
    decode_roster,
    read_records,
)
from portal.people.school_year import YEAR_GROUPS, parse_year_group

BASE_COLUMNS = ("type", "mis_id", "first_name", "last_name")
# Columns a file must have as soon as it holds one row of that type.
COLUMNS_BY_TYPE = {
    "pupil": ("year_group", "class"),
    "guardian": ("email", "pupils"),
    "staff": ("email", "roles", "class"),
}
NAME_COLUMNS = ("mis_id", "first_name", "last_name")
# Every column the portal reads; others are ignored, whatever they hold.
READ_COLUMNS = tuple(dict.fromkeys(BASE_COLUMNS + sum(COLUMNS_BY_TYPE.values(), ())))
MAX_LENGTHS = {"mis_id": 40, "first_name": 80, "last_name": 80, "email": 254}
MAX_CLASS_NAME = 80
MAX_STAFF_NAME = 120  # first and last name with a space between


@dataclass(frozen=True)
class ClassRow:
    name: str
    year_group: int


@dataclass(frozen=True)
class PupilRow:
    line: int
    mis_id: str
    first_name: str
    last_name: str
    year_group: int
    class_name: str


@dataclass(frozen=True)
class GuardianRow:
    line: int
    mis_id: str
    first_name: str
    last_name: str
    email: str | None
    pupil_ids: tuple[str, ...]


@dataclass(frozen=True)
class StaffRow:
    line: int
    mis_id: str
    first_name: str
    last_name: str
    email: str
    roles: tuple[str, ...]
    class_names: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Roster:
    classes: tuple[ClassRow, ...]
    pupils: tuple[PupilRow, ...]
    guardians: tuple[GuardianRow, ...]
    staff: tuple[StaffRow, ...]


def parse_roster(
    text: str,
    known_pupil_ids: frozenset[str] = frozenset(),
    known_class_names: frozenset[str] = frozenset(),
) -> Roster:
    """Check every row of a roster export; raise RosterProblems listing all that is wrong."""
    records = list(read_records(text.removeprefix("\ufeff")))
    if not records:
        raise RosterProblems([Problem(1, "the file is empty: it needs a header row")])
    header_line, header = records[0]
    columns = [name.strip().lower() for name in header]
    rows = [(line, dict(zip(columns, values, strict=False))) for line, values in records[1:]]
    missing = missing_columns(columns, rows)
    if missing:
        raise RosterProblems(
            [
                Problem(
                    header_line,
                    "missing column"
                    + ("s" if len(missing) > 1 else "")
                    + ": "
                    + ", ".join(missing),
                )
            ]
        )
    checker = RowChecker(known_pupil_ids, known_class_names)
    return checker.check(rows)


def missing_columns(columns: list[str], rows: list[tuple[int, dict]]) -> list[str]:
    """The columns this file needs (given the row types it holds) but lacks."""
    types = {cell(row, "type").lower() for _, row in rows}
    needed = list(BASE_COLUMNS)
    for kind, extra in COLUMNS_BY_TYPE.items():
        if kind in types:
            needed += [name for name in extra if name not in needed]
    return [name for name in needed if name not in columns]


def cell(row: dict, column: str) -> str:
    return (row.get(column) or "").strip()


def split_list(text: str) -> tuple[str, ...]:
    """ "a; b;;c" -> ("a", "b", "c"), keeping the first of any repeats."""
    return tuple(dict.fromkeys(part.strip() for part in text.split(";") if part.strip()))


class RowChecker:
    """Checks rows one by one, collecting problems instead of stopping at the first."""

    def __init__(self, known_pupil_ids: frozenset[str], known_class_names: frozenset[str]):
        self.known_pupil_ids = known_pupil_ids
        self.known_class_names = known_class_names
        self.problems: list[Problem] = []
        self.first_seen: dict[tuple[str, str], int] = {}
        self.class_years: dict[str, tuple[int, int]] = {}
        self.staff_emails: dict[str, int] = {}

    def check(self, rows: list[tuple[int, dict]]) -> Roster:
        by_kind = {kind: [] for kind in COLUMNS_BY_TYPE}
        for line, row in rows:
            kind = cell(row, "type").lower()
            if not self.readable(line, row):
                continue  # its other checks would quote the very cell that is wrong
            if kind in by_kind:
                by_kind[kind].append((line, row))
            else:
                problem = f"unknown type '{cell(row, 'type')}'" if kind else "missing type"
                self.report(line, f"{problem}: use pupil, guardian or staff")
        pupils = [self.pupil(line, row) for line, row in by_kind["pupil"]]
        pupil_ids = self.known_pupil_ids | {cell(row, "mis_id") for _, row in by_kind["pupil"]}
        class_names = self.known_class_names | set(self.class_years)
        guardians = [self.guardian(line, row, pupil_ids) for line, row in by_kind["guardian"]]
        staff = [self.staff(line, row, class_names) for line, row in by_kind["staff"]]
        if self.problems:
            raise RosterProblems(self.problems)
        classes = sorted(
            (ClassRow(name, year) for name, (year, _) in self.class_years.items()),
            key=lambda row: (row.year_group, row.name),
        )
        return Roster(tuple(classes), tuple(pupils), tuple(guardians), tuple(staff))

    def readable(self, line: int, row: dict) -> bool:
        """No cell the portal reads is too long or holds a control character."""
        problems = [cell_problem(column, row.get(column) or "") for column in READ_COLUMNS]
        for problem in filter(None, problems):
            self.report(line, problem)
        return not any(problems)

    def report(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    def common(self, line: int, row: dict, kind: str, required: tuple[str, ...]) -> None:
        """Required fields, lengths and a MIS id unique within its type."""
        for column in required:
            if not cell(row, column):
                self.report(line, f"missing {column.replace('_', ' ')}")
        for column, limit in MAX_LENGTHS.items():
            if len(cell(row, column)) > limit:
                self.report(line, f"{column.replace('_', ' ')} is longer than {limit} characters")
        mis_id = cell(row, "mis_id")
        if mis_id:
            earlier = self.first_seen.setdefault((kind, mis_id), line)
            if earlier != line:
                self.report(line, f"duplicate {kind} MIS id '{mis_id}' (already on line {earlier})")

    def email(self, line: int, text: str) -> str | None:
        if not text:
            return None
        try:
            return validate_email(text, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            self.report(line, f"malformed email '{text}'")
            return None

    def pupil(self, line: int, row: dict) -> PupilRow | None:
        before = len(self.problems)
        self.common(line, row, "pupil", (*NAME_COLUMNS, "year_group", "class"))
        text, class_name = cell(row, "year_group"), cell(row, "class")
        year = parse_year_group(text)
        if text and year is None:
            self.report(line, f"unknown year group '{text}': use Reception or Year 1 to Year 6")
        if len(class_name) > MAX_CLASS_NAME:
            self.report(line, f"class is longer than {MAX_CLASS_NAME} characters")
        if year is not None and class_name:
            known_year, first_line = self.class_years.setdefault(class_name, (year, line))
            if known_year != year:
                self.report(
                    line,
                    f"class '{class_name}' is {YEAR_GROUPS[year]} here but "
                    f"{YEAR_GROUPS[known_year]} on line {first_line}",
                )
        if len(self.problems) > before:
            return None
        return PupilRow(
            line,
            cell(row, "mis_id"),
            cell(row, "first_name"),
            cell(row, "last_name"),
            year,
            class_name,
        )

    def guardian(self, line: int, row: dict, pupil_ids: set[str]) -> GuardianRow | None:
        before = len(self.problems)
        self.common(line, row, "guardian", (*NAME_COLUMNS, "pupils"))
        email = self.email(line, cell(row, "email"))
        linked = split_list(cell(row, "pupils"))
        for mis_id in linked:
            if mis_id not in pupil_ids:
                self.report(line, f"guardian linked to unknown pupil '{mis_id}'")
        if len(self.problems) > before:
            return None
        return GuardianRow(
            line,
            cell(row, "mis_id"),
            cell(row, "first_name"),
            cell(row, "last_name"),
            email,
            linked,
        )

    def staff(self, line: int, row: dict, class_names: set[str]) -> StaffRow | None:
        before = len(self.problems)
        self.common(line, row, "staff", (*NAME_COLUMNS, "email"))
        email = self.email(line, cell(row, "email"))
        if email and self.staff_emails.setdefault(email, line) != line:
            self.report(
                line,
                f"duplicate staff email '{email}' (already on line {self.staff_emails[email]})",
            )
        if len(cell(row, "first_name")) + len(cell(row, "last_name")) >= MAX_STAFF_NAME:
            self.report(line, f"the name is longer than {MAX_STAFF_NAME} characters")
        roles = tuple(role.lower() for role in split_list(cell(row, "roles"))) or (STAFF,)
        for role in roles:
            if role not in ALL_ROLES:
                self.report(line, f"unknown role '{role}': use {', '.join(sorted(ALL_ROLES))}")
        classes = split_list(cell(row, "class"))
        for name in classes:
            if name not in class_names:
                self.report(line, f"staff teaching unknown class '{name}'")
        if len(self.problems) > before or email is None:
            return None
        return StaffRow(
            line,
            cell(row, "mis_id"),
            cell(row, "first_name"),
            cell(row, "last_name"),
            email,
            roles,
            classes,
        )
