"""Who has answered the parents' acknowledgement: class by class, the follow-up list, and each
table as CSV (routes on the parents' blueprint)."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from portal.auth.access import roles_required
from portal.clock import school_today
from portal.csv_export import csv_response
from portal.extensions import db
from portal.parents import answers
from portal.parents import campaign as campaigns
from portal.parents.views import bp
from portal.people.models import SchoolClass
from portal.people.roles import OVERSIGHT, SCHOOL_LEADERS
from portal.people.school_year import academic_year


def this_years_campaign():
    return campaigns.campaign_for(academic_year(school_today()))


def campaign_or_404():
    return this_years_campaign() or abort(404)


def class_or_404(class_id: int) -> SchoolClass:
    return db.session.get(SchoolClass, class_id) or abort(404)


def status_asked() -> str | None:
    """The class page's filter: None for everyone; an unknown status is a plain 400."""
    status = request.args.get("status") or None
    if status is not None and status not in answers.STATUSES:
        abort(400)
    return status


@bp.get("/admin/parents/answers", endpoint="answers")
@roles_required(*OVERSIGHT)
def answers_page():
    running = this_years_campaign()
    leader = current_user.has_role(*SCHOOL_LEADERS)
    tallies, school = answers.tallies(running) if running else ([], None)
    return render_template(
        "parents/answers.html",
        year=academic_year(school_today()),
        running=running,
        leader=leader,
        tallies=tallies,
        school=school,
        follow_ups=answers.follow_ups(running) if running and leader else [],
        labels=answers.STATUS_LABELS,
    )


@bp.get("/admin/parents/answers.csv")
@roles_required(*OVERSIGHT)
def answers_csv():
    running = campaign_or_404()
    cells = answers.tally_cells(*answers.tallies(running))
    return csv_response(f"parents-answers-{running.academic_year}.csv", answers.TALLY_HEADER, cells)


@bp.get("/admin/parents/answers/follow-up.csv")
@roles_required(*SCHOOL_LEADERS)
def follow_up_csv():
    running = campaign_or_404()
    cells = answers.follow_up_cells(answers.follow_ups(running))
    name = f"parents-follow-up-{running.academic_year}.csv"
    return csv_response(name, answers.FOLLOW_UP_HEADER, cells)


@bp.get("/admin/parents/answers/<int:class_id>")
@roles_required(*SCHOOL_LEADERS)
def class_answers(class_id: int):
    """A class's guardians are the guardians list filtered by class (and answer)."""
    school_class, status = class_or_404(class_id), status_asked()
    return redirect(url_for("admin.guardians", **{"class": school_class.id, "status": status}))


@bp.get("/admin/parents/answers/<int:class_id>.csv")
@roles_required(*SCHOOL_LEADERS)
def class_answers_csv(class_id: int):
    school_class, status = class_or_404(class_id), status_asked()
    return redirect(url_for("admin.guardians_csv", **{"class": school_class.id, "status": status}))
