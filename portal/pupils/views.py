"""The pupil's screens: their Key Stage's AUP, then the quiz, one question at a time.

Who the pupil is comes only from the classroom sign-in (the Flask session); no URL names a
pupil or an attempt, so nobody can look at another pupil's answers by changing an address.
Every answer works with htmx (the question region swaps to its feedback) and without it
(a plain form post, then a redirect to the feedback page).
"""

from flask import Blueprint, abort, redirect, url_for

from portal.auth.access import pupil_required
from portal.classroom.pupil_auth import current_pupil
from portal.clock import school_today
from portal.extensions import db
from portal.htmx import client_redirect, is_htmx_request, page_or_fragment
from portal.people.models import Pupil
from portal.policies.formats import parse_aup
from portal.policies.models import PolicyVersion
from portal.pupils import service
from portal.pupils.forms import AgreeForm, AnswerForm
from portal.pupils.progress import aup_due, aup_to_show
from portal.quiz.grading import InvalidAnswers

bp = Blueprint("pupil", __name__)
QUIZ_PAGE = "pupils/quiz.html"


def me() -> Pupil:
    return current_pupil()


def screen_context() -> dict:
    """What every pupil screen shows of the pupil."""
    pupil = me()
    return {
        "stage": service.key_stage_of(pupil),
        "pupil": pupil,
        "read_aloud_always": pupil.reads_aloud,
    }


def screen(
    page: str,
    fragment: str | None = None,
    http_status: int = 200,
    shown: dict | None = None,
    **context,
):
    """Render a pupil's screen (or, for htmx, its fragment) in their Key Stage's layout.

    ``shown`` is screen_context() read before a commit, which would make it a query again.
    """
    context.update(shown or screen_context(), region=fragment)
    return page_or_fragment(page, fragment or page, http_status, **context)


def go(endpoint: str, **values):
    """Redirect; htmx is told to load the whole page instead of swapping it into the region."""
    url = url_for(endpoint, **values)
    return client_redirect(url, 200) if is_htmx_request() else redirect(url, 303)


def my_quiz_state():
    """The pupil's quiz, and where they stand in it this school year: (quiz, state, attempt,
    the answers of an unfinished attempt)."""
    quiz = service.my_quiz(me())
    if quiz is None:
        return None, service.START, None, {}
    return (quiz, *service.quiz_state(me(), quiz, school_today()))


def my_attempt():
    """The pupil's quiz and their attempt at it as the file is now (finished or not), or None."""
    quiz = service.my_quiz(me())
    return quiz, service.current_attempt(me(), quiz, school_today()) if quiz else None


def problem(http_status: int, message: str):
    return screen(QUIZ_PAGE, "pupils/_problem.html", http_status, message=message)


@bp.get("/me")
@pupil_required
def home():
    pupil = me()
    if aup_due(pupil, school_today()):
        return redirect(url_for("pupil.aup"))
    quiz, state, _, answered = my_quiz_state()
    if state == service.DONE:
        return redirect(url_for("pupil.done"))
    return screen("pupils/home.html", quiz=quiz, state=state, answered=answered)


def aup_screen(form: AgreeForm | None = None, http_status: int = 200, message: str = ""):
    version = aup_to_show(service.key_stage_of(me()), school_today())
    if version is None:  # none in force that can be shown: nothing to agree to yet
        return redirect(url_for("pupil.home"))
    form = form or AgreeForm(formdata=None, version_id=version.id)
    form.version_id.data = version.id
    return screen(
        "pupils/aup.html",
        http_status=http_status,
        version=version,
        form=form,
        text=parse_aup(version.body),
        message=message,
    )


@bp.get("/me/aup")
@pupil_required
def aup():
    return aup_screen()


@bp.post("/me/aup")
@pupil_required
def agree():
    form = AgreeForm()
    if not form.validate_on_submit():
        abort(400)
    version = db.session.get(PolicyVersion, form.version_id.data)
    try:
        service.agree_to_aup(me(), version, school_today())
    except service.AupRefused:
        return aup_screen(
            None,
            409,
            "Our safety promises have changed a little. Have another look, then tap “I agree”.",
        )
    db.session.commit()
    return redirect(url_for("pupil.home"), 303)


@bp.post("/me/start")
@pupil_required
def start():
    pupil = me()
    quiz = service.my_quiz(pupil)
    if quiz is None or aup_due(pupil, school_today()):
        return go("pupil.home")
    service.open_attempt(pupil, quiz, school_today())
    db.session.commit()
    return go("pupil.question")


def question_screen(attempt, quiz, question, answered):
    return screen(
        QUIZ_PAGE,
        "pupils/_question.html",
        quiz=quiz,
        question=question,
        number=quiz.questions.index(question) + 1,
        answered=answered,
        choices=service.offered_choices(question, attempt, me()),
    )


@bp.get("/me/quiz")
@pupil_required
def question():
    quiz, state, attempt, answered = my_quiz_state()  # answered: the next question, the dots
    if state == service.START:
        return go("pupil.home")
    if state == service.DONE:
        return go("pupil.done")
    question = service.next_question(answered, quiz)
    if question is None:
        return go("pupil.done")
    return question_screen(attempt, quiz, question, answered)


def feedback_screen(quiz, stored, answered, finished: bool, shown: dict | None = None):
    feedback = service.feedback_for(quiz, stored)
    if feedback is None:
        return go("pupil.question")
    return screen(
        QUIZ_PAGE,
        "pupils/_feedback.html",
        shown=shown,
        quiz=quiz,
        feedback=feedback,
        number=quiz.questions.index(feedback.question) + 1,
        answered=answered,
        finished=finished,
    )


@bp.post("/me/quiz/<question_id>")
@pupil_required
def answer(question_id: str):
    quiz, attempt = my_attempt()
    if attempt is None:
        return go("pupil.home")
    form = AnswerForm()
    if not form.validate_on_submit():
        return problem(422, "Tap one of the answers on the screen.")
    try:
        stored = service.answer(attempt, quiz, question_id, form.choice.data, me())
    except service.QuizRefused:
        return problem(404, "That question is not in your quiz.")
    except InvalidAnswers:
        return problem(422, "That answer is not one of the answers on the screen.")
    shown = screen_context()
    db.session.commit()
    return answered(quiz, stored, shown)


def answered(quiz, stored: service.Answered, shown: dict):
    """htmx: the feedback fragment, the address staying /me/quiz, so a reload at any point
    resumes at the next unanswered question; without htmx: redirect-after-post."""
    if is_htmx_request():
        return feedback_screen(quiz, stored, stored.answered, stored.finished, shown)
    return redirect(url_for("pupil.feedback", question_id=stored.question_id), 303)


@bp.get("/me/quiz/<question_id>/feedback")
@pupil_required
def feedback(question_id: str):
    quiz, attempt = my_attempt()
    if attempt is None:
        return go("pupil.home")
    if quiz.question(question_id) is None:
        return problem(404, "That question is not in your quiz.")
    answers = service.answers_of(attempt)
    if question_id not in answers:
        return go("pupil.question")
    return feedback_screen(quiz, answers[question_id], answers, attempt.finished_at is not None)


@bp.get("/me/quiz/done")
@pupil_required
def done():
    quiz, state, attempt, _ = my_quiz_state()
    if state != service.DONE:
        return go("pupil.question" if state == service.RESUME else "pupil.home")
    count = service.stars(attempt.score or 0, attempt.total)
    return screen("pupils/done.html", quiz=quiz, stars=count, cheer=service.CHEERS[count])
