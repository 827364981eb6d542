"""Tables as a reader sees them: each row's cells as text."""

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join(self.cell.split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def table_rows(page: str) -> list[list[str]]:
    """Every table row of a page (headings included) as the text of its cells."""
    parser = _Tables()
    parser.feed(page)
    return parser.rows


def body_rows(page: str) -> list[list[str]]:
    """The rows of the page's tables without their heading rows."""
    return [row for row in table_rows(page)[1:] if row]
