"""Pictures look the same on every tablet: images from the portal's own set, never emoji text.

A device without an emoji font draws an emoji character as an empty box. Debian's Chromium
here has none (`fc-list | grep -i emoji` finds nothing), so this journey sees what such a
tablet sees: every picture must arrive as an image that loaded, and no text in the page may
hold an emoji character.
"""

import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.quiz.catalogue import quiz_for
from tests.helpers.builders import (
    install_content,
    make_class,
    make_pupil,
    make_staff,
    open_class_session,
)
from tests.helpers.checkers import assert_accessible

TABLET = {"width": 820, "height": 1180}
# Every image in <main>: where it comes from, and whether the browser could draw it.
IMAGES = """() => [...document.querySelectorAll('main img')].map(img => ({
  src: img.getAttribute('src'), alt: img.getAttribute('alt'),
  drawn: img.complete && img.naturalWidth > 0}))"""
# Text the browser would draw with an emoji font: an empty box on a tablet without one.
EMOJI_TEXT = """() => {
  const found = [], walker = document.createTreeWalker(document.querySelector('main'),
                                                       NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    if (/\\p{Extended_Pictographic}/u.test(walker.currentNode.data)) {
      found.push(walker.currentNode.data.trim());
    }
  }
  return found;
}"""
ALL_LOADED = "() => [...document.images].every(img => img.complete)"


@pytest.fixture
def app(app):
    install_content()
    return app


@pytest.fixture
def seated(app):
    """A Reception pupil (a picture on every question and answer) with an open class session."""
    school_class = make_class(year_group=0)
    class_session = open_class_session(school_class, make_staff(classes=[school_class]))
    pupil = make_pupil(school_class, first_name="Noah")
    pupil.picture = "panda"
    db.session.commit()
    return pupil, class_session


def pictures_on(page) -> list[dict]:
    """The images in <main> once they have loaded; fails if any emoji is drawn as text."""
    page.wait_for_function(ALL_LOADED)
    assert page.evaluate(EMOJI_TEXT) == []
    images = page.evaluate(IMAGES)
    assert [image for image in images if not image["drawn"]] == []
    return images


def test_pictures_are_images_on_the_grid_the_aup_and_the_quiz(seated, page, live_server):
    pupil, class_session = seated
    page.set_viewport_size(TABLET)
    page.goto(f"{live_server}/class")
    page.get_by_label("The four numbers on the board").fill(class_session.code)
    page.get_by_role("button", name="Go").click()
    page.get_by_role("link", name=pupil.display_name).click()

    expect(page.get_by_role("heading", name=re.compile("tap your picture"))).to_be_visible()
    images = pictures_on(page)
    assert all(image["src"].startswith("/static/vendor/twemoji/") for image in images)
    expect(page.locator(".picture-button img")).to_have_count(9)  # one on each of the nine
    expect(page.get_by_role("button", name="Panda", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Panda", exact=True).click()

    expect(page.get_by_role("heading", name="How we stay safe online")).to_be_visible()
    aup = pictures_on(page)
    lines = page.locator(".aup-line")
    assert lines.count() == 7 and len(aup) >= 7
    # Each line's picture carries meaning on its own: named as a child would say it.
    expect(lines.first.get_by_role("img", name="teacher", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="adult and school")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="I agree").click()
    page.get_by_role("button", name="Start the quiz").click()

    question = quiz_for("EYFS").questions[0]
    expect(page.get_by_role("heading", name=question.text)).to_be_visible()
    asked = pictures_on(page)
    # The question's picture and one on each answer, all beside words that say the same.
    assert len([image for image in asked if "twemoji" in image["src"]]) >= 1 + len(question.choices)
    for choice in question.choices:
        button = page.get_by_role("button", name=choice.text, exact=True)
        expect(button.locator("img")).to_have_attribute("alt", "")
    assert_accessible(page)

    page.get_by_role("button", name=question.correct_choice.text, exact=True).click()
    expect(page.get_by_role("heading", name="Well done!")).to_be_focused()
    assert len(pictures_on(page)) >= 2  # the feedback's picture and the chosen answer's
    assert_accessible(page)


def test_the_speaker_button_is_an_image_with_its_name_in_words(seated, page, live_server):
    pupil, class_session = seated
    page.goto(f"{live_server}/class?code={class_session.code}")
    page.get_by_role("link", name=pupil.display_name).click()
    speaker = page.locator("button.say").first
    expect(speaker.locator("img")).to_have_attribute("alt", "")
    assert speaker.get_attribute("aria-label")
    assert speaker.evaluate("button => button.innerText.trim()") == ""


def test_anyone_can_read_who_made_the_pictures(page, live_server):
    page.goto(f"{live_server}/sign-in")
    page.get_by_role("link", name="About this portal and its pictures").click()
    expect(page.get_by_role("heading", name="About this portal")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "Emoji graphics by Twitter, Inc. and other contributors (Twemoji), licensed under CC-BY 4.0"
    )
    expect(page.get_by_role("link", name="CC-BY 4.0")).to_have_attribute(
        "href", "https://creativecommons.org/licenses/by/4.0/"
    )
    assert_accessible(page)
