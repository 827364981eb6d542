"""The staff's main navigation: the links a person's roles open, and the page they are on.

Python, not template logic: every staff page draws it, and fifteen role checks and addresses
cost a template far more than a loop over a list.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request, url_for

from portal.auth.access import can_open_incident_log
from portal.people.roles import (
    ADMIN,
    CLASS_STAFF,
    DEPUTY_DSL,
    DSL,
    ESAFETY_LEAD,
    GOVERNOR,
    HEAD_TEACHER,
    OVERSIGHT,
    TEACHER,
)


@dataclass(frozen=True)
class Link:
    endpoint: str
    label: str
    shown: Callable  # (staff) -> bool
    current: Callable[[str], bool]  # (the request's endpoint) -> bool


def everyone(_staff) -> bool:
    return True


def holders(*roles: str) -> Callable:
    return lambda staff: staff.has_role(*roles)


def within(*endpoints: str) -> Callable[[str], bool]:
    return lambda endpoint: endpoint in endpoints


def under(prefix: str) -> Callable[[str], bool]:
    return lambda endpoint: endpoint.startswith(prefix)


LINKS = (
    Link("core.home", "Home", everyone, within("core.home")),
    Link(
        "admin.home",
        "School overview",
        holders(*OVERSIGHT),
        lambda endpoint: endpoint.startswith("admin.") and endpoint != "admin.staff",
    ),
    Link("teaching.classes", "Classes", holders(*CLASS_STAFF), under("teaching.")),
    Link(
        "parents.answers",
        "Parents' answers",
        holders(*OVERSIGHT),
        lambda endpoint: endpoint.startswith("parents.") and "answers" in endpoint,
    ),
    Link("register.index", "Tools in lessons", holders(TEACHER, *OVERSIGHT), under("register.")),
    Link("policies.index", "Policies", everyone, under("policies.")),
    Link(
        "admin.staff",
        "Staff",
        holders(ADMIN),
        lambda endpoint: endpoint.startswith("people.staff") or endpoint == "admin.staff",
    ),
    Link("roster.upload", "Roster", holders(ADMIN), under("roster.")),
    Link("mail.outbox", "Outbox", holders(ADMIN), under("mail.")),
    Link(
        "incidents.index",
        "Online-safety log",
        can_open_incident_log,
        within("incidents.index", "incidents.detail", "incidents.trail"),
    ),
    Link(
        "incidents.summary",
        "Reports this term",
        holders(GOVERNOR, HEAD_TEACHER, ESAFETY_LEAD, DSL, DEPUTY_DSL),
        within("incidents.summary"),
    ),
    Link("incidents.new", "Report a concern", everyone, within("incidents.new", "incidents.mine")),
    Link(
        "two_factor.staff_status",
        "Staff two-factor",
        lambda staff: staff.has_role(HEAD_TEACHER) and not staff.has_role(ADMIN),
        within("two_factor.staff_status", "two_factor.reset"),
    ),
    Link("two_factor.setup", "Two-factor", everyone, within("two_factor.setup")),
    Link("auth.change_password", "My password", everyone, within("auth.change_password")),
)


def main_nav(staff) -> list[tuple[str, str, bool]]:
    """(address, label, is this page) for each link ``staff`` may follow, in order."""
    endpoint = request.endpoint or ""
    addresses = _addresses()
    return [
        (addresses[link.endpoint], link.label, link.current(endpoint))
        for link in LINKS
        if link.shown(staff)
    ]


def _addresses() -> dict[str, str]:
    """Each link's address, made once per app and mount point."""
    made = current_app.extensions.setdefault("main_nav", {})
    if request.script_root not in made:
        made[request.script_root] = {link.endpoint: url_for(link.endpoint) for link in LINKS}
    return made[request.script_root]
