"""The staff accounts list: every account, 50 a page, searched, filtered by role and by
whether it can sign in, sorted by name (the drill-down lists' one mechanism)."""

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import selectinload

from portal.admin.listing import ListSpec, ListState, Sort
from portal.extensions import db
from portal.people.models import Staff
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


def accounts_query(state: ListState) -> Select:
    """Accounts matching the state, each with its classes (and roles, loaded with it)."""
    query = select(Staff).options(selectinload(Staff.classes))
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


def account_counts() -> tuple[int, int]:
    """(accounts that can sign in, every account), for the whole school."""
    active, total = db.session.execute(
        select(func.count(case((Staff.active.is_(True), 1))), func.count(Staff.id))
    ).one()
    return active, total
