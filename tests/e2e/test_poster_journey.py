"""A teacher prints their classroom's AUP poster: one page of A4 from Chromium, for each poster."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.clock import school_today
from portal.extensions import db
from portal.policies.formats import parse_aup
from portal.policies.models import Policy
from portal.policies.posters import PAGE_MM, height_mm, type_size
from portal.policies.publishing import publish_version
from portal.policies.shipped import CONTENT, install_shipped_policies
from tests.helpers.browser import sign_in_as
from tests.helpers.builders import make_class, make_staff
from tests.helpers.checkers import assert_accessible

# A page object of a PDF, not the /Type /Pages tree that lists them.
PDF_PAGE = re.compile(rb"/Type\s*/Page(?!s)")


def pages_in(pdf: bytes) -> int:
    return len(PDF_PAGE.findall(pdf))


def shipped_lines(slug: str) -> int:
    return len(parse_aup((CONTENT / f"{slug}.md").read_text("utf-8")).lines)


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
    check_poster(page, lines=shipped_lines("aup-eyfs-ks1"))

    page.goto(f"{live_server}/policies/aup-ks2")
    page.get_by_role("link", name="Print a poster").click()
    expect(page).to_have_url(re.compile(r"/policies/posters/ks2$"))
    check_poster(page, lines=shipped_lines("aup-ks2"))

    page.set_viewport_size({"width": 360, "height": 740})  # a phone: big words, nothing sideways
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 360, wide


WORDS = (
    "I will ask a trusted adult before I share anything about myself or my friends online, "
    "and I will keep my passwords and personal information private"
)
CLOSING = (
    "If I am not sure what to do, I will stop and ask a trusted adult. I can also call Childline."
)


def aup_text(lines: int, letters: int) -> str:
    """An AUP of ``lines`` sentences of ordinary words, each about ``letters`` long."""
    sentence = WORDS[: letters - 1].rstrip(" ,") + "."
    return (
        "Our promises.\n\n" + "".join(f"- 🔑 {sentence}\n" for _ in range(lines)) + "\n" + CLOSING
    )


def longest_text_in(size: str, lines: int) -> str:
    """An AUP of ``lines`` lines, the longest the estimate still prints in ``size``."""
    for letters in range(len(WORDS), 20, -1):
        text = parse_aup(aup_text(lines, letters))
        if type_size(text).name == size and height_mm(text, type_size(text)) <= PAGE_MM:
            return aup_text(lines, letters)
    raise AssertionError(f"no text of {lines} lines fits in {size}")


@pytest.mark.parametrize("size, lines", [("few", 6), ("few", 4), ("some", 10), ("many", 14)])
def test_the_longest_text_the_estimate_allows_each_size_prints_on_one_page(
    page, live_server, size, lines
):
    install_shipped_policies(school_today())
    ks2 = db.session.scalar(select(Policy).where(Policy.slug == "aup-ks2"))
    publish_version(ks2, longest_text_in(size, lines), school_today(), "minor", "Longer.", None)
    make_staff("teacher1@wilkinson.example.org")
    db.session.commit()
    sign_in_as(page, live_server, "teacher1@wilkinson.example.org")
    page.goto(f"{live_server}/policies/posters/ks2")
    expect(page.locator(f"article.poster-{size} .poster-line")).to_have_count(lines)
    expect(page.get_by_text("may take more than one page")).to_have_count(0)
    assert pages_in(page.pdf(format="A4")) == 1


def test_a_text_too_long_for_one_page_is_printed_small_and_the_page_says_so(page, live_server):
    install_shipped_policies(school_today())
    ks2 = db.session.scalar(select(Policy).where(Policy.slug == "aup-ks2"))
    publish_version(ks2, aup_text(30, len(WORDS)), school_today(), "minor", "Long.", None)
    make_staff("teacher1@wilkinson.example.org")
    db.session.commit()
    sign_in_as(page, live_server, "teacher1@wilkinson.example.org")
    page.goto(f"{live_server}/policies/posters/ks2")
    expect(page.locator("article.poster-many .poster-line")).to_have_count(30)
    expect(page.get_by_text("may take more than one page")).to_be_visible()
