"""Policy texts are Markdown: rendered safely, split into cards, read as AUP lines. Pure."""

import unicodedata

from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML is off, so a policy can never carry a script or a style into the page.
# markdown-it also refuses javascript:, vbscript:, file: and data: links (validateLink).
_md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def render(text: str) -> Markup:
    """The HTML of a policy text, with any HTML in the text shown as text."""
    return Markup(_md.render(text))  # noqa: S704  (markdown-it escapes everything; html is off)


def sections(text: str) -> list[tuple[str, str]]:
    """The text split at its level-2 headings: [(heading, body Markdown), ...].

    Text before the first heading comes first with the heading "" (left out when blank).
    Headings inside code blocks do not count: the parser finds them, not a regex.
    """
    lines, tokens = text.splitlines(), _md.parse(text)
    starts = [
        (token.map[0], tokens[i + 1].content.strip())
        for i, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag == "h2" and token.map
    ]
    bounds = [line for line, _ in starts] + [len(lines)]
    intro = "\n".join(lines[: bounds[0]]).strip()
    result = [("", intro)] if intro else []
    for (line, title), end in zip(starts, bounds[1:], strict=True):
        result.append((title, "\n".join(lines[line + 1 : end]).strip()))
    return result


def aup_lines(text: str) -> list[tuple[str, str]]:
    """The "I will…" lines of a pupils' AUP as [(emoji, sentence), ...].

    Each bullet item must start with one picture (an emoji, however many code points it
    takes) and then the sentence; an item without one raises ValueError naming it.
    """
    items = []
    tokens = _md.parse(text)
    for i, token in enumerate(tokens):
        if token.type == "list_item_open" and tokens[i + 2].type == "inline":
            items.append(_split_picture(tokens[i + 2].content.strip()))
    return items


def _split_picture(item: str) -> tuple[str, str]:
    picture, _, sentence = item.partition(" ")
    if not sentence.strip() or not is_picture(picture):
        raise ValueError(f"this line does not start with a picture: {item!r}")
    return picture, sentence.strip()


def is_picture(text: str) -> bool:
    """True for an emoji: symbols, joiners and modifiers only, no letters or digits."""
    return (
        bool(text)
        and not any(ch.isalnum() for ch in text)
        and any(unicodedata.category(ch) == "So" for ch in text)
    )
