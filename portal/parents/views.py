"""The parents' campaign page for leaders, and the parent's own page behind a personal link.

Who has answered (answer_views.py) and the paper route (letter_views.py) add their routes to
this blueprint.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user

from portal.auth.access import public, roles_required
from portal.clock import school_today, utcnow
from portal.config import reminder_days
from portal.extensions import db
from portal.parents import answers, guide_change, reminders, service
from portal.parents import campaign as campaigns
from portal.parents.forms import (
    AskAgainForm,
    ParentAnswerForm,
    ResendLinkForm,
    StartCampaignForm,
)
from portal.people.models import Guardian
from portal.people.roles import ADMIN, HEAD_TEACHER, SCHOOL_LEADERS
from portal.people.school_year import academic_year
from portal.policies.formats import parse_aup

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

RESEND_SAID = {
    reminders.SENT: ("A new link was sent to {name}'s email address.", "success"),
    reminders.JUST_SENT: (
        "A link was sent to {name}'s email address in the last few minutes, so no other was sent.",
        "info",
    ),
    reminders.NO_CAMPAIGN: (
        "No link was sent: the parents' acknowledgement is not open.",
        "error",
    ),
    reminders.OFF_ROLL: (
        "No link was sent: {name} is no longer a guardian of a pupil on the roll.",
        "error",
    ),
    reminders.NO_EMAIL: (
        "No link was sent: the school has no email address for {name}.",
        "error",
    ),
    reminders.ANSWERED: (
        "No link was sent: {name} has already answered. Their answer is on their record.",
        "info",
    ),
}


@bp.after_request
def no_referrer(response):
    """A personal link is a key: no page it opens passes it on in a Referer header."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def mail_settings() -> campaigns.MailSettings:
    return campaigns.MailSettings.from_config(current_app.config)


def open_link(token: str) -> service.OpenedLink:
    config = current_app.config
    return service.open_link(
        token, config["SECRET_KEY"], config["PARENT_LINK_DAYS"], school_today()
    )


@bp.errorhandler(service.LinkRefused)
def link_refused(refused: service.LinkRefused):
    page = render_template("parents/refused.html", reason=refused.reason)
    return page, REFUSED_STATUS[refused.reason]


@bp.route("/admin/parents/", methods=["GET", "POST"])
@roles_required(HEAD_TEACHER, ADMIN)
def campaign():
    today = school_today()
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
        totals=answers.campaign_totals(running) if running else None,
        roll=None if running else campaigns.guardians_on_roll(),
        newer=guide_change.newer_guide(running, today) if running else None,
        ask_again_form=AskAgainForm(),
        reminder_days=reminder_days(config["PARENT_REMINDER_DAYS"]),
    ), 422 if form.errors else 200


@bp.post("/admin/parents/ask-again")
@roles_required(HEAD_TEACHER, ADMIN)
def ask_again():
    """Move the open campaign to the guide's new version and ask every guardian again."""
    today = school_today()
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


@bp.post("/admin/parents/guardians/<int:guardian_id>/resend")
@roles_required(*SCHOOL_LEADERS)
def resend_link(guardian_id: int):
    guardian = db.get_or_404(Guardian, guardian_id)
    form = ResendLinkForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = reminders.resend_link(guardian, school_today(), utcnow(), mail_settings())
    db.session.commit()
    message, category = RESEND_SAID[outcome]
    flash(message.format(name=guardian.full_name), category)
    return redirect(form.next.data or url_for("parents.campaign"), 303)


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
    young, early_aup = service.read_at_home(opened.children, school_today())
    return render_template(
        "parents/answer.html",
        form=form,
        token=token,
        invite=opened.invite,
        children=opened.children,
        young=young,
        early_aup=early_aup,
        early_aup_lines=parse_aup(early_aup.body).lines if early_aup else (),
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
