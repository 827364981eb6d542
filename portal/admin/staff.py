"""The staff accounts list: every account, 50 a page, searched, filtered by role and by
whether it can sign in, sorted by name (the drill-down lists' one mechanism)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, case, func, or_, select

from portal.admin.listing import ListSpec, ListState, Page, Sort, page_of
from portal.extensions import db
from portal.people.models import SchoolClass, Staff, StaffRole, teacher_class
from portal.people.roles import ROLE_LABELS
from portal.staff_module.school import has_role_clause

ROLE_OPTIONS = tuple(ROLE_LABELS.items())
ACTIVE_OPTIONS = (("active", "Can sign in"), ("inactive", "Deactivated"))
STAFF_SPEC = ListSpec(
    filters={
        "role": tuple(ROLE_LABELS),
        "active": tuple(value for value, _ in ACTIVE_OPTIONS),
    },
    sorts={"name": Sort("Name", (Staff.name, Staff.id))},
    searchable=True,
)


@dataclass(frozen=True)
class Account:
    """One account's line of the list, read as a plain row (no Staff object)."""

    id: int
    name: str
    email: str
    active: bool
    set_up: bool  # has a password
    invited_at: datetime | None
    roles: str  # their labels, in the roles' order
    classes: str  # their names, youngest first; "" for none


# Each person's roles in their row, in any order (role_keys sorts them): a list reads plain
# rows, not a Staff object per person and its roles in another statement.
ROLES_IN_ROW = (
    select(func.aggregate_strings(StaffRole.role, ","))
    .where(StaffRole.staff_id == Staff.id)
    .scalar_subquery()
)
COLUMNS = (
    Staff.id,
    Staff.name,
    Staff.email,
    Staff.active,
    Staff.password_hash.is_not(None).label("set_up"),
    Staff.invited_at,
    ROLES_IN_ROW.label("roles"),
)
CLASSES = (
    select(teacher_class.c.staff_id, SchoolClass.name)
    .join(SchoolClass, SchoolClass.id == teacher_class.c.class_id)
    .where(teacher_class.c.staff_id.in_(bindparam("ids", expanding=True)))
    .order_by(SchoolClass.year_group, SchoolClass.name, SchoolClass.id)
)


def accounts_query(state: ListState) -> Select:
    """Accounts matching the state, as plain rows with their roles."""
    query = select(*COLUMNS)
    if "role" in state.filters:
        query = query.where(has_role_clause(state.filters["role"]))
    if "active" in state.filters:
        query = query.where(Staff.active.is_(state.filters["active"] == "active"))
    if state.search:
        pattern = f"%{state.search.casefold()}%"
        query = query.where(
            or_(func.lower(Staff.name).like(pattern), func.lower(Staff.email).like(pattern))
        )
    return query


def account_page(state: ListState) -> tuple[Page, list[Account]]:
    """One page of accounts, each with its classes: three statements (count, rows, classes)."""
    # Without a search, the filters settle the statements: they are built once.
    page = page_of(accounts_query(state), state, same_for=state.same_for("staff"))
    classes: dict[int, list[str]] = {}
    if page.rows:
        ids = [row.id for row in page.rows]
        for staff_id, name in db.session.execute(CLASSES, {"ids": ids}):
            classes.setdefault(staff_id, []).append(name)
    return page, [_account(row, classes.get(row.id, ())) for row in page.rows]


def role_keys(joined: str | None) -> tuple[str, ...]:
    """The role keys of ROLES_IN_ROW, sorted."""
    return tuple(sorted(joined.split(","))) if joined else ()


def _account(row, classes) -> Account:
    return Account(
        row.id,
        row.name,
        row.email,
        row.active,
        row.set_up,
        row.invited_at,
        ", ".join(ROLE_LABELS[role] for role in role_keys(row.roles)),
        ", ".join(classes),
    )


COUNTS = select(func.count(case((Staff.active.is_(True), 1))), func.count(Staff.id))


def account_counts() -> tuple[int, int]:
    """(accounts that can sign in, every account), for the whole school."""
    active, total = db.session.execute(COUNTS).one()
    return active, total
