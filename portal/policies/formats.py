"""The formats of policy texts: one parser per format, used both to render and to validate. Pure.

Each format turns a text into the structure its pages show (the pupils' AUP screen, the staff
module's cards, plain Markdown) or raises TextProblem naming the line at fault. Publishing
checks a text with the very parser that later renders it, so a text accepted always renders.
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from portal.pictures import NO_PICTURE, has_svg
from portal.policies.markdown import tokens


class TextProblem(ValueError):
    """Why a text cannot be shown in its format, and the line (from 1) where the trouble is."""

    def __init__(self, line: int, message: str):
        super().__init__(f"Line {line}: {message}")
        self.line, self.message = line, message

    def moved(self, lines: int) -> "TextProblem":
        """The same problem, counted in a text that had ``lines`` more lines at its top."""
        return TextProblem(self.line + lines, self.message)


@dataclass(frozen=True)
class AupText:
    """An AUP as the pupil's screen shows it: opening words, the "I will" lines, closing words."""

    intro: str  # Markdown
    lines: tuple[tuple[str, str], ...]  # (picture, sentence)
    outro: str  # Markdown


@dataclass(frozen=True)
class GuidelineCards:
    """The staff guidelines as the module shows them: an introduction, then one card a rule."""

    intro: str  # Markdown
    cards: tuple[tuple[str, str], ...]  # (heading, body Markdown)


@dataclass(frozen=True)
class MarkdownText:
    text: str


@dataclass(frozen=True)
class Format:
    name: str  # "aup", "cards" or "markdown": also names the preview that shows it
    parse: Callable[[str], object]
    hint: str  # how to write it, shown under the text box


def normalise(body: str) -> str:
    """The text as stored: Unix line endings, no trailing spaces, one final newline."""
    lines = [line.rstrip() for line in _source_lines(body)]
    return "\n".join(lines).strip("\n") + "\n"


def _source_lines(text: str) -> list[str]:
    # The parser counts lines at \n only (after normalising \r\n and \r), so this must too.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _between(lines: list[str], start: int, end: int | None = None) -> str:
    return "\n".join(lines[start:end]).strip()


def parse_markdown(text: str) -> MarkdownText:
    """Any text is Markdown; it only has to say something."""
    if not text.strip():
        raise TextProblem(1, "the text is empty.")
    return MarkdownText(text)


# Policy texts never change once published, and the same few are read on every pupil's AUP and
# every staff home page: each worker parses a text once. (Failures are not cached: they raise.)
@lru_cache(maxsize=64)
def parse_aup(text: str) -> AupText:
    """Words before the list, the list's lines (each a picture, then a sentence), words after."""
    found = tokens(text)
    lists = [i for i, t in enumerate(found) if t.level == 0 and t.type.endswith("_list_open")]
    if not lists:
        raise TextProblem(1, "the AUP has no lines. Write each as a bullet point: - 🔑 I will …")
    first = found[lists[0]]
    if first.type != "bullet_list_open":
        raise TextProblem(first.map[0] + 1, "write the lines as bullet points (- ), not numbers.")
    if len(lists) > 1:
        raise TextProblem(
            found[lists[1]].map[0] + 1,
            "the lines must make one list, but another starts here. "
            "Join the lists, or move the words between them before or after the list.",
        )
    items = [i for i, t in enumerate(found) if t.type == "list_item_open" and t.level == 1]
    lines = _source_lines(text)
    return AupText(
        _between(lines, 0, first.map[0]),
        tuple(_aup_line(found, i) for i in items),
        _between(lines, first.map[1]),
    )


def _aup_line(found: list, at: int) -> tuple[str, str]:
    """One list item: exactly one paragraph, starting with a picture."""
    item = found[at]
    blocks = []  # (index, token) of each block opened directly inside the item
    for i in range(at + 1, len(found)):
        if found[i].type == "list_item_close" and found[i].level == item.level:
            break
        if found[i].level == item.level + 1 and found[i].nesting == 1:
            blocks.append((i, found[i]))
    if [token.type for _, token in blocks] != ["paragraph_open"]:
        extra = blocks[1][1] if len(blocks) > 1 else item
        raise TextProblem(
            extra.map[0] + 1, "each line of the AUP is one sentence: this adds more to a line."
        )
    words = " ".join(found[blocks[0][0] + 1].content.split())
    picture, _, sentence = words.partition(" ")
    line = item.map[0] + 1
    if not is_picture(picture):
        raise TextProblem(line, f"this line does not start with a picture (an emoji): {words!r}")
    if not has_svg(picture):
        raise TextProblem(line, NO_PICTURE.format(emoji=picture) + ".")
    if not sentence:
        raise TextProblem(line, "this line has a picture but no sentence after it.")
    return picture, sentence


def is_picture(text: str) -> bool:
    """True for an emoji: symbols, joiners and modifiers only, no letters or digits."""
    return (
        bool(text)
        and not any(ch.isalnum() for ch in text)
        and any(unicodedata.category(ch) == "So" for ch in text)
    )


@lru_cache(maxsize=64)
def parse_guidelines(text: str) -> GuidelineCards:
    """The text before the first level-2 heading, then each such heading and its text as a card.

    Headings inside code blocks, quotes or lists do not count: the parser finds them, not a regex.
    """
    found = tokens(text)
    rules = [
        i
        for i, t in enumerate(found)
        if t.type == "heading_open" and t.level == 0 and t.tag == "h2"
    ]
    if not rules:
        other = next((t for t in found if t.type == "heading_open" and t.level == 0), None)
        raise TextProblem(
            other.map[0] + 1 if other else 1,
            "each rule starts with a heading of level 2: ## and a space, then its title.",
        )
    lines = _source_lines(text)
    ends = [found[i].map[0] for i in rules[1:]] + [len(lines)]
    cards = [_card(found, i, lines, end) for i, end in zip(rules, ends, strict=True)]
    return GuidelineCards(_between(lines, 0, found[rules[0]].map[0]), tuple(cards))


def _card(found: list, at: int, lines: list[str], end: int) -> tuple[str, str]:
    heading, title = found[at], found[at + 1].content.strip()
    body = _between(lines, heading.map[1], end)
    if not title:
        raise TextProblem(heading.map[0] + 1, "this rule's heading has no words.")
    if not body:
        raise TextProblem(heading.map[0] + 1, f"the rule {title!r} has no text under it.")
    return title, body


AUP = Format(
    "aup",
    parse_aup,
    "Words to open, then one bullet point per line, each starting with a picture: "
    "- 🔑 I will keep my passwords private. Words to close go after the list.",
)
CARDS = Format(
    "cards",
    parse_guidelines,
    "An introduction, then each rule under its own ## heading; staff read one rule at a time.",
)
MARKDOWN = Format(
    "markdown",
    parse_markdown,
    "Markdown: ## for a heading, - for a bullet point, **bold** for emphasis.",
)
# Keyed by policy slug; a policy not listed is plain Markdown.
FORMATS = {"aup-eyfs-ks1": AUP, "aup-ks2": AUP, "staff-guidelines": CARDS}


def format_for(slug: str) -> Format:
    return FORMATS.get(slug, MARKDOWN)


def parse(slug: str, text: str):
    """The text parsed in its policy's format; raises TextProblem."""
    return format_for(slug).parse(text)


@lru_cache(maxsize=64)
def problem_in(slug: str, text: str) -> TextProblem | None:
    """What stops a stored text being shown in its policy's format, or None.

    Pages ask this of the same few stored texts on every request, so each is parsed once.
    """
    try:
        parse(slug, text)
    except TextProblem as problem:
        return problem.with_traceback(None)  # kept in the cache: not the parser's frames too
    return None
