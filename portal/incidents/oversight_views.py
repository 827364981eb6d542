"""Oversight of the log: the Head Teacher's audit trail and the governors' termly summary
(routes on the incidents blueprint)."""

from flask import render_template, request
from sqlalchemy import select

from portal.auth.access import roles_required, two_factor_required
from portal.clock import school_today
from portal.extensions import db
from portal.incidents import oversight
from portal.incidents.views import bp, recorded
from portal.input_rules import fits_database_int
from portal.people.models import Staff
from portal.people.roles import GOVERNOR, HEAD_TEACHER, INCIDENT_LOG_ROLES


@bp.get("/trail")
@two_factor_required
@roles_required(HEAD_TEACHER)
def trail():
    """Who looked at, changed, downloaded or was refused what: the Head Teacher's check."""
    staff_id = request.args.get("staff", type=int)
    if staff_id is not None and not fits_database_int(staff_id):
        staff_id = -1  # nobody: an id no column can hold must not reach the database
    reference = request.args.get("reference", "").strip()[:16] or None
    page = oversight.trail_page(request.args.get("page", 1, type=int), staff_id, reference)
    people = db.session.execute(select(Staff.id, Staff.name).order_by(Staff.name)).all()
    shown = render_template(
        "incidents/trail.html", trail=page, people=people, staff_id=staff_id, reference=reference
    )
    return recorded(shown, "trail", None, f"staff={staff_id or ''} reference={reference or ''}")


@bp.get("/summary")
@roles_required(GOVERNOR, *INCIDENT_LOG_ROLES)
def summary():
    """The governors' termly summary: counts only, and none below 3 shown as such."""
    today = school_today()
    term = oversight.Term.read(request.args.get("term", "")) or oversight.Term.of(today)
    terms = [oversight.Term.of(today)]
    for _ in range(5):
        terms.append(terms[-1].before())
    shown = render_template(
        "incidents/summary.html", summary=oversight.termly_summary(term), terms=terms
    )
    return recorded(shown, "summary", None, term.key)
