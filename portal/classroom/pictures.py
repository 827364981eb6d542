"""The nine picture passwords: distinct, nameable animals a four-year-old can tell apart.

Pure: no Flask, no database. The order is fixed, so every pupil sees the same grid and the
grid never hints at which picture is theirs.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Picture:
    key: str
    emoji: str
    name: str


PICTURES: tuple[Picture, ...] = (
    Picture("dog", "\N{DOG FACE}", "Dog"),
    Picture("cat", "\N{CAT FACE}", "Cat"),
    Picture("fox", "\N{FOX FACE}", "Fox"),
    Picture("owl", "\N{OWL}", "Owl"),
    Picture("frog", "\N{FROG FACE}", "Frog"),
    Picture("lion", "\N{LION FACE}", "Lion"),
    Picture("panda", "\N{PANDA FACE}", "Panda"),
    Picture("rabbit", "\N{RABBIT FACE}", "Rabbit"),
    Picture("bee", "\N{HONEYBEE}", "Bee"),
)
BY_KEY = {picture.key: picture for picture in PICTURES}


def picture_choices() -> list[tuple[str, str]]:
    """(key, label) pairs in the fixed order, for select fields: words only (no emoji font)."""
    return [(picture.key, picture.name) for picture in PICTURES]


def picture_named(key: str | None) -> Picture | None:
    """The picture with this key, or None for no picture or an unknown key."""
    return BY_KEY.get(key or "")
