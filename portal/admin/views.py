"""The admin view's blueprint: the whole school at a glance, and its drill-downs.

Each drill-down has its own module of routes on this blueprint (imported in portal/web.py).
"""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
