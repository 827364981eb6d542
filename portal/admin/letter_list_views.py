"""Letters for families without email (/admin/parents/letters): who gets one, paged and
searched with the drill-down lists' mechanism. Printing, the short links and recording an
answer stay with the paper route (portal/parents/letter_views.py)."""

from portal.admin.listing import ListSpec, Sort, page_of, read_state
from portal.admin.views import bp
from portal.auth.access import roles_required
from portal.clock import school_today
from portal.htmx import page_or_fragment
from portal.parents import letters
from portal.parents.forms import ANSWERS
from portal.people.roles import SCHOOL_LEADERS

SPEC = ListSpec(sorts={"name": Sort("Guardian", letters.BY_NAME)}, searchable=True)


@bp.get("/parents/letters", endpoint="letters")
@roles_required(*SCHOOL_LEADERS)
def letters_page():
    state = read_state(SPEC)
    running = letters.open_campaign(school_today())
    page = rows = None
    if running is not None:
        page = page_of(letters.guardians_query(running, search=state.search), state)
        rows = letters.with_children(page.rows)
    return page_or_fragment(
        "parents/letters.html",
        "parents/_letters_results.html",
        running=running,
        state=state,
        results=page,
        rows=rows,
        answers=ANSWERS,
    )
