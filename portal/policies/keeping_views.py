"""Keeping a policy (its owner role, the Head Teacher, admins): publish a new version, preview
it, withdraw one not yet in force, record a review. Routes on the policies blueprint."""

from flask import flash, redirect, render_template, request, url_for

from portal.auth.access import staff_required
from portal.clock import school_today
from portal.extensions import db
from portal.formatting import long_date
from portal.htmx import page_or_fragment
from portal.policies import formats, publishing, service
from portal.policies.forms import PublishForm, ReviewForm
from portal.policies.models import MATERIAL, Policy
from portal.policies.views import (
    bp,
    policy_to_keep,
    signed_in_staff,
    version_or_404,
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
