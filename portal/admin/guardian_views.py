"""The guardians' drill-down (/admin/guardians): every guardian asked in this year's parents'
campaign, filtered, searched, sorted and paged from the address, its CSV, and a reminder
sent from a row."""

from flask import abort, current_app, url_for

from portal.admin import guardians
from portal.admin.listing import all_rows, page_of, read_state
from portal.admin.views import bp
from portal.auth.access import roles_required
from portal.clock import school_today, utcnow
from portal.csv_export import csv_response
from portal.extensions import db
from portal.htmx import fragment_or_redirect, page_or_fragment
from portal.parents import answers, reminders
from portal.parents import campaign as campaigns
from portal.parents.forms import ResendLinkForm
from portal.people.models import Guardian
from portal.people.roles import SCHOOL_LEADERS
from portal.people.school_year import academic_year

REMIND_SAID = {
    reminders.SENT: ("A reminder was sent to {name}'s email address.", "success"),
    reminders.JUST_SENT: (
        "A link went to {name}'s email address in the last few minutes, so no other was sent.",
        "info",
    ),
    reminders.NO_CAMPAIGN: (
        "No reminder was sent: the parents' acknowledgement is not open.",
        "error",
    ),
    reminders.OFF_ROLL: (
        "No reminder was sent: {name} is no longer a guardian of a pupil on the roll.",
        "error",
    ),
    reminders.NO_EMAIL: (
        "No reminder was sent: the school has no email address for {name}. "
        "Print them a letter instead.",
        "error",
    ),
    reminders.ANSWERED: ("No reminder was sent: {name} has already answered.", "info"),
}


def listed():
    """This year's campaign (or None), the class choices and the list's state from the address."""
    campaign = campaigns.campaign_for(academic_year(school_today()))
    classes = guardians.class_options()
    return campaign, classes, read_state(guardians.list_spec(classes))


@bp.get("/guardians", endpoint="guardians")
@roles_required(*SCHOOL_LEADERS)
def guardians_page():
    running, classes, state = listed()
    page = rows = None
    if running is not None:
        page = page_of(guardians.guardians_query(running, state.filters, state.search), state)
        rows = guardians.with_classes(page.rows)
    return page_or_fragment(
        "admin/guardians.html",
        "admin/_guardians_results.html",
        running=running,
        may_act=running is not None and running.is_open(school_today()),
        classes=classes,
        state=state,
        results=page,
        rows=rows,
        labels=answers.STATUS_LABELS,
    )


@bp.get("/guardians.csv")
@roles_required(*SCHOOL_LEADERS)
def guardians_csv():
    running, _classes, state = listed()
    if running is None:
        abort(404)
    query = guardians.guardians_query(running, state.filters, state.search)
    rows = guardians.with_classes(all_rows(query, state), ids_from=query)
    name = f"guardians-{running.academic_year}.csv"
    return csv_response(name, guardians.HEADER, guardians.cells(rows))


@bp.post("/guardians/<int:guardian_id>/remind")
@roles_required(*SCHOOL_LEADERS)
def remind_guardian(guardian_id: int):
    guardian = db.get_or_404(Guardian, guardian_id)
    running, _classes, state = listed()
    if not ResendLinkForm().validate_on_submit():
        abort(400)
    mail = campaigns.MailSettings.from_config(current_app.config)
    outcome = reminders.resend_link(guardian, school_today(), utcnow(), mail, campaigns.REMINDER)
    db.session.commit()
    note, category = REMIND_SAID[outcome]
    row = guardians.one_row(running, guardian_id) if running else None
    return fragment_or_redirect(
        "admin/_guardian_row.html",
        url_for("admin.guardians", **state.args()),
        note.format(name=guardian.full_name),
        category,
        focus_after_swap=f"#guardian-{guardian_id}-status",
        row=row,
        state=state,
        may_act=running is not None and running.is_open(school_today()),
        labels=answers.STATUS_LABELS,
    )
