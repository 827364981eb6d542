"""Everything a request passes through: access rules, headers, errors, template helpers."""

from datetime import date

from flask import Flask, request
from flask_login import current_user

from portal import database, errors  # noqa: F401  (database: registers the SQLite settings)
from portal.auth.access import enforce_access
from portal.extensions import db, login_manager
from portal.formatting import long_date, school_time
from portal.people.models import Staff
from portal.people.roles import ROLE_LABELS
from portal.policies import markdown
from portal.staff_module.status import STEP_LABELS

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    from portal.auth.views import bp as auth_bp
    from portal.classroom.views import bp as classroom_bp
    from portal.core.views import bp as core_bp
    from portal.mail.views import bp as mail_bp
    from portal.people.roster_views import bp as roster_bp
    from portal.people.views import bp as people_bp
    from portal.policies.views import bp as policies_bp
    from portal.pupils.views import bp as pupil_bp
    from portal.staff_module.views import bp as module_bp
    from portal.teaching.views import bp as teaching_bp

    for blueprint in (
        core_bp,
        auth_bp,
        people_bp,
        roster_bp,
        mail_bp,
        policies_bp,
        module_bp,
        teaching_bp,
        classroom_bp,
        pupil_bp,
    ):
        app.register_blueprint(blueprint)
    app.before_request(enforce_access)
    app.after_request(security_headers)
    errors.init_app(app)
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["school_time"] = school_time
    app.jinja_env.filters["markdown"] = markdown.render
    app.context_processor(
        lambda: {"role_labels": ROLE_LABELS, "today": date.today(), "step_labels": STEP_LABELS}
    )


@login_manager.user_loader
def load_user(user_id: str):
    """Session ids look like "staff:<id>:<version>"; a changed version signs out."""
    kind, _, rest = user_id.partition(":")
    staff_id, _, version = rest.partition(":")
    if kind != "staff" or not staff_id.isdigit() or not version.isdigit():
        return None
    staff = db.session.get(Staff, int(staff_id))
    if staff is None or not staff.active or staff.session_version != int(version):
        return None
    return staff


def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint != "static" and current_user.is_authenticated:
        # Pages for signed-in people must not be kept by the browser or a shared proxy;
        # static files are the same for everyone, and revalidate by their ETag.
        response.headers["Cache-Control"] = "no-store"
    return response
