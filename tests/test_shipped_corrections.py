"""Corrections shipped with the portal: published as a school's next version only where the
school still has the text they correct, word for word; a school's own text is left alone."""

from datetime import date

import pytest
from sqlalchemy import update

from portal.extensions import db
from portal.parents import campaign as campaigns
from portal.policies import service, shipped
from portal.policies.models import MATERIAL, PolicyVersion
from tests.helpers.parents import start, token_for
from tests.helpers.policies import policy, publish
from tests.helpers.web import body_of

EARLIER = (shipped.CONTENT / "earlier" / "parents-2026-09.md").read_text("utf-8")
CORRECTED = (shipped.CONTENT / "parents.md").read_text("utf-8")
GUIDE = "Social media: a guide for parents and carers"


@pytest.fixture
def installed_in_september(app):
    """A school that installed the portal before the correction: its guide is the first text."""
    shipped.install_shipped_policies(date.today())
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
    assert second.effective_on == date.today() and second.published_by is None
    assert "Report Remove" in second.change_summary
    assert f"Published a correction to the {GUIDE} as version 2" in result.output
    assert service.current_version(policy("parents"), date.today()) == second


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
    shipped.install_shipped_policies(date.today())
    publish("parents", extra="\nOur own closing words.\n", kind="minor")
    result = runner.invoke(args=["portal", "install-content"])
    assert "correction" not in result.output and len(versions()) == 2


def test_a_new_school_starts_on_the_corrected_text(app):
    installed = shipped.install_shipped_policies(date.today())
    assert GUIDE in installed.added and installed.corrected == []
    (only,) = versions()
    assert only.body == CORRECTED


def test_the_campaign_asks_parents_to_acknowledge_the_corrected_text(
    installed_in_september, runner, family, client
):
    runner.invoke(args=["portal", "install-content"])
    campaign = start()
    assert campaign.policy_version.number == 2
    assert campaigns.guide_version(date.today()).number == 2

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
