"""Staff accounts: the admin pages."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.auth.access import roles_required
from portal.auth.service import unlock_account
from portal.extensions import db
from portal.people import service
from portal.people.forms import StaffForm
from portal.people.models import Staff
from portal.people.roles import ADMIN

bp = Blueprint("people", __name__, url_prefix="/admin/staff")


def staff_or_404(staff_id: int) -> Staff:
    return db.session.get(Staff, staff_id) or abort(404)


def staff_form(**kwargs) -> StaffForm:
    form = StaffForm(**kwargs)
    form.classes.choices = [
        SelectChoice(c.id, f"{c.name} ({c.year_group_name})") for c in service.all_classes()
    ]
    return form


def send_invitation(staff: Staff):
    config = current_app.config
    service.invite(
        staff, config["SECRET_KEY"], config["SCHOOL_NAME"], config["INVITATION_MAX_AGE_DAYS"]
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def staff_new():
    form = staff_form()
    if form.validate_on_submit():
        try:
            staff = service.add_staff(
                form.name.data, form.email.data, form.roles.data, form.classes.data
            )
            if form.send_invitation.data:
                send_invitation(staff)
        except service.StaffProblem as problem:
            db.session.rollback()
            form.email.errors.append(str(problem))
        else:
            db.session.commit()
            sent = " and sent an invitation" if form.send_invitation.data else ""
            flash(f"Added {staff.name}{sent}.", "success")
            return redirect(url_for("admin.staff"))
    return render_template(
        "people/staff_form.html", form=form, staff=None
    ), 422 if form.errors else 200


@bp.route("/<int:staff_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN)
def staff_edit(staff_id: int):
    staff = staff_or_404(staff_id)
    form = staff_form(
        data={
            "name": staff.name,
            "email": staff.email,
            "roles": sorted(staff.roles),
            "classes": [c.id for c in staff.classes],
        }
    )
    if form.validate_on_submit():
        try:
            service.update_staff(
                staff,
                current_user,
                form.name.data,
                form.email.data,
                form.roles.data,
                form.classes.data,
            )
        except service.StaffProblem as problem:
            db.session.rollback()
            form.roles.errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"Saved {staff.name}'s details.", "success")
            return redirect(url_for("admin.staff"))
    return render_template(
        "people/staff_form.html", form=form, staff=staff
    ), 422 if form.errors else 200


@bp.post("/<int:staff_id>/invite")
@roles_required(ADMIN)
def staff_invite(staff_id: int):
    staff = staff_or_404(staff_id)
    return _apply(
        staff,
        lambda: send_invitation(staff),
        f"Sent {staff.name} a new link to set their password.",
    )


@bp.post("/<int:staff_id>/deactivate")
@roles_required(ADMIN)
def staff_deactivate(staff_id: int):
    staff = staff_or_404(staff_id)
    return _apply(
        staff,
        lambda: service.set_active(staff, current_user, False),
        f"{staff.name} can no longer sign in. Their records are kept.",
    )


@bp.post("/<int:staff_id>/reactivate")
@roles_required(ADMIN)
def staff_reactivate(staff_id: int):
    staff = staff_or_404(staff_id)
    return _apply(
        staff,
        lambda: service.set_active(staff, current_user, True),
        f"{staff.name} can sign in again.",
    )


@bp.post("/<int:staff_id>/unlock")
@roles_required(ADMIN)
def staff_unlock(staff_id: int):
    staff = staff_or_404(staff_id)
    return _apply(
        staff,
        lambda: unlock_account(staff),
        f"{staff.name} can sign in again: their failed sign-ins are forgotten.",
    )


def _apply(staff: Staff, change, success: str):
    """Run one change, commit, and say what happened on the staff list."""
    try:
        change()
    except service.StaffProblem as problem:
        db.session.rollback()
        flash(str(problem), "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(url_for("admin.staff"))
