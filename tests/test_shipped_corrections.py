"""Corrections shipped with the portal: published as a school's next version only where the
school still has the text they correct, word for word; a school's own text is left alone."""

import pytest
from sqlalchemy import select, update

from portal.clock import school_today
from portal.extensions import db
from portal.parents import campaign as campaigns
from portal.parents.answers import campaign_totals
from portal.parents.models import ParentCampaign
from portal.people.roles import ESAFETY_LEAD, HEAD_TEACHER
from portal.people.school_year import academic_year
from portal.policies import service, shipped
from portal.policies.models import MATERIAL, PolicyVersion
from portal.policies.service import record_acknowledgement
from portal.pupils.progress import aup_to_show
from tests.helpers.builders import (
    install_content,
    make_class,
    make_pupil,
    make_staff,
    open_class_session,
    seat_pupil,
)
from tests.helpers.checkers import assert_valid_html
from tests.helpers.parents import LINK, answers, outbox, start, token_for
from tests.helpers.policies import policy, publish
from tests.helpers.web import body_of, post_form, signed_in

EARLIER = (shipped.CONTENT / "earlier" / "parents-2026-09.md").read_text("utf-8")
CORRECTED = (shipped.CONTENT / "parents.md").read_text("utf-8")
GUIDE = "Social media: a guide for parents and carers"


@pytest.fixture
def installed_in_september(family):
    """A school that installed the portal before the correction (its guide is the first text),
    with Grace and Femi's family on the roll."""
    db.session.execute(
        update(PolicyVersion)
        .where(PolicyVersion.policy_id == policy("parents").id)
        .values(body=EARLIER)
    )
    db.session.commit()


def versions(slug="parents") -> list[PolicyVersion]:
    db.session.expire_all()
    return policy(slug).versions


def test_the_corrected_guide_never_advises_saving_a_sexual_image_of_a_child():
    bullying, _, rest = CORRECTED.partition("## A nude or sexual picture of a child")
    assert "screenshot" in bullying and "one exception" in bullying
    exception = rest.split("\n## ")[0]
    assert "Do **not** copy, save, screenshot or forward it" in exception
    assert all(
        where in exception for where in ("Designated Safeguarding Lead", "CEOP", "Report Remove")
    )
    assert "Save the messages or take a screenshot." in EARLIER  # what the correction replaces


def test_the_corrected_guide_says_who_to_tell_at_the_school_and_how():
    how = CORRECTED.split("## How to tell the school")[1].split("\n## ")[0]
    assert "**Designated Safeguarding Lead**" in how and "the same day" in how
    assert "Phone or visit the school office" in how and "e-Safety lead" in how
    assert 'Tell the school (see "How to tell the school" below)' in CORRECTED


def test_a_school_on_the_earlier_text_gets_the_correction_as_a_material_version(
    installed_in_september, runner
):
    result = runner.invoke(args=["portal", "install-content"])

    assert result.exit_code == 0, result.output
    first, second = versions()
    assert first.body == EARLIER  # the history keeps what parents were shown before
    assert second.number == 2 and second.change_kind == MATERIAL
    assert second.body.strip() == CORRECTED.strip()
    assert second.effective_on == school_today() and second.published_by is None
    assert "Report Remove" in second.change_summary
    assert f"Published a correction to the {GUIDE} as version 2" in result.output
    assert service.current_version(policy("parents"), school_today()) == second


def test_running_it_again_publishes_nothing_more(installed_in_september, runner):
    runner.invoke(args=["portal", "install-content"])
    again = runner.invoke(args=["portal", "install-content"])
    assert len(versions()) == 2
    assert "correction" not in again.output and "nothing to add" in again.output


def test_a_school_with_its_own_text_keeps_it_and_is_told(installed_in_september, runner):
    own = publish("parents", extra="\nOur own closing words.\n", kind="minor")

    result = runner.invoke(args=["portal", "install-content"])

    assert [v.number for v in versions()] == [1, 2]
    assert service.latest_version(policy("parents")) == own
    assert f"the portal ships a correction to the {GUIDE}" in result.output
    assert "its own text (version 2), so nothing was changed" in result.output


def test_a_school_that_never_had_the_earlier_text_hears_nothing(app, runner):
    shipped.install_shipped_policies(school_today())
    publish("parents", extra="\nOur own closing words.\n", kind="minor")
    result = runner.invoke(args=["portal", "install-content"])
    assert "correction" not in result.output and len(versions()) == 2


def test_a_new_school_starts_on_the_corrected_text(app):
    installed = shipped.install_shipped_policies(school_today())
    assert GUIDE in installed.added and installed.corrected == []
    (only,) = versions()
    assert only.body == CORRECTED


def test_the_campaign_asks_parents_to_acknowledge_the_corrected_text(
    installed_in_september, runner, family, client
):
    runner.invoke(args=["portal", "install-content"])
    campaign = start()
    assert campaign.policy_version.number == 2
    assert campaigns.guide_version(school_today()).number == 2

    guide = body_of(client.get(f"/parents/{token_for(family['grace'])}/guide"))
    assert "not even to the school" in guide and "Report Remove" in guide


def test_a_correction_naming_a_missing_file_or_a_bad_kind_stops_the_catalogue(tmp_path):
    for name in ("catalogue.toml", "parents.md"):
        (tmp_path / name).write_text((shipped.CONTENT / name).read_text("utf-8"), "utf-8")
    catalogue = (tmp_path / "catalogue.toml").read_text("utf-8")
    start_of_parents = catalogue.index('slug = "parents"')
    only_parents = "[[policy]]\n" + catalogue[start_of_parents:].split("\n[[policy]]")[0]
    (tmp_path / "catalogue.toml").write_text(
        only_parents.replace('change_kind = "material"', 'change_kind = "major"'), "utf-8"
    )
    with pytest.raises(ValueError) as problem:
        shipped.load_catalogue(tmp_path)
    assert "parents: replaces earlier/parents-2026-09.md: file not found" in str(problem.value)
    assert "change_kind must be minor or material" in str(problem.value)


# A correction while the parents' campaign is open


@pytest.fixture
def campaign_on_the_earlier_guide(installed_in_september, family, runner, client):
    """Grace acknowledged version 1; then the correction was installed as version 2."""
    campaign = start()
    answer = post_form(
        client,
        f"/parents/{token_for(family['grace'])}",
        {"response": "acknowledged", "typed_name": "Grace Okoye"},
        page=f"/parents/{token_for(family['grace'])}",
    )
    assert answer.status_code == 302
    runner.invoke(args=["portal", "install-content"])
    return campaign


def ask_again(head, version_id):
    return post_form(
        head, "/admin/parents/ask-again", {"version_id": version_id}, page="/admin/parents/"
    )


def test_the_campaign_page_says_the_guide_has_changed_and_offers_to_ask_again(
    campaign_on_the_earlier_guide, client, tmp_path
):
    signed_in(client, HEAD_TEACHER)
    page = body_of(client.get("/admin/parents/"))
    assert "The parents' guide has changed since this started" in page
    assert "Report Remove" in page
    assert "Ask every parent and carer about version 2" in page
    assert_valid_html({"campaign-guide-changed": page}, tmp_path)


def test_asking_again_moves_the_campaign_and_emails_each_guardian_once(
    campaign_on_the_earlier_guide, family, client
):
    campaign = campaign_on_the_earlier_guide
    outbox_before = len(outbox())
    signed_in(client, HEAD_TEACHER)
    version_2 = service.latest_version(policy("parents"))

    first = ask_again(client, version_2.id)
    again = ask_again(client, version_2.id)  # a double click

    assert first.status_code == again.status_code == 303
    db.session.expire_all()
    assert db.session.get(ParentCampaign, campaign.id).policy_version_id == version_2.id
    [message] = outbox()[outbox_before:]
    assert message.to_address == "grace@example.org" and message.template == "parent_guide_changed"
    assert "Report Remove" in message.body_text and "Amara" not in message.body_text
    assert "nothing was changed" in body_of(client.get("/admin/parents/")).lower()
    # Grace's answer to version 1 is kept; the counts now follow version 2.
    [kept] = answers()
    assert kept.policy_version.number == 1 and kept.response == "acknowledged"
    assert campaign_totals(db.session.get(ParentCampaign, campaign.id))["acknowledged"] == 0
    assert "Ask every parent" not in body_of(client.get("/admin/parents/"))


def test_the_new_link_shows_the_corrected_guide_and_the_earlier_answer(
    campaign_on_the_earlier_guide, family, client, app
):
    head = app.test_client()
    signed_in(head, HEAD_TEACHER)
    ask_again(head, service.latest_version(policy("parents")).id)
    link = LINK.search(outbox()[-1].body_text).group(1)

    page = body_of(client.get(f"/parents/{link}"))
    guide = body_of(client.get(f"/parents/{link}/guide"))

    assert "We have changed the guide" in page and "I acknowledge" in page
    assert "not even to the school" in guide


def test_a_page_out_of_date_or_a_minor_change_asks_nobody_again(
    campaign_on_the_earlier_guide, client
):
    signed_in(client, HEAD_TEACHER)
    outbox_before = len(outbox())
    version_2 = service.latest_version(policy("parents"))
    publish("parents", kind="minor", effective_on=school_today())  # version 3, in force today

    stale = ask_again(client, version_2.id)

    assert stale.status_code == 303 and len(outbox()) == outbox_before
    assert "Ask every parent and carer about version 3" in body_of(client.get("/admin/parents/"))


def test_only_the_head_teacher_and_admins_can_ask_again(campaign_on_the_earlier_guide, client):
    signed_in(client, ESAFETY_LEAD)
    refused = ask_again(client, service.latest_version(policy("parents")).id)
    assert refused.status_code == 403
    assert db.session.scalar(select(ParentCampaign)).policy_version.number == 1


# The pupils' AUPs, corrected


AUP_EARLIER = {
    "aup-eyfs-ks1": "earlier/aup-eyfs-ks1-2026-09.md",
    "aup-ks2": "earlier/aup-ks2-2026-09.md",
}
# What the safeguarding lead and a Year 1 teacher asked each text to say.
AUP_ASKED = {
    "aup-eyfs-ks1": (
        "social media",
        "can see what we do on them",
        "where I live private",
        "I will ask my teacher or grown-up before I take or share a picture",
    ),
    "aup-ks2": (
        "social media only in lessons",
        "filtered and checked",
        "passwords private",
        "my teacher or parent, before I take or share a photo",
        "not copy someone's work and say it is mine",
        "even on an app I should not be on",
    ),
}


@pytest.fixture
def aups_as_installed_in_september(app):
    install_content()
    for slug, earlier in AUP_EARLIER.items():
        db.session.execute(
            update(PolicyVersion)
            .where(PolicyVersion.policy_id == policy(slug).id)
            .values(body=(shipped.CONTENT / earlier).read_text("utf-8"))
        )
    db.session.commit()


@pytest.mark.parametrize("slug", AUP_EARLIER)
def test_each_aup_correction_is_a_material_version_whose_changes_show_it(
    aups_as_installed_in_september, runner, client, slug
):
    earlier = (shipped.CONTENT / AUP_EARLIER[slug]).read_text("utf-8")
    result = runner.invoke(args=["portal", "install-content"])

    assert result.exit_code == 0, result.output
    first, second = versions(slug)
    assert first.body == earlier and second.change_kind == MATERIAL and second.number == 2
    for words in AUP_ASKED[slug]:
        assert words in second.body and words not in earlier
    assert "passwords secret" not in second.body and "pass off" not in second.body
    signed_in(client, HEAD_TEACHER)
    changes = body_of(client.get(f"/policies/{slug}/compare?from=1&to=2"))
    assert "Added:" in changes and "Removed:" in changes
    assert AUP_ASKED[slug][-1] in changes


def test_pupils_who_agreed_the_earlier_aup_are_asked_to_agree_the_corrected_one(
    aups_as_installed_in_september, runner, client
):
    school_class = make_class(year_group=4)
    teacher = make_staff(classes=[school_class])
    pupil = make_pupil(school_class)
    record_acknowledgement(
        aup_to_show("KS2", school_today()),
        academic_year(school_today()).start_year,
        pupil=pupil,
        method="in_class",
        key_stage="KS2",
    )
    db.session.commit()
    seat_pupil(client, open_class_session(school_class, teacher), pupil)
    assert client.get("/me").status_code == 200  # agreed: straight to their page

    runner.invoke(args=["portal", "install-content"])

    assert client.get("/me").location.endswith("/me/aup")
    assert "filtered and checked" in body_of(client.get("/me/aup"))
