"""The one place that reads htmx's request headers."""

from flask import make_response, render_template

from portal.extensions import htmx


def is_fragment_request() -> bool:
    """True for an htmx swap; a history restore needs the whole page."""
    return bool(htmx) and not htmx.history_restore_request


def page_or_fragment(page: str, fragment: str, http_status: int = 200, **context):
    """Render the fragment for an htmx swap and the full page otherwise."""
    template = fragment if is_fragment_request() else page
    response = make_response(render_template(template, **context), http_status)
    response.vary.add("HX-Request")
    return response


def is_htmx_request() -> bool:
    return bool(htmx)


def client_redirect(url: str, status: int = 401):
    """Tell htmx to load ``url`` as a whole page rather than swap it into this one."""
    response = make_response("", status)
    response.headers["HX-Redirect"] = url
    return response
