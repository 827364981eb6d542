"""Pictures: an emoji as the portal shows it, an SVG from Twemoji, named as a child would say it.

Pure: no Flask, no database. An emoji drawn by the device's font looks different on every
tablet, and is an empty box on one without an emoji font, so the portal serves Twemoji's SVGs
itself (`make setup` copies them to static/vendor/twemoji/). `twemoji-files.txt` lists the
files of the installed version (`make twemoji-list`), so content can be checked without them.
"""

import unicodedata
from functools import cache
from pathlib import Path

FOLDER = "vendor/twemoji"  # under static/
LISTING = Path(__file__).with_name("twemoji-files.txt")
ZERO_WIDTH_JOINER = "\u200d"
EMOJI_PRESENTATION = "\ufe0f"  # variation selector 16: "draw this as an emoji"
# Not things a child sees: joiners, variation selectors, skin tones, the keycap's frame.
UNSPOKEN = {"Cf", "Mn", "Me", "Sk"}
# What the content checkers say of an emoji the set lacks: a child would see a broken image.
NO_PICTURE = (
    "the emoji '{emoji}' has no picture in the portal's picture set (Twemoji), so a child "
    "would see a broken image: choose another emoji"
)

# The names a child would say, for every picture the shipped content and pages use.
CHILD_NAMES = {
    # The nine picture passwords.
    "\N{DOG FACE}": "dog",
    "\N{CAT FACE}": "cat",
    "\N{FOX FACE}": "fox",
    "\N{OWL}": "owl",
    "\N{FROG FACE}": "frog",
    "\N{LION FACE}": "lion",
    "\N{PANDA FACE}": "panda",
    "\N{RABBIT FACE}": "rabbit",
    "\N{HONEYBEE}": "bee",
    # Quiz questions and answers.
    "😟": "worried face",
    "👩‍👦": "grown-up and child",
    "🤐": "keeping quiet",
    "💬": "message",
    "👍": "thumbs up",
    "👎": "thumbs down",
    "😢": "sad face",
    "🏠": "home",
    "📸": "taking a photo",
    "🌙": "night-time",
    "📱": "phone",
    "💻": "laptop",
    "😴": "sleeping face",
    "🎮": "game",
    "🔑": "key",
    "📷": "camera",
    "🧩": "puzzle piece",
    "🔐": "padlock",
    "🎧": "headphones",
    "🛡️": "shield",
    "📲": "sending from a phone",
    "🎂": "birthday cake",
    "📰": "news",
    "🎁": "present",
    "🪞": "mirror",
    "🌋": "volcano",
    "🎨": "paints",
    "⌨️": "keyboard",
    "👋": "waving hand",
    "🤫": "shh",
    "🧒": "child",
    "🦸": "superhero",
    "📹": "video camera",
    "💎": "gem",
    "🖍️": "crayon",
    "🦒": "giraffe",
    "⏳": "timer",
    "🎤": "microphone",
    "🔦": "torch",
    "🪙": "coin",
    "🦈": "shark",
    "⏰": "alarm clock",
    "🏖️": "beach",
    "🎵": "music",
    "👟": "trainer",
    "📍": "map pin",
    "🔒": "lock",
    "🙅": "saying no",
    "🌪️": "storm",
    "📦": "box",
    "🔔": "bell",
    "💪": "strong arm",
    "🎬": "film",
    # The AUPs' lines.
    "🧑‍🏫": "teacher",
    "🗣️": "talking",
    "😊": "smiling face",
    "🤔": "thinking face",
    "🎭": "masks",
    "🔍": "magnifying glass",
    "📚": "books",
    "🙋": "hand up",
    # Telling a trusted adult: how they feel, where it happened, sending, thanks.
    "😨": "scared face",
    "😠": "angry face",
    "🙂": "okay face",
    "📺": "television",
    "🏫": "school",
    "❓": "question mark",
    "📨": "envelope",
    "💛": "yellow heart",
    # The pupils' screens: feedback, the end page, the speaker button.
    "🌟": "shining star",
    "💭": "thinking bubble",
    "⭐": "star",
    "🔊": "speaker",
}


def _bare(emoji: str) -> str:
    """Without FE0F and skin tones: 🛡 and 🛡️ are the same shield, 👍🏽 is still thumbs up."""
    return "".join(c for c in emoji if c != EMOJI_PRESENTATION and not "🏻" <= c <= "🏿")


_BY_BARE_EMOJI = {_bare(emoji): name for emoji, name in CHILD_NAMES.items()}


def svg_name(emoji: str) -> str:
    """The Twemoji file name of an emoji, as twemoji's own parser makes it: "1f9d1-200d-1f3eb".

    Code points in lower-case hex joined by "-"; the emoji-presentation selector (FE0F) is
    dropped unless the emoji is a sequence joined with zero-width joiners (200D).
    """
    if ZERO_WIDTH_JOINER not in emoji:
        emoji = emoji.replace(EMOJI_PRESENTATION, "")
    return "-".join(f"{ord(character):x}" for character in emoji)


@cache
def svg_names() -> frozenset[str]:
    """The names of every SVG in the installed Twemoji set (without ".svg")."""
    return frozenset(LISTING.read_text(encoding="ascii").split())


def svg_file(emoji: str) -> str | None:
    """The emoji's SVG under static/ ("vendor/twemoji/1f436.svg"), or None if the set has none.

    A few joined sequences are stored without their FE0F (👁️‍🗨️ is 1f441-200d-1f5e8).
    """
    for name in (svg_name(emoji), svg_name(emoji.replace(EMOJI_PRESENTATION, ""))):
        if name in svg_names():
            return f"{FOLDER}/{name}.svg"
    return None


def has_svg(emoji: str) -> bool:
    return svg_file(emoji) is not None


def curated_name(emoji: str) -> str | None:
    """The name chosen for this picture by a person, or None."""
    return _BY_BARE_EMOJI.get(_bare(emoji))


def child_name(emoji: str) -> str:
    """What a child would call the picture ("teacher"); else its Unicode names, in lower case."""
    curated = curated_name(emoji)
    if curated:
        return curated
    names = [
        unicodedata.name(character, "").lower()
        for character in emoji
        if unicodedata.category(character) not in UNSPOKEN
    ]
    return " and ".join(name for name in names if name) or "picture"
