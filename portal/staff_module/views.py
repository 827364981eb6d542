"""The staff module pages: read, check, acknowledge, certificate; and the public check of a code."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.auth.access import public, roles_required
from portal.clock import school_today
from portal.extensions import db
from portal.htmx import page_or_fragment
from portal.people.roles import ADMIN, HEAD_TEACHER, OVERSIGHT, SCHOOL_LEADERS, STAFF, TEACHER
from portal.quiz.catalogue import get_quiz
from portal.quiz.grading import InvalidAnswers
from portal.quiz.models import QuizAttempt
from portal.staff_module import reminders, service
from portal.staff_module.forms import AcknowledgeForm, VerifyForm
from portal.staff_module.status import (
    CHECK_QUIZ_ID,
    check_for_year,
    guideline_cards,
    module_status,
    settings,
)

bp = Blueprint("module", __name__)
TAKERS = (*SCHOOL_LEADERS, TEACHER, STAFF)  # governors see the totals; they do not take it


def my_status():
    return module_status(current_user._get_current_object(), school_today(), settings())


STEP_ENDPOINTS = {
    "read": "module.read",
    "check": "module.check",
    "acknowledge": "module.acknowledge",
    "done": "module.certificate",
}


def step_url(status) -> str:
    if status.step == "read":
        next_card = min(
            (status.progress.cards_read if status.progress else 0) + 1, status.cards_total
        )
        return url_for("module.read", card=next_card)
    return url_for(STEP_ENDPOINTS[status.step])


@bp.get("/module/")
@roles_required(*TAKERS)
def resume():
    return redirect(step_url(my_status()))


@bp.get("/module/read/<int:card>")
@roles_required(*TAKERS)
def read(card: int):
    status = my_status()
    intro, cards = guideline_cards(status.version)
    if not 1 <= card <= len(cards):
        abort(404)
    return page_or_fragment(
        "staff_module/read.html",
        "staff_module/_card.html",
        status=status,
        intro=intro,
        cards=cards,
        card=card,
    )


@bp.post("/module/read/<int:card>")
@roles_required(*TAKERS)
def mark_read(card: int):
    status = my_status()
    try:
        service.mark_card_read(status, card)
    except service.ModuleProblem:
        abort(404)
    db.session.commit()
    if card < status.cards_total:
        return redirect(url_for("module.read", card=card + 1))
    flash("You have read all the guidelines. Next, the check.", "success")
    return redirect(url_for("module.check"))


@bp.get("/module/check")
@roles_required(*TAKERS)
def check():
    status = my_status()
    if not status.read:
        return redirect(step_url(status))
    return render_template(
        "staff_module/check_intro.html", status=status, quiz=check_for_year(status.year.start_year)
    )


@bp.post("/module/check/start")
@roles_required(*TAKERS)
def start_check():
    try:
        attempt = service.open_attempt(my_status(), get_quiz(CHECK_QUIZ_ID))
    except service.ModuleProblem as problem:
        flash(str(problem), "error")
        return redirect(url_for("module.resume"))
    db.session.commit()
    return redirect(url_for("module.attempt", attempt_id=attempt.id))


def my_attempt(attempt_id: int) -> QuizAttempt:
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.staff_id != current_user.id:
        abort(404)  # someone else's attempt is not theirs to see, nor to know exists
    return attempt


@bp.route("/module/check/<int:attempt_id>", methods=["GET", "POST"])
@roles_required(*TAKERS)
def attempt(attempt_id: int):
    attempt = my_attempt(attempt_id)
    quiz = check_for_year(attempt.academic_year)  # the ten drawn for the attempt's year
    if attempt.finished_at is not None:  # already submitted: a double click lands here
        return redirect(url_for("module.result", attempt_id=attempt.id))
    answers = {key: value for key, value in request.form.items() if key != "csrf_token"}
    missing = [q.id for q in quiz.questions if q.id not in answers]
    if request.method == "GET" or missing:
        return render_template(
            "staff_module/check.html",
            quiz=quiz,
            attempt=attempt,
            answers=answers,
            missing=missing if request.method == "POST" else [],
        ), 422 if request.method == "POST" else 200
    try:
        service.submit_attempt(attempt, quiz, answers)
    except InvalidAnswers as invalid:
        abort(400, str(invalid))
    except service.ModuleProblem as problem:
        flash(str(problem), "error")
        return redirect(url_for("module.check"))
    db.session.commit()
    return redirect(url_for("module.result", attempt_id=attempt.id))


@bp.get("/module/check/<int:attempt_id>/result")
@roles_required(*TAKERS)
def result(attempt_id: int):
    attempt, bank = my_attempt(attempt_id), get_quiz(CHECK_QUIZ_ID)
    # Only the current file's text is kept: an attempt at an earlier revision has no result page.
    asked = attempt.quiz_revision == bank.revision and service.asked_in(attempt, bank)
    if attempt.finished_at is None or not asked:
        return redirect(url_for("module.check"))
    return render_template(
        "staff_module/result.html",
        attempt=attempt,
        quiz=asked,
        result=service.stored_result(attempt, asked),
    )


@bp.route("/module/acknowledge", methods=["GET", "POST"])
@roles_required(*TAKERS)
def acknowledge():
    status = my_status()
    form = AcknowledgeForm(version_id=status.version.id, policy_version_id=status.policy_version.id)
    if status.passed_attempt is None and request.method == "GET":
        return redirect(step_url(status))
    if form.validate_on_submit():
        try:
            service.acknowledge(
                status,
                form.version_id.data,
                form.typed_name.data,
                school_today(),
                form.policy_version_id.data,
            )
        except service.ModuleProblem as problem:
            db.session.rollback()
            form.typed_name.errors.append(str(problem))
        else:
            db.session.commit()
            return redirect(url_for("module.certificate"))
    return render_template(
        "staff_module/acknowledge.html", form=form, status=status
    ), 422 if form.errors else 200


@bp.get("/module/certificate")
@roles_required(*TAKERS)
def certificate():
    status = my_status()
    if status.certificate is None:
        return redirect(step_url(status))
    return render_template(
        "staff_module/certificate.html",
        certificate=status.certificate,
        status=status,
        policy_version=service.policy_version_acknowledged(status.certificate),
    )


@bp.get("/certificates/verify")
@public
def verify():
    form = VerifyForm(formdata=request.args)
    found = service.find_certificate(form.code.data) if form.validate() else None
    status = 200 if found or not request.args else 404
    return render_template(
        "staff_module/verify.html",
        form=form,
        certificate=found,
        policy_version=service.policy_version_acknowledged(found) if found else None,
        searched=bool(request.args),
    ), status


@bp.get("/module/staff")
@roles_required(*OVERSIGHT)
def completion():
    """Where completion used to be: the admin view's list (governors see its totals)."""
    return redirect(url_for("admin.module"))


@bp.post("/module/reminders")
@roles_required(ADMIN, HEAD_TEACHER)
def send_reminders():
    config = current_app.config
    queued, skipped = reminders.send_reminders(
        school_today(), settings(), config["REMINDER_INTERVAL_DAYS"], config["SCHOOL_NAME"]
    )
    db.session.commit()
    recent = (
        f" {skipped} reminded in the last {config['REMINDER_INTERVAL_DAYS']} days were left alone."
        if skipped
        else ""
    )
    flash(f"Queued {queued} reminder email{'s' if queued != 1 else ''}.{recent}", "success")
    return redirect(url_for("admin.module"))
