"""Documents written from another policy (content/policies/catalogue.toml, ``written_from``),
and whether one is to be reviewed because the policy it is written from has changed.

Worked out from the dates already stored (the source's reviews and versions, the document's
reviews), never kept as a flag of its own, so it cannot fall out of step.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import chain

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.formatting import school_time
from portal.policies.models import INITIAL, Policy, PolicyReview, PolicyVersion
from portal.policies.service import live_versions
from portal.policies.shipped import CONTENT, load_catalogue


@dataclass(frozen=True)
class SourceChanged:
    """The policy a document is written from changed on ``changed_on``, after its last review."""

    source: Policy
    changed_on: date


@cache
def written_from(folder=CONTENT) -> dict[str, str]:
    """Each derived document's slug, with the slug of the policy it is written from.

    The catalogue ships with the code, so it is read once per process.
    """
    return {
        entry.slug: entry.written_from for entry in load_catalogue(folder) if entry.written_from
    }


def changed_on(policy: Policy) -> date | None:
    """The last day it was reviewed or had a new version published (its first text aside)."""
    reviewed = (review.reviewed_on for review in policy.reviews)
    published = (
        school_time(version.published_at).date()
        for version in live_versions(policy)
        if version.change_kind != INITIAL
    )
    return max(chain(reviewed, published), default=None)


def last_reviewed_on(policy: Policy) -> date | None:
    return max((review.reviewed_on for review in policy.reviews), default=None)


def source_change(document: Policy, source: Policy | None) -> SourceChanged | None:
    """Set while ``source`` has changed since the document's own last review (a review that
    day counts: reviews carry a date, not a time)."""
    changed = changed_on(source) if source is not None else None
    reviewed = last_reviewed_on(document)
    if changed is None or (reviewed is not None and reviewed >= changed):
        return None
    return SourceChanged(source, changed)


def source_changes(policies: list[Policy]) -> dict[int, SourceChanged]:
    """By policy id, each document of ``policies`` to review because its source changed
    (both must be in ``policies``, with their reviews and versions loaded)."""
    by_slug = {policy.slug: policy for policy in policies}
    found = {
        by_slug[slug].id: source_change(by_slug[slug], by_slug.get(source))
        for slug, source in written_from().items()
        if slug in by_slug
    }
    return {policy_id: change for policy_id, change in found.items() if change is not None}


def source_change_for(document: Policy) -> SourceChanged | None:
    """The same for one document (its reviews loaded), loading its source when it has one."""
    source_slug = written_from().get(document.slug)
    if source_slug is None:
        return None
    source = db.session.scalar(
        select(Policy)
        .where(Policy.slug == source_slug)
        .options(
            selectinload(Policy.versions).defer(PolicyVersion.body),
            selectinload(Policy.reviews).load_only(PolicyReview.reviewed_on),
        )
    )
    return source_change(document, source)
