"""The admin home (the whole school at a glance), each tile's table as CSV, and the printable
evidence pack (routes on the admin blueprint)."""

from flask import abort, current_app, render_template, url_for
from flask_login import current_user

from portal.admin import overview
from portal.admin.views import bp
from portal.auth.access import declared_audience, roles_required
from portal.clock import school_today
from portal.csv_export import csv_response
from portal.incidents.oversight import Term, termly_summary
from portal.people.roles import OVERSIGHT
from portal.people.school_year import academic_year
from portal.register.service import approved_tools

# Each tile's pages, by label: the first of each group that exists and this person may open.
DRILL_DOWNS = {
    "aup": {"See each class": ("admin.pupils", "teaching.classes")},
    "quiz": {
        "See each class": ("admin.pupils", "teaching.classes"),
        "See what pupils misunderstand": ("admin.understanding",),
        "See which strands the quizzes cover": ("admin.coverage",),
    },
    "module": {"See who has completed the module": ("admin.module", "module.completion")},
    "governors": {"See each governor": ("admin.governors",)},
    "parents": {"See parents' answers": ("admin.guardians", "parents.answers")},
    "incidents": {"Open the log": ("incidents.index",)},
    "policies": {"See the policies": ("policies.index",)},
}


def drill_downs(key: str) -> list[tuple[str, str]]:
    """The tile's (label, address) links this person may follow."""
    links = []
    for label, endpoints in DRILL_DOWNS.get(key, {}).items():
        url = next((url_for(e) for e in endpoints if _may_open(e)), None)
        if url:
            links.append((label, url))
    return links


def _may_open(endpoint: str) -> bool:
    view = current_app.view_functions.get(endpoint)
    roles = declared_audience(view) if view else None
    return isinstance(roles, frozenset) and current_user.has_role(*roles)


@bp.get("/", endpoint="home")
@roles_required(*OVERSIGHT)
def home():
    tiles = overview.tiles_for(current_user, school_today())
    links = {tile.key: drill_downs(tile.key) for tile in tiles}
    return render_template(
        "admin/home.html", tiles=tiles, links=links, year=academic_year(school_today())
    )


@bp.get("/overview/<tile>.csv", endpoint="overview_csv")
@roles_required(*OVERSIGHT)
def overview_csv(tile: str):
    found = overview.tile_for(tile, current_user, school_today())
    if found is None or found.table is None:
        abort(404)
    name = f"school-overview-{tile}-{school_today().isoformat()}.csv"
    return csv_response(name, found.table.header, found.table.csv_rows)


@bp.get("/evidence", endpoint="evidence")
@roles_required(*OVERSIGHT)
def evidence():
    today = school_today()
    return render_template(
        "admin/evidence.html",
        today=today,
        year=academic_year(today),
        policies=overview.policy_table(today)[0],
        figures=overview.completion_tiles(today),
        summary=termly_summary(Term.of(today)),
        tools=approved_tools(),
    )
