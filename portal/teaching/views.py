"""The teacher's class pages: the class at a glance, pupils' settings, reading the AUP together."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.auth.access import roles_required
from portal.clock import school_today
from portal.extensions import db
from portal.htmx import fragment_or_redirect
from portal.input_rules import database_int
from portal.people.classes import class_or_403, sees_every_class, visible_classes
from portal.people.models import Staff
from portal.people.roles import CLASS_STAFF
from portal.people.school_year import KEY_STAGE_NAMES
from portal.policies.formats import parse_aup
from portal.policies.posters import poster_key_for_class
from portal.pupils.progress import school_year_of
from portal.teaching import service
from portal.teaching.lines import pupil_lines
from portal.teaching.stats import question_stats

bp = Blueprint("teaching", __name__, url_prefix="/teach")


@bp.context_processor
def teaching_helpers() -> dict:
    return {
        "key_stage_names": KEY_STAGE_NAMES,
        "parse_aup": parse_aup,
        "poster_key_for_class": poster_key_for_class,
    }


def me() -> Staff:
    """The signed-in person as a row of this session (already loaded, so no query)."""
    return db.session.get(Staff, current_user.id)


def recorded_note(recorded: int, due: int, ticked: int) -> tuple[str, str]:
    """The flash after a class acknowledgement, and its category."""
    if not ticked:
        return "Nobody was ticked, so nothing was recorded.", "info"
    if not recorded:
        return "Everyone ticked had already acknowledged it; nothing new was recorded.", "info"
    return f"Recorded for {recorded} of {due} pupil{'' if due == 1 else 's'}.", "success"


@bp.get("/classes/")
@roles_required(*CLASS_STAFF)
def classes():
    staff = me()
    return render_template(
        "teaching/classes.html",
        every=sees_every_class(staff),
        summaries=service.class_summaries(visible_classes(staff), school_today()),
    )


@bp.get("/classes/<int:class_id>")
@roles_required(*CLASS_STAFF)
def class_view(class_id: int):
    school_class = class_or_403(class_id)
    overview = service.class_overview(school_class, school_today())
    stats = (
        question_stats(
            school_class, overview.quiz, school_year_of(school_today()), len(overview.rows)
        )
        if overview.quiz
        else None
    )
    return render_template(
        "teaching/class.html",
        overview=overview,
        lines=pupil_lines(overview.rows, school_class),
        stats=stats,
        school_class=school_class,
    )


@bp.post("/classes/<int:class_id>/pupils/<int:pupil_id>/accommodations")
@roles_required(*CLASS_STAFF)
def accommodations(class_id: int, pupil_id: int):
    school_class = class_or_403(class_id)
    pupil = service.pupil_on_roll(school_class, pupil_id) or abort(404)
    service.set_accommodations(
        pupil, "always_read_aloud" in request.form, "two_choices" in request.form
    )
    db.session.commit()
    return fragment_or_redirect(
        "teaching/_pupil_rows.html",
        url_for("teaching.class_view", class_id=class_id, _anchor=f"pupil-{pupil.id}"),
        f"Saved the quiz settings for {pupil.full_name}.",
        focus_after_swap=f"#saved-{pupil.id}",
        lines=pupil_lines([service.pupil_row(pupil, school_today())], school_class),
    )


@bp.get("/classes/<int:class_id>/aup")
@roles_required(*CLASS_STAFF)
def read_aup(class_id: int):
    school_class = class_or_403(class_id)
    return render_template(
        "teaching/read_aup.html",
        school_class=school_class,
        together=service.read_together(school_class, school_today()),
    )


@bp.post("/classes/<int:class_id>/aup")
@roles_required(*CLASS_STAFF)
def record_aup(class_id: int):
    school_class, today = class_or_403(class_id), school_today()
    due, present = (
        service.read_together(school_class, today).due,
        request.form.getlist("pupil", type=database_int),
    )
    try:
        recorded = service.record_class_acknowledgement(school_class, present, me(), today)
    except service.TeachingProblem as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for("teaching.read_aup", class_id=class_id))
    db.session.commit()
    flash(*recorded_note(recorded, len(due), len(present)))
    return redirect(url_for("teaching.class_view", class_id=class_id))
