"""The annual staff module: read, check, acknowledge, certificate; due dates and reminders."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import school_today
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.people.school_year import academic_year
from portal.policies.models import Acknowledgement, Policy
from portal.policies.publishing import publish_version
from portal.policies.shipped import install_shipped_policies
from portal.quiz.catalogue import get_quiz
from portal.quiz.models import QuizAnswer, QuizAttempt
from portal.staff_module.models import Certificate
from portal.staff_module.status import ModuleSettings, check_for_year, due_on, module_status
from tests.helpers.builders import make_staff
from tests.helpers.queries import counting_queries
from tests.helpers.web import post_form, sign_in

TODAY = school_today()


@pytest.fixture
def policies(app):
    install_shipped_policies(TODAY)
    db.session.commit()


@pytest.fixture
def teacher(client, policies):
    staff = make_staff("teacher1@wilkinson.example.org", name="Ruth Okafor")
    sign_in(client, staff.email)
    return staff


def status_of(staff):
    db.session.expire_all()
    return module_status(db.session.get(type(staff), staff.id), TODAY, ModuleSettings())


def read_all_cards(client) -> int:
    cards = status_of_current(client)
    for card in range(1, cards + 1):
        response = post_form(client, f"/module/read/{card}", page=f"/module/read/{card}")
        assert response.status_code == 302
    return cards


def status_of_current(client) -> int:
    response = client.get("/module/read/1")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    return int(text.split("Rule 1 of ")[1].split("<")[0])


def this_years_check():
    """The ten scenarios drawn from the bank for this school year."""
    return check_for_year(academic_year(TODAY).start_year)


def answers(quiz, right: int) -> dict[str, str]:
    """Answer the first ``right`` questions correctly and the rest wrongly."""
    chosen = {}
    for index, question in enumerate(quiz.questions):
        wrong = next(c.id for c in question.choices if not c.correct)
        chosen[question.id] = question.correct_choice_id if index < right else wrong
    return chosen


def take_check(client, right: int):
    start = post_form(client, "/module/check/start", page="/module/check")
    assert start.status_code == 302, start.get_data(as_text=True)
    attempt_url = start.location
    response = post_form(client, attempt_url, answers(this_years_check(), right), page=attempt_url)
    assert response.status_code == 302
    return attempt_url, client.get(response.location)


def test_the_guidelines_are_read_one_card_at_a_time_and_resume_where_left(client, teacher):
    total = status_of_current(client)
    assert total == 6
    post_form(client, "/module/read/1", page="/module/read/1")
    post_form(client, "/module/read/2", page="/module/read/2")
    assert client.get("/module/").location == "/module/read/3"
    assert status_of(teacher).step == "read"
    for card in range(3, total + 1):
        post_form(client, f"/module/read/{card}", page=f"/module/read/{card}")
    assert status_of(teacher).step == "check"
    assert client.get("/module/").location == "/module/check"


def test_each_card_shows_the_rule_and_the_reason(client, teacher):
    html = client.get("/module/read/1").get_data(as_text=True)
    assert "Rule 1 of 6" in html and "Why:" in html


def test_the_check_waits_until_the_guidelines_are_read(client, teacher):
    assert client.get("/module/check").location.startswith("/module/read/")
    response = post_form(client, "/module/check/start", page="/", follow_redirects=True)
    assert "Read the guidelines first" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0


def test_failing_then_passing_the_check_with_explanations(client, teacher):
    read_all_cards(client)
    _, failed = take_check(client, right=7)
    html = failed.get_data(as_text=True)
    assert "Not quite yet" in html and "7 of 10" in html and "Try the check again" in html
    assert "The best answer:" in html
    assert status_of(teacher).step == "check"
    _, passed = take_check(client, right=8)
    assert "You passed the check" in passed.get_data(as_text=True)
    assert status_of(teacher).step == "acknowledge"
    attempts = db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.id)).all()
    assert [(a.score, a.passed) for a in attempts] == [(7, False), (8, True)]
    assert all(a.quiz_revision == get_quiz("staff-conduct").revision for a in attempts)


def test_a_double_submitted_check_is_stored_once(client, teacher):
    read_all_cards(client)
    start = post_form(client, "/module/check/start", page="/module/check")
    chosen = answers(this_years_check(), 10)
    first = post_form(client, start.location, chosen, page=start.location)
    second = post_form(client, start.location, chosen, page="/module/check")
    assert first.location == second.location
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
    assert db.session.scalar(select(func.count()).select_from(QuizAnswer)) == 10


def test_a_half_answered_check_keeps_the_answers_and_names_the_missing(client, teacher):
    read_all_cards(client)
    start = post_form(client, "/module/check/start", page="/module/check")
    chosen = dict(list(answers(this_years_check(), 10).items())[:7])
    response = post_form(client, start.location, chosen, page=start.location)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "3 of 10 questions have no answer" in html
    assert html.count("checked") == 7
    assert db.session.scalar(select(func.count()).select_from(QuizAnswer)) == 0


def test_answers_that_do_not_belong_to_the_check_are_refused(client, teacher):
    read_all_cards(client)
    start = post_form(client, start_url := "/module/check/start", page="/module/check")
    chosen = answers(this_years_check(), 10)
    first_question = next(iter(chosen))
    for bad in ({**chosen, first_question: "no-such-choice"}, {**chosen, "made-up": "a"}):
        response = post_form(client, start.location, bad, page=start.location)
        assert response.status_code == 400, start_url
    assert db.session.scalar(select(func.count()).select_from(QuizAnswer)) == 0


def test_someone_elses_attempt_is_not_found(app, client, teacher):
    read_all_cards(client)
    start = post_form(client, "/module/check/start", page="/module/check")
    colleague = make_staff("colleague@wilkinson.example.org")
    other = app.test_client()
    sign_in(other, colleague.email)
    assert other.get(start.location).status_code == 404


def test_acknowledging_before_passing_is_refused(client, teacher):
    read_all_cards(client)
    take_check(client, right=5)
    version, policy_version = status_of(teacher).version, status_of(teacher).policy_version
    response = post_form(
        client,
        "/module/acknowledge",
        {
            "version_id": version.id,
            "policy_version_id": policy_version.id,
            "typed_name": "Ruth Okafor",
        },
        page="/module/check",
    )
    assert response.status_code == 422
    assert "Pass the check before acknowledging" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Acknowledgement)) == 0


def complete_module(client, teacher):
    read_all_cards(client)
    take_check(client, right=9)
    version, policy_version = status_of(teacher).version, status_of(teacher).policy_version
    return post_form(
        client,
        "/module/acknowledge",
        {
            "version_id": version.id,
            "policy_version_id": policy_version.id,
            "typed_name": "  ruth   OKAFOR ",
        },
        page="/module/acknowledge",
    )


def test_acknowledging_issues_a_certificate_whose_code_anyone_can_verify(app, client, teacher):
    response = complete_module(client, teacher)
    assert response.location == "/module/certificate"
    page = client.get("/module/certificate").get_data(as_text=True)
    certificate = db.session.scalar(select(Certificate))
    assert "Ruth Okafor" in page and certificate.code in page and "9 of 10" in page
    acknowledgement = db.session.scalar(
        select(Acknowledgement).where(
            Acknowledgement.policy_version_id == certificate.policy_version_id
        )
    )
    assert acknowledgement.typed_name == "ruth OKAFOR" and acknowledgement.method == "online"
    assert acknowledgement.policy_version_id == certificate.policy_version_id
    assert status_of(teacher).complete
    anyone = app.test_client()
    found = anyone.get(f"/certificates/verify?code={certificate.code.lower().replace('-', '')}")
    assert (
        found.status_code == 200
        and "This certificate is genuine" in found.get_data(as_text=True)
        and "Ruth Okafor" in found.get_data(as_text=True)
    )
    missing = anyone.get("/certificates/verify?code=ZZZZ-9999")
    assert missing.status_code == 404 and "No certificate has this code" in missing.get_data(
        as_text=True
    )


def test_acknowledging_twice_keeps_one_record_per_document_and_one_certificate(client, teacher):
    complete_module(client, teacher)
    version, policy_version = status_of(teacher).version, status_of(teacher).policy_version
    post_form(
        client,
        "/module/acknowledge",
        {
            "version_id": version.id,
            "policy_version_id": policy_version.id,
            "typed_name": "Ruth Okafor",
        },
        page="/module/certificate",
    )
    # One for the guidelines, one for the Social Media Policy.
    assert db.session.scalar(select(func.count()).select_from(Acknowledgement)) == 2
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_a_wrong_name_or_an_old_version_is_refused(client, teacher):
    read_all_cards(client)
    take_check(client, right=10)
    version, policy_version = status_of(teacher).version, status_of(teacher).policy_version
    wrong_name = post_form(
        client,
        "/module/acknowledge",
        {
            "version_id": version.id,
            "policy_version_id": policy_version.id,
            "typed_name": "R Okafor",
        },
        page="/module/acknowledge",
    )
    old_version = post_form(
        client,
        "/module/acknowledge",
        {
            "version_id": version.id + 999,
            "policy_version_id": policy_version.id,
            "typed_name": "Ruth Okafor",
        },
        page="/module/acknowledge",
    )
    assert "Type your full name" in wrong_name.get_data(as_text=True)
    assert "not the current version" in old_version.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Acknowledgement)) == 0


def guidelines():
    return db.session.scalar(select(Policy).where(Policy.slug == "staff-guidelines"))


def test_a_material_version_makes_the_acknowledgement_due_again_and_a_minor_one_does_not(
    client, teacher
):
    complete_module(client, teacher)
    policy = guidelines()
    body = policy.versions[-1].body
    publish_version(policy, body + "\n\nA typo fixed.\n", TODAY, "minor", "Typo", teacher)
    db.session.commit()
    assert status_of(teacher).complete
    publish_version(guidelines(), body + "\n\nA new rule.\n", TODAY, "material", "New", teacher)
    db.session.commit()
    status = status_of(teacher)
    assert not status.complete and status.step == "read"
    assert status.passed_attempt is not None  # this year's pass still counts


def test_due_date_is_the_school_date_or_days_after_joining():
    settings = ModuleSettings(9, 30, 30)
    from portal.people.school_year import academic_year

    year = academic_year(date(2026, 11, 26))

    class Person:
        created_at = datetime(2025, 5, 1)

    assert due_on(Person, year, settings) == date(2026, 9, 30)
    Person.created_at = datetime(2026, 11, 20)
    assert due_on(Person, year, settings) == date(2026, 12, 20)


def test_home_page_says_what_is_due_and_the_next_step(client, teacher):
    html = client.get("/").get_data(as_text=True)
    assert "Your yearly staff module" in html and "Read the guidelines" in html
    complete_module(client, teacher)
    html = client.get("/").get_data(as_text=True)
    assert "is complete" in html and "print your certificate" in html


def test_governors_are_not_asked_to_take_the_module_but_see_the_summary(app, policies):
    governor = make_staff("governor@wilkinson.example.org", roles=("governor",))
    make_staff("t2@wilkinson.example.org")
    client = app.test_client()
    sign_in(client, governor.email)
    home = client.get("/").get_data(as_text=True)
    assert "Your yearly staff module" not in home and "0 of 1 (0%) complete" in home
    assert "please read and acknowledge the Social Media Policy" in home  # their own step
    summary = client.get("/admin/module").get_data(as_text=True)
    assert "0 of 1 (0%)" in summary and "t2@" not in summary and "Member of Staff" not in summary
    assert client.get("/module/read/1").status_code == 403


def test_reminders_go_to_outstanding_staff_at_most_once_per_interval(app, runner, policies):
    outstanding = make_staff("late@wilkinson.example.org")
    make_staff("governor@wilkinson.example.org", roles=("governor",))
    make_staff("gone@wilkinson.example.org", active=False)
    first = runner.invoke(args=["portal", "send-reminders"])
    assert "Queued 1 staff reminders" in first.output
    again = runner.invoke(args=["portal", "send-reminders"])
    assert "Queued 0 staff reminders; 1 outstanding were reminded recently" in again.output
    message = db.session.scalar(select(OutboxMessage))
    assert message.to_address == outstanding.email and "module" in message.subject
    assert "http://portal.test/" in message.body_text


def test_admin_sends_reminders_from_the_completion_page(client, policies):
    admin = make_staff("admin@wilkinson.example.org", roles=("admin",))
    make_staff("late@wilkinson.example.org", name="Late Larry")
    sign_in(client, admin.email)
    page = client.get("/admin/module").get_data(as_text=True)
    assert "0 of 2 (0%)" in page and "Late Larry" in page
    response = post_form(client, "/module/reminders", page="/admin/module", follow_redirects=True)
    assert "Queued 2 reminder emails" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_teachers_cannot_send_reminders_or_see_names(client, teacher):
    assert post_form(client, "/module/reminders", page="/").status_code == 403
    assert client.get("/module/staff").status_code == 403


def test_completion_page_query_count_does_not_grow_with_staff(client, policies):
    admin = make_staff("admin@wilkinson.example.org", roles=("admin",))
    sign_in(client, admin.email)

    def queries_with(more: int) -> int:
        for _ in range(more):
            make_staff()
        with counting_queries() as statements:
            assert client.get("/admin/module").status_code == 200
        return len(statements)

    assert queries_with(2) == queries_with(25)


def test_a_new_academic_year_makes_the_module_due_again(client, teacher):
    complete_module(client, teacher)
    staff = db.session.get(type(teacher), teacher.id)
    next_year = module_status(
        staff,
        date(TODAY.year + 1, 10, 1) if TODAY.month < 9 else date(TODAY.year + 1, 9, 2),
        ModuleSettings(),
    )
    assert not next_year.complete and next_year.step == "read"
    assert next_year.due_on > TODAY - timedelta(days=1)
