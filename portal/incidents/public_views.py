"""`/report`: anyone (a parent, a neighbour, a pupil at home) can report a worry, no account."""

import uuid

from flask import Blueprint, current_app, render_template, request

from portal.auth import throttle
from portal.auth.access import public
from portal.clock import utcnow
from portal.extensions import db
from portal.incidents import log
from portal.incidents.forms import PublicReportForm
from portal.incidents.models import PUBLIC_REPORT
from portal.incidents.service import NewReport, file_report

bp = Blueprint("report", __name__)


def _text(field) -> str | None:
    return (field.data or "").strip() or None


@bp.route("/report", methods=["GET", "POST"])
@public
def report():
    form = PublicReportForm()
    if request.method == "GET":
        form.submission_key.data = str(uuid.uuid4())
    if not form.validate_on_submit():
        return render_template("incidents/public.html", form=form), 422 if form.errors else 200
    if form.website.data:  # the honeypot: a robot is thanked, and nothing is filed
        return render_template("incidents/public_sent.html", reference=None)
    try:
        throttle.admit(
            {
                throttle.throttle_key("public-report", request.remote_addr or "unknown"): (
                    current_app.config["PUBLIC_REPORTS_PER_HOUR"]
                )
            },
            60,
            utcnow(),
        )
    except throttle.TooMany:
        return render_template("incidents/public_too_many.html"), 429
    incident = file_report(
        NewReport(
            source=PUBLIC_REPORT,
            submission_key=form.submission_key.data,
            what_happened=form.what_happened.data.strip(),
            who_involved=_text(form.who_involved),
            place=form.place.data or None,
            happened_on=form.happened_on.data,
            reporter_name=_text(form.reporter_name),
            reporter_contact=_text(form.reporter_contact),
        ),
        log.readers(),
    )
    db.session.commit()
    return render_template(
        "incidents/public_sent.html",
        reference=incident.reference,
        can_reply=bool(incident.reporter_contact),
    )
