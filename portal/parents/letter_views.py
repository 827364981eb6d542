"""The paper route: letters for families without email, their short links, and answers the
office records on a guardian's behalf (routes on the parents' blueprint). The list of who
gets a letter is a drill-down list (portal/admin/letter_list_views.py)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.auth.access import public, roles_required
from portal.clock import school_today, utcnow
from portal.extensions import db
from portal.parents import letters, service
from portal.parents.forms import ANSWERS, RecordAnswerForm
from portal.parents.views import bp, mail_settings
from portal.people.roles import SCHOOL_LEADERS
from portal.qr import qr_svg
from portal.urls import external_url

RECORDED_FOR = {
    service.RECORDED: "The answer is recorded.",
    service.CHANGED: "The answer has been changed; the one before is kept in its history.",
    service.UNCHANGED: "That answer was already recorded, so nothing has changed.",
}


def printed_letter(row: letters.GuardianRow) -> dict:
    """What one printed letter needs: the guardian, their children and their short link."""
    short_link = external_url("parents.letter_link", code=letters.shown(letters.letter_code(row)))
    return {"row": row, "short_link": short_link, "qr": qr_svg(short_link)}


@bp.get("/admin/parents/letters/print")
@roles_required(*SCHOOL_LEADERS)
def all_letters():
    running = letters.open_campaign(school_today())
    if running is None:
        return redirect(url_for("admin.letters"))
    printed = [printed_letter(row) for row in letters.guardian_rows(running)]
    db.session.commit()
    return render_template(
        "parents/letters_print.html", running=running, letters=printed, today=school_today()
    )


@bp.get("/admin/parents/guardians/<int:guardian_id>/letter", endpoint="letter")
@roles_required(*SCHOOL_LEADERS)
def letter_page(guardian_id: int):
    running = letters.open_campaign(school_today())
    row = letters.guardian_row(running, guardian_id) or abort(404)
    printed = printed_letter(row)
    db.session.commit()
    return render_template(
        "parents/letters_print.html", running=running, letters=[printed], today=school_today()
    )


@bp.get("/p/<code>")
@public
def letter_link(code: str):
    config = current_app.config
    try:
        token = letters.token_for_code(
            code, request.remote_addr or "unknown", config["SECRET_KEY"], school_today(), utcnow()
        )
    except letters.TooManyGuesses:
        page = render_template(
            "parents/refused.html", reason="too_many", minutes=letters.WINDOW_MINUTES
        )
        return page, 429
    finally:
        db.session.commit()  # the count stands, whatever the code opened
    return redirect(url_for("parents.answer", token=token), 303)


@bp.route("/admin/parents/guardians/<int:guardian_id>/answer", methods=["GET", "POST"])
@roles_required(*SCHOOL_LEADERS)
def record_for(guardian_id: int):
    running = letters.open_campaign(school_today())
    row = letters.guardian_row(running, guardian_id) or abort(404)
    form = RecordAnswerForm()
    if form.validate_on_submit():
        outcome = service.record_answer(
            letters.invite(row.invite_id),
            *form.answer(),
            mail_settings(),
            method=form.method.data,
            recorded_by_id=current_user.id,
        )
        db.session.commit()
        flash(RECORDED_FOR[outcome], "success")
        return redirect(url_for("parents.record_for", guardian_id=guardian_id))
    return render_template(
        "parents/record_for.html",
        form=form,
        row=row,
        running=running,
        given=letters.answers_given(row, running),
        answers=ANSWERS,
    ), 422 if form.errors else 200
