"""The drill-down lists' one mechanism: filters, sort, search and page read from the address,
checked against what the list offers, and one SQL query that draws the page and the CSV alike.

Everything lives in the query string, so a list is shareable, and reload and the back button
show the same rows. Anything the list does not offer (an unknown filter, value or sort key, a
page that is not a positive number) is a plain 400; a page past the end is an empty page.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from math import ceil

from flask import abort, request, url_for
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.sql.elements import ColumnElement

from portal.extensions import db
from portal.input_rules import fits_database_int

SEARCH_LIMIT = 80  # characters: a name or an email, never an essay


@dataclass(frozen=True)
class Sort:
    label: str  # the column's heading, for the sort links
    columns: tuple[ColumnElement, ...]  # the ORDER BY, tie-breakers last
    # Rows without a value (not completed yet) come last either way, on both databases
    # (PostgreSQL and SQLite disagree on where NULLs go otherwise).
    nulls_last: bool = False

    def order_by(self, descending: bool) -> tuple[ColumnElement, ...]:
        columns = self.columns
        if not descending and not self.nulls_last:
            return columns
        # The first column decides the order; tie-breakers stay ascending so the order is stable.
        first = columns[0].desc() if descending else columns[0].asc()
        return (first.nulls_last() if self.nulls_last else first, *columns[1:])


@dataclass(frozen=True)
class ListSpec:
    """What one list offers: each filter's allowed values, its sorts and its page size."""

    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    sorts: Mapping[str, Sort] = field(default_factory=dict)  # the first is the default
    searchable: bool = False
    page_size: int = 50

    @property
    def default_sort(self) -> str | None:
        return next(iter(self.sorts), None)


@dataclass(frozen=True)
class ListState:
    """What the address asks of a list: always valid for its spec."""

    spec: ListSpec
    filters: Mapping[str, str]
    sort: str | None
    descending: bool
    search: str
    page: int

    def args(self, **changes) -> dict[str, str | int]:
        """The query string for this state with ``changes``; defaults are left out."""
        sort = self.sort
        if sort and self.descending:
            sort = "-" + sort
        values: dict = {**self.filters, "sort": sort, "q": self.search, "page": self.page}
        values.update(changes)
        if "page" not in changes and changes:
            values["page"] = 1  # a new filter or sort starts again at the first page
        if values.get("sort") == self.spec.default_sort:
            values["sort"] = None
        if values.get("page") == 1:
            values["page"] = None
        return {key: value for key, value in values.items() if value not in (None, "")}

    def url(self, endpoint: str | None = None, **changes) -> str:
        """This list (or its CSV, ``endpoint``) with ``changes``, keeping the route's own args."""
        return url_for(endpoint or request.endpoint, **request.view_args, **self.args(**changes))

    def sort_url(self, key: str) -> str:
        """The link on a column heading: sort by it, or reverse it if it is the sort already."""
        if key == self.sort:
            return self.url(sort=key if self.descending else "-" + key)
        return self.url(sort=key)

    def aria_sort(self, key: str) -> str | None:
        if key != self.sort:
            return None
        return "descending" if self.descending else "ascending"

    @property
    def order_by(self) -> tuple[ColumnElement, ...]:
        return self.spec.sorts[self.sort].order_by(self.descending) if self.sort else ()

    @property
    def filtered(self) -> bool:
        return bool(self.filters or self.search)

    def same_for(self, *facts) -> tuple | None:
        """page_of's ``same_for``: the list's ``facts`` and these filters settle its statements,
        unless there is a search (its words go into them)."""
        return None if self.search else (facts, tuple(sorted(self.filters.items())))


def read_state(spec: ListSpec, args: Mapping[str, str] | None = None) -> ListState:
    """The list's state from the query string; 400 for anything the list does not offer."""
    args = request.args if args is None else args
    known = {*spec.filters, "sort", "q", "page"}
    unknown = sorted(set(args) - known)
    if unknown:
        abort(400, f"This list has no filter called {unknown[0]!r}.")
    filters = {}
    for name, allowed in spec.filters.items():
        value = args.get(name, "")
        if value and value not in allowed:
            abort(400, f"This list cannot show {name} {value!r}.")
        if value:
            filters[name] = value
    sort = args.get("sort") or spec.default_sort or ""
    descending = sort.startswith("-")
    sort = sort.removeprefix("-")
    if (sort or descending) and sort not in spec.sorts:
        abort(400, f"This list cannot be sorted by {sort!r}.")
    search = " ".join(args.get("q", "").split())[:SEARCH_LIMIT] if spec.searchable else ""
    if args.get("q") and not spec.searchable:
        abort(400, "This list has no search.")
    page_text = args.get("page", "1")
    if not page_text.isdigit() or not fits_database_int(int(page_text)) or int(page_text) < 1:
        abort(400, "A page is a whole number from 1.")
    return ListState(spec, filters, sort or None, descending, search, int(page_text))


@dataclass(frozen=True)
class Page:
    rows: list
    total: int  # rows matching the filters, on every page
    number: int
    size: int

    @property
    def count(self) -> int:
        return ceil(self.total / self.size) if self.total else 1

    @property
    def first(self) -> int:
        """The place of the page's first row (1-based), or 0 when the page is empty."""
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count


@dataclass(frozen=True)
class Lean:
    """The rows a list's query finds, found without working out its costly columns: ``rows``
    selects only their ``key``. A list of 5,000 pupils counts them, and picks the fifty of a
    page, here; the query then works out its columns for those fifty only."""

    rows: Select
    key: ColumnElement
    sorts: frozenset[str]  # the sorts it can order by (those on its own columns)


@dataclass(frozen=True)
class Statements:
    """A list's two statements in one order: the count, and a page with its window bound as it
    runs (``page_start``, ``page_size``), so one pair serves every page."""

    count: Select
    page: Select


WINDOW = (bindparam("page_start"), bindparam("page_size"))
# Statements kept by the facts that settle them (page_of's ``same_for``): building and keying a
# list's statements costs SQLAlchemy more than running them at demo size. Cleared when full.
KEPT: dict = {}
KEEP_AT_MOST = 256


def page_of(query: Select, state: ListState, lean: Lean | None = None, same_for=None) -> Page:
    """One page of ``query`` in the state's order: two queries (the count and the rows).

    ``same_for``: plain facts (hashable) that settle ``query`` and ``lean`` whatever the request,
    such as the filters when there is no search; the statements are then built once for them.
    """
    key = None if same_for is None else (same_for, state.sort, state.descending)
    found = KEPT.get(key) if key else None
    if found is None:
        found = statements(query, state, lean)
        if key:  # kept as a local too: another thread may clear KEPT meanwhile
            if len(KEPT) >= KEEP_AT_MOST:
                KEPT.clear()
            KEPT[key] = found
    total = db.session.scalar(found.count)
    size = state.spec.page_size
    window = {"page_start": (state.page - 1) * size, "page_size": size}
    return Page(db.session.execute(found.page, window).all(), total or 0, state.page, size)


def statements(query: Select, state: ListState, lean: Lean | None = None) -> Statements:
    """``query``'s count and page in the state's order (the rows are picked by ``lean`` when
    it can order them)."""
    found = query.order_by(None) if lean is None else lean.rows
    count = select(func.count()).select_from(found.subquery())
    ordered = query.order_by(*state.order_by)
    if lean is not None and state.sort in lean.sorts:
        keys = lean.rows.order_by(*state.order_by).offset(WINDOW[0]).limit(WINDOW[1])
        return Statements(count, ordered.where(lean.key.in_(keys)))
    return Statements(count, ordered.offset(WINDOW[0]).limit(WINDOW[1]))


def all_rows(query: Select, state: ListState) -> list:
    """Every row of ``query`` in the state's order: what the CSV holds."""
    return db.session.execute(query.order_by(*state.order_by)).all()
