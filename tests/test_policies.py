"""Policies: the shipped texts, versions, reviews, acknowledgements, and the pages people read."""

import threading
from datetime import date, timedelta

import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.clock import school_today
from portal.extensions import db
from portal.people.models import Staff
from portal.policies import diff, formats, markdown, publishing, service, shipped
from portal.policies.models import Acknowledgement, Policy, PolicyReview, PolicyVersion
from tests.helpers.builders import make_staff
from tests.helpers.checkers import assert_valid_html
from tests.helpers.concurrency import (
    a_backend_waits_on_a_lock,
    at_once,
    statement_reached,
    wait_until,
)
from tests.helpers.policies import SLUGS, TODAY, policy, publish
from tests.helpers.queries import counting_queries
from tests.helpers.web import body_of, post_form, signed_in


@pytest.fixture(autouse=True)
def installed(app):
    assert len(shipped.install_shipped_policies(TODAY).added) == len(SLUGS)
    db.session.commit()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# The shipped content ------------------------------------------------------------------


def test_installing_twice_adds_nothing_the_second_time(runner):
    assert shipped.install_shipped_policies(TODAY) == shipped.Installed()
    result = runner.invoke(args=["portal", "install-content"])
    assert result.exit_code == 0 and "nothing to add" in result.output
    assert count(Policy) == 5 and count(PolicyVersion) == 5
    assert sorted(db.session.scalars(select(Policy.slug))) == sorted(SLUGS)


def test_the_command_says_what_it_added(runner):
    db.session.execute(db.delete(PolicyVersion))
    db.session.execute(db.delete(Policy))
    db.session.commit()
    result = runner.invoke(args=["portal", "install-content"])
    assert "Added Social Media Policy (version 1)." in result.output
    assert "5 policies added." in result.output and "is overdue" in result.output


def test_the_shipped_policy_is_the_schools_text_with_its_dates():
    smp = policy()
    (v1,) = smp.versions
    assert (smp.audience, smp.owner_role, smp.review_interval_months) == (
        "everyone",
        "head_teacher",
        24,
    )
    assert v1.effective_on == date(2023, 1, 1) and smp.next_review_on == date(2025, 1, 1)
    assert v1.change_kind == "initial"
    assert "**protect their professional reputation**" in v1.body
    assert v1.body.count("\n- Staff ") == 6
    assert policy("aup-ks2").owner_role == "esafety_lead"


def test_the_staff_guidelines_are_six_cards_each_with_a_reason():
    parsed = formats.parse_guidelines(service.latest_version(policy("staff-guidelines")).body)
    intro, rules = parsed.intro, parsed.cards
    assert "Social Media Policy" in intro
    assert len(rules) == 6
    assert all(
        title and "\n**Why:**" in body and body.startswith("> Staff ") for title, body in rules
    )


def test_the_pupils_aups_are_short_picture_lines_never_a_contract():
    ks1 = formats.parse_aup(service.latest_version(policy("aup-eyfs-ks1")).body).lines
    ks2 = formats.parse_aup(service.latest_version(policy("aup-ks2")).body).lines
    # Six lines for the youngest, and a seventh since the safeguarding lead asked for social media.
    assert 5 <= len(ks1) <= 7 and 8 <= len(ks2) <= 10
    assert ks1[0] == (
        "🧑‍🏫",
        "I will only use a tablet or game when a grown-up says I can.",
    )
    assert all(sentence.startswith("I will ") for _, sentence in ks1 + ks2)
    for slug in ("aup-eyfs-ks1", "aup-ks2", "parents"):
        assert "consent" not in service.latest_version(policy(slug)).body.lower()


def test_the_parents_page_asks_to_acknowledge_and_gives_the_help_lines():
    body = service.latest_version(policy("parents")).body
    assert "**acknowledge**" in body and "class teacher" in body
    assert all(number in body for number in ("999", "0800 1111", "CEOP"))


# Reviews ------------------------------------------------------------------------------


def test_the_shipped_review_is_overdue_and_the_home_page_alert_says_so(app):
    smp = policy()
    assert service.review_status(smp, TODAY) == "overdue"
    alerts = {alert.policy.slug: alert for alert in service.review_alerts(TODAY)}
    assert alerts["social-media-policy"].status == "overdue"
    assert alerts["social-media-policy"].days == 694
    head = make_staff(roles=("head_teacher",))
    with app.test_request_context():
        login_user(head)
        html = render_template("policies/_review_alerts.html", alerts=list(alerts.values()))
    assert (
        "Social Media Policy</strong>: the review is overdue. It was due on "
        "1 January 2025 (694 days ago)." in html
    )
    assert 'role="status"' in html and "/policies/social-media-policy/review" in html


def test_a_review_is_due_soon_within_sixty_days():
    smp = policy()
    smp.next_review_on = TODAY + timedelta(days=59)
    assert service.review_status(smp, TODAY) == "due_soon"
    assert service.review_status(smp, TODAY - timedelta(days=2)) == "ok"  # 61 days ahead
    assert service.review_status(smp, TODAY + timedelta(days=59)) == "due_soon"  # due today
    db.session.flush()
    due = [a for a in service.review_alerts(TODAY) if a.policy.slug == smp.slug]
    assert [(a.status, a.days) for a in due] == [("due_soon", 59)]


def test_recording_a_review_sets_the_next_date_and_keeps_the_history():
    head = make_staff(roles=("head_teacher",))
    smp = policy()
    service.record_review(smp, date(2026, 10, 1), head, "no_change", "", today=TODAY)
    service.record_review(smp, TODAY, head, "minor_change", "Typo.", today=TODAY)
    db.session.commit()
    assert smp.next_review_on == date(2028, 11, 26)
    assert [r.reviewed_on for r in smp.reviews] == [TODAY, date(2026, 10, 1)]
    assert [r.next_review_on for r in smp.reviews] == [date(2028, 11, 26), date(2028, 10, 1)]
    assert service.review_status(smp, TODAY) == "ok" and count(PolicyReview) == 2


def test_a_review_in_the_future_or_before_the_last_one_is_refused():
    head = make_staff(roles=("head_teacher",))
    smp = policy()
    with pytest.raises(service.PolicyProblem, match="before it happens"):
        service.record_review(smp, TODAY + timedelta(days=1), head, "no_change", "", today=TODAY)
    service.record_review(smp, TODAY, head, "no_change", "", today=TODAY)
    with pytest.raises(service.PolicyProblem, match="later review"):
        service.record_review(smp, date(2026, 1, 1), head, "no_change", "", today=TODAY)


def test_months_are_added_calendar_wise():
    assert service.add_months(date(2024, 2, 29), 24) == date(2026, 2, 28)
    assert service.add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert service.add_months(date(2023, 1, 1), 24) == date(2025, 1, 1)


# Versions and acknowledgements ----------------------------------------------------------


def test_a_material_change_asks_everyone_again_and_a_minor_one_does_not():
    smp = policy()
    v1 = smp.versions[0]
    v2 = publish(kind="minor")
    assert service.current_version(smp, TODAY) == v2
    assert service.acknowledgement_baseline(smp, TODAY) == v1
    assert service.acknowledgement_is_current(v1, smp, TODAY)
    v3 = publish(kind="material", extra="\nA rule about group chats.\n")
    assert service.acknowledgement_baseline(smp, TODAY) == v3
    assert not service.acknowledgement_is_current(v1, smp, TODAY)
    assert not service.acknowledgement_is_current(v2, smp, TODAY)
    assert service.acknowledgement_is_current(v3, smp, TODAY)
    assert [v.number for v in smp.versions] == [1, 2, 3]


def test_a_future_version_is_not_current_until_its_date():
    smp = policy()
    v1 = smp.versions[0]
    v2 = publish(kind="material", effective_on=date(2027, 1, 1))
    assert service.current_version(smp, TODAY) == v1
    assert service.acknowledgement_is_current(v1, smp, TODAY)
    assert service.current_version(smp, date(2027, 1, 1)) == v2
    assert not service.acknowledgement_is_current(v1, smp, date(2027, 1, 1))


@pytest.mark.parametrize(
    ("body", "kind", "summary", "problem"),
    [
        ("   \n", "minor", "Emptied.", "no text"),
        (None, "minor", "Nothing.", "same as version 1"),
        ("New text.", "initial", "Sneaky.", "minor or material"),
        ("New text.", "minor", "  ", "what changed"),
    ],
)
def test_publishing_refuses_empty_unchanged_or_unexplained_versions(body, kind, summary, problem):
    smp = policy()
    body = smp.versions[0].body.replace("\n", "\r\n") if body is None else body
    with pytest.raises(service.PolicyProblem, match=problem):
        publishing.publish_version(smp, body, TODAY, kind, summary, None)


def test_a_version_cannot_take_effect_before_the_one_it_follows():
    publish(effective_on=date(2027, 1, 1))
    with pytest.raises(service.PolicyProblem, match="before version 2"):
        publishing.publish_version(policy(), "Other text.", TODAY, "minor", "Fix.", None)


def test_acknowledging_twice_keeps_one_row():
    teacher = make_staff()
    version = policy().versions[0]
    first = service.record_acknowledgement(
        version, 2026, staff=teacher, method="online", typed_name=teacher.name
    )
    db.session.commit()
    again = service.record_acknowledgement(version, 2026, staff=teacher, method="online")
    db.session.commit()
    assert again.id == first.id and count(Acknowledgement) == 1
    with pytest.raises(service.PolicyProblem, match="exactly one person"):
        service.record_acknowledgement(version, 2026, method="paper")


def test_a_racing_duplicate_from_another_request_returns_the_first_row(app, database_url):
    """Two requests record the same answer at once: one row, and both see it."""
    teacher = make_staff()
    version_id, teacher_id = policy().versions[0].id, teacher.id
    first = service.record_acknowledgement(
        policy().versions[0], 2026, staff=teacher, method="online"
    )  # flushed, not yet committed
    seen = []

    def other_request():
        with app.app_context():
            from portal.people.models import Staff
            from portal.policies.models import PolicyVersion

            row = service.record_acknowledgement(
                db.session.get(PolicyVersion, version_id),
                2026,
                staff=db.session.get(Staff, teacher_id),
                method="online",
            )
            db.session.commit()
            seen.append(row.id)

    thread = threading.Thread(target=other_request)
    with statement_reached(thread, "INSERT INTO acknowledgement") as inserting:
        thread.start()
        assert inserting.wait(timeout=30), "the other request never wrote"
    if database_url.startswith("postgresql"):
        wait_until(a_backend_waits_on_a_lock)  # it waits on our uncommitted row
    db.session.commit()
    thread.join(timeout=30)
    assert seen == [first.id] and count(Acknowledgement) == 1


def test_racing_duplicates_from_other_requests_all_return_the_first_row(app):
    """Six requests record the same answer at the same moment: one row, and all of them see it."""
    version_id, teacher_id = policy().versions[0].id, make_staff().id

    def one_request():
        with app.app_context():  # its own database session, as a request has
            row = service.record_acknowledgement(
                db.session.get(PolicyVersion, version_id),
                2026,
                staff=db.session.get(Staff, teacher_id),
                method="online",
            )
            db.session.commit()
            return row.id

    seen = at_once([one_request] * 6)
    assert len(set(seen)) == 1 and count(Acknowledgement) == 1


def test_the_database_refuses_an_acknowledgement_naming_nobody():
    db.session.add(
        Acknowledgement(policy_version=policy().versions[0], academic_year=2026, method="online")
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# Markdown and differences --------------------------------------------------------------


def test_markdown_renders_without_scripts_or_javascript_links():
    html = str(
        markdown.render(
            "## Rules\n\n<script>alert(1)</script>\n\n"
            "[click](javascript:alert(1)) <javascript:alert(2)> "
            "[ok](https://example.org)\n\n- one\n- two\n"
        )
    )
    assert "<h2>Rules</h2>" in html and "<li>one</li>" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html.lower() and 'href="https://example.org"' in html


def test_cards_and_aup_lines_read_the_markdown_structure():
    text = "Intro.\n\n## First\nOne.\n\n```\n## not a heading\n```\n\n## Second\nTwo.\n"
    parsed = formats.parse_guidelines(text)
    assert parsed.intro == "Intro."
    assert parsed.cards == (("First", "One.\n\n```\n## not a heading\n```"), ("Second", "Two."))
    assert formats.parse_aup("Hello.\n\n- 🛡️ I will be kind.\n").lines == (("🛡️", "I will be kind."),)
    with pytest.raises(ValueError, match="picture"):
        formats.parse_aup("- I will be kind.\n")


def test_diff_marks_lines_added_and_removed():
    changes = diff.compare("Keep.\n\nOld line.\n", "Keep.\n\nNew line.\n\nMore.\n").changes
    assert changes == [
        ("equal", "Keep."),
        ("delete", "Old line."),
        ("insert", "New line."),
        ("insert", "More."),
    ]
    assert diff.counts(changes) == {"insert": 2, "delete": 1}


# The pages ----------------------------------------------------------------------------


def test_staff_read_the_list_with_versions_owners_and_review_status(client):
    signed_in(client, "teacher")
    html = client.get("/policies/").get_data(as_text=True)
    assert "Social Media Policy" in html and "Version 1" in html
    assert "1 January 2023" in html and "1 January 2025" in html and "Overdue" in html
    assert "Head Teacher" in html and "e-Safety lead" in html


def test_a_teacher_reads_policies_but_cannot_publish_or_review(client):
    signed_in(client, "teacher")
    page = client.get("/policies/social-media-policy")
    assert page.status_code == 200 and "protect their professional reputation" in page.get_data(
        as_text=True
    )
    assert "Publish a new version" not in page.get_data(as_text=True)
    for action in ("publish", "review"):
        url = f"/policies/social-media-policy/{action}"
        assert client.get(url).status_code == 403
        assert post_form(client, url, {"summary": "x"}, page="/").status_code == 403
    assert count(PolicyVersion) == 5 and count(PolicyReview) == 0


def test_a_governor_reads_policies_versions_and_review_history(client):
    head = make_staff(roles=("head_teacher",), name="Helen Head")
    service.record_review(policy(), TODAY, head, "no_change", "Read with governors.", today=TODAY)
    publish(effective_on=school_today())
    signed_in(client, "governor")
    assert client.get("/policies/").status_code == 200
    html = client.get("/policies/social-media-policy").get_data(as_text=True)
    assert "Review history" in html and "Helen Head" in html and "Read with governors." in html
    assert "No change" in html and "26 November 2028" in html
    old = client.get("/policies/social-media-policy/versions/1").get_data(as_text=True)
    assert "This is version 1, effective 1 January 2023. The current version is 2." in old


def test_an_admin_publishes_a_material_version_from_the_form(client):
    admin = signed_in(client, "admin")
    url = "/policies/social-media-policy/publish"
    form = client.get(url).get_data(as_text=True)
    assert "protect their professional reputation" in form  # prefilled with the current text
    body = service.latest_version(policy()).body + "\nStaff must not use group chats.\n"
    response = post_form(
        client,
        url,
        {
            "body": body,
            "effective_on": school_today().isoformat(),
            "change_kind": "material",
            "summary": "Added a rule about group chats.",
        },
        page=url,
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Published version 2 of the Social Media Policy" in html
    assert "asked to acknowledge it again" in html
    db.session.expire_all()
    v2 = service.latest_version(policy())
    assert (v2.number, v2.change_kind, v2.published_by_id) == (2, "material", admin.id)


def test_a_half_filled_publish_form_keeps_the_text_and_writes_nothing(client):
    signed_in(client, "head_teacher")
    url = "/policies/social-media-policy/publish"
    response = post_form(client, url, {"body": "My new draft.", "effective_on": "soon"}, page=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "There is a problem" in html
    assert "My new draft." in html and "Enter a real date" in html
    assert "Choose minor or material." in html and "Say in a sentence what changed." in html
    unchanged = post_form(
        client,
        url,
        {
            "body": service.latest_version(policy()).body,
            "effective_on": "2026-11-26",
            "change_kind": "minor",
            "summary": "Nothing really.",
        },
        page=url,
    )
    assert unchanged.status_code == 422 and "same as version 1" in unchanged.get_data(as_text=True)
    assert count(PolicyVersion) == 5


def test_a_post_without_the_csrf_token_is_refused(client):
    signed_in(client, "admin")
    response = client.post(
        "/policies/social-media-policy/review",
        data={"reviewed_on": "2026-11-26", "outcome": "no_change"},
    )
    assert response.status_code == 400 and count(PolicyReview) == 0


def test_recording_a_review_from_the_form_says_when_the_next_is_due(client):
    signed_in(client, "head_teacher")
    url = "/policies/social-media-policy/review"
    today = school_today()
    response = post_form(
        client,
        url,
        {"reviewed_on": today.isoformat(), "outcome": "no_change", "notes": "All still true."},
        page=url,
        follow_redirects=True,
    )
    next_due = service.add_months(today, 24)
    assert f"The next review is due on {next_due.day} {next_due:%B %Y}." in response.get_data(
        as_text=True
    )
    future = post_form(
        client,
        url,
        {"reviewed_on": (today + timedelta(days=3)).isoformat(), "outcome": "no_change"},
        page=url,
    )
    assert future.status_code == 422 and "before it happens" in future.get_data(as_text=True)


def test_compare_shows_what_was_added_and_removed(client):
    smp = policy()
    body = smp.versions[0].body.replace("Updated: January 2023", "Updated: November 2026")
    publishing.publish_version(smp, body, school_today(), "minor", "New date.", None)
    db.session.commit()
    signed_in(client, "teacher")
    html = client.get("/policies/social-media-policy/compare?from=1&to=2").get_data(as_text=True)
    assert "1 line added and 1 line removed." in html
    assert "<strong>Removed:</strong> <del>Updated: January 2023</del>" in html
    assert "<strong>Added:</strong> <ins>Updated: November 2026</ins>" in html
    swap = client.get(
        "/policies/social-media-policy/compare?from=1&to=2", headers={"HX-Request": "true"}
    )
    assert "<html" not in swap.get_data(as_text=True) and "HX-Request" in swap.headers["Vary"]
    assert client.get("/policies/social-media-policy/compare?from=1&to=9").status_code == 404
    assert client.get("/policies/social-media-policy/compare?from=x").status_code == 400
    assert client.get("/policies/nothing-here").status_code == 404


def test_a_script_in_a_published_version_is_shown_as_text(client):
    publish(
        extra="\n<script>alert('hi')</script>\n\n[Click me](javascript:alert(1))\n",
        effective_on=school_today(),
    )
    signed_in(client, "teacher")
    html = client.get("/policies/social-media-policy").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert 'href="javascript' not in html.lower()


def test_the_list_takes_the_same_queries_however_many_versions(client):
    signed_in(client, "governor")

    def queries_for_the_list() -> int:
        with counting_queries() as statements:
            assert client.get("/policies/").status_code == 200
        return len(statements)

    few = queries_for_the_list()
    for n in range(6):
        publish(extra=f"\nChange {n}.\n", effective_on=school_today())
    assert queries_for_the_list() == few


@pytest.mark.html_validator
def test_policy_pages_are_valid_html(app, client, tmp_path):
    publish(effective_on=school_today())
    signed_in(client, "admin")
    base = "/policies/social-media-policy"
    pages = {
        f"page{n}": body_of(client.get(url))
        for n, url in enumerate(
            [
                "/policies/",
                base,
                f"{base}/versions/1",
                f"{base}/compare",
                f"{base}/publish",
                f"{base}/review",
            ]
        )
    }
    invalid = post_form(client, f"{base}/publish", {"body": "", "effective_on": "x"}, page=base)
    pages["invalid-form-422"] = body_of(invalid, 422)
    assert_valid_html(pages, tmp_path)


def test_long_unchanged_stretches_fold_around_the_changes():
    old = "\n".join(f"Line {n}." for n in range(10))
    changes = diff.compare(old, old.replace("Line 5.", "Line five.")).changes
    folded = diff.around_changes(changes, context=1)
    assert folded == [
        ("skip", "4"),
        ("equal", "Line 4."),
        ("delete", "Line 5."),
        ("insert", "Line five."),
        ("equal", "Line 6."),
        ("skip", "3"),
    ]


def test_an_acknowledgement_is_part_of_the_request_that_made_it(app):
    """A rollback after recording undoes it: nothing commits on its own."""
    teacher = make_staff()
    service.record_acknowledgement(policy().versions[0], 2026, staff=teacher, method="online")
    db.session.rollback()
    assert count(Acknowledgement) == 0


def test_the_admin_home_page_warns_of_the_overdue_review_at_once(client):
    signed_in(client, "admin")
    html = client.get("/").get_data(as_text=True)
    assert (
        "Social Media Policy</strong>: the review is overdue. It was due on 1 January 2025" in html
    )
    assert "/policies/social-media-policy/review" in html


# Reading a policy once a request -------------------------------------------------------------


def test_the_head_teachers_home_reads_every_policy_in_one_statement(app, client):
    # It asks about five: the guidelines, the policy, the parents' guide, reviews due and
    # documents whose source changed.
    signed_in(client, "head_teacher")
    with counting_queries() as statements:
        body_of(client.get("/"))
    policies = [s for s in statements if "FROM policy " in s]
    versions = [s for s in statements if "FROM policy_version" in s]
    assert len(policies) == 1 and "JOIN policy_version" in policies[0], policies
    assert versions == []


def test_a_policy_found_once_is_the_same_until_it_is_gone_from_the_session(app):
    found = service.policy_with_slug("parents")
    with counting_queries() as statements:
        assert service.policy_with_slug("parents") is found
    assert statements == []
    blogs = Policy(
        slug="blogs",
        title="Class blogs",
        audience="staff",
        owner_role="head_teacher",
        review_interval_months=12,
        next_review_on=TODAY,
    )
    db.session.add(blogs)
    db.session.flush()
    assert service.policy_with_slug("blogs").title == "Class blogs"
    db.session.rollback()  # the new policy never was
    assert service.policy_with_slug("blogs") is None
    db.session.close()  # a new request, a new session
    assert service.policy_with_slug("parents").slug == "parents"
