"""Two-factor sign-in: set-up and the code at sign-in (for oneself), and the rescue (for others)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal.auth import service, totp, two_factor
from portal.auth.access import (
    must_use_two_factor,
    roles_required,
    staff_required,
    two_factor_exempt,
    two_factor_pending,
    two_factor_required,
)
from portal.auth.forms import AppCodeForm, ConfirmForm, SignInCodeForm, TwoFactorChangeForm
from portal.auth.views import safe_next
from portal.extensions import db
from portal.people.models import Staff
from portal.people.roles import ADMIN, HEAD_TEACHER
from portal.qr import qr_svg

bp = Blueprint("two_factor", __name__)


def _me() -> Staff:
    return current_user._get_current_object()


def _limits() -> dict:
    return service.sign_in_limits(current_app.config)


def _setup_page(form: AppCodeForm, status: int = 200, error: str | None = None):
    staff = _me()
    setting = two_factor.begin_setup(staff)
    db.session.commit()  # the secret shown is the one kept, whatever happens next
    uri = totp.setup_uri(setting.secret, staff.email, current_app.config["SCHOOL_NAME"])
    page = render_template(
        "auth/two_factor_setup.html",
        form=form,
        error=error,
        qr=qr_svg(uri),
        secret=totp.grouped(setting.secret),
        required=must_use_two_factor(staff),
    )
    return page, status


@bp.route("/account/two-factor", methods=["GET", "POST"])
@staff_required
@two_factor_required  # a sign-in still waiting for its code is asked for it first
def setup():
    staff = _me()
    if g.two_factor_on:
        return _manage_page(TwoFactorChangeForm(prefix="off"), TwoFactorChangeForm(prefix="codes"))
    form = AppCodeForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return _setup_page(form, 422 if form.errors else 200)
    try:
        codes = two_factor.confirm_setup(staff, form.code.data)
    except two_factor.CodeRefused as refused:
        db.session.rollback()
        form.code.errors.append(str(refused))
        return _setup_page(form, 422)
    two_factor.mark_passed(g.staff_session.id)
    db.session.commit()
    next_page = safe_next(form.next.data) if form.next.data else None  # None: this page again
    return render_template("auth/two_factor_codes.html", codes=codes, next=next_page, new=True)


def _manage_page(off_form, codes_form, status: int = 200, error: str | None = None):
    page = render_template(
        "auth/two_factor_manage.html",
        off_form=off_form,
        codes_form=codes_form,
        error=error,
        unused=two_factor.unused_recovery_codes(_me()),
        required=must_use_two_factor(_me()),
    )
    return page, status


def _password_and_code(form: TwoFactorChangeForm) -> bool:
    """Both the current password and a code are right (wrong ones counted); else form errors."""
    staff = _me()
    if not service.check_current_password(staff, form.current.data, _limits()):
        form.current.errors.append("That is not your current password.")
        return False
    try:  # a wrong code counts like a wrong password, here as at sign-in
        two_factor.check_code(staff, form.code.data, request.remote_addr or "unknown", _limits())
    except two_factor.CodeRefused as refused:
        form.code.errors.append(str(refused))
        return False
    return True


def _change(prefix: str, apply):
    """Check the password and code of the form named ``prefix``; then ``apply`` and commit."""
    forms = {name: TwoFactorChangeForm(prefix=name) for name in ("off", "codes")}
    form = forms[prefix]
    try:
        ok = form.validate_on_submit() and _password_and_code(form)
    except service.Throttled as throttled:
        return _manage_page(forms["off"], forms["codes"], 429, error=str(throttled))
    if not ok:
        db.session.commit()  # a right password clears the wrong tries before it
        return _manage_page(forms["off"], forms["codes"], 422)
    result = apply(_me())
    db.session.commit()
    return result


@bp.post("/account/two-factor/off")
@staff_required
@two_factor_required
def turn_off():
    def off(staff):
        two_factor.turn_off(staff)
        flash("Two-factor sign-in is off. Sign-in asks for your password alone.", "success")
        return redirect(url_for("two_factor.setup"))

    return _change("off", off)


@bp.post("/account/two-factor/recovery-codes")
@staff_required
@two_factor_required
def new_recovery_codes():
    def renew(staff):
        codes = two_factor.replace_recovery_codes(staff)
        return render_template("auth/two_factor_codes.html", codes=codes, next=None, new=False)

    return _change("codes", renew)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@staff_required
@two_factor_exempt
def verify():
    form = SignInCodeForm(next=request.args.get("next", ""))
    if not two_factor_pending():
        return redirect(safe_next(form.next.data))
    if not form.validate_on_submit():
        return render_template(
            "auth/two_factor_verify.html", form=form
        ), 422 if form.errors else 200
    try:
        two_factor.check_code(_me(), form.code.data, request.remote_addr or "unknown", _limits())
    except (two_factor.CodeRefused, service.Throttled) as refused:
        db.session.commit()  # the wrong try stays counted; unused tickets are given back
        status = 429 if isinstance(refused, service.Throttled) else 422
        return render_template("auth/two_factor_verify.html", form=form, error=str(refused)), status
    two_factor.mark_passed(g.staff_session.id)
    db.session.commit()
    return redirect(safe_next(form.next.data))


@bp.get("/admin/staff/two-factor")
@roles_required(ADMIN, HEAD_TEACHER)
def staff_status():
    rows = [(person, on, must_use_two_factor(person)) for person, on in two_factor.overview()]
    return render_template("auth/two_factor_staff.html", rows=rows)


@bp.route("/admin/staff/<int:staff_id>/two-factor", methods=["GET", "POST"])
@roles_required(ADMIN, HEAD_TEACHER)
def reset(staff_id: int):
    staff = db.session.get(Staff, staff_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            two_factor.reset_for(staff, _me())
        except two_factor.CodeRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
        else:
            db.session.commit()
            flash(f"{staff.name}'s two-factor sign-in is reset: they set it up again.", "success")
        return redirect(url_for("two_factor.staff_status"))
    return render_template(
        "auth/two_factor_reset.html",
        form=form,
        staff=staff,
        is_on=two_factor.is_on(staff),
        resets=two_factor.resets_of(staff),
    )
