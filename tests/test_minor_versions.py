"""Acknowledging a minor version published after the last material one still counts.

A minor change asks nobody to acknowledge again, so whoever acknowledges after it has
acknowledged a version at or after the baseline: the module completes, the AUP is done.
"""

import pytest

from portal.clock import school_today
from portal.extensions import db
from portal.people.school_year import academic_year
from portal.policies import service, shipped
from portal.pupils.progress import aup_to_show
from portal.staff_module.status import GUIDELINES_SLUG, check_for_year
from tests.helpers.builders import (
    make_class,
    make_pupil,
    make_staff,
    open_class_session,
    seat_pupil,
)
from tests.helpers.policies import policy, publish
from tests.helpers.web import post_form, sign_in

TODAY = school_today()


@pytest.fixture(autouse=True)
def installed(app):
    shipped.install_shipped_policies(TODAY)
    db.session.commit()


def test_the_policies_service_counts_a_later_minor_version_as_current():
    v1 = policy().versions[0]
    v2 = publish(kind="minor", effective_on=TODAY)
    smp = policy()
    assert service.acknowledgement_baseline(smp, TODAY) == v1
    assert service.acknowledgement_is_current(v2, smp, TODAY)


def test_a_pupil_who_agrees_to_a_later_minor_version_is_done_with_the_aup(client):
    v2 = publish("aup-ks2", extra="\nAsk if you are not sure.\n", effective_on=TODAY)
    school_class = make_class(year_group=4)
    pupil = make_pupil(school_class)
    seat_pupil(client, open_class_session(school_class, make_staff()), pupil)
    assert aup_to_show("KS2", TODAY) == v2
    agreed = post_form(client, "/me/aup", {"version_id": v2.id}, page="/me/aup")
    assert agreed.status_code == 303
    home = client.get("/me")
    assert home.status_code == 200, "the AUP is still asked for after agreeing to it"


def test_a_member_of_staff_who_acknowledges_a_later_minor_version_completes_the_module(client):
    v2 = publish(GUIDELINES_SLUG, extra="\nA typo fixed.\n", effective_on=TODAY)
    teacher = make_staff(name="Ruth Okafor")
    sign_in(client, teacher.email)
    for card in range(1, 7):
        post_form(client, f"/module/read/{card}", page=f"/module/read/{card}")
    attempt_url = post_form(client, "/module/check/start", page="/module/check").location
    quiz = check_for_year(academic_year(TODAY).start_year)  # this year's ten from the bank
    right = {question.id: question.correct_choice_id for question in quiz.questions}
    post_form(client, attempt_url, right, page=attempt_url)
    acknowledged = post_form(
        client,
        "/module/acknowledge",
        {
            "version_id": v2.id,
            "policy_version_id": service.current_version(policy(), TODAY).id,
            "typed_name": "Ruth Okafor",
        },
        page="/module/acknowledge",
    )
    assert acknowledged.location == "/module/certificate"
    assert client.get("/module/").location == "/module/certificate"
    assert "Ruth Okafor" in client.get("/module/certificate").get_data(as_text=True)
