"""A teacher prints their classroom's AUP poster: one page of A4 from Chromium, for each poster."""

import re

from playwright.sync_api import expect

from portal.clock import school_today
from portal.extensions import db
from portal.policies.shipped import install_shipped_policies
from tests.helpers.browser import sign_in_as
from tests.helpers.builders import make_class, make_staff
from tests.helpers.checkers import assert_accessible

# A page object of a PDF, not the /Type /Pages tree that lists them.
PDF_PAGE = re.compile(rb"/Type\s*/Page(?!s)")


def pages_in(pdf: bytes) -> int:
    return len(PDF_PAGE.findall(pdf))


def check_poster(page, lines: int) -> None:
    """The poster as seen and as printed: pictures drawn, axe content, one page of A4."""
    poster = page.locator("article.poster")
    expect(poster.get_by_role("heading", name="How we stay safe online")).to_be_visible()
    expect(poster.locator(".poster-line")).to_have_count(lines)
    pictures = poster.locator("img.poster-picture")
    expect(pictures).to_have_count(lines)
    drawn = pictures.evaluate_all("images => images.every(i => i.complete && i.naturalWidth > 0)")
    assert drawn, "a picture did not load"
    expect(poster.locator(".poster-foot")).to_contain_text("Our online safety promises")
    assert_accessible(page)

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator(".poster-tools")).to_be_hidden()
    page.emulate_media(media=None)
    assert pages_in(page.pdf(format="A4")) == 1


def test_a_teacher_prints_the_poster_for_each_key_stage(page, live_server):
    install_shipped_policies(school_today())
    oak = make_class("Oak", 1)
    make_staff("teacher1@wilkinson.example.org", classes=[oak])
    db.session.commit()
    sign_in_as(page, live_server, "teacher1@wilkinson.example.org")

    page.goto(f"{live_server}/teach/classes/{oak.id}")
    page.get_by_role("link", name="Print a poster").click()
    expect(page).to_have_url(re.compile(r"/policies/posters/eyfs-ks1$"))
    expect(page.locator(".poster-foot")).to_contain_text("Early Years and Key Stage 1")
    check_poster(page, lines=6)

    page.goto(f"{live_server}/policies/aup-ks2")
    page.get_by_role("link", name="Print a poster").click()
    expect(page).to_have_url(re.compile(r"/policies/posters/ks2$"))
    check_poster(page, lines=10)

    page.set_viewport_size({"width": 360, "height": 740})  # a phone: big words, nothing sideways
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 360, wide
