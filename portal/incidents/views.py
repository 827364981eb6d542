"""The incident log: open only to those who follow reports up; every look is recorded."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from portal.auth.access import roles_required
from portal.errors import render_error
from portal.extensions import db
from portal.incidents import log
from portal.incidents.models import CATEGORIES, PATHWAYS, PLACES, PUPIL_ROLES, STATUSES
from portal.incidents.service import audit

bp = Blueprint("incidents", __name__, url_prefix="/incidents")


@bp.context_processor
def labels():
    return {
        "categories": CATEGORIES,
        "places": PLACES,
        "statuses": STATUSES,
        "pathways": PATHWAYS,
        "pupil_roles": PUPIL_ROLES,
    }


@bp.errorhandler(403)
def refused(error):
    """Someone without access tried the log: they are refused, and the attempt is recorded."""
    db.session.rollback()
    staff_id = current_user.id if current_user.is_authenticated else None
    audit(staff_id, "refused", None, f"{request.method} {request.path}"[:300])
    db.session.commit()
    return render_error(403)


@bp.get("/")
@roles_required(*log.LOG_ROLES)
def index():
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        abort(404)
    page = log.log_page(request.args.get("page", 1, type=int), status)
    shown = render_template("incidents/log.html", log=page, status=status)
    return recorded(shown, "list", None, f"page {page.page}" + (f", {status}" if status else ""))


@bp.get("/<int:incident_id>")
@roles_required(*log.LOG_ROLES)
def detail(incident_id: int):
    found = log.report_whole(incident_id) or abort(404)
    incident, chronology = found
    shown = render_template("incidents/detail.html", incident=incident, chronology=chronology)
    return recorded(shown, "view", incident.id)


def recorded(shown: str, action: str, incident_id: int | None, detail: str = "") -> str:
    """The page, once the look at it is in the audit trail (rendered first: committing
    expires what the page reads)."""
    audit(current_user.id, action, incident_id, detail)
    db.session.commit()
    return shown
