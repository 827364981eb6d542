"""Classroom sign-in: the pupils' tablet pages (/class) and the teacher's board (/teach)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from portal.auth.access import public, roles_required
from portal.classroom import code_guesses, forms, service
from portal.classroom.board import STATUS_LINE, focus_after_unlock, live_context
from portal.classroom.models import ClassSession
from portal.classroom.pictures import PICTURES
from portal.classroom.pupil_auth import sign_in_pupil, sign_out_pupil
from portal.clock import utcnow
from portal.extensions import db
from portal.htmx import fragment, fragment_or_redirect, is_fragment_request
from portal.input_rules import without_control_characters
from portal.people.classes import class_or_403, class_roll
from portal.people.models import Pupil
from portal.people.names import short_names
from portal.people.roles import CLASS_STAFF
from portal.people.school_year import reads_aloud_by_default
from portal.qr import qr_svg
from portal.urls import external_url

bp = Blueprint("classroom", __name__)
CLASS_KEY = "class_session"  # the open class session this tablet signs pupils into
# The Key Stage of the last class that signed in on this tablet: the code page, which cannot
# know who comes next, reads itself aloud if that class's pupils have it on by default.
TABLET_STAGE_KEY = "tablet_stage"
# The field is shown empty again, so a child can type straight away; the message quotes the code.
WRONG_CODE = "{code} isn't open. Check the board, or ask your teacher."
NO_CODE = "Type the four numbers from the board."
TOO_MANY_CODES = "Too many wrong codes from here. Ask your teacher to let the tablets try again."
STATUS = {service.WRONG: 422, service.LOCKED: 423, service.NO_PICTURE: 409}


# The pupils' side: code, name, picture.


def pupil_page(
    template: str,
    class_session: ClassSession | None = None,
    status: int = 200,
    pupil: Pupil | None = None,
    **context,
):
    """A sign-in page, read aloud as the pupil's setting says, else as their class's default."""
    stage = class_session.school_class.key_stage if class_session else None
    read_aloud = (
        pupil.reads_aloud
        if pupil
        else reads_aloud_by_default(stage or session.get(TABLET_STAGE_KEY))
    )
    return render_template(
        template, stage=stage, pupil=pupil, read_aloud_always=read_aloud, **context
    ), status


def remember_class(class_session: ClassSession) -> None:
    session[CLASS_KEY] = class_session.id
    session[TABLET_STAGE_KEY] = class_session.school_class.key_stage


def address() -> str:
    return request.remote_addr or "unknown"


def tablet_session() -> ClassSession | None:
    return service.open_session(session.get(CLASS_KEY), utcnow())


def back_to_start():
    if session.pop(CLASS_KEY, None) is not None:
        flash("That class session has ended. Ask your teacher for the new code.", "info")
    return redirect(url_for("classroom.start"))


@bp.route("/class", methods=["GET", "POST"])
@public
def start():
    code = request.form.get("code") if request.method == "POST" else request.args.get("code")
    if code is None:
        return pupil_page("classroom/code.html")
    if not code.strip():
        return pupil_page("classroom/code.html", status=422, error=NO_CODE)
    try:
        class_session = code_guesses.session_for_code(code, address(), utcnow())
    except code_guesses.TooManyGuesses:
        return pupil_page("classroom/code.html", status=429, error=TOO_MANY_CODES)
    db.session.commit()
    if class_session is None:
        typed = without_control_characters(code.strip())[:8]
        return pupil_page("classroom/code.html", status=422, error=WRONG_CODE.format(code=typed))
    remember_class(class_session)
    return redirect(url_for("classroom.names"))


@bp.get("/class/names")
@public
def names():
    class_session = tablet_session()
    if class_session is None:
        return back_to_start()
    pupils = class_roll(class_session.class_id)
    return pupil_page(
        "classroom/names.html", class_session, pupils=pupils, names=short_names(pupils)
    )


@bp.get("/class/names/<int:pupil_id>")
@public
def pictures(pupil_id: int):
    class_session = tablet_session()
    if class_session is None:
        return back_to_start()
    try:
        pupil = service.pupil_at_the_door(class_session, pupil_id)
    except service.SignInProblem as problem:
        return problem_page(class_session, pupil_id, problem)
    return pupil_page(
        "classroom/pictures.html",
        class_session,
        pupil=pupil,
        pictures=PICTURES,
    )


@bp.post("/class/names/<int:pupil_id>")
@public
def choose(pupil_id: int):
    class_session, form = tablet_session(), forms.PictureForm()
    if class_session is None:
        return back_to_start()
    if not form.validate():
        abort(400)
    try:
        seat = service.choose_picture(class_session, pupil_id, form.picture.data, utcnow())
    except service.SignInProblem as problem:
        db.session.commit()  # a wrong try counts, even though the pupil is not signed in
        return problem_page(class_session, pupil_id, problem)
    sign_in_pupil(seat)
    remember_class(class_session)  # sign_in_pupil starts a fresh session: keep the class
    db.session.commit()
    return redirect(pupil_home_url())


def problem_page(class_session: ClassSession, pupil_id: int, problem: service.SignInProblem):
    if problem.kind == service.NOT_IN_CLASS:
        abort(404)
    if problem.kind == service.CLOSED:
        return back_to_start()
    if problem.kind == service.WRONG:
        pupil = db.session.get(Pupil, pupil_id)
        return pupil_page(
            "classroom/pictures.html",
            class_session,
            status=422,
            pupil=pupil,
            pictures=PICTURES,
            message=problem.message,
        )
    return pupil_page(
        "classroom/ask_teacher.html",
        class_session,
        status=STATUS[problem.kind],
        message=problem.message,
    )


def pupil_home_url() -> str:
    """The pupils' own page, once that blueprint is registered."""
    return url_for("pupil.home") if "pupil.home" in current_app.view_functions else "/me"


@bp.post("/class/sign-out")
@public
def sign_out():
    sign_out_pupil()
    return redirect(url_for("classroom.names"))


# The teacher's side: start, board, unlock, end.


def me():
    return current_user._get_current_object()


def session_for_me(session_id: int) -> ClassSession:
    class_session = db.get_or_404(ClassSession, session_id)
    class_or_403(class_session.class_id)
    return class_session


def day_ends_at():
    config = current_app.config
    return forms.parse_day_end(config.get("SCHOOL_DAY_ENDS", "15:30"), config.get("TIMEZONE"))


@bp.post("/teach/sessions")
@roles_required(*CLASS_STAFF)
def start_session():
    form = forms.StartSessionForm()
    if not form.validate():
        abort(400)
    school_class = class_or_403(form.class_id.data)
    try:
        class_session = service.start_session(school_class, me(), utcnow(), day_ends_at())
    except service.SessionProblem as problem:
        flash(str(problem), "error")
        return redirect(url_for("core.home"))
    db.session.commit()
    return redirect(url_for("classroom.board", session_id=class_session.id))


@bp.get("/teach/sessions/<int:session_id>")
@roles_required(*CLASS_STAFF)
def board(session_id: int):
    class_session = session_for_me(session_id)
    address = external_url("classroom.start")
    return render_template(
        "classroom/board.html",
        address=address,
        qr=qr_svg(f"{address}?code={class_session.code}"),
        **live_context(class_session),
    )


@bp.get("/teach/sessions/<int:session_id>/live")
@roles_required(*CLASS_STAFF)
def live(session_id: int):
    class_session = session_for_me(session_id)
    if not is_fragment_request():
        return redirect(url_for("classroom.board", session_id=session_id))
    context = live_context(class_session)
    if request.args.get("v") == context["version"]:
        return "", 204  # nothing changed: htmx keeps the list, screen readers stay quiet
    return fragment("classroom/_live_update.html", **context)


@bp.post("/teach/sessions/<int:session_id>/unlock/<int:pupil_id>")
@roles_required(*CLASS_STAFF)
def unlock(session_id: int, pupil_id: int):
    class_session = session_for_me(session_id)
    try:
        pupil = service.unlock(class_session, pupil_id)
    except service.SignInProblem:
        abort(404)
    db.session.commit()
    context = live_context(class_session)
    return fragment_or_redirect(
        "classroom/_live_update.html",
        url_for("classroom.board", session_id=session_id, **context["progress_args"]),
        f"{pupil.display_name} can try their picture again.",
        focus_after_swap=focus_after_unlock(context, pupil_id),
        **context,
    )


@bp.post("/teach/sessions/<int:session_id>/let-tablets-try-again")
@roles_required(*CLASS_STAFF)
def let_tablets_try_again(session_id: int):
    class_session = session_for_me(session_id)
    if code_guesses.let_try_again(class_session, address(), utcnow()):
        db.session.commit()
        note, category = "Tablets here can try the class code again.", "success"
    else:
        note, category = "This class session has ended: start a new one for the tablets.", "error"
    context = live_context(class_session)
    return fragment_or_redirect(
        "classroom/_live_update.html",
        url_for("classroom.board", session_id=session_id, **context["progress_args"]),
        note,
        category,
        focus_after_swap=STATUS_LINE,
        **context,
    )


@bp.post("/teach/sessions/<int:session_id>/end")
@roles_required(*CLASS_STAFF)
def end(session_id: int):
    class_session = session_for_me(session_id)
    service.end_session(class_session, utcnow())
    db.session.commit()
    flash("The class session has ended. Pupils on the tablets are signed out.", "success")
    return redirect(url_for("classroom.board", session_id=session_id))
