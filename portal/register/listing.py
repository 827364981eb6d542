"""The register as a list: filtered by status (or overdue), sorted by tool or review date."""

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from portal.admin.listing import ListSpec, ListState, Sort
from portal.register.models import APPROVED, STATUS_LABELS, RiskAssessment

OVERDUE = "overdue"
STATUS_OPTIONS = (*STATUS_LABELS.items(), (OVERDUE, "Overdue for review"))
REGISTER_SPEC = ListSpec(
    filters={"status": tuple(value for value, _ in STATUS_OPTIONS)},
    sorts={
        "tool": Sort("Tool", (RiskAssessment.tool, RiskAssessment.id)),
        "due": Sort("Review due", (RiskAssessment.review_due_on, RiskAssessment.id), True),
    },
)


def entries_query(state: ListState, today: date) -> Select:
    """Entries matching the state, each with its classes (loaded in one more query)."""
    query = select(RiskAssessment).options(selectinload(RiskAssessment.classes))
    status = state.filters.get("status")
    if status == OVERDUE:
        query = query.where(RiskAssessment.status == APPROVED, RiskAssessment.review_due_on < today)
    elif status:
        query = query.where(RiskAssessment.status == status)
    return query
