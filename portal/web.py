"""Everything a request passes through: access rules, headers, errors, template helpers."""

from importlib import import_module

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from portal import (  # noqa: F401  (database: the SQLite settings)
    database,
    errors,
    navigation,
    pictures,
    pupil_screens,
    static_files,
)
from portal.auth import sessions
from portal.auth.access import can_open_incident_log, enforce_access, two_factor_pending
from portal.classroom.pupil_auth import current_pupil
from portal.clock import school_today, utcnow
from portal.extensions import db, login_manager
from portal.formatting import long_date, school_time, status
from portal.people.roles import ROLE_LABELS
from portal.policies import markdown
from portal.policies.keeping import may_keep
from portal.staff_module.status import STEP_LABELS
from portal.urls import url_for_each

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
    register_blueprints(app)
    app.before_request(keep_staff_session_alive)
    app.before_request(enforce_access)
    app.after_request(security_headers)
    errors.init_app(app)
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["school_time"] = school_time
    app.jinja_env.filters["markdown"] = markdown.render
    app.jinja_env.globals.update(
        picture_image=picture_image,
        say=say,
        dots=pupil_screens.dots,
        main_nav=navigation.main_nav,
        status=status,
        url_for_each=url_for_each,
        csrf_token=csrf_token,
        can_open_incident_log=can_open_incident_log,
        may_keep=may_keep,
        signed_in_pupil=current_pupil,
    )
    app.context_processor(
        lambda: {
            "role_labels": ROLE_LABELS,
            "today": school_today(),
            "step_labels": STEP_LABELS,
            "two_factor_pending": two_factor_pending(),
            "csrf_token": csrf_token,  # over Flask-WTF's, which makes the token on each call
        }
    )
    static_files.init_app(app, SECURITY_HEADERS)


def csrf_token() -> str:
    """The token a page's forms carry: Flask-WTF's, read from the request once it is made (a
    list with a form on each row asks for it on every row)."""
    if "page_csrf_token" not in g:
        g.page_csrf_token = generate_csrf()
    return g.page_csrf_token


PICTURE_TAG = Markup('<img src="{}" alt="{}" class="{}" width="36" height="36">')


def picture_image(emoji: str, classes: str = "", named: bool = False) -> Markup:
    """A picture from the portal's own set (Twemoji SVGs), the same on every device; sized in
    em by CSS, so ``classes`` with a font-size scale it. Decorative (alt="") when words beside
    it say the same; ``named`` gives it the name a child would say, for a picture that means
    something alone. Made once per app for each picture: every pupil screen shows several."""
    made = current_app.extensions.setdefault("picture_tags", {})
    key = (request.script_root, emoji, classes, named)
    if key not in made:
        file = pictures.svg_file(emoji)
        static_url_for = current_app.jinja_env.globals["static_url_for"]
        made[key] = (
            Markup("")
            if not file
            else PICTURE_TAG.format(
                static_url_for("static", filename=file),
                pictures.child_name(emoji) if named else "",
                f"picture {classes}" if classes else "picture",
            )
        )
    return made[key]


def say(*args, **kwargs) -> Markup:
    """pupil_screens.say with the speaker's picture from the portal's own set."""
    return pupil_screens.say(*args, speaker=picture_image("🔊"), **kwargs)


# Every page of the portal: each module's blueprint ``bp``, in the order they register.
BLUEPRINT_MODULES = (
    "portal.core.views",
    "portal.auth.views",
    "portal.auth.two_factor_views",
    "portal.people.views",
    "portal.people.roster_views",
    "portal.mail.views",
    "portal.policies.views",
    "portal.staff_module.views",
    "portal.governors.views",
    "portal.teaching.views",
    "portal.classroom.views",
    "portal.classroom.picture_views",
    "portal.pupils.views",
    "portal.parents.views",
    "portal.incidents.views",
    "portal.incidents.public_views",
    "portal.incidents.tell_views",
    "portal.admin.views",
    "portal.register.views",
)
# Modules whose routes join another module's blueprint: imported before it registers.
ROUTE_MODULES = (
    "portal.admin.governor_views",
    "portal.admin.guardian_views",
    "portal.admin.home_views",
    "portal.admin.letter_list_views",
    "portal.admin.module_views",
    "portal.admin.pupil_views",
    "portal.admin.staff_views",
    "portal.admin.understanding_views",
    "portal.incidents.oversight_views",
    "portal.parents.answer_views",
    "portal.parents.letter_views",
    "portal.policies.keeping_views",
)


def register_blueprints(app: Flask) -> None:
    """Every page of the portal: the route modules first, then each blueprint."""
    for name in ROUTE_MODULES:
        import_module(name)
    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(name).bp)


@login_manager.user_loader
def load_user(user_id: str):
    """Session ids look like "session:<token>"; the staff session must be open on the server."""
    kind, _, token = user_id.partition(":")
    if kind != "session" or not token:
        return None
    found = sessions.find_session(token, utcnow())
    if found is None:
        return None
    staff, g.staff_session, g.two_factor_on = found
    staff.session_token = token
    return staff


def keep_staff_session_alive():
    """before_request: a staff session in use lasts another working day from now."""
    if not current_user.is_authenticated:
        return
    if sessions.renew(g.staff_session, utcnow(), current_app.config["STAFF_SESSION_HOURS"]):
        db.session.commit()
        session.modified = True  # the cookie's signature is renewed with it


# On every response, static files included (portal/static_files.py).
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# A view may set its own (the parents' pages send no Referer at all).
OVERRIDABLE_HEADERS = {"Content-Security-Policy", "Referrer-Policy"}


def security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        if name in OVERRIDABLE_HEADERS:
            response.headers.setdefault(name, value)
        else:
            response.headers[name] = value
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint != "static":
        # No page is kept by the browser or a shared proxy: they carry people's names, a
        # shared tablet must not show one pupil's screens to the next, and forms carry tokens.
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("HX-Request")  # the same address answers a page or an htmx fragment
    return response
