"""The incident log: open only to those who follow reports up; every look is recorded."""

import uuid

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal.auth.access import (
    can_open_incident_log,
    roles_required,
    staff_required,
    two_factor_required,
)
from portal.errors import render_error
from portal.extensions import db
from portal.htmx import fragment
from portal.incidents import evidence, follow_up, log, reporting
from portal.incidents.forms import (
    CategoryForm,
    CorrectionForm,
    LogFilterForm,
    NoteForm,
    PathwayForm,
    StaffReportForm,
    StatusForm,
    SupportForm,
)
from portal.incidents.models import (
    CATEGORIES,
    PATHWAYS,
    PLACES,
    PUPIL_ROLES,
    STAFF_REPORT,
    STATUSES,
)
from portal.incidents.service import NewReport, audit, file_report, reports_by
from portal.people.roles import INCIDENT_LOG_ROLES
from portal.request_limits import accepts_uploads

bp = Blueprint("incidents", __name__, url_prefix="/incidents")


def log_only(view):
    """Open to the roles that may read the log, after an authenticator code (two-factor)."""
    view = two_factor_required(roles_required(*INCIDENT_LOG_ROLES)(view))
    view.incident_log = True
    return view


@bp.before_request
def narrowed_by_the_school():
    """The school may narrow the log's readers in configuration: the rest are refused."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "incident_log", False) and not can_open_incident_log(current_user):
        abort(403)


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


@bp.errorhandler(413)
def too_big(error):
    return render_error(
        413,
        f"Those files were too big to send: at most {evidence.MAX_FILES} files of "
        f"{evidence.MAX_BYTES // (1024 * 1024)} MB each. Go back and choose smaller files.",
    )


@bp.get("/")
@log_only
def index():
    form = LogFilterForm(request.args)
    valid = form.validate()
    page_number = request.args.get("page", 1, type=int)
    page = log.log_page(page_number, form.filters()) if valid else log.LogPage([], 0, 1, 1)
    shown = render_template("incidents/log.html", log=page, form=form, valid=valid)
    detail = "; ".join(f"{k}={v}" for k, v in request.args.items() if v and k != "page")
    response = recorded(
        shown, "list", None, f"page {page.page}" + (f", {detail}" if detail else "")
    )
    return response, 200 if valid else 422


@bp.get("/<int:incident_id>")
@log_only
def detail(incident_id: int):
    found = log.report_whole(incident_id) or abort(404)
    return recorded(report_page(*found), "view", incident_id)


def report_page(
    incident, chronology, failed: str | None = None, form=None, problem: str | None = None
) -> str:
    """The report and its follow-up forms; ``failed`` names the form that came back."""
    forms = {
        name: form_class(formdata=None, prefix=name) for name, (form_class, _) in FOLLOW_UPS.items()
    }
    forms["status"].seen.data = incident.status
    forms["support"].pupil_id.choices = [
        (involved.pupil_id, involved.pupil.full_name) for involved in incident.pupils
    ]
    if failed:
        forms[failed] = form
    return render_template(
        "incidents/detail.html",
        incident=incident,
        chronology=chronology,
        forms=forms,
        failed=failed,
        problem=problem,
        summary=follow_up.safeguarding_summary(incident)
        if incident.pathway == follow_up.SAFEGUARDING
        else None,
    )


FOLLOW_UPS = {
    "note": (
        NoteForm,
        lambda incident, form: follow_up.add_note(incident, current_user, form.text.data.strip()),
    ),
    "status": (
        StatusForm,
        lambda incident, form: follow_up.change_status(
            incident,
            current_user,
            form.seen.data,
            form.status.data,
            (form.outcome.data or "").strip() or None,
        ),
    ),
    "pathway": (
        PathwayForm,
        lambda incident, form: follow_up.set_pathway(incident, current_user, form.pathway.data),
    ),
    "category": (
        CategoryForm,
        lambda incident, form: follow_up.set_category(incident, current_user, form.category.data),
    ),
    "support": (
        SupportForm,
        lambda incident, form: follow_up.record_support(
            incident, current_user, form.pupil_id.data, form.text.data.strip()
        ),
    ),
    "correction": (
        CorrectionForm,
        lambda incident, form: follow_up.correct(
            incident, current_user, form.action_id.data, form.text.data.strip()
        ),
    ),
}
DONE = {
    "note": "Added to the chronology.",
    "status": "The status is changed.",
    "pathway": "The pathway is recorded.",
    "category": "The category is recorded.",
    "support": "The support is recorded.",
    "correction": "The correction is added to the chronology.",
}


@bp.post("/<int:incident_id>/<change>")
@log_only
def follow(incident_id: int, change: str):
    """One change to a report: a new line in its chronology, or the form back with why not."""
    if change not in FOLLOW_UPS:
        abort(404)
    incident = log.report_whole(incident_id) or abort(404)
    form_class, make_change = FOLLOW_UPS[change]
    form = form_class(prefix=change)
    if change == "support":
        form.pupil_id.choices = [(p.pupil_id, p.pupil.full_name) for p in incident[0].pupils]
    problem = None
    if form.validate_on_submit():
        try:
            make_change(incident[0], form)
        except follow_up.FollowUpProblem as refused:
            problem = str(refused)
        else:
            db.session.commit()
            flash(DONE[change], "success")
            return redirect(
                url_for("incidents.detail", incident_id=incident_id) + "#chronology", 303
            )
    db.session.rollback()
    page = report_page(*log.report_whole(incident_id), failed=change, form=form, problem=problem)
    return recorded(page, "view", incident_id, f"{change} not made"), 422


def recorded(shown: str, action: str, incident_id: int | None, detail: str = "") -> str:
    """The page, once the look at it is in the audit trail (rendered first: committing
    expires what the page reads)."""
    audit(current_user.id, action, incident_id, detail)
    db.session.commit()
    return shown


@bp.route("/new", methods=["GET", "POST"])
@staff_required
@accepts_uploads(lambda config: evidence.UPLOAD_ALLOWANCE)
def new():
    """A member of staff reports a concern: filed once, however often the form is sent."""
    form = StaffReportForm()
    if request.method == "GET":
        form.submission_key.data = str(uuid.uuid4())
    if form.validate_on_submit():
        incident = file_report(
            NewReport(
                source=STAFF_REPORT,
                submission_key=form.submission_key.data,
                what_happened=form.what_happened.data.strip(),
                childs_words=(form.childs_words.data or "").strip() or None,
                category=form.category.data,
                place=form.place.data,
                place_other=(form.place_other.data or "").strip() or None,
                happened_on=form.happened_on.data,
                urgent=form.urgent.data == "yes",
                told_dsl_in_person={"yes": True, "no": False}.get(form.told_dsl.data),
                reported_by_staff_id=current_user.id,
                pupils=tuple(form.pupils_matched),
            ),
            log.readers(),
            on_filed=lambda incident_id: evidence.keep(
                form.evidence_checked,
                incident_id,
                current_user.id,
                evidence.evidence_folder(current_app.instance_path),
            ),
        )
        db.session.commit()
        flash(f"Thank you. Your report is logged as {incident.reference}.", "success")
        return redirect(url_for("incidents.mine", filed=incident.reference), 303)
    return render_template("incidents/new.html", form=form), 422 if form.errors else 200


@bp.get("/pupil-names")
@staff_required
def pupil_names():
    """Names on the roll that start with what was typed, for the form's list of suggestions."""
    typed = next((v for k, v in request.args.items() if k.startswith("pupil_")), "")
    names = reporting.suggestions(typed[:120])
    return fragment("incidents/_pupil_names.html", names=names)


@bp.get("/mine")
@staff_required
def mine():
    """A reporter's own reports: where each stands, nothing more."""
    return render_template(
        "incidents/mine.html",
        reports=reports_by(current_user.id),
        filed=request.args.get("filed", "")[:16],
    )


@bp.get("/<int:incident_id>/evidence/<int:evidence_id>")
@log_only
def evidence_file(incident_id: int, evidence_id: int):
    """A download, never shown in the browser: the file is whatever the reporter sent."""
    kept = log.evidence_of(incident_id, evidence_id) or abort(404)
    audit(current_user.id, "download", incident_id, f"evidence {kept.original_name}")
    db.session.commit()
    return evidence.download(kept, evidence.evidence_folder(current_app.instance_path))
