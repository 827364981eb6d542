"""Editors' dates stay within sensible bounds; a version not yet in force can be withdrawn."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import school_today
from portal.extensions import db
from portal.policies import publishing, service, shipped
from portal.policies.models import PolicyReview, PolicyVersion
from tests.helpers.builders import make_staff
from tests.helpers.checkers import assert_valid_html
from tests.helpers.concurrency import Browser, at_once
from tests.helpers.policies import policy, publish
from tests.helpers.web import post_form, signed_in

TODAY = school_today()
BASE = "/policies/social-media-policy"


@pytest.fixture(autouse=True)
def installed(app):
    shipped.install_shipped_policies(TODAY)
    db.session.commit()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def publish_form(effective_on: date, text: str = "\nA new closing line.\n") -> dict:
    return {
        "body": service.latest_version(policy()).body + text,
        "effective_on": effective_on.isoformat(),
        "change_kind": "minor",
        "summary": "Added a closing line.",
    }


# Effective dates -----------------------------------------------------------------------------


def test_an_effective_date_years_away_is_refused_with_the_last_date_allowed(client):
    signed_in(client, "head_teacher")
    url = f"{BASE}/publish"
    response = post_form(client, url, publish_form(date(9999, 12, 31)), page=url)
    html = response.get_data(as_text=True)
    last = service.add_months(TODAY, 24)
    assert response.status_code == 422 and count(PolicyVersion) == 5
    assert f"choose a date on or before {last.day} {last:%B %Y}" in html
    assert 'id="effective_on-error"' in html


def test_two_years_ahead_is_the_last_day_accepted():
    last = service.add_months(TODAY, 24)
    with pytest.raises(service.PolicyProblem, match="within two years"):
        publish(effective_on=last + timedelta(days=1))
    assert publish(effective_on=last).number == 2


# Review dates --------------------------------------------------------------------------------


def test_a_review_before_the_policy_existed_is_refused(client):
    signed_in(client, "admin")
    url = f"{BASE}/review"
    response = post_form(
        client, url, {"reviewed_on": "0001-01-01", "outcome": "no_change"}, page=url
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and count(PolicyReview) == 0
    assert "before the policy existed (1 January 2023)" in html
    assert policy().next_review_on == date(2025, 1, 1)


def test_a_review_on_the_day_the_policy_took_effect_is_accepted():
    head = make_staff(roles=("head_teacher",))
    smp = policy()
    with pytest.raises(service.PolicyProblem, match="before the policy existed"):
        service.record_review(smp, date(2022, 12, 31), head, "no_change", "", today=TODAY)
    service.record_review(smp, date(2023, 1, 1), head, "no_change", "", today=TODAY)
    assert smp.next_review_on == date(2025, 1, 1)


# Withdrawing a version not yet in force ------------------------------------------------------


def test_withdrawing_a_future_version_lets_an_earlier_date_be_published(client):
    head = signed_in(client, "head_teacher")
    future = publish(effective_on=TODAY + timedelta(days=400))
    url = f"{BASE}/publish"
    refused = post_form(client, url, publish_form(TODAY, "\nToday's change.\n"), page=url)
    assert refused.status_code == 422 and "withdraw it first" in refused.get_data(as_text=True)

    shown = client.get(BASE).get_data(as_text=True)
    withdraw = f"{BASE}/versions/2/withdraw"
    assert f'href="{withdraw}"' in shown
    confirm = client.get(withdraw)
    assert confirm.status_code == 200 and "Withdraw version 2?" in confirm.get_data(as_text=True)
    done = post_form(client, withdraw, page=withdraw, follow_redirects=True)
    assert "Withdrew version 2" in done.get_data(as_text=True)
    db.session.expire_all()
    withdrawn = db.session.get(PolicyVersion, future.id)
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_by_id == head.id

    body = publish_form(TODAY, "\nToday's change.\n")
    body["body"] = policy().versions[0].body + "\nToday's change.\n"
    published = post_form(client, url, body, page=url, follow_redirects=True)
    assert "Published version 3" in published.get_data(as_text=True)  # numbers are not reused
    db.session.expire_all()
    assert service.current_version(policy(), TODAY).number == 3
    history = client.get(BASE).get_data(as_text=True)
    assert "Withdrawn on" in history and "Version 2" in history


@pytest.mark.parametrize("case", ["in force", "acknowledged", "not the latest", "withdrawn"])
def test_only_the_newest_future_version_nobody_acknowledged_can_be_withdrawn(case):
    head = make_staff(roles=("head_teacher",))
    version = policy().versions[0]  # in force since 2023
    if case != "in force":
        version = publish(effective_on=TODAY + timedelta(days=30))
    if case == "acknowledged":  # as a record made on paper might be, ahead of the date
        service.record_acknowledgement(version, 2026, staff=head, method="paper")
    if case == "not the latest":
        publish(effective_on=TODAY + timedelta(days=60), extra="\nAnd more.\n")
    if case == "withdrawn":
        publishing.withdraw_version(version, head, TODAY)
    db.session.commit()
    with pytest.raises(service.PolicyProblem) as refused:
        publishing.withdraw_version(version, head, TODAY)
    db.session.rollback()
    words = {
        "in force": "already in force",
        "acknowledged": "already been acknowledged",
        "not the latest": "Withdraw version 3 first",
        "withdrawn": "already been withdrawn",
    }
    assert words[case] in str(refused.value)
    assert db.session.get(PolicyVersion, version.id).withdrawn_at is None or case == "withdrawn"


def test_a_teacher_cannot_withdraw_and_a_post_needs_its_csrf_token(client):
    publish(effective_on=TODAY + timedelta(days=30))
    signed_in(client, "teacher")
    url = f"{BASE}/versions/2/withdraw"
    assert client.get(url).status_code == 403
    assert post_form(client, url, page=BASE).status_code == 403
    signed_in(client, "admin")
    assert client.post(url).status_code == 400
    db.session.expire_all()
    assert service.latest_version(policy()).number == 2


# Racing editors --------------------------------------------------------------------------


def test_editors_withdrawing_at_once_withdraw_it_once(live_server):
    version = publish(effective_on=TODAY + timedelta(days=30))
    editors = [make_staff(roles=("head_teacher",)) for _ in range(4)]
    url = f"{BASE}/versions/2/withdraw"
    tries = [Browser(live_server).sign_in(editor.email).poster(url) for editor in editors]
    answers = [(r.status_code, r.text) for r in at_once(tries)]
    assert sorted(status for status, _ in answers) == [302, 409, 409, 409], answers
    assert sum("already been withdrawn" in page for _, page in answers) == 3
    db.session.expire_all()
    withdrawn = db.session.get(PolicyVersion, version.id)
    assert withdrawn.withdrawn_by_id in {editor.id for editor in editors}


@pytest.mark.html_validator
def test_withdrawing_pages_are_valid_html(client, tmp_path):
    publish(effective_on=TODAY + timedelta(days=30))
    publish(effective_on=TODAY + timedelta(days=60), extra="\nAnd more.\n")
    signed_in(client, "admin")
    seen = {
        "confirm": client.get(f"{BASE}/versions/3/withdraw"),
        "not-the-newest-409": post_form(client, f"{BASE}/versions/2/withdraw", page=BASE),
    }
    assert post_form(client, f"{BASE}/versions/3/withdraw", page=BASE).status_code == 302
    for name, url in [
        ("policy", BASE),
        ("withdrawn-version", f"{BASE}/versions/3"),
        ("compare", f"{BASE}/compare?from=1&to=3"),
    ]:
        seen[name] = client.get(url)
    statuses = {name: response.status_code for name, response in seen.items()}
    assert statuses == {name: 409 if name.endswith("409") else 200 for name in seen}
    pages = {name: response.get_data(as_text=True) for name, response in seen.items()}
    assert "Withdrawn on" in pages["policy"] and "was never in force" in pages["withdrawn-version"]
    assert_valid_html(pages, tmp_path)


def test_a_withdrawn_version_never_counts_as_acknowledged_even_once_its_date_has_passed():
    head = make_staff(roles=("head_teacher",))
    version = publish(kind="material", effective_on=TODAY + timedelta(days=30))
    publishing.withdraw_version(version, head, TODAY)
    db.session.commit()
    later = TODAY + timedelta(days=31)
    assert service.current_version(policy(), later).number == 1
    assert not service.acknowledgement_is_current(version, policy(), later)
    assert service.acknowledgement_is_current(policy().versions[0], policy(), later)
