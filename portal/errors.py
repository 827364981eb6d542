"""Error pages: one friendly page (or fragment) for every status. Imports no feature."""

from flask import current_app
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.extensions import db
from portal.htmx import page_or_fragment


def init_app(app) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(Exception, unexpected_error)


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
    413: ("That was too big to send", "Upload a smaller file (at most 2 MB)."),
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
