"""Pictures: emoji shown as Twemoji SVGs, named as a child would say them, checked in content."""

import re
import subprocess
import sys

import pytest

from portal import ROOT, pictures
from portal.classroom.pictures import PICTURES
from portal.incidents.telling import STEPS
from portal.pictures import child_name, curated_name, svg_file, svg_name
from portal.policies.formats import TextProblem, parse_aup
from portal.quiz.content import load_catalogue

TWEMOJI_PACKAGE = ROOT / "node_modules" / "@twemoji" / "svg"
NOT_IN_THE_SET = "\N{BIRD}\N{ZERO WIDTH JOINER}\N{FIRE}"  # the phoenix came after Twemoji 15.0


@pytest.mark.parametrize(
    ("emoji", "file_name"),
    [
        ("🐶", "1f436"),
        ("👩‍👦", "1f469-200d-1f466"),  # joined with a zero-width joiner
        ("🧑‍🏫", "1f9d1-200d-1f3eb"),
        ("🛡️", "1f6e1"),  # the emoji-presentation selector (FE0F) is dropped...
        ("🛡", "1f6e1"),
        ("🏳️‍🌈", "1f3f3-fe0f-200d-1f308"),  # ...except in a joined sequence
        ("#️⃣", "23-20e3"),
        ("👍🏽", "1f44d-1f3fd"),  # skin tones are part of the picture
    ],
)
def test_an_emoji_maps_to_its_twemoji_file_name_as_twemojis_parser_does(emoji, file_name):
    assert svg_name(emoji) == file_name
    assert svg_file(emoji) == f"vendor/twemoji/{file_name}.svg"


def test_a_joined_sequence_stored_without_its_selectors_is_still_found():
    assert svg_name("👁️‍🗨️") == "1f441-fe0f-200d-1f5e8-fe0f"
    assert svg_file("👁️‍🗨️") == "vendor/twemoji/1f441-200d-1f5e8.svg"


def test_an_emoji_the_set_lacks_has_no_file():
    assert svg_file(NOT_IN_THE_SET) is None and svg_file("x") is None


@pytest.mark.parametrize(
    ("emoji", "name"),
    [
        ("🧑‍🏫", "teacher"),
        ("👩‍👦", "grown-up and child"),
        ("👍", "thumbs up"),
        ("👍🏿", "thumbs up"),
        ("🔐", "padlock"),
        ("🛡️", "shield"),
        ("🛡", "shield"),
        ("🐼", "panda"),
        ("🔊", "speaker"),
    ],
)
def test_a_picture_is_named_as_a_child_would_say_it(emoji, name):
    assert child_name(emoji) == name


def test_a_picture_nobody_named_falls_back_to_readable_unicode_names():
    assert child_name("🦄") == "unicorn face"
    assert child_name("👨‍🚀") == "man and rocket"  # the joiner is not read out
    assert child_name("#️⃣") == "number sign"


def shipped_emoji() -> set[str]:
    """Every emoji the portal ships: quizzes, AUPs, picture passwords and the pages' own."""
    found = {picture.emoji for picture in PICTURES}
    found |= {picture.emoji for step in STEPS for picture in step.pictures}  # telling an adult
    for quiz in load_catalogue(ROOT / "quizzes").values():
        for question in quiz.questions:
            found |= {question.emoji} | {choice.emoji for choice in question.choices}
    for aup in (ROOT / "content" / "policies").glob("aup-*.md"):
        found |= {picture for picture, _ in parse_aup(aup.read_text(encoding="utf-8")).lines}
    pages = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "portal").rglob("*.py")]
    for page in pages:  # templates, and the Python that draws pieces of them
        for call in re.findall(r"picture_image\(([^)]*)\)", page.read_text("utf-8")):
            found |= {s for s in re.findall(r'"([^"]+)"', call) if not s.isascii()}
    return found - {None}


def test_every_shipped_picture_has_a_chosen_name_and_a_file():
    emoji = shipped_emoji()
    assert len(emoji) > 40 and {"🌟", "💭", "🔊", "🙋", "⭐"} <= emoji  # the pages' own too
    assert {e for e in emoji if curated_name(e) is None} == set()
    assert {e for e in emoji if svg_file(e) is None} == set()
    # `make test` runs `make setup`, which copies the pictures: a missing one is a failure.
    assert [e for e in emoji if not (ROOT / "static" / svg_file(e)).is_file()] == []


def test_the_list_of_pictures_matches_the_installed_package():
    installed = {path.stem for path in TWEMOJI_PACKAGE.glob("*.svg")}
    # After a version change: `make twemoji-list` writes portal/twemoji-files.txt again.
    assert pictures.svg_names() == installed
    assert len(installed) > 3000


def test_an_aup_line_whose_emoji_has_no_picture_is_refused_naming_its_line():
    text = f"We stay safe.\n\n- 😊 I will be kind.\n- {NOT_IN_THE_SET} I will be brave.\n"
    with pytest.raises(TextProblem) as refused:
        parse_aup(text)
    assert refused.value.line == 4
    assert "has no picture in the portal's picture set" in refused.value.message
    assert "a child would see a broken image" in refused.value.message


def test_the_quiz_check_refuses_an_emoji_without_a_picture(tmp_path):
    text = (ROOT / "quizzes" / "ks1.toml").read_text(encoding="utf-8")
    assert 'emoji = "🎮"' in text
    (tmp_path / "ks1.toml").write_text(text.replace("🎮", NOT_IN_THE_SET, 1), encoding="utf-8")
    checked = subprocess.run(
        [sys.executable, "-m", "portal.quiz.check", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 1
    assert f"the emoji '{NOT_IN_THE_SET}' has no picture in the portal's" in checked.stdout


def test_the_about_page_is_public_and_credits_twemoji(client):
    response = client.get("/about")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        "Emoji graphics by Twitter, Inc. and other contributors "
        '(<a href="https://github.com/jdecked/twemoji">Twemoji</a>), licensed under '
        '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC-BY 4.0</a>'
    ) in html
    assert "htmx" in html and "Pico CSS" in html and "MIT licence" in html
    assert 'href="/about"' in client.get("/sign-in").get_data(as_text=True)
