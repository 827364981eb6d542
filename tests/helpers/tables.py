"""Tables as a reader sees them: each row's cells as text, by table and caption."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Row:
    cells: list[str] = field(default_factory=list)
    in_body: bool = False  # inside <tbody>
    row_header: int | None = None  # the index of its <th scope="row">, if any


@dataclass
class Table:
    caption: str = ""
    rows: list[Row] = field(default_factory=list)


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: list[Table] = []
        self.cell = self.caption = self.scope = None
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(Table())
        elif tag == "caption":
            self.caption = ""
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr":
            self._table().rows.append(Row(in_body=self.in_body))
        elif tag in ("td", "th"):
            self.cell, self.scope = "", dict(attrs).get("scope")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            row = self._table().rows[-1]
            if self.scope == "row":
                row.row_header = len(row.cells)
            row.cells.append(" ".join(self.cell.split()))
            self.cell = None
        elif tag == "caption" and self.caption is not None:
            self._table().caption = " ".join(self.caption.split())
            self.caption = None
        elif tag == "tbody":
            self.in_body = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        if self.caption is not None:
            self.caption += data

    def _table(self) -> Table:
        if not self.tables:  # a fragment of rows (an htmx swap) without its <table>
            self.tables.append(Table())
        return self.tables[-1]


def tables(page: str) -> list[Table]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def table_rows(page: str) -> list[list[str]]:
    """Every table row of a page (headings included) as the text of its cells."""
    return [row.cells for table in tables(page) for row in table.rows]


def body_rows(page: str) -> list[list[str]]:
    """The rows of the page's tables without their heading rows."""
    return [row for row in table_rows(page)[1:] if row]


def tbody_rows(page: str) -> list[list[str]]:
    """The rows inside the page's <tbody> elements."""
    return [row.cells for table in tables(page) for row in table.rows if row.in_body]


def tables_by_caption(page: str) -> dict[str, list[list[str]]]:
    """Each table's rows (headings included), by its caption."""
    return {table.caption: [row.cells for row in table.rows] for table in tables(page)}


def row_header_pairs(page: str) -> list[tuple[str, str]]:
    """For each row with a row header: (that header, the cell after it)."""
    return [
        (row.cells[row.row_header], row.cells[row.row_header + 1])
        for table in tables(page)
        for row in table.rows
        if row.row_header is not None
    ]
