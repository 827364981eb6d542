"""The paper route in a browser: the office prints letters for families without email (one to
an A4 page), a parent scans the code, and the office records a reply slip; axe on each screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers.builders import make_class, make_guardian, make_pupil, make_staff
from tests.helpers.checkers import assert_accessible
from tests.helpers.parents import start

PHONE = {"width": 320, "height": 640}


@pytest.fixture
def office(app, family, live_server):
    app.config.update(BASE_URL=live_server)
    make_guardian([make_pupil(make_class("Elm", 2), "Zara", "Bello")], email=None)
    start()
    return make_staff("office@wilkinson.example.org", roles=("admin",), name="Olu Office")


def pdf_pages(path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


def test_the_office_prints_letters_and_records_a_reply_slip(
    page, live_server, office, family, tmp_path
):
    femi = family["femi"].full_name
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("office@wilkinson.example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/admin/parents/")
    page.get_by_role("link", name="print their letters").click()
    expect(page.get_by_role("heading", name="Letters for families without email")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=f"Print letter for {femi}").click()
    expect(page.get_by_text(f"Dear {femi},")).to_be_visible()
    assert_accessible(page)
    short_link = page.locator(".letter-address").inner_text()
    assert short_link.startswith(f"{live_server}/p/")

    page.goto(f"{live_server}/admin/parents/letters")
    page.get_by_role("link", name="Print all letters").click()
    assert page.locator("article.letter").count() == 2
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    expect(page.get_by_role("link", name="Letters for families without email")).to_be_hidden()
    pdf = tmp_path / "letters.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf_pages(pdf) == 2  # one letter to a page
    page.emulate_media(media="screen")

    parent = page.context.browser.new_page(viewport=PHONE)
    parent.goto(short_link)
    expect(
        parent.get_by_text("This is about Amara (Oak class) and Leo (Ash class).")
    ).to_be_visible()

    page.goto(f"{live_server}/admin/parents/letters")
    page.get_by_role("link", name=f"Record a paper or phone answer for {femi}").click()
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose how the answer was given")
    assert_accessible(page)
    page.get_by_label("On the paper reply slip").check()
    page.get_by_label("I acknowledge").check()
    page.get_by_label("Their name as written on the slip").fill("F. Okoye")
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_text("The answer is recorded.")).to_be_visible()
    expect(page.locator(".answer-now")).to_contain_text("recorded by Olu Office")
    assert_accessible(page)

    parent.reload()
    expect(
        parent.get_by_text(re.compile("Recorded by the school from your paper reply"))
    ).to_be_visible()
    assert_accessible(parent)
