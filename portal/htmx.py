"""The one place that reads htmx's request headers and decides between a page and a fragment.

Views never build a fragment response, nor set ``Vary`` or ``Cache-Control``, by hand:
every response varies on HX-Request and signed-in pages are not stored (portal/web.py).
"""

import json

from flask import flash, make_response, redirect, render_template

from portal.extensions import htmx


def is_fragment_request() -> bool:
    """True for an htmx swap; a history restore needs the whole page."""
    return bool(htmx) and not htmx.history_restore_request


def is_htmx_request() -> bool:
    return bool(htmx)


def page_or_fragment(
    page: str, fragment: str, http_status: int = 200, push_url: str | None = None, **context
):
    """Render the fragment for an htmx swap and the full page otherwise.

    ``push_url`` is the address a swap puts in the address bar instead of the one asked for:
    a list's clean address rather than its form's every empty field.
    """
    if not is_fragment_request():
        return make_response(render_template(page, **context), http_status)
    response = make_response(render_template(fragment, **context), http_status)
    if push_url:
        response.headers["HX-Push-Url"] = push_url
    return response


def fragment(template: str, **context):
    """Render a fragment that only htmx asks for (a live list polled by the board)."""
    return make_response(render_template(template, **context))


def fragment_or_redirect(
    fragment: str,
    url: str,
    note: str,
    category: str = "success",
    focus_after_swap: str | None = None,
    **context,
):
    """After a change: htmx swaps in the fresh fragment; a plain form post is sent back to
    ``url`` with ``note`` flashed, so the page still works without JavaScript.

    ``focus_after_swap`` is a CSS selector: the next logical control once the swap has
    replaced the one that sent the form (static/js/portal.js moves focus there).
    """
    if is_fragment_request():
        response = make_response(render_template(fragment, note=note, category=category, **context))
        if focus_after_swap:
            response.headers["HX-Trigger-After-Settle"] = json.dumps(
                {"portal:focus": focus_after_swap}
            )
        return response
    flash(note, category)
    return redirect(url)


def client_redirect(url: str, status: int = 401):
    """Tell htmx to load ``url`` as a whole page rather than swap it into this one."""
    response = make_response("", status)
    response.headers["HX-Redirect"] = url
    return response
