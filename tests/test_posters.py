"""Classroom posters: each Key Stage's AUP in force, its pictures, who may print it, its links."""

import html
import re
from datetime import timedelta

import pytest

from portal.clock import school_today
from portal.extensions import db
from portal.people.roles import ALL_ROLES
from portal.pictures import svg_file
from portal.policies import publishing, service, shipped
from portal.policies.formats import parse_aup
from portal.policies.models import PolicyVersion
from tests.helpers.builders import (
    make_class,
    make_guardian,
    make_pupil,
    make_staff,
    open_class_session,
    seat_pupil,
)
from tests.helpers.checkers import assert_valid_html
from tests.helpers.parents import start, token_for
from tests.helpers.policies import TODAY, policy
from tests.helpers.web import body_of, sign_in, signed_in, static_address

POSTERS = {"eyfs-ks1": "aup-eyfs-ks1", "ks2": "aup-ks2"}
# The biggest type that keeps each shipped AUP on one page: 24 point for six lines, 17 for ten.
SHIPPED_SIZES = {"eyfs-ks1": "few", "ks2": "some"}
IMAGE = re.compile(r"<img [^>]*>")


@pytest.fixture
def installed(app):
    shipped.install_shipped_policies(TODAY)
    db.session.commit()


def text_of(page: str) -> str:
    """What a reader sees of the page: tags out, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def poster_part(page: str) -> str:
    start_at = page.index('<article class="poster')
    return page[start_at : page.index("</article>", start_at)]


@pytest.mark.parametrize("key, slug", POSTERS.items())
def test_a_poster_shows_every_line_of_the_aup_in_force_with_its_picture(
    installed, client, key, slug
):
    signed_in(client, "teacher")
    poster = poster_part(body_of(client.get(f"/policies/posters/{key}")))
    lines = parse_aup(service.version_shown(policy(slug), school_today()).body).lines
    assert poster.startswith(f'<article class="poster poster-{SHIPPED_SIZES[key]}"')
    images = IMAGE.findall(poster)
    assert len(images) == len(lines) >= 6
    for (picture, sentence), image in zip(lines, images, strict=True):
        assert sentence in text_of(poster)
        # The sentence says what the picture shows: the picture is decorative.
        assert f'src="{static_address(svg_file(picture))}"' in image and 'alt=""' in image
    foot = text_of(poster[poster.index('class="poster-foot"') :])
    assert "Wilkinson Primary School" in foot and "Our online safety promises" in foot
    assert "Version 1, in force from 1 September 2026" in foot


def test_after_a_new_version_takes_effect_the_poster_shows_its_words_and_number(installed, client):
    ks2 = policy("aup-ks2")
    body = service.latest_version(ks2).body
    changed = body.replace("I will be as kind online as I am face to face.", "I will be kind.")
    publishing.publish_version(ks2, changed, TODAY, "material", "Shorter.", None)
    later = changed.replace("I will be kind.", "I will be kind, always.")
    publishing.publish_version(
        ks2, later, school_today() + timedelta(days=10), "minor", "Later.", None
    )
    db.session.commit()
    signed_in(client, "staff")
    poster = text_of(poster_part(body_of(client.get("/policies/posters/ks2"))))
    assert "I will be kind." in poster and "as I am face to face" not in poster
    assert "kind, always" not in poster  # published, but not in force yet
    assert f"Version 2, in force from {TODAY.day} {TODAY:%B %Y}" in poster


def test_a_hand_edited_version_that_cannot_be_shown_leaves_the_last_good_one_on_the_poster(
    installed, client
):
    aup = policy("aup-eyfs-ks1")
    good = service.latest_version(aup).body
    db.session.add(
        PolicyVersion(
            policy_id=aup.id,
            number=2,
            body="No lines at all, written straight into the database.\n",
            effective_on=TODAY - timedelta(days=1),
            change_kind="material",
            change_summary="Written directly.",
        )
    )
    db.session.commit()
    signed_in(client, "teacher")
    page = text_of(body_of(client.get("/policies/posters/eyfs-ks1")))
    assert parse_aup(good).lines[0][1] in page and "Version 1, in force from" in page
    assert "Version 2 is in force, but its text cannot be shown" in page


def test_with_no_version_that_can_be_shown_the_page_says_so(installed, client):
    db.session.get(PolicyVersion, policy("aup-ks2").versions[0].id).body = "No lines.\n"
    db.session.commit()
    signed_in(client, "teacher")
    page = text_of(body_of(client.get("/policies/posters/ks2")))
    assert "No poster yet for Key Stage 2" in page and "nothing to print" in page


def test_a_school_without_its_aups_installed_gets_a_plain_page(app, client):
    signed_in(client, "teacher")
    page = text_of(body_of(client.get("/policies/posters/eyfs-ks1")))
    assert "are not installed in the portal yet" in page and "install-content" in page


def test_an_unknown_key_stage_is_not_found(installed, client):
    signed_in(client, "teacher")
    for key in ("ks3", "KS2", "aup-ks2", "publish"):
        assert client.get(f"/policies/posters/{key}").status_code == 404


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_every_member_of_staff_may_print_a_poster(installed, client, role):
    signed_in(client, role)
    for key in POSTERS:
        assert client.get(f"/policies/posters/{key}").status_code == 200


def test_pupils_parents_and_strangers_are_sent_to_sign_in(installed, app):
    oak = make_class("Oak", 1)
    amara = make_pupil(oak, "Amara")
    teacher = make_staff(roles=("teacher",), classes=[oak])
    pupil = app.test_client()
    seat_pupil(pupil, open_class_session(oak, teacher), amara)
    parent = app.test_client()
    guardian = make_guardian([amara])
    start()
    body_of(parent.get(f"/parents/{token_for(guardian)}"))  # the parent's own page opens
    for visitor in (pupil, parent, app.test_client()):
        for key in POSTERS:
            refused = visitor.get(f"/policies/posters/{key}")
            assert refused.status_code == 302 and "/sign-in" in refused.location
            assert "I will" not in refused.get_data(as_text=True)


def test_each_aups_page_links_its_poster_and_other_policies_do_not(installed, client):
    signed_in(client, "governor")
    for key, slug in POSTERS.items():
        page = body_of(client.get(f"/policies/{slug}"))
        assert f'href="/policies/posters/{key}">Print a poster</a>' in page
    assert "Print a poster" not in body_of(client.get("/policies/social-media-policy"))


@pytest.mark.parametrize(
    "year_group, key", [(0, "eyfs-ks1"), (2, "eyfs-ks1"), (3, "ks2"), (6, "ks2")]
)
def test_a_teachers_class_page_links_the_poster_for_its_key_stage(installed, app, year_group, key):
    school_class = make_class(year_group=year_group)
    teacher = make_staff(roles=("teacher",), classes=[school_class])
    client = app.test_client()
    sign_in(client, teacher.email)
    page = body_of(client.get(f"/teach/classes/{school_class.id}"))
    assert f'href="/policies/posters/{key}">Print a poster</a>' in page


@pytest.mark.html_validator
def test_the_poster_pages_are_valid_html(installed, app, client, tmp_path):
    signed_in(client, "teacher")
    pages = {key: body_of(client.get(f"/policies/posters/{key}")) for key in POSTERS}
    db.session.get(PolicyVersion, policy("aup-ks2").versions[0].id).body = "No lines.\n"
    db.session.commit()
    pages["nothing-to-print"] = body_of(client.get("/policies/posters/ks2"))
    assert_valid_html(pages, tmp_path)
