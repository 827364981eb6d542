"""Policy pages: read every version, compare two, publish a new one, record a review."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.auth.access import staff_required
from portal.clock import school_today
from portal.errors import render_error
from portal.extensions import db
from portal.formatting import long_date
from portal.htmx import page_or_fragment
from portal.input_rules import database_int
from portal.people.models import Staff
from portal.policies import (
    diff,
    formats,
    markdown,
    posters,
    publishing,
    service,
    sources,
    summaries,
)
from portal.policies.forms import CHANGE_KINDS, PublishForm, ReviewForm
from portal.policies.keeping import kept_by, may_keep
from portal.policies.models import MATERIAL, REVIEW_OUTCOMES, Policy

bp = Blueprint("policies", __name__, url_prefix="/policies")

AUDIENCE_LABELS = {
    "everyone": "everyone",
    "staff": "staff",
    "parents": "parents and carers",
    "pupils_eyfs_ks1": "pupils in the Early Years and Key Stage 1",
    "pupils_ks2": "pupils in Key Stage 2",
}
KIND_LABELS = {"initial": "First version", "minor": "Minor", "material": "Material"}


@bp.context_processor
def policy_helpers() -> dict:
    return {
        "audience_labels": AUDIENCE_LABELS,
        "kind_labels": KIND_LABELS,
        "change_kinds": CHANGE_KINDS,
        "review_outcomes": REVIEW_OUTCOMES,
        "render_markdown": markdown.render,
    }


def policy_or_404(slug: str) -> Policy:
    return service.policy_by_slug(slug) or abort(404)


def policy_to_keep(slug: str) -> Policy:
    """The policy, if the signed-in person keeps it (see keeping.may_keep); otherwise 403."""
    policy = policy_or_404(slug)
    return policy if may_keep(policy, current_user) else abort(403)


def version_or_404(policy: Policy, number: int):
    version = service.version_numbered(policy, number)
    if version is None:
        abort(
            render_error(
                404,
                f"The {policy.title} has no version {number}. "
                f"It has versions 1 to {len(policy.versions)}.",
            )
        )
    return version


def signed_in_staff() -> Staff:
    """The signed-in person as a row of this session (already loaded, so no query)."""
    return db.session.get(Staff, current_user.id)


@bp.get("/")
@staff_required
def index():
    return render_template(
        "policies/index.html", summaries=summaries.policy_summaries(school_today())
    )


@bp.get("/<slug>")
@staff_required
def show(slug: str):
    policy, today = policy_or_404(slug), school_today()
    return render_template(
        "policies/show.html",
        policy=policy,
        current=service.current_version(policy, today),
        latest=service.latest_version(policy),
        status=service.review_status(policy, today),
        shown=service.version_shown(policy, today),
        unreadable=service.unreadable_versions(policy, today),
        keeps=may_keep(policy, current_user),
        kept_by=kept_by(policy),
        source_changed=sources.source_change_for(policy),
        poster_key=posters.poster_key_for_policy(policy.slug),
    )


@bp.get("/posters/<key_stage>")
@staff_required
def poster(key_stage: str):
    """A Key Stage's AUP as a classroom poster: one page of A4 when printed."""
    if key_stage not in posters.POSTERS:
        abort(404)
    return render_template("policies/poster.html", poster=posters.poster(key_stage, school_today()))


@bp.get("/<slug>/versions/<int:number>")
@staff_required
def version(slug: str, number: int):
    policy = policy_or_404(slug)
    return render_template(
        "policies/version.html",
        policy=policy,
        version=version_or_404(policy, number),
        current=service.current_version(policy, school_today()),
    )


def compared_number(policy: Policy, name: str, default: int) -> int:
    if not request.args.get(name, "").strip():
        return default
    number = request.args.get(name, type=database_int)
    if number is None or number < 1:
        abort(render_error(400, "Choose two versions from the lists to compare them."))
    return number


@bp.get("/<slug>/compare")
@staff_required
def compare(slug: str):
    policy = policy_or_404(slug)
    latest = service.latest_version(policy)
    new = version_or_404(policy, compared_number(policy, "to", latest.number if latest else 1))
    old = version_or_404(policy, compared_number(policy, "from", max(new.number - 1, 1)))
    comparison = diff.compare(old.body, new.body)
    return page_or_fragment(
        "policies/compare.html",
        "policies/_changes.html",
        policy=policy,
        old=old,
        new=new,
        comparison=comparison,
        changes=diff.around_changes(comparison.changes),
        counts=diff.counts(comparison.changes),
    )


@bp.route("/<slug>/publish", methods=["GET", "POST"])
@staff_required  # and then policy_to_keep: its keepers only
def publish(slug: str):
    policy = policy_to_keep(slug)
    latest = service.latest_version(policy)
    form = publish_form(policy, latest)
    message = None
    if form.validate_on_submit():
        try:
            new = publishing.publish_version(
                policy,
                form.body.data,
                form.effective_on.data,
                form.change_kind.data,
                form.summary.data,
                signed_in_staff(),
                today=school_today(),
                based_on=form.based_on.data,
            )
        except service.PolicyProblem as problem:
            db.session.rollback()
            message = place_problem(form, problem)
        else:
            db.session.commit()
            flash(published_message(policy, new), "success")
            return redirect(url_for("policies.show", slug=policy.slug))
    return render_template(
        "policies/publish.html", form=form, policy=policy, latest=latest, message=message
    ), 422 if form.errors or message else 200


def publish_form(policy: Policy, latest) -> PublishForm:
    """The form, prefilled with the latest text on a GET, its hint naming the policy's format."""
    form = PublishForm(
        data=None
        if request.method == "POST"
        else {
            "body": latest.body if latest else "",
            "effective_on": school_today(),
            "based_on": publishing.newest_number(policy),
        }
    )
    form.body.description = formats.format_for(policy.slug).hint
    return form


@bp.post("/<slug>/preview")
@staff_required  # and then policy_to_keep: its keepers only
def preview(slug: str):
    """The text as its audience will see it, or the problem that stops it; nothing is stored."""
    policy = policy_to_keep(slug)
    form, parsed = publish_form(policy, None), None
    try:
        parsed = publishing.check_text(policy, form.body.data or "")
    except service.PolicyProblem as problem:
        place_problem(form, problem)
    return page_or_fragment(
        "policies/publish.html",
        "policies/_preview.html",
        form=form,
        policy=policy,
        latest=service.latest_version(policy),
        message=None,
        previewed=True,
        parsed=parsed,
        format_name=formats.format_for(policy.slug).name,
    )


@bp.route("/<slug>/versions/<int:number>/withdraw", methods=["GET", "POST"])
@staff_required  # and then policy_to_keep: its keepers only
def withdraw(slug: str, number: int):
    """Ask to confirm; then withdraw a version that has not taken effect yet."""
    policy = policy_to_keep(slug)
    version, message = version_or_404(policy, number), None
    if request.method == "POST":
        try:
            publishing.withdraw_version(version, signed_in_staff(), school_today())
        except service.PolicyProblem as problem:
            db.session.rollback()
            message = str(problem)
        else:
            db.session.commit()
            flash(withdrawn_message(policy, version), "success")
            return redirect(url_for("policies.show", slug=policy.slug))
    return render_template(
        "policies/withdraw.html", policy=policy, version=version, message=message
    ), 409 if message else 200


def withdrawn_message(policy: Policy, version) -> str:
    return (
        f"Withdrew version {version.number} of the {policy.title}. It will not take effect; "
        "it stays in the list of versions, marked withdrawn."
    )


def place_problem(form, problem: service.PolicyProblem) -> str | None:
    """Put a refusal next to the field it is about; anything else goes in the summary."""
    if not problem.field or problem.field not in form:
        return str(problem)
    form[problem.field].errors = [*form[problem.field].errors, str(problem)]
    return None


def published_message(policy: Policy, new) -> str:
    again = (
        "Everyone it concerns will be asked to acknowledge it again."
        if new.change_kind == MATERIAL
        else "Nobody needs to acknowledge it again."
    )
    return (
        f"Published version {new.number} of the {policy.title}, taking effect on "
        f"{long_date(new.effective_on)}. {again}"
    )


@bp.route("/<slug>/review", methods=["GET", "POST"])
@staff_required  # and then policy_to_keep: its keepers only
def review(slug: str):
    policy = policy_to_keep(slug)
    form = ReviewForm(data=None if request.method == "POST" else {"reviewed_on": school_today()})
    message = None
    if form.validate_on_submit():
        try:
            service.record_review(
                policy,
                form.reviewed_on.data,
                signed_in_staff(),
                form.outcome.data,
                form.notes.data,
                today=school_today(),
            )
        except service.PolicyProblem as problem:
            db.session.rollback()
            message = place_problem(form, problem)
        else:
            db.session.commit()
            flash(
                f"Review recorded. The next review is due on {long_date(policy.next_review_on)}.",
                "success",
            )
            return redirect(url_for("policies.show", slug=policy.slug))
    return render_template(
        "policies/review.html", form=form, policy=policy, message=message
    ), 422 if form.errors or message else 200
