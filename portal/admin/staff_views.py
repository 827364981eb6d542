"""The staff accounts list, paged (the pages that change an account stay in people/views.py)."""

from flask import current_app

from portal.admin.listing import read_state
from portal.admin.staff import (
    ACTIVE_OPTIONS,
    ROLE_OPTIONS,
    STAFF_SPEC,
    account_counts,
    account_page,
)
from portal.admin.views import bp
from portal.auth.access import roles_required
from portal.auth.service import locked_accounts, sign_in_limits
from portal.htmx import page_or_fragment
from portal.people.roles import ADMIN


@bp.get("/staff/")
@roles_required(ADMIN)
def staff():
    state = read_state(STAFF_SPEC)
    results, people = account_page(state)
    active, total = account_counts()
    return page_or_fragment(
        "admin/staff.html",
        "admin/_staff_results.html",
        state=state,
        results=results,
        people=people,
        locked=locked_accounts(people, sign_in_limits(current_app.config)),
        active_count=active,
        total_count=total,
        role_options=ROLE_OPTIONS,
        active_options=ACTIVE_OPTIONS,
    )
