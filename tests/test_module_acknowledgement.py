"""The module's acknowledgement covers the Social Media Policy as well as the staff guidelines."""

import pytest
from sqlalchemy import func, select

from portal.clock import school_today
from portal.extensions import db
from portal.policies.models import Acknowledgement, PolicyVersion
from portal.staff_module.models import Certificate
from portal.staff_module.school import school_module, school_totals
from portal.staff_module.status import ModuleSettings, module_status
from tests.helpers.builders import install_content, make_staff
from tests.helpers.concurrency import Browser, at_once
from tests.helpers.policies import publish
from tests.helpers.staff_module import read_and_passed
from tests.helpers.web import body_of, hidden_value, post_form, sign_in

TODAY = school_today()
PAGE = "/module/acknowledge"


@pytest.fixture
def teacher(app, client):
    install_content()
    staff = make_staff("ruth@wilkinson.example.org", name="Ruth Okafor")
    read_and_passed(staff)
    sign_in(client, staff.email)
    return staff


def status_of(staff):
    db.session.expire_all()
    return module_status(db.session.get(type(staff), staff.id), TODAY, ModuleSettings())


def acknowledge(client, name="Ruth Okafor", **changed):
    page = body_of(client.get(PAGE))
    data = {
        "version_id": hidden_value(page, "version_id"),
        "policy_version_id": hidden_value(page, "policy_version_id"),
        "typed_name": name,
        **changed,
    }
    return post_form(client, PAGE, data, page=PAGE)


def acknowledged_versions() -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(PolicyVersion.policy_id, PolicyVersion.number)
        .join(Acknowledgement, Acknowledgement.policy_version_id == PolicyVersion.id)
        .order_by(Acknowledgement.id)
    ).all()
    slugs = {1: "social-media-policy"}
    return [(slugs.get(policy_id, "staff-guidelines"), number) for policy_id, number in rows]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_step_shows_the_policy_its_duties_and_a_statement_naming_both(client, teacher):
    page = body_of(client.get(PAGE))
    assert 'href="/policies/social-media-policy"' in page
    assert "log every incident" in page and "risk assesses it" in page
    assert "I have read the Wilkinson Primary School Social Media Policy (version 1" in page
    assert "and the staff guidelines (version 1" in page


def test_acknowledging_records_both_versions_in_force_once(client, teacher):
    assert acknowledge(client).location == "/module/certificate"
    again = acknowledge(client)  # a double click, or the back button and a second press
    assert again.status_code in (302, 200)
    assert sorted(acknowledged_versions()) == [("social-media-policy", 1), ("staff-guidelines", 1)]
    assert count(Certificate) == 1
    assert all(a.typed_name == "Ruth Okafor" for a in db.session.scalars(select(Acknowledgement)))
    assert status_of(teacher).complete


def test_an_old_policy_version_records_nothing_at_all(client, teacher):
    page = body_of(client.get(PAGE))
    stale = int(hidden_value(page, "policy_version_id")) + 999
    response = acknowledge(client, policy_version_id=stale)
    assert response.status_code == 422
    assert "not the current version of the Social Media Policy" in response.get_data(as_text=True)
    assert count(Acknowledgement) == 0 and count(Certificate) == 0


def test_a_wrong_name_records_neither_document(client, teacher):
    response = acknowledge(client, name="R Okafor")
    assert response.status_code == 422 and count(Acknowledgement) == 0


def test_without_the_csrf_token_nothing_is_recorded(client, teacher):
    page = body_of(client.get(PAGE))
    response = client.post(
        PAGE,
        data={
            "version_id": hidden_value(page, "version_id"),
            "policy_version_id": hidden_value(page, "policy_version_id"),
            "typed_name": "Ruth Okafor",
        },
    )
    assert response.status_code == 400 and count(Acknowledgement) == 0


def test_a_material_change_to_the_policy_asks_again_and_a_minor_one_does_not(client, teacher):
    acknowledge(client)
    publish(kind="minor")
    assert status_of(teacher).complete
    publish(kind="material", summary="Cyber-bullying: who logs it.")
    status = status_of(teacher)
    assert status.step == "acknowledge"  # the guidelines read and the check passed still count
    assert body_of(client.get("/")).count("Acknowledge") >= 1
    assert "version 3" in body_of(client.get(PAGE))
    assert acknowledge(client).location == "/module/certificate"
    assert ("social-media-policy", 3) in acknowledged_versions()
    assert status_of(teacher).complete


def test_the_school_figures_agree_that_one_document_is_not_enough(client, teacher):
    acknowledge(client)
    publish(kind="material")
    totals = school_totals(school_module(TODAY, ModuleSettings()))
    assert totals["by_standing"]["acknowledge"] == 1 and totals["done"] == 0
    acknowledge(client)
    totals = school_totals(school_module(TODAY, ModuleSettings()))
    assert totals["done"] == 1


def test_the_certificate_names_both_documents_and_versions(app, client, teacher):
    acknowledge(client)
    page = body_of(client.get("/module/certificate"))
    assert "Social Media Policy (version 1)" in page
    assert "staff guidelines (version 1)" in page
    code = db.session.scalar(select(Certificate.code))
    verified = body_of(app.test_client().get(f"/certificates/verify?code={code}"))
    assert "Social Media Policy (version 1)" in verified


def test_four_clicks_at_once_record_each_document_once_and_one_certificate(live_server, teacher):
    page = Browser(live_server).sign_in(teacher.email).get(PAGE).text
    data = {
        "version_id": hidden_value(page, "version_id"),
        "policy_version_id": hidden_value(page, "policy_version_id"),
        "typed_name": "Ruth Okafor",
    }
    browsers = [Browser(live_server).sign_in(teacher.email) for _ in range(4)]

    responses = at_once([b.poster(PAGE, data) for b in browsers])

    assert [r.status_code for r in responses] == [302] * 4
    db.session.rollback()  # see what the server's requests committed
    assert count(Acknowledgement) == 2 and count(Certificate) == 1
