"""Staff accounts and the roster import: admin pages."""

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/admin")
