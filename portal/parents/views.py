"""The parents' campaign page for leaders, and the parent's own page behind a personal link."""

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal.auth.access import public, roles_required
from portal.clock import utcnow
from portal.extensions import db
from portal.parents import campaign as campaigns
from portal.parents import guide_change, letters, service
from portal.parents.forms import (
    ANSWERS,
    AskAgainForm,
    ParentAnswerForm,
    RecordAnswerForm,
    StartCampaignForm,
)
from portal.people.roles import ADMIN, HEAD_TEACHER, SCHOOL_LEADERS
from portal.people.school_year import academic_year
from portal.qr import qr_svg
from portal.urls import external_url

bp = Blueprint("parents", __name__)

REFUSED_STATUS = {
    service.INVALID: 400,
    service.EXPIRED: 410,
    service.CLOSED: 410,
    service.OFF_ROLL: 403,
}
SAVED = {
    service.RECORDED: "Thank you. Your answer is saved.",
    service.CHANGED: "Thank you. Your answer has been changed.",
    service.UNCHANGED: "You had already given this answer, so nothing has changed.",
}
RECORDED_FOR = {
    service.RECORDED: "The answer is recorded.",
    service.CHANGED: "The answer has been changed; the one before is kept in its history.",
    service.UNCHANGED: "That answer was already recorded, so nothing has changed.",
}


@bp.after_request
def no_referrer(response):
    """A personal link is a key: no page it opens passes it on in a Referer header."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def mail_settings() -> campaigns.MailSettings:
    config = current_app.config
    return campaigns.MailSettings(
        config["SECRET_KEY"], config["SCHOOL_NAME"], config["OFFICE_EMAIL"], config["OFFICE_PHONE"]
    )


def open_link(token: str) -> service.OpenedLink:
    config = current_app.config
    return service.open_link(token, config["SECRET_KEY"], config["PARENT_LINK_DAYS"], date.today())


@bp.errorhandler(service.LinkRefused)
def link_refused(refused: service.LinkRefused):
    page = render_template("parents/refused.html", reason=refused.reason)
    return page, REFUSED_STATUS[refused.reason]


@bp.route("/admin/parents/", methods=["GET", "POST"])
@roles_required(HEAD_TEACHER, ADMIN)
def campaign():
    today = date.today()
    year, version = academic_year(today), campaigns.guide_version(today)
    running = campaigns.campaign_for(year)
    config = current_app.config
    form = StartCampaignForm(
        closes_on=campaigns.default_closing_day(
            today, config["AUTUMN_TERM_ENDS"], config["PARENT_CAMPAIGN_WEEKS"]
        )
    )
    if version is not None and form.validate_on_submit():
        try:
            started = campaigns.start_campaign(
                year, version, current_user, form.closes_on.data, mail_settings(), today
            )
        except campaigns.CampaignProblem as problem:
            form.closes_on.errors.append(str(problem))
        else:
            db.session.commit()
            done = "has started" if started else "had already started: nothing more was sent"
            flash(f"The parents' acknowledgement for {year.label} {done}.", "success")
            return redirect(url_for("parents.campaign"))
    return render_template(
        "parents/campaign.html",
        form=form,
        year=year,
        version=version,
        running=running,
        totals=campaigns.campaign_totals(running) if running else None,
        roll=None if running else campaigns.guardians_on_roll(),
        newer=guide_change.newer_guide(running, today) if running else None,
        ask_again_form=AskAgainForm(),
    ), 422 if form.errors else 200


@bp.post("/admin/parents/ask-again")
@roles_required(HEAD_TEACHER, ADMIN)
def ask_again():
    """Move the open campaign to the guide's new version and ask every guardian again."""
    today = date.today()
    running = campaigns.campaign_for(academic_year(today))
    newer = guide_change.newer_guide(running, today) if running else None
    form = AskAgainForm()
    emailed = None
    if newer is not None and form.validate_on_submit() and form.version_id.data == newer.id:
        emailed = guide_change.ask_again(running, newer, mail_settings(), today)
        db.session.commit()
    if emailed is None:
        flash("Nothing was changed: the page was out of date. Here it is as it is now.", "info")
    else:
        flash(
            f"Parents and carers are now asked about the guide's {newer.label}; "
            f"{emailed} were emailed.",
            "success",
        )
    return redirect(url_for("parents.campaign"), 303)


@bp.route("/parents/<token>", methods=["GET", "POST"])
@public
def answer(token: str):
    opened = open_link(token)
    form = ParentAnswerForm()
    if form.validate_on_submit():
        outcome = service.record_answer(opened.invite, *form.answer(), mail_settings())
        db.session.commit()
        flash(SAVED[outcome], "success")
        return redirect(url_for("parents.answer", token=token))
    current = service.current_answer(opened.invite)
    return render_template(
        "parents/answer.html",
        form=form,
        token=token,
        invite=opened.invite,
        children=opened.children,
        current=current,
        earlier=None if current else guide_change.earlier_answer(opened.invite),
    ), 422 if form.errors else 200


@bp.get("/parents/<token>/guide")
@public
def guide(token: str):
    opened = open_link(token)
    return render_template("parents/guide.html", token=token, invite=opened.invite)


@bp.post("/parents/<token>/new-link")
@public
def new_link(token: str):
    try:
        invite = open_link(token).invite
    except service.LinkRefused as refused:
        if refused.reason != service.EXPIRED:
            raise
        invite = refused.invite
    per_day = current_app.config["PARENT_NEW_LINKS_PER_DAY"]
    service.send_new_link(invite, per_day, mail_settings())
    db.session.commit()
    # The same words whether or not it was sent: the page never reveals an address.
    return render_template("parents/new_link.html")


# The paper route: letters for families without email, and answers the office records.


def printed_letter(row: letters.GuardianRow) -> dict:
    """What one printed letter needs: the guardian, their children and their short link."""
    short_link = external_url("parents.letter_link", code=letters.shown(letters.letter_code(row)))
    return {"row": row, "short_link": short_link, "qr": qr_svg(short_link)}


@bp.get("/admin/parents/letters", endpoint="letters")
@roles_required(*SCHOOL_LEADERS)
def letters_page():
    running = letters.open_campaign(date.today())
    rows = letters.guardian_rows(running) if running else []
    return render_template("parents/letters.html", running=running, rows=rows, answers=ANSWERS)


@bp.get("/admin/parents/letters/print")
@roles_required(*SCHOOL_LEADERS)
def all_letters():
    running = letters.open_campaign(date.today())
    if running is None:
        return redirect(url_for("parents.letters"))
    printed = [printed_letter(row) for row in letters.guardian_rows(running)]
    db.session.commit()
    return render_template(
        "parents/letters_print.html", running=running, letters=printed, today=date.today()
    )


@bp.get("/admin/parents/guardians/<int:guardian_id>/letter", endpoint="letter")
@roles_required(*SCHOOL_LEADERS)
def letter_page(guardian_id: int):
    running = letters.open_campaign(date.today())
    row = letters.guardian_row(running, guardian_id) or abort(404)
    printed = printed_letter(row)
    db.session.commit()
    return render_template(
        "parents/letters_print.html", running=running, letters=[printed], today=date.today()
    )


@bp.get("/p/<code>")
@public
def letter_link(code: str):
    config = current_app.config
    try:
        token = letters.token_for_code(
            code, request.remote_addr or "unknown", config["SECRET_KEY"], date.today(), utcnow()
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
    running = letters.open_campaign(date.today())
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
