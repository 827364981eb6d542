"""Documents written from the Social Media Policy are flagged "to review" when it changes,
until their own review is recorded: worked out from the stored dates, on every page."""

import re
import shutil
from datetime import timedelta

import pytest

from portal.clock import school_today
from portal.extensions import db
from portal.formatting import long_date, school_time
from portal.people.models import Staff
from portal.policies import publishing, service, shipped, sources
from tests.helpers.builders import make_staff
from tests.helpers.checkers import assert_valid_html
from tests.helpers.policies import SLUGS, TODAY, policy, publish
from tests.helpers.queries import counting_queries
from tests.helpers.tables import table_rows
from tests.helpers.web import body_of, signed_in

SMP = "social-media-policy"
WRITTEN_FROM_IT = ["staff-guidelines", "parents", "aup-eyfs-ks1", "aup-ks2"]


@pytest.fixture(autouse=True)
def installed(app):
    assert len(shipped.install_shipped_policies(TODAY).added) == len(SLUGS)
    db.session.commit()


@pytest.fixture
def head() -> Staff:
    return make_staff(roles=("head_teacher",), name="Helen Head")


def review(slug: str, by: Staff, day=None) -> None:
    service.record_review(policy(slug), day or school_today(), by, "no_change", "", school_today())
    db.session.commit()


def words(client, url: str) -> str:
    """The page's text as a reader gets it, tags left out."""
    return " ".join(re.sub(r"<[^>]+>", "", body_of(client.get(url))).split())


def flagged_on_the_list(client) -> dict[str, str]:
    """Each policy's title (without its audience) with its review status, as the list shows."""
    rows = table_rows(body_of(client.get("/policies/")))[1:]
    return {re.sub(r"\s*For [a-z].*$", "", row[0]): row[-1] for row in rows}


def flag(day) -> str:
    return f"To review: the Social Media Policy changed on {long_date(day)}"


def test_the_catalogue_says_which_documents_are_written_from_the_policy():
    assert sources.written_from() == {slug: SMP for slug in WRITTEN_FROM_IT}


@pytest.mark.parametrize(
    "source, problem",
    [
        ("no-such-policy", "written_from must be the slug of another policy"),
        ("aup-ks2", "written_from must be the slug of another policy"),  # itself
        ("parents", "written_from: parents is itself written from another policy"),
    ],
)
def test_a_catalogue_naming_a_wrong_source_stops_the_load(tmp_path, source, problem):
    shutil.copytree(shipped.CONTENT, tmp_path, dirs_exist_ok=True)
    catalogue = tmp_path / "catalogue.toml"
    text = catalogue.read_text("utf-8")
    mark = 'slug = "aup-ks2"\nwritten_from = "social-media-policy"\n'
    assert mark in text
    catalogue.write_text(text.replace(mark, f'slug = "aup-ks2"\nwritten_from = "{source}"\n'))
    with pytest.raises(ValueError, match=f"aup-ks2: {problem}"):
        shipped.load_catalogue(tmp_path)


def test_nothing_is_flagged_on_a_fresh_install(client):
    signed_in(client, "teacher")
    assert "To review" not in body_of(client.get("/policies/"))
    assert "To review" not in body_of(client.get("/policies/aup-ks2"))


def test_a_review_of_the_policy_flags_each_document_until_its_own_review(client, head):
    day = school_today() - timedelta(days=2)
    review("parents", head, day - timedelta(days=1))  # reviewed before the change: still due
    review(SMP, head, day)
    signed_in(client, "teacher")
    statuses = flagged_on_the_list(client)
    assert "To review" not in statuses["Social Media Policy"]
    flagged = [title for title, status in statuses.items() if flag(day) in status]
    assert len(flagged) == 4 and "Social media: a guide for parents and carers" in flagged
    assert f"{flag(day)}. This document is written from it" in words(client, "/policies/aup-ks2")

    review("aup-ks2", head, day)  # the same day counts: reviews have a date, not a time
    statuses = flagged_on_the_list(client)
    assert flag(day) not in statuses["Acceptable Internet Use Policy: Key Stage 2"]
    assert flag(day) in statuses["Acceptable Internet Use Policy: Early Years and Key Stage 1"]
    assert "To review" not in body_of(client.get("/policies/aup-ks2"))


def test_a_new_version_of_the_policy_flags_them_from_the_day_it_was_published(client, head):
    version = publish(SMP, effective_on=school_today() + timedelta(days=10))
    published_on = school_time(version.published_at).date()
    signed_in(client, "teacher")
    assert flag(published_on) in words(client, "/policies/staff-guidelines")
    # Withdrawn before it took effect, it never changed anything.
    publishing.withdraw_version(version, head, school_today())
    db.session.commit()
    assert "To review" not in body_of(client.get("/policies/staff-guidelines"))


def test_a_new_version_of_a_document_does_not_flag_the_policy_or_the_others(client):
    publish("aup-ks2", extra="\nWe talk about this every term.\n", effective_on=school_today())
    signed_in(client, "teacher")
    assert "To review" not in body_of(client.get("/policies/"))


def test_the_school_overview_and_the_evidence_pack_say_which_to_review(client, head):
    day = school_today() - timedelta(days=1)
    review(SMP, head, day)
    signed_in(client, "governor")
    for url in ("/admin/", "/admin/evidence"):
        rows = {row[0]: row[-1] for row in table_rows(body_of(client.get(url)))}
        assert rows["Acceptable Internet Use Policy: Key Stage 2"] == flag(day), url
        assert rows["Social Media Policy"] == "Up to date", url
    csv = client.get("/admin/overview/policies.csv").get_data(as_text=True)
    assert flag(day) in csv


def test_the_list_costs_the_same_queries_however_many_reviews(client, head):
    signed_in(client, "governor")

    def queries() -> int:
        with counting_queries() as statements:
            assert client.get("/policies/").status_code == 200
        return len(statements)

    before = queries()
    review(SMP, head, school_today() - timedelta(days=5))
    for slug in WRITTEN_FROM_IT:
        review(slug, head, school_today() - timedelta(days=3))
    review(SMP, head, school_today())
    assert queries() == before


def test_the_flag_is_derived_so_a_review_recorded_elsewhere_clears_it(app, head):
    review(SMP, head)
    documents = service.all_policies()
    assert set(sources.source_changes(documents)) == {policy(s).id for s in WRITTEN_FROM_IT}
    for slug in WRITTEN_FROM_IT:
        review(slug, head)
    db.session.expire_all()
    assert sources.source_changes(service.all_policies()) == {}
    assert sources.source_change_for(policy(SMP)) is None


@pytest.mark.html_validator
def test_pages_with_a_flag_are_valid_html(client, head, tmp_path):
    review(SMP, head)
    signed_in(client, "esafety_lead")
    pages = {
        "list": body_of(client.get("/policies/")),
        "aup": body_of(client.get("/policies/aup-ks2")),
        "guidelines": body_of(client.get("/policies/staff-guidelines")),
        "overview": body_of(client.get("/admin/")),
        "home": body_of(client.get("/")),
    }
    assert all("o review" in page for page in pages.values())
    assert_valid_html(pages, tmp_path)


def test_the_leaders_home_lists_the_documents_to_review(client, head):
    day = school_today() - timedelta(days=1)
    review(SMP, head, day)
    review("parents", head)
    signed_in(client, "esafety_lead")
    home = words(client, "/")
    changed = f"the Social Media Policy it is written from changed on {long_date(day)}"
    assert f"Acceptable Internet Use Policy: Key Stage 2: to review, {changed}." in home
    assert f"Social media guidelines for staff: to review, {changed}." in home
    assert "Social media: a guide for parents and carers: to review" not in home
    page = body_of(client.get("/"))
    assert 'href="/policies/aup-ks2/review"' in page  # the e-Safety lead keeps the AUPs
    assert 'href="/policies/staff-guidelines/review"' not in page
    assert 'href="/policies/staff-guidelines"' in page
    signed_in(client, "teacher")
    assert "to review" not in words(client, "/")
