"""The outbox, as admins see it."""

from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/admin/outbox")
