"""The staff module drill-down: one row per person who takes it, each step of this year's
module, filtered, sorted and paged in the database (staff_module/school.py's one query)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, case, func, or_

from portal.admin.listing import ListSpec, ListState, Sort, all_rows, page_of
from portal.admin.staff import ROLES_IN_ROW, role_keys
from portal.extensions import db
from portal.formatting import long_date, school_time
from portal.people.models import Staff
from portal.people.roles import GOVERNOR, ROLE_LABELS
from portal.staff_module.school import (
    STANDING_LABELS,
    STANDINGS,
    SchoolModule,
    has_role_clause,
)
from portal.staff_module.status import ModuleSettings, due_on

ROLE_OPTIONS = tuple((role, label) for role, label in ROLE_LABELS.items() if role != GOVERNOR)
STANDING_OPTIONS = tuple(STANDING_LABELS.items())
CSV_HEADER = (
    "Name",
    "Email",
    "Roles",
    "Status",
    "Guidelines read",
    "Check",
    "Acknowledged on",
    "Certificate",
    "Due on",
    "Overdue",
    "Last reminded",
)


def module_spec(module: SchoolModule) -> ListSpec:
    """What the list offers: its sorts are this year's expressions, so one spec per request."""
    by_step = case(
        {standing: place for place, standing in enumerate(STANDINGS)}, value=module.standing
    )
    return ListSpec(
        filters={
            "status": STANDINGS,
            "overdue": ("yes",),
            "role": tuple(role for role, _ in ROLE_OPTIONS),
        },
        sorts={
            "name": Sort("Name", (Staff.name, Staff.id)),
            "status": Sort("Status", (by_step, Staff.name, Staff.id)),
            "completed": Sort(
                "Completed on", (module.completed_at, Staff.name, Staff.id), nulls_last=True
            ),
        },
        searchable=True,
    )


@dataclass(frozen=True)
class ModuleRow:
    """One person's line, as the page and its CSV show it."""

    staff_id: int
    name: str
    email: str
    role_keys: tuple[str, ...]  # sorted
    cards_read: int
    cards_total: int
    attempts: int
    best: int | None
    out_of: int | None
    acknowledged_at: datetime | None
    certificate: str | None
    reminded_at: datetime | None
    standing: str
    due_on: date
    overdue: bool

    @property
    def complete(self) -> bool:
        return self.standing == "complete"

    @property
    def roles(self) -> str:
        return ", ".join(ROLE_LABELS[role] for role in self.role_keys)

    @property
    def status(self) -> str:
        return STANDING_LABELS[self.standing]

    @property
    def reading(self) -> str:
        return f"{self.cards_read} of {self.cards_total}"

    @property
    def check(self) -> str:
        if not self.attempts:
            return "Not taken"
        tries = f"{self.attempts} attempt{'' if self.attempts == 1 else 's'}"
        if self.best is None:
            return f"Not passed yet, {tries}"
        return f"Passed ({self.best} of {self.out_of}), {tries}"

    @property
    def acknowledged_on(self) -> str:
        return long_date(school_time(self.acknowledged_at)) if self.acknowledged_at else ""

    @property
    def last_reminded(self) -> str:
        return long_date(school_time(self.reminded_at)) if self.reminded_at else ""

    def cells(self) -> list:
        """The row in the CSV: the same words as the page."""
        return [
            self.name,
            self.email,
            self.roles,
            self.status,
            self.reading,
            self.check,
            self.acknowledged_on,
            self.certificate or "",
            long_date(self.due_on),
            "Overdue" if self.overdue else "",
            self.last_reminded,
        ]


def module_query(module: SchoolModule, state: ListState) -> Select:
    """The school's query narrowed to the state's filters and search."""
    query = _with_overdue(module)
    if "status" in state.filters:
        query = query.where(module.standing == state.filters["status"])
    if state.filters.get("overdue") == "yes":
        query = query.where(module.overdue)
    if "role" in state.filters:
        query = query.where(has_role_clause(state.filters["role"]))
    if state.search:
        pattern = f"%{state.search.casefold()}%"
        query = query.where(
            or_(func.lower(Staff.name).like(pattern), func.lower(Staff.email).like(pattern))
        )
    return query


def _with_overdue(module: SchoolModule) -> Select:
    """The school's query as plain rows: each person's own columns, roles, steps and lateness."""
    return module.query.with_only_columns(
        Staff.id,
        Staff.name,
        Staff.email,
        Staff.created_at,
        ROLES_IN_ROW.label("roles"),
        *module.steps,
        module.overdue.label("overdue"),
        maintain_column_froms=True,
    )


def module_rows(rows, module: SchoolModule, settings: ModuleSettings) -> list[ModuleRow]:
    return [
        ModuleRow(
            staff_id=row.id,
            name=row.name,
            email=row.email,
            role_keys=role_keys(row.roles),
            cards_read=min(row.cards_read, module.cards_total),
            cards_total=module.cards_total,
            attempts=row.attempts or 0,
            best=row.best,
            out_of=row.out_of,
            acknowledged_at=row.acknowledged_at,
            certificate=row.certificate,
            reminded_at=row.reminded_at,
            standing=row.standing,
            due_on=due_on(row, module.year, settings),  # (it reads only created_at)
            overdue=bool(row.overdue),
        )
        for row in rows
    ]


def module_page(module: SchoolModule, state: ListState, settings: ModuleSettings):
    """One page of the list: (the page, its rows)."""
    # Without a search, this year's module and the filters settle the statements.
    # This year's module and the filters settle the statements (not a search).
    page = page_of(module_query(module, state), state, same_for=state.same_for(module))
    return page, module_rows(page.rows, module, settings)


def module_csv_rows(module: SchoolModule, state: ListState, settings: ModuleSettings):
    rows = all_rows(module_query(module, state), state)
    return [row.cells() for row in module_rows(rows, module, settings)]


def module_row(module: SchoolModule, settings: ModuleSettings, staff_id: int) -> ModuleRow | None:
    """One person's row, whatever the list shows, or None if they do not take the module."""
    found = db.session.execute(_with_overdue(module).where(Staff.id == staff_id)).all()
    return module_rows(found, module, settings)[0] if found else None
