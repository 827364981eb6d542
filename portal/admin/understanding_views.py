"""What pupils misunderstand, school-wide, and which strands each Key Stage's quiz covers
(routes on the admin blueprint), each with its CSV drawn by the same function."""

from flask import render_template
from flask_login import current_user

from portal.admin import coverage
from portal.admin import understanding as service
from portal.admin.listing import ListSpec, Sort, read_state
from portal.admin.views import bp
from portal.auth.access import roles_required
from portal.clock import school_today
from portal.csv_export import csv_response
from portal.htmx import page_or_fragment
from portal.people.roles import OVERSIGHT, SCHOOL_LEADERS
from portal.people.school_year import (
    KEY_STAGE_NAMES,
    STAGE_YEAR_GROUPS,
    YEAR_GROUPS,
    academic_year,
)
from portal.quiz.catalogue import quiz_for

SORTS = {
    "share": Sort("Answered correctly at first go", ()),
    "question": Sort("Question", ()),
}


def _spec(classes) -> ListSpec:
    return ListSpec(
        filters={
            "key_stage": service.KEY_STAGES,
            "class": [str(school_class.id) for school_class in classes],
        },
        sorts=SORTS,
    )


def _pupil_quizzes() -> dict:
    return {stage: quiz_for(stage) for stage in service.KEY_STAGES if quiz_for(stage)}


def _understanding():
    """The state of the address and the figures it asks for (governors: safe sizes only)."""
    year = academic_year(school_today())
    classes = service.all_classes()
    state = read_state(_spec(classes))
    chosen = state.filters.get("class")
    school_class = next((c for c in classes if str(c.id) == chosen), None)
    leader = current_user.has_role(*SCHOOL_LEADERS)
    result = service.understanding(
        _pupil_quizzes(),
        classes,
        year.start_year,
        key_stage=state.filters.get("key_stage"),
        school_class=school_class,
        min_base=0 if leader else service.SAFE_SIZE,
    )
    rows = service.sort_rows(result.rows, state.sort, state.descending)
    return dict(
        year=year,
        classes_options=[(str(c.id), f"{c.name} ({c.year_group_name})") for c in classes],
        state=state,
        result=result,
        rows=rows,
        school_class=school_class,
        leader=leader,
        key_stage_names=KEY_STAGE_NAMES,
        safe_size=service.SAFE_SIZE,
    )


@bp.get("/understanding", endpoint="understanding")
@roles_required(*OVERSIGHT)
def understanding_page():
    context = _understanding()
    return page_or_fragment(
        "admin/understanding.html", "admin/_understanding_results.html", **context
    )


@bp.get("/understanding.csv", endpoint="understanding_csv")
@roles_required(*OVERSIGHT)
def understanding_csv():
    context = _understanding()
    cells = service.understanding_cells(context["rows"])
    name = f"understanding-{context['year'].label}.csv"
    return csv_response(name, service.UNDERSTANDING_HEADER, cells)


@bp.get("/coverage", endpoint="coverage")
@roles_required(*OVERSIGHT)
def coverage_page():
    read_state(ListSpec())  # nothing to filter: anything in the address is a 400
    result = coverage.coverage(_pupil_quizzes())
    return render_template(
        "admin/coverage.html",
        year=academic_year(school_today()),
        result=result,
        stages=service.KEY_STAGES,
        stage_years=STAGE_YEAR_GROUPS,
        years=coverage.YEAR_COLUMNS,
        year_names=YEAR_GROUPS,
        key_stage_names=KEY_STAGE_NAMES,
    )


@bp.get("/coverage.csv", endpoint="coverage_csv")
@roles_required(*OVERSIGHT)
def coverage_csv():
    read_state(ListSpec())
    result = coverage.coverage(_pupil_quizzes())
    name = f"coverage-{academic_year(school_today()).label}.csv"
    return csv_response(name, coverage.COVERAGE_HEADER, coverage.coverage_cells(result))
