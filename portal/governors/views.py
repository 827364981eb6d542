"""The governor's yearly step: read the Social Media Policy and acknowledge it."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.auth.access import roles_required
from portal.clock import school_today
from portal.extensions import db
from portal.governors import service
from portal.governors.forms import GovernorAcknowledgeForm
from portal.people.roles import GOVERNOR

bp = Blueprint("governors", __name__, url_prefix="/governors")


@bp.route("/acknowledge", methods=["GET", "POST"])
@roles_required(GOVERNOR)
def acknowledge():
    status = service.governor_status(current_user._get_current_object(), school_today())
    form = GovernorAcknowledgeForm(policy_version_id=status.version.id)
    if form.validate_on_submit():
        try:
            service.acknowledge(status, form.policy_version_id.data, form.typed_name.data)
        except service.GovernorProblem as problem:
            db.session.rollback()
            form.typed_name.errors.append(str(problem))
        else:
            db.session.commit()
            flash(
                f"Thank you: your acknowledgement for {status.year.label} is recorded.", "success"
            )
            return redirect(url_for("core.home"))
    return render_template(
        "governors/acknowledge.html", form=form, status=status
    ), 422 if form.errors else 200
