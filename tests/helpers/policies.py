"""Policies as the tests need them: the installed school's documents, publishing a version."""

from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.policies import publishing, service
from portal.policies.models import Policy

TODAY = date(2026, 11, 26)
SLUGS = ["social-media-policy", "staff-guidelines", "parents", "aup-eyfs-ks1", "aup-ks2"]


def policy(slug: str = "social-media-policy") -> Policy:
    return db.session.scalar(select(Policy).where(Policy.slug == slug))


def publish(
    slug="social-media-policy",
    *,
    extra="\nA new closing line.\n",
    kind="minor",
    effective_on=TODAY,
    summary="Added a closing line.",
    by=None,
):
    """Publish the current text plus ``extra`` as the next version, and commit."""
    chosen = policy(slug)
    body = service.latest_version(chosen).body + extra
    version = publishing.publish_version(chosen, body, effective_on, kind, summary, by)
    db.session.commit()
    return version
