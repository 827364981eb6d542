"""Staff sign-in, sign-out, password change and set-password links."""

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from portal.auth import service, sessions, two_factor
from portal.auth.access import public, staff_required, two_factor_exempt
from portal.auth.forms import ChangePasswordForm, NewPasswordForm, SignInForm
from portal.clock import utcnow
from portal.extensions import db
from portal.urls import is_local_path

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to somebody else's."""
    return target if is_local_path(target) else url_for("core.home")


def start_session(staff, two_factor_at=None) -> None:
    """A fresh session at every sign-in, so a planted session id is worthless.

    Opens the staff session on the server too: commit after calling this.
    """
    session.clear()
    hours = current_app.config["STAFF_SESSION_HOURS"]
    staff.session_token = sessions.open_session(staff, utcnow(), hours, two_factor_at)
    login_user(staff)
    session.permanent = False


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def login():
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            staff = service.authenticate(
                form.email.data,
                form.password.data,
                request.remote_addr or "unknown",
                service.sign_in_limits(current_app.config),
            )
        except service.SignInRefused as refused:
            db.session.commit()  # unused tickets given back, long-over windows forgotten
            status = 429 if isinstance(refused, service.Throttled) else 422
            return render_template("auth/login.html", form=form, error=str(refused)), status
        start_session(staff)
        db.session.commit()
        if two_factor.is_on(staff):  # the session opens, but every staff page asks for a code
            return redirect(url_for("two_factor.verify", next=safe_next(form.next.data)))
        return redirect(safe_next(form.next.data))
    if form.refused_input:
        service.record_refused_sign_in(
            request.remote_addr or "unknown", service.sign_in_limits(current_app.config)
        )
        db.session.commit()
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/sign-out")
@staff_required
@two_factor_exempt
def logout():
    sessions.end_session(current_user.session_token)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@staff_required
def change_password():
    form = ChangePasswordForm()
    staff = current_user._get_current_object()
    code_given_at = g.staff_session.two_factor_at  # the new session keeps it: read it first
    if form.validate_on_submit():
        limits = service.sign_in_limits(current_app.config)
        try:
            service.change_password(staff, form.current.data, form.password.data, limits)
        except service.Throttled as throttled:
            page = render_template("auth/change_password.html", form=form, error=str(throttled))
            return page, 429
        except service.PasswordRefused as refused:
            db.session.commit()  # a right current password clears the wrong tries before it
            form[refused.field].errors.append(str(refused))
        else:
            start_session(staff, code_given_at)
            db.session.commit()
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("core.home"))
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    try:
        staff = service.staff_for_token(
            token, current_app.config["SECRET_KEY"], current_app.config["INVITATION_MAX_AGE_DAYS"]
        )
    except service.InvalidLink as invalid:
        return render_template("auth/link_invalid.html", reason=str(invalid)), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        problem = service.password_problem(form.password.data, staff.email)
        if problem:
            form.password.errors.append(problem)
        else:
            service.set_password(staff, form.password.data)
            start_session(staff)
            db.session.commit()
            flash("Your password is set. Welcome to the portal.", "success")
            return redirect(url_for("core.home"))
    return render_template(
        "auth/set_password.html", form=form, staff=staff
    ), 422 if form.errors else 200
