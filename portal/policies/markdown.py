"""Policy texts are Markdown: rendered safely, and parsed into tokens for the formats. Pure."""

from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

# Raw HTML is off, so a policy can never carry a script or a style into the page.
# markdown-it also refuses javascript:, vbscript:, file: and data: links (validateLink).
_md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


@lru_cache(maxsize=256)  # published texts never change: each worker renders one once
def render(text: str) -> Markup:
    """The HTML of a policy text, with any HTML in the text shown as text."""
    return Markup(_md.render(text))  # noqa: S704  (markdown-it escapes everything; html is off)


def tokens(text: str) -> list[Token]:
    """The text's block structure as the renderer sees it; each block's ``map`` gives its lines."""
    return _md.parse(text)
