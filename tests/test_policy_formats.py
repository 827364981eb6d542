"""Policy texts the portal parses: checked when published, previewed, never a 500 once stored."""

import shutil
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import school_today
from portal.extensions import db
from portal.policies import formats, service, shipped
from portal.policies.models import PolicyVersion
from portal.pupils.progress import AUP_SLUGS
from portal.staff_module.status import GUIDELINES_SLUG
from tests.helpers.builders import (
    make_class,
    make_pupil,
    make_staff,
    open_class_session,
    seat_pupil,
)
from tests.helpers.checkers import assert_valid_html
from tests.helpers.policies import SLUGS, policy
from tests.helpers.web import csrf_token, post_form, sign_in, signed_in

TODAY = school_today()
AUP = "aup-eyfs-ks1"


@pytest.fixture(autouse=True)
def installed(app):
    shipped.install_shipped_policies(TODAY)
    db.session.commit()


def versions() -> int:
    return db.session.scalar(select(func.count()).select_from(PolicyVersion))


def text_of(slug: str) -> str:
    return service.latest_version(policy(slug)).body


def without_first_picture(body: str) -> str:
    """The AUP with its first line's picture lost, as a careless paste leaves it."""
    return body.replace("- 🧑‍🏫 I will only", "- I will only", 1)


def publish_form(slug: str, body: str, **extra) -> dict:
    return {
        "body": body,
        "effective_on": TODAY.isoformat(),
        "change_kind": "minor",
        "summary": "Tidied the wording.",
        **extra,
    }


def store_directly(slug: str, body: str, number: int = 2) -> PolicyVersion:
    """A version written straight into the database, as old data or a hand edit could be."""
    version = PolicyVersion(
        policy_id=policy(slug).id,
        number=number,
        body=body,
        effective_on=TODAY - timedelta(days=1),
        change_kind="material",
        change_summary="Written directly.",
    )
    db.session.add(version)
    db.session.commit()
    return version


# The formats ----------------------------------------------------------------------------


def test_every_shipped_text_parses_with_the_format_its_pages_use():
    for text in shipped.load_catalogue():
        formats.parse(text.slug, text.body)  # raises on any problem
    assert {slug: formats.format_for(slug).name for slug in SLUGS} == {
        "social-media-policy": "markdown",
        GUIDELINES_SLUG: "cards",
        "parents": "markdown",
        **{slug: "aup" for slug in AUP_SLUGS.values()},
    }


def test_a_shipped_text_its_format_refuses_stops_the_install(tmp_path):
    shutil.copytree(shipped.CONTENT, tmp_path, dirs_exist_ok=True)
    aup = tmp_path / f"{AUP}.md"
    aup.write_text(without_first_picture(aup.read_text("utf-8")), "utf-8")
    with pytest.raises(ValueError, match=f"{AUP}: {AUP}.md: Line 3: .*picture"):
        shipped.load_catalogue(tmp_path)


def test_the_aup_parser_names_the_line_that_has_no_picture():
    text = "We stay safe.\n\n- 🔑 I will keep secrets.\n- I will be kind.\n\nAsk a grown-up.\n"
    with pytest.raises(formats.TextProblem) as problem:
        formats.parse_aup(text)
    assert problem.value.line == 4 and "picture" in str(problem.value)
    parsed = formats.parse_aup(text.replace("- I will", "- 😊 I will"))
    assert parsed.intro == "We stay safe." and parsed.outro == "Ask a grown-up."
    assert parsed.lines == (("🔑", "I will keep secrets."), ("😊", "I will be kind."))


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Just words, no lines.\n", 1, "no lines"),
        ("Intro.\n\n- 🔑 I will.\n\nMiddle.\n\n- 😊 I will too.\n", 7, "one list"),
        ("Intro.\n\n1. 🔑 I will.\n", 3, "bullet"),
        ("- 🔑 I will.\n\n  A second paragraph.\n", 3, "one sentence"),
        ("- 🔑\n", 1, "sentence"),
    ],
)
def test_the_aup_parser_refuses_what_the_pupils_screen_cannot_show(text, line, words):
    with pytest.raises(formats.TextProblem, match=words) as problem:
        formats.parse_aup(text)
    assert problem.value.line == line


def test_the_guidelines_parser_names_a_heading_at_the_wrong_level():
    text = "Intro.\n\n### Be kind\n\nAlways.\n"
    with pytest.raises(formats.TextProblem, match="##") as problem:
        formats.parse_guidelines(text)
    assert problem.value.line == 3
    with pytest.raises(formats.TextProblem, match="no text") as empty:
        formats.parse_guidelines("## First\n\nOne.\n\n## Second\n")
    assert empty.value.line == 5
    cards = formats.parse_guidelines("Intro.\n\n## First\nOne.\n\nSecond\n------\nTwo.\n")
    assert cards.intro == "Intro." and cards.cards == (("First", "One."), ("Second", "Two."))


# Publishing ------------------------------------------------------------------------------


def test_an_aup_line_without_its_picture_is_refused_with_its_line_number(client):
    signed_in(client, "esafety_lead", "head_teacher")
    url = f"/policies/{AUP}/publish"
    body = without_first_picture(text_of(AUP))
    response = post_form(client, url, publish_form(AUP, body), page=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and versions() == 5
    assert "Line 3:" in html and "picture" in html
    assert 'id="body-error"' in html and "I will only use a tablet" in html  # the text is kept


def test_guidelines_with_level_three_headings_are_refused(client):
    signed_in(client, "admin")
    url = f"/policies/{GUIDELINES_SLUG}/publish"
    body = text_of(GUIDELINES_SLUG).replace("\n## ", "\n### ")
    response = post_form(client, url, publish_form(GUIDELINES_SLUG, body), page=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and versions() == 5
    assert "Line 3:" in html and "##" in html


def test_the_line_number_counts_the_blank_lines_the_editor_typed_first(client):
    signed_in(client, "admin")
    url = f"/policies/{AUP}/publish"
    body = "\r\n\r\n" + without_first_picture(text_of(AUP)).replace("\n", "\r\n")
    html = post_form(client, url, publish_form(AUP, body), page=url).get_data(as_text=True)
    assert "Line 5:" in html


# Preview ---------------------------------------------------------------------------------


def test_preview_shows_the_aup_as_pupils_see_it_and_stores_nothing(client):
    signed_in(client, "head_teacher")
    url = f"/policies/{AUP}/publish"
    body = text_of(AUP).replace("I will be kind", "I will be very kind")
    response = post_form(client, f"/policies/{AUP}/preview", {"body": body}, page=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and versions() == 5
    assert 'class="aup-lines"' in html and "I will be very kind to people online" in html
    assert html.count('class="picture aup-picture"') == 7
    assert f'action="{url}"' in html  # the form still publishes, with the text kept
    swap = client.post(
        f"/policies/{AUP}/preview",
        data={"body": body},
        headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client, url)},
    )
    fragment = swap.get_data(as_text=True)
    assert "<html" not in fragment and "I will be very kind" in fragment
    assert "HX-Request" in swap.headers["Vary"]


def test_preview_shows_guideline_cards_and_names_a_problem(client):
    signed_in(client, "admin")
    url = f"/policies/{GUIDELINES_SLUG}/publish"
    preview = f"/policies/{GUIDELINES_SLUG}/preview"
    html = post_form(client, preview, {"body": text_of(GUIDELINES_SLUG)}, page=url).get_data(
        as_text=True
    )
    assert html.count('class="rule-card"') == 6 and "Rule 6 of 6" in html
    broken = text_of(GUIDELINES_SLUG).replace("\n## ", "\n### ")
    html = post_form(client, preview, {"body": broken}, page=url).get_data(as_text=True)
    assert "Line 3:" in html and 'class="rule-card"' not in html and versions() == 5


def test_only_editors_preview(client):
    signed_in(client, "teacher")
    response = post_form(client, f"/policies/{AUP}/preview", {"body": "x"}, page="/policies/")
    assert response.status_code == 403


# A stored version that cannot be parsed -----------------------------------------------------


def seated_pupil(client, year_group: int = 1):
    school_class = make_class(year_group=year_group)
    teacher = make_staff(classes=[school_class])
    pupil = make_pupil(school_class)
    seat_pupil(client, open_class_session(school_class, teacher), pupil)
    return pupil, teacher


def test_a_broken_aup_in_force_shows_pupils_the_last_good_version(app, client):
    store_directly(AUP, without_first_picture(text_of(AUP)) + "\nA broken addition.\n")
    pupil, teacher = seated_pupil(client)
    assert client.get("/me").location.endswith("/me/aup")
    page = client.get("/me/aup")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "A broken addition" not in html
    assert "I will only use a tablet or game when a grown-up says I can." in html
    agreed = post_form(
        client, "/me/aup", {"version_id": policy(AUP).versions[0].id}, page="/me/aup"
    )
    assert agreed.status_code == 303 and client.get("/me").status_code == 200

    teaching = app.test_client()
    sign_in(teaching, teacher.email)
    read_together = teaching.get(f"/teach/classes/{pupil.class_id}/aup")
    assert read_together.status_code == 200
    assert "version 1" in read_together.get_data(as_text=True)


def test_with_no_aup_that_can_be_shown_a_pupil_goes_on_to_the_quiz(client):
    db.session.get(PolicyVersion, policy(AUP).versions[0].id).body = "No lines at all.\n"
    db.session.commit()
    seated_pupil(client)
    assert client.get("/me").status_code == 200
    assert client.get("/me/aup").location.endswith("/me")


def test_editors_see_a_warning_about_a_version_that_cannot_be_shown(client):
    store_directly(AUP, without_first_picture(text_of(AUP)))
    signed_in(client, "esafety_lead", "admin")
    html = client.get(f"/policies/{AUP}").get_data(as_text=True)
    assert "Version 2 cannot be shown" in html and "Line 3:" in html
    assert "see version 1 instead" in html


def test_broken_guidelines_in_force_leave_staff_on_the_last_good_version(client):
    store_directly(GUIDELINES_SLUG, text_of(GUIDELINES_SLUG).replace("\n## ", "\n### "))
    signed_in(client, "teacher")
    resume = client.get("/module/")
    assert resume.location.endswith("/module/read/1")
    card = client.get("/module/read/1")
    assert card.status_code == 200 and "Rule 1 of 6" in card.get_data(as_text=True)


@pytest.mark.html_validator
def test_previews_and_the_warning_are_valid_html(client, tmp_path):
    store_directly(AUP, without_first_picture(text_of(AUP)))
    signed_in(client, "admin")
    seen = {"policy-with-warning": client.get(f"/policies/{AUP}")}
    for name, slug, body in [
        ("aup", AUP, text_of(AUP)),
        ("broken-aup", AUP, without_first_picture(text_of(AUP))),
        ("guidelines", GUIDELINES_SLUG, text_of(GUIDELINES_SLUG)),
        ("parents", "parents", text_of("parents")),
    ]:
        url = f"/policies/{slug}/publish"
        seen[name] = post_form(client, f"/policies/{slug}/preview", {"body": body}, page=url)
    # A preview that finds a problem is still a preview: it shows the problem in place.
    assert {name: response.status_code for name, response in seen.items()} == dict.fromkeys(
        seen, 200
    )
    assert "Line " in seen["broken-aup"].get_data(as_text=True)
    assert_valid_html({n: r.get_data(as_text=True) for n, r in seen.items()}, tmp_path)
