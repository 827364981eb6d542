"""Deny by default: every endpoint must say who may use it.

A view is either ``@public`` or ``@roles_required(...)``; anything else is refused,
so a new route that forgets to declare its audience is closed, not open.

Two-factor sign-in is checked here too: a session whose person has it on gives a code
before any staff page opens, and ``@two_factor_required`` pages (every staff page, with
PORTAL_TWO_FACTOR_FOR=all_staff) first send those the school requires to use it to set-up.
"""

from flask import abort, current_app, flash, g, has_request_context, redirect, request, url_for
from flask_login import current_user

from portal.classroom.pupil_auth import current_pupil
from portal.config import role_list
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


def two_factor_required(view):
    """Open only to a session that has given an authenticator code. Someone the school
    requires to use one (PORTAL_TWO_FACTOR_FOR) who has not set it up is sent to set it up."""
    view.access_two_factor = True
    return view


def two_factor_exempt(view):
    """Reachable while a sign-in still waits for its code: the code page and sign-out."""
    view.two_factor_exempt = True
    return view


def can_open_incident_log(staff) -> bool:
    """Whether ``staff`` holds one of the roles the school lets open the incident log."""
    allowed = role_list(current_app.config["INCIDENT_LOG_ROLES"])
    return bool(staff.active) and staff.has_role(*allowed)


def must_use_two_factor(staff) -> bool:
    """Whether the school requires ``staff`` to sign in with an authenticator app."""
    if current_app.config["TWO_FACTOR_FOR"] == "all_staff":
        return True
    return can_open_incident_log(staff)


def two_factor_pending() -> bool:
    """This signed-in session belongs to someone with two-factor on and has not given a code."""
    if not has_request_context() or not current_user.is_authenticated:
        return False  # an email rendered by the mail sender: no request, nobody signed in
    return bool(g.get("two_factor_on")) and g.staff_session.two_factor_at is None


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
        return None if current_pupil() is not None else _send_to(url_for("classroom.start"))
    if not current_user.is_authenticated:
        return _send_to(url_for("auth.login", next=request.full_path.rstrip("?")))
    if audience is None or not current_user.has_role(*audience):
        abort(403)
    return _two_factor_gate(current_app.view_functions[request.endpoint])


def _two_factor_gate(view):
    """Ask for the code before any staff page; send those who must set it up to set-up."""
    if getattr(view, "two_factor_exempt", False):
        return None
    here = request.full_path.rstrip("?")
    if two_factor_pending():
        return _send_to(url_for("two_factor.verify", next=here))
    wanted = getattr(view, "access_two_factor", False) or (
        current_app.config["TWO_FACTOR_FOR"] == "all_staff"
    )
    # Set-up itself is where the gate sends people, so it lets them in.
    if not wanted or request.endpoint == "two_factor.setup" or g.get("two_factor_on"):
        return None
    if not must_use_two_factor(current_user):
        return None
    flash(
        "The school asks you to set up two-factor sign-in before you go on. "
        "It takes two minutes with an authenticator app on your phone.",
        "info",
    )
    return _send_to(url_for("two_factor.setup", next=here))


def _send_to(target: str):
    """Redirect; for htmx, tell it to load the page whole rather than swap it into this one."""
    return client_redirect(target) if is_htmx_request() else redirect(target)
