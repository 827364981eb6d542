"""An error summary takes the focus, the title says "Error:", and each entry names its place."""

import re

from playwright.sync_api import expect

from portal.clock import school_today
from portal.extensions import db
from portal.people.school_year import academic_year
from portal.policies.shipped import install_shipped_policies
from portal.staff_module.status import check_for_year
from tests.helpers.builders import PASSWORD, make_staff


def sign_in(page, live_server, email: str, password: str = PASSWORD):
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_wrong_password_moves_focus_to_the_summary_and_titles_the_page(page, live_server):
    make_staff("teacher1@wilkinson.example.org")
    sign_in(page, live_server, "teacher1@wilkinson.example.org", "not my password")
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.locator(".error-summary")).to_be_focused()


def test_the_staff_checks_summary_names_the_question_left_unanswered(page, live_server):
    install_shipped_policies(school_today())
    db.session.commit()
    make_staff("teacher1@wilkinson.example.org")
    sign_in(page, live_server, "teacher1@wilkinson.example.org")
    page.get_by_role("button", name=re.compile("Start: Read the guidelines")).click()
    for _ in range(5):
        page.get_by_role("button", name="Next rule").click()
    page.get_by_role("button", name="I have read all the rules").click()
    page.get_by_role("button", name="Start the check").click()
    quiz = check_for_year(academic_year(school_today()).start_year)  # this year's ten
    for number, question in enumerate(quiz.questions, start=1):
        if number != 7:
            page.locator(
                f"input[name='{question.id}'][value='{question.correct_choice_id}']"
            ).check()
    page.get_by_role("button", name="Submit my answers").click()
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("link")).to_have_text(["Question 7"])
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".error-summary")).to_be_focused()
