"""The staff module drill-down: who is at which step, a reminder from a row, and its CSV.

Governors see the totals on the same address, never a name (and no CSV).
"""

from datetime import date

from flask import abort, current_app, render_template, url_for
from flask_login import current_user

from portal.admin.listing import read_state
from portal.admin.module import (
    CSV_HEADER,
    ROLE_OPTIONS,
    STANDING_OPTIONS,
    module_csv_rows,
    module_page,
    module_row,
    module_spec,
)
from portal.admin.views import bp
from portal.auth.access import roles_required
from portal.clock import school_today
from portal.csv_export import csv_response
from portal.extensions import db
from portal.htmx import fragment_or_redirect, page_or_fragment
from portal.people.roles import ADMIN, HEAD_TEACHER, OVERSIGHT, SCHOOL_LEADERS
from portal.staff_module import reminders
from portal.staff_module.school import (
    STANDING_LABELS,
    SchoolModule,
    school_module,
    school_totals,
)
from portal.staff_module.status import settings

REMINDED = {
    "queued": "Reminder queued for {name}.",
    "recent": "{name} was reminded in the last {days} days: no email was sent.",
    "complete": "{name} has completed the module: no email was sent.",
}


@bp.get("/module")
@roles_required(*OVERSIGHT)
def module():
    today, rules = school_today(), settings()
    try:
        school = school_module(today, rules)
    except LookupError as missing:  # a new install that skipped `install-content`
        return render_template("admin/module.html", missing=str(missing))
    state = read_state(module_spec(school))  # a governor may follow a leader's address
    totals = school_totals(school)
    if not current_user.has_role(*SCHOOL_LEADERS):  # governors: the totals, no names
        return render_template("admin/module.html", totals=totals, standing_labels=STANDING_LABELS)
    page, rows = module_page(school, state, rules)
    return page_or_fragment(
        "admin/module.html",
        "admin/_module_results.html",
        totals=totals,
        standing_labels=STANDING_LABELS,
        standing_options=STANDING_OPTIONS,
        role_options=ROLE_OPTIONS,
        state=state,
        results=page,
        rows=rows,
        can_remind=current_user.has_role(ADMIN, HEAD_TEACHER),
    )


@bp.get("/module.csv")
@roles_required(*SCHOOL_LEADERS)
def module_csv():
    today, rules = school_today(), settings()
    school = _school_or_404(today, rules)
    state = read_state(module_spec(school))
    rows = module_csv_rows(school, state, rules)
    return csv_response(f"staff-module-{school.year.label}.csv", CSV_HEADER, rows)


@bp.post("/module/<int:staff_id>/remind")
@roles_required(ADMIN, HEAD_TEACHER)
def module_remind(staff_id: int):
    today, rules, config = school_today(), settings(), current_app.config
    school = _school_or_404(today, rules)
    state = read_state(module_spec(school))  # the list to go back to
    try:
        outcome = reminders.remind_one(
            staff_id, today, rules, config["REMINDER_INTERVAL_DAYS"], config["SCHOOL_NAME"]
        )
    except LookupError:
        abort(404)
    db.session.commit()
    row = module_row(school, rules, staff_id)
    note = REMINDED[outcome].format(name=row.name, days=config["REMINDER_INTERVAL_DAYS"])
    return fragment_or_redirect(
        "admin/_module_row.html",
        url_for("admin.module", **state.args()),
        note,
        "success" if outcome == "queued" else "info",
        focus_after_swap=f"#module-row-{staff_id} th",
        row=row,
        state=state,
        can_remind=True,
    )


def _school_or_404(today: date, rules) -> SchoolModule:
    try:
        return school_module(today, rules)
    except LookupError:  # no staff guidelines installed: no module to list
        abort(404)
