"""Deny by default: every endpoint must say who may use it.

A view is either ``@public`` or ``@roles_required(...)``; anything else is refused,
so a new route that forgets to declare its audience is closed, not open.
"""

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from portal.classroom.pupil_auth import current_seat
from portal.htmx import client_redirect, is_htmx_request
from portal.people.roles import ALL_ROLES

PUBLIC_ENDPOINTS = {"static"}


def public(view):
    """Open to anyone, signed in or not."""
    view.access_public = True
    return view


def roles_required(*roles: str):
    """Open to signed-in staff holding at least one of ``roles``."""
    unknown = set(roles) - ALL_ROLES
    if not roles or unknown:
        raise ValueError(f"roles_required needs known roles, got {roles!r}")

    def decorate(view):
        view.access_roles = frozenset(roles)
        return view

    return decorate


def pupil_required(view):
    """Open to a pupil signed in on this device through an open class session."""
    view.access_pupil = True
    return view


def staff_required(view):
    """Open to any signed-in member of staff, whatever their role."""
    return roles_required(*ALL_ROLES)(view)


def declared_audience(view_function):
    """The declared audience of a view: True (public), "pupil", a role set, or None."""
    if getattr(view_function, "access_public", False):
        return True
    if getattr(view_function, "access_pupil", False):
        return "pupil"
    return getattr(view_function, "access_roles", None)


def enforce_access():
    """before_request hook: apply each view's declared audience."""
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    audience = declared_audience(current_app.view_functions[request.endpoint])
    if audience is True:
        return None
    if audience == "pupil":
        return None if current_seat() is not None else _send_to(url_for("classroom.start"))
    if not current_user.is_authenticated:
        return _send_to(url_for("auth.login", next=request.full_path.rstrip("?")))
    if audience is None or not current_user.has_role(*audience):
        abort(403)
    return None


def _send_to(target: str):
    """Redirect; for htmx, tell it to load the page whole rather than swap it into this one."""
    return client_redirect(target) if is_htmx_request() else redirect(target)
