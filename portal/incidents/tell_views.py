"""A pupil tells a trusted adult, from a button on every pupil screen: three taps on pictures,
their own words if they want, then Send. Plain forms, so it works without JavaScript; each step
posts the taps so far back to the server, which checks them all again."""

import uuid

from flask import Blueprint, redirect, render_template, request, url_for

from portal.auth.access import pupil_required
from portal.classroom.pupil_auth import current_pupil
from portal.extensions import db
from portal.incidents import telling
from portal.incidents.tell_forms import NOT_ON_THE_SCREEN, TellForm
from portal.pupils.service import key_stage_of

bp = Blueprint("tell", __name__, url_prefix="/me/tell")
START_AGAIN = "Something went wrong. Let\u2019s start again."


@bp.app_context_processor
def pupil_report_words():
    """How the log names a pupil's feeling and who they want to know."""
    return {"pupil_feelings": telling.FEELINGS_FOR_STAFF, "pupil_told": telling.WHO_FOR_STAFF}


def screen(template: str, http_status: int = 200, **context):
    """A pupil's screen in their Key Stage's layout (pupil_base.html)."""
    pupil = current_pupil()
    return render_template(
        template,
        stage=key_stage_of(pupil),
        pupil=pupil,
        read_aloud_always=pupil.reads_aloud,
        may_hide_name=telling.may_hide_name(pupil),
        **context,
    ), http_status


def step_screen(form: TellForm):
    """The next picture step, or the words and Send once all three are tapped."""
    chosen = form.chosen()
    step = telling.next_step(chosen)
    if step is None:
        return words_screen(form)
    return screen("tell/step.html", form=form, step=step, chosen=chosen)


def words_screen(form: TellForm, http_status: int = 200):
    chosen = form.chosen()
    pictures = telling.chosen_pictures(chosen)
    return screen("tell/words.html", http_status, form=form, chosen=chosen, pictures=pictures)


def problem(form: TellForm):
    """A forged or damaged step: nothing is kept, and the pupil is asked to start again."""
    picked_wrong = any(form[step.field].errors for step in telling.STEPS)
    return screen(
        "tell/problem.html", 422, message=NOT_ON_THE_SCREEN if picked_wrong else START_AGAIN
    )


@bp.get("")
@pupil_required
def start():
    return step_screen(TellForm(formdata=None, submission_key=str(uuid.uuid4())))


@bp.post("")
@pupil_required
def choose():
    form = TellForm()
    return step_screen(form) if form.validate_on_submit() else problem(form)


@bp.post("/send")
@pupil_required
def send():
    form = TellForm()
    valid = form.validate_on_submit()
    if form.words.errors and not form.errors.keys() - {"words"}:
        return words_screen(form, 422)
    if not valid or telling.next_step(form.chosen()) is not None:
        return problem(form)
    incident = telling.tell_a_trusted_adult(
        current_pupil(),
        form.chosen(),
        form.words.data or "",
        form.hide_name.data,
        form.submission_key.data,
    )
    db.session.commit()
    unnamed = incident.reported_by_pupil_id is None
    return redirect(url_for("tell.thanks", **({"name": "hidden"} if unnamed else {})), 303)


@bp.get("/thanks")
@pupil_required
def thanks():
    return screen("tell/thanks.html", name_hidden=request.args.get("name") == "hidden")
