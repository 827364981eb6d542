"""Everything a request passes through: access rules, headers, errors, template helpers."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal import database  # noqa: F401  (registers the SQLite connection settings)
from portal.auth.access import enforce_access
from portal.extensions import db, login_manager
from portal.htmx import page_or_fragment
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
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(Exception, unexpected_error)
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
    if current_user.is_authenticated:
        # Pages for signed-in people must not be kept by the browser or a shared proxy.
        response.headers["Cache-Control"] = "no-store"
    return response


def long_date(value: date | datetime | None) -> str:
    """24 November 2026"""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def school_time(value: datetime) -> datetime:
    """A stored (naive UTC) time on the school's clock."""
    return value.replace(tzinfo=UTC).astimezone(ZoneInfo(current_app.config["TIMEZONE"]))


ERROR_TEXT = {
    400: (
        "That request did not make sense",
        "Something in the form was missing or damaged. Go back, reload the page and try again.",
    ),
    403: (
        "You do not have access to this page",
        "Your account does not include this part of "
        "the portal. If you think it should, ask the school office.",
    ),
    404: ("Page not found", "The address may be mistyped, or the page has moved."),
    405: ("That did not work", "This page cannot be used that way."),
    413: ("That file is too big", "Upload a smaller file (at most 2 MB)."),
    429: ("Too many requests", "Please wait a moment and try again."),
    500: ("Something went wrong", "The problem has been logged. Please try again in a minute."),
}


def render_error(status: int, detail: str | None = None):
    title, text = ERROR_TEXT.get(status, ERROR_TEXT[500 if status >= 500 else 400])
    context = {"code": status, "title": title, "text": detail or text}
    return page_or_fragment(
        "errors/error.html", "errors/_error.html", http_status=status, **context
    )


def http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    # abort(400, "a plain explanation") shows that explanation; werkzeug's own text does not.
    detail = error.description if error.description != type(error).description else None
    return render_error(error.code, detail)


def csrf_error(error: CSRFError):
    current_app.logger.warning("CSRF refused: %s", error.description)
    return render_error(
        400, "This form had expired or was sent from elsewhere. Reload the page and try again."
    )


def unexpected_error(error: Exception):
    db.session.rollback()
    current_app.logger.exception("Unhandled error")
    return render_error(500)
