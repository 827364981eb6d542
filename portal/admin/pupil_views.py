"""The class grid across the whole school, for the school's leaders (routes on admin's bp)."""

from portal.admin import pupil_rows, pupils
from portal.admin.listing import all_rows, page_of, read_state
from portal.admin.views import bp
from portal.auth.access import roles_required
from portal.clock import school_today
from portal.csv_export import csv_response
from portal.htmx import page_or_fragment
from portal.people.roles import SCHOOL_LEADERS
from portal.urls import url_for_each


@bp.get("/pupils", endpoint="pupils")
@roles_required(*SCHOOL_LEADERS)
def pupils_page():
    grid = pupils.pupil_grid(school_today())
    state = read_state(grid.spec)
    page = page_of(grid.select(state), state, grid.lean(state), grid.same_for(state))
    return page_or_fragment(
        "admin/pupils.html",
        "admin/_pupils.html",
        push_url=state.url(),
        grid=grid,
        state=state,
        results=page,
        rows=pupil_rows.grid_lines(page.rows, url_for_each("teaching.class_view", "class_id")),
        key_stages=pupils.KEY_STAGE_NAMES.items(),
        aup_labels=pupils.AUP_LABELS,
        quiz_labels=pupils.QUIZ_LABELS,
    )


@bp.get("/pupils.csv")
@roles_required(*SCHOOL_LEADERS)
def pupils_csv():
    grid = pupils.pupil_grid(school_today())
    state = read_state(grid.spec)
    rows = pupil_rows.grid_rows(all_rows(grid.select(state), state))
    name = f"pupils-{school_today().isoformat()}.csv"
    return csv_response(name, pupil_rows.CSV_HEADER, [row.cells() for row in rows])
