"""Policy pages: the list, each policy, every version, two compared, the classroom posters.
Publishing, withdrawing and reviewing (for those who keep a policy) are in keeping_views.py."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from portal.auth.access import staff_required
from portal.clock import school_today
from portal.errors import render_error
from portal.extensions import db
from portal.htmx import page_or_fragment
from portal.input_rules import database_int
from portal.people.models import Staff
from portal.policies import (
    diff,
    markdown,
    posters,
    service,
    sources,
    summaries,
)
from portal.policies.forms import CHANGE_KINDS
from portal.policies.keeping import kept_by, may_keep
from portal.policies.models import REVIEW_OUTCOMES, Policy

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
