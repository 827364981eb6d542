"""A teacher completes the yearly module in a real browser, then anyone verifies the certificate."""

import re

from playwright.sync_api import expect

from portal.clock import school_today
from portal.extensions import db
from portal.people.school_year import academic_year
from portal.policies.shipped import install_shipped_policies
from portal.staff_module.status import check_for_year
from tests.helpers.builders import make_staff
from tests.helpers.checkers import assert_accessible


def answer_check(page, right: int) -> None:
    quiz = check_for_year(academic_year(school_today()).start_year)  # this year's ten
    for index, question in enumerate(quiz.questions):
        choice = (
            question.correct_choice_id
            if index < right
            else next(c.id for c in question.choices if not c.correct)
        )
        page.locator(f"input[name='{question.id}'][value='{choice}']").check()
    page.get_by_role("button", name="Submit my answers").click()


def test_teacher_reads_fails_passes_acknowledges_and_prints_a_verifiable_certificate(
    app, page, live_server, tmp_path
):
    install_shipped_policies(school_today())
    db.session.commit()
    make_staff("teacher1@wilkinson.example.org", name="Ruth Okafor")
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("teacher1@wilkinson.example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("Your yearly staff module")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Start: Read the guidelines")).click()
    expect(page.get_by_text("Rule 1 of 6")).to_be_visible()
    assert_accessible(page)
    for _ in range(5):
        page.get_by_role("button", name="Next rule").click()
    page.get_by_role("button", name="I have read all the rules").click()

    expect(page.get_by_role("heading", name="The check")).to_be_visible()
    page.get_by_role("button", name="Start the check").click()
    assert_accessible(page)
    answer_check(page, right=6)
    expect(page.get_by_role("heading", name="Not quite yet")).to_be_visible()
    expect(page.get_by_text("You answered 6 of 10 correctly")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Try the check again").click()
    answer_check(page, right=10)
    expect(page.get_by_role("heading", name="You passed the check")).to_be_visible()
    page.get_by_role("button", name="Continue to acknowledge").click()

    assert_accessible(page)
    page.get_by_label("Type your full name").fill("Ruth Okafor")
    page.get_by_role("button", name="I acknowledge").click()
    expect(page.get_by_role("heading", name="Certificate of completion")).to_be_visible()
    assert_accessible(page)
    code = page.locator(".certificate-facts strong").inner_text()

    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    pdf = tmp_path / "certificate.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.stat().st_size > 5_000
    page.emulate_media(media="screen")

    visitor = page.context.browser.new_page()
    visitor.goto(f"{live_server}/certificates/verify")
    visitor.get_by_label("Certificate code").fill(code)
    visitor.get_by_role("button", name="Check this code").click()
    expect(visitor.get_by_role("heading", name="This certificate is genuine")).to_be_visible()
    expect(visitor.get_by_text("Ruth Okafor completed")).to_be_visible()
    assert_accessible(visitor)
