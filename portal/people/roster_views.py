"""The roster import page: upload a MIS export, preview the changes, apply them."""

from flask import Blueprint, flash, redirect, render_template, url_for

from portal.auth.access import roles_required
from portal.clock import school_today
from portal.database import refresh_statistics
from portal.extensions import db
from portal.people.importer import import_roster, read_roster
from portal.people.roles import ADMIN
from portal.people.roster import RosterProblems
from portal.people.roster_forms import RosterApplyForm, RosterUploadForm
from portal.request_limits import carries_a_file

bp = Blueprint("roster", __name__, url_prefix="/admin/roster")


@bp.get("/")
@roles_required(ADMIN)
def upload():
    return render_template("roster/upload.html", form=RosterUploadForm())


@bp.post("/preview")
@roles_required(ADMIN)
def preview():
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return render_template("roster/upload.html", form=form), 422
    data = form.file.data.read()
    try:
        summary = import_roster(read_roster(data, form.full.data), school_today(), form.full.data)
    except RosterProblems as error:
        return problems_page(error, form.file.data.filename, form.full.data)
    finally:
        db.session.rollback()  # a preview never writes
    apply_form = RosterApplyForm(
        formdata=None, roster=data.decode("utf-8-sig"), full="1" if form.full.data else ""
    )
    return render_template(
        "roster/preview.html",
        summary=summary,
        form=apply_form,
        filename=form.file.data.filename,
        full=form.full.data,
    )


@bp.post("/apply")
@roles_required(ADMIN)
@carries_a_file
def apply():
    form = RosterApplyForm()
    if not form.validate_on_submit():
        return render_template(
            "roster/upload.html",
            form=RosterUploadForm(formdata=None),
            message="The previewed file was missing. Upload it again.",
        ), 422
    try:
        summary = import_roster(
            read_roster(form.roster.data, form.is_full), school_today(), form.is_full
        )
    except RosterProblems as error:
        db.session.rollback()
        return problems_page(error, None, form.is_full)
    db.session.commit()
    refresh_statistics()
    flash("Roster imported. " + ". ".join(summary.describe()) + ".", "success")
    return redirect(url_for("roster.upload"))


def problems_page(error: RosterProblems, filename: str | None, full: bool):
    """The upload page again, listing every problem so the file can be corrected at once."""
    form = RosterUploadForm(formdata=None, full=full)
    return render_template(
        "roster/upload.html", form=form, problems=error.problems, filename=filename
    ), 422
