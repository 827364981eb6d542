"""A parent's year: the Head Teacher starts the campaign, the email arrives over real SMTP,
and the parent answers on a phone; broken and expired links behave; axe on every screen."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.clock import utcnow
from portal.extensions import db
from portal.mail.sender import deliver_pending
from portal.people.school_year import academic_year
from portal.policies.models import Acknowledgement
from tests.helpers.builders import (
    install_content,
    make_class,
    make_guardian,
    make_pupil,
    make_staff,
)
from tests.helpers.checkers import assert_accessible
from tests.helpers.web import TEST_SECRET

PHONE = {"width": 320, "height": 640}


@pytest.fixture
def school(app, smtp_server, live_server):
    """Amara in Oak, her carer Grace with an email, and the Head Teacher; mail goes to SMTP."""
    app.config.update(SMTP_PORT=smtp_server.port, BASE_URL=live_server)
    install_content()
    grace = make_guardian([make_pupil(make_class("Oak", 1), "Amara", "Okoye")], "grace@example.org")
    make_staff("head@wilkinson.example.org", roles=("head_teacher",), name="Helen Ward")
    return grace


def link_in(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://127\.0\.0\.1:\d+/parents/\S+", text).group(0)


def fits_the_phone(page) -> None:
    page.wait_for_load_state()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def parent_screen(page) -> None:
    """Every parent screen: readable on a 320px phone, no sideways scroll, nothing for axe."""
    fits_the_phone(page)
    assert_accessible(page)


def test_the_head_teacher_starts_and_a_parent_acknowledges_from_the_email(
    app, page, live_server, smtp_server, school
):
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("head@wilkinson.example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=re.compile("Start the parents' acknowledgement")).click()
    expect(page.get_by_text("1 guardians have an email address")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Start the parents' acknowledgement")).click()
    expect(page.get_by_text("has started")).to_be_visible()
    assert_accessible(page)

    assert deliver_pending(app.config)["sent"] == 1
    [email] = smtp_server.received
    assert email["To"] == "grace@example.org" and "Amara" not in email.as_string()
    link = link_in(email)

    parent = page.context.browser.new_page(viewport=PHONE)
    parent.goto(link)
    expect(parent.get_by_role("heading", name=re.compile("what we ask of parents"))).to_be_visible()
    expect(parent.get_by_text("This is about Amara (Oak class).")).to_be_visible()
    # Amara is in Year 1: her family reads her class's AUP with her, pictures and all.
    read_at_home = parent.locator("section.read-at-home")
    expect(
        read_at_home.get_by_role("heading", name="Read with Amara: our promises online")
    ).to_be_visible()
    expect(read_at_home.locator(".aup-lines li")).to_have_count(7)
    assert parent.locator("button.say:visible").count() >= 10  # every paragraph reads aloud
    parent_screen(parent)

    parent.get_by_role("button", name="I acknowledge").click()
    expect(parent.get_by_role("alert")).to_contain_text("Type your full name to acknowledge.")
    parent_screen(parent)

    parent.get_by_label("Type your full name").fill("Grace Okoye")
    parent.get_by_role("button", name="I acknowledge").click()
    expect(parent.get_by_text("Your answer is saved")).to_be_visible()
    expect(parent.locator(".parent-current")).to_contain_text("I acknowledge, as Grace Okoye")
    parent_screen(parent)

    parent.get_by_label("Type your full name").fill("Grace Okoye")
    parent.get_by_role("button", name="I acknowledge").click()
    expect(parent.get_by_text("nothing has changed")).to_be_visible()
    db.session.expire_all()
    assert len(db.session.scalars(select(Acknowledgement)).all()) == 1

    parent.get_by_role("link", name="Read the full guide for parents and carers").click()
    expect(parent.get_by_role("heading", name="Photos of children")).to_be_visible()
    parent_screen(parent)

    page.goto(f"{live_server}/admin/parents/")
    expect(page.get_by_text("Acknowledged: 1 of 1")).to_be_visible()

    parent.goto(link[:-6] + "AAAAAA")
    expect(parent.get_by_role("heading", name="This link is not valid")).to_be_visible()
    expect(parent.get_by_text("Amara")).to_have_count(0)
    parent_screen(parent)


def test_an_expired_link_sends_one_new_link_to_the_address_on_file(
    app, page, live_server, smtp_server, school
):
    from portal.parents import campaign as campaigns
    from portal.parents import links

    today = utcnow().date()
    campaign = campaigns.start_campaign(
        academic_year(today),
        campaigns.guide_version(today),
        None,
        utcnow().date() + timedelta(days=30),
        campaigns.MailSettings(TEST_SECRET, "Wilkinson Primary School", "office@school.test", ""),
        utcnow().date(),
    )
    db.session.commit()
    deliver_pending(app.config)
    old = links.make_token(
        TEST_SECRET, links.LinkFor(campaign.id, school.id), utcnow() - timedelta(days=40)
    )
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/parents/{old}")
    expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    parent_screen(page)
    page.get_by_role("button", name="Send me a new link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    parent_screen(page)

    assert deliver_pending(app.config)["sent"] == 1
    _first, fresh = smtp_server.received
    assert fresh["To"] == "grace@example.org" and "new link" in fresh.as_string()
    page.goto(link_in(fresh))
    expect(page.get_by_text("This is about Amara (Oak class).")).to_be_visible()
