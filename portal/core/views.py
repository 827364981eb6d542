"""The staff home page, the about page and the health check."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import text

from portal.auth.access import public, staff_required
from portal.clock import school_today
from portal.core.home import home_panels
from portal.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/")
@staff_required
def home():
    staff = current_user._get_current_object()
    return render_template("core/home.html", staff=staff, **home_panels(staff, school_today()))


@bp.get("/about")
@public
def about():
    """Who made the parts the portal is built from, and their licences (Twemoji asks credit)."""
    return render_template("core/about.html")


@bp.get("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means unhealthy
        db.session.rollback()
        return {"status": "database unreachable"}, 503
    return {"status": "ok"}
