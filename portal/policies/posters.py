"""Classroom posters: each Key Stage's AUP, as pupils read it today, on one page of A4."""

from dataclasses import dataclass
from datetime import date

from portal.policies import service
from portal.policies.formats import AupText, parse_aup
from portal.policies.models import Policy, PolicyVersion


@dataclass(frozen=True)
class PosterKind:
    """Which AUP a poster shows, and for whom: its address names it by ``key``."""

    key: str
    policy_slug: str
    label: str


POSTERS = {
    "eyfs-ks1": PosterKind("eyfs-ks1", "aup-eyfs-ks1", "Early Years and Key Stage 1"),
    "ks2": PosterKind("ks2", "aup-ks2", "Key Stage 2"),
}
# Reception and Key Stage 1 share the early-years AUP, so they share its poster too.
BY_KEY_STAGE = {"EYFS": "eyfs-ks1", "KS1": "eyfs-ks1", "KS2": "ks2"}


@dataclass(frozen=True)
class TypeSize:
    """A size of type for the poster's lines, as static/css/poster.css sets it for print."""

    name: str
    row_em: float  # how wide a row of a line is, in ems of its type (the picture left out)
    row_mm: float  # how tall a row is, line spacing included


# Biggest first: 24, 17 and 12 point, with a line height of 1.2.
TYPE_SIZES = (
    TypeSize("few", 19.0, 10.2),
    TypeSize("some", 27.5, 7.2),
    TypeSize("many", 40.0, 5.1),
)
OUTRO = TypeSize("outro", 44.0, 8.0)  # the closing words: 15 point, not bold, line height 1.5
# Heights on the printed page, measured in Chromium: a poster estimated at 292 mm or less (the
# height of its sheet) prints on one page of A4 (297 mm). tests/e2e/test_poster_journey.py
# holds the estimate to that for the longest text it allows in each size.
PAGE_MM = 292
FIXED_MM = 67  # the space above and below, the title and the foot
LINE_MM = 4.5  # each line's rule and the space around it
OUTRO_MM = 5.0  # the closing words' rule and the space above it
# Widths of letters in ems, rounded up from those of the bold sans-serif Chromium draws here
# (DejaVu Sans, a wide one), so that narrower fonts (Segoe UI, Arial) fit with room to spare.
LETTER_EM = {
    " ": 0.35,
    **dict.fromkeys("ijlIJ.,:;'\u2019!|", 0.38),
    **dict.fromkeys("ftr-()", 0.5),
    **dict.fromkeys("csz", 0.6),
    **dict.fromkeys("mwMW", 1.1),
}
OTHER_LETTER_EM = 0.74


def rows(text: str, row_em: float) -> int:
    """How many rows ``text`` takes, broken between words as the browser does."""
    count, used = 1, 0.0
    for word in text.split():
        width = sum(LETTER_EM.get(letter, OTHER_LETTER_EM) for letter in word)
        if used and used + LETTER_EM[" "] + width > row_em:
            count, used = count + 1, width
        else:
            used += (LETTER_EM[" "] if used else 0) + width
    return count


def height_mm(text: AupText, size: TypeSize) -> float:
    """Roughly how tall the printed poster is with its lines in ``size`` (never less)."""
    lines = sum(rows(sentence, size.row_em) for _, sentence in text.lines)
    closing = [part for part in text.outro.split("\n\n") if part.strip()]
    outro = sum(rows(part, OUTRO.row_em) for part in closing) * OUTRO.row_mm
    return (
        FIXED_MM
        + len(text.lines) * LINE_MM
        + lines * size.row_mm
        + (outro + OUTRO_MM if closing else 0)
    )


def type_size(text: AupText) -> TypeSize:
    """The biggest size of type that keeps ``text`` on one page; the smallest if none does."""
    fitting = (size for size in TYPE_SIZES if height_mm(text, size) <= PAGE_MM)
    return next(fitting, TYPE_SIZES[-1])


@dataclass(frozen=True)
class Poster:
    """What a poster page shows; ``text`` is None when there is nothing to print yet."""

    kind: PosterKind
    policy: Policy | None  # None: the school has not installed its AUPs
    shown: PolicyVersion | None  # the version printed: the one pupils read today
    in_force: PolicyVersion | None  # newer than ``shown`` when its text cannot be shown
    text: AupText | None

    @property
    def size(self) -> str:
        """The biggest type ("few", "some", "many") that keeps the poster on one page."""
        return type_size(self.text).name if self.text else TYPE_SIZES[0].name

    @property
    def fits_one_page(self) -> bool:
        return self.text is None or height_mm(self.text, type_size(self.text)) <= PAGE_MM


def poster_key_for_policy(slug: str) -> str | None:
    """The poster made from the policy ``slug``, or None for a policy that has no poster."""
    return next((kind.key for kind in POSTERS.values() if kind.policy_slug == slug), None)


def poster_key_for_class(key_stage: str) -> str | None:
    """The poster for a class in ``key_stage`` ("EYFS", "KS1", "KS2")."""
    return BY_KEY_STAGE.get(key_stage)


def poster(key: str, today: date) -> Poster:
    """The poster ``key`` from the AUP version pupils read ``today`` (raises KeyError if unknown).

    Like the pupils' screen, a version in force whose text cannot be shown (a hand edit) is
    passed over for the latest one before it that can.
    """
    kind = POSTERS[key]
    policy = service.policy_with_slug(kind.policy_slug)
    if policy is None:
        return Poster(kind, None, None, None, None)
    shown = service.version_shown(policy, today)
    in_force = service.current_version(policy, today)
    return Poster(kind, policy, shown, in_force, parse_aup(shown.body) if shown else None)
