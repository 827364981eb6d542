"""Who keeps a policy: its owner role (and the Head Teacher, and the administrator) publish,
withdraw and review it; nobody else, whatever the page offers or the request says."""

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from portal.clock import school_today
from portal.extensions import db
from portal.people.roles import ALL_ROLES, ROLE_HOLDERS
from portal.policies import service, shipped
from portal.policies.keeping import kept_by, may_keep
from portal.policies.models import PolicyReview, PolicyVersion
from tests.helpers.builders import make_staff
from tests.helpers.policies import SLUGS, TODAY, policy, publish
from tests.helpers.web import body_of, post_form, signed_in

AUP = "aup-ks2"
GUIDELINES = "staff-guidelines"


@pytest.fixture(autouse=True)
def installed(app):
    assert len(shipped.install_shipped_policies(TODAY).added) == len(SLUGS)
    db.session.commit()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def publish_form(slug: str, extra: str = "\nWe talk about this every term.\n") -> dict:
    return {
        "body": service.latest_version(policy(slug)).body + extra,
        "effective_on": school_today().isoformat(),
        "change_kind": "minor",
        "summary": "Added a closing sentence.",
    }


def review_form() -> dict:
    return {"reviewed_on": school_today().isoformat(), "outcome": "no_change", "notes": "Read."}


def test_the_esafety_lead_publishes_and_reviews_an_aup(client):
    lead = signed_in(client, "esafety_lead")
    page = body_of(client.get(f"/policies/{AUP}"))
    assert "Publish a new version" in page and "Record a review" in page
    base = f"/policies/{AUP}"

    published = post_form(client, f"{base}/publish", publish_form(AUP), page=f"{base}/publish")
    assert published.status_code == 302
    reviewed = post_form(client, f"{base}/review", review_form(), page=f"{base}/review")
    assert reviewed.status_code == 302

    db.session.expire_all()
    aup = policy(AUP)
    assert (service.latest_version(aup).number, service.latest_version(aup).published_by_id) == (
        2,
        lead.id,
    )
    assert [(r.reviewed_by_id, r.reviewed_on) for r in aup.reviews] == [(lead.id, school_today())]


def test_the_esafety_lead_cannot_keep_the_staff_guidelines(client):
    later = publish(GUIDELINES, effective_on=school_today() + timedelta(days=30))
    signed_in(client, "esafety_lead")
    base = f"/policies/{GUIDELINES}"
    page = body_of(client.get(base))
    assert "Publish a new version" not in page and "Record a review" not in page
    assert "Withdraw version 2" not in page
    for url in (f"{base}/publish", f"{base}/review", f"{base}/versions/2/withdraw"):
        assert client.get(url).status_code == 403, url
    posts = {
        f"{base}/publish": publish_form(GUIDELINES),
        f"{base}/preview": publish_form(GUIDELINES),
        f"{base}/review": review_form(),
        f"{base}/versions/2/withdraw": {},
    }
    for url, data in posts.items():
        assert post_form(client, url, data, page=base).status_code == 403, url

    db.session.expire_all()
    assert count(PolicyVersion) == 6 and count(PolicyReview) == 0
    assert db.session.get(PolicyVersion, later.id).withdrawn_at is None


@pytest.mark.parametrize("slug", [AUP, GUIDELINES])
def test_a_teacher_can_neither_publish_nor_review(client, slug):
    signed_in(client, "teacher")
    base = f"/policies/{slug}"
    assert "Publish a new version" not in body_of(client.get(base))
    for url, data in ((f"{base}/publish", publish_form(slug)), (f"{base}/review", review_form())):
        assert client.get(url).status_code == 403
        assert post_form(client, url, data, page=base).status_code == 403
    assert count(PolicyVersion) == 5 and count(PolicyReview) == 0


@pytest.mark.parametrize("role", ["head_teacher", "admin"])
def test_the_head_teacher_and_the_administrator_keep_every_policy(client, role):
    signed_in(client, role)
    base = f"/policies/{AUP}"
    reviewed = post_form(client, f"{base}/review", review_form(), page=f"{base}/review")
    assert reviewed.status_code == 302 and count(PolicyReview) == 1


def test_may_keep_is_the_owner_the_head_or_the_administrator_and_nobody_else(app):
    aup, guidelines = policy(AUP), policy(GUIDELINES)
    lead = make_staff(roles=("esafety_lead",))
    assert may_keep(aup, lead) and not may_keep(guidelines, lead)
    for roles in [("head_teacher",), ("admin",)]:
        assert may_keep(aup, make_staff(roles=roles)) and may_keep(
            guidelines, make_staff(roles=roles)
        )
    for roles in [("teacher",), ("governor",), ("dsl",), ("staff",), ()]:
        assert not may_keep(aup, make_staff(roles=roles)), roles
    assert not may_keep(aup, make_staff(roles=("esafety_lead",), active=False))
    assert not may_keep(aup, AnonymousUserMixin()) and not may_keep(aup, None)
    assert not may_keep(None, lead)


def test_the_policy_page_says_who_keeps_it_in_words(client):
    signed_in(client, "teacher")
    assert (
        "Kept by the e-Safety lead, who publishes its new versions and records its reviews; "
        "the Head Teacher and the administrator may too." in body_of(client.get(f"/policies/{AUP}"))
    )
    assert "Kept by the Head Teacher, who publishes" in body_of(
        client.get(f"/policies/{GUIDELINES}")
    )
    assert set(ROLE_HOLDERS) == ALL_ROLES
    governors = policy(GUIDELINES)
    governors.owner_role = "governor"
    assert kept_by(governors).startswith("Kept by the governors,")


def test_the_home_alert_offers_a_review_only_to_those_who_keep_the_policy(client):
    signed_in(client, "esafety_lead")
    home = body_of(client.get("/"))
    # The Social Media Policy (the Head Teacher's) is overdue: the e-Safety lead reads it.
    assert "the review is overdue" in home
    assert "/policies/social-media-policy/review" not in home
    assert 'href="/policies/social-media-policy"' in home
