"""The drill-down lists' address: what it may ask, and how a change keeps the rest of it."""

import pytest
from sqlalchemy import column
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from portal.admin.listing import ListSpec, Page, Sort, read_state

SPEC = ListSpec(
    filters={"status": ("done", "not_yet")},
    sorts={"name": Sort("Name", (column("name"),)), "class": Sort("Class", (column("c"),))},
    searchable=True,
    page_size=10,
)


def state(app, **args):
    with app.test_request_context("/admin/staff/"):
        return read_state(SPEC, MultiDict(args))


@pytest.mark.parametrize(
    "args",
    [
        {"colour": "red"},
        {"status": "maybe"},
        {"sort": "age"},
        {"sort": "-age"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "two"},
        {"page": "99999999999999"},
    ],
)
def test_what_a_list_does_not_offer_is_a_plain_400(app, args):
    with pytest.raises(BadRequest) as refused:
        state(app, **args)
    assert refused.value.description  # the friendly page shows this explanation


def test_the_defaults_are_the_first_sort_ascending_at_page_one(app):
    read = state(app)
    assert (read.sort, read.descending, read.page, read.filters, read.search) == (
        "name", False, 1, {}, "",
    )  # fmt: skip
    assert read.args() == {}  # defaults stay out of the address


def test_a_new_filter_or_sort_starts_again_at_page_one_and_keeps_the_rest(app):
    read = state(app, status="done", q="  Amara   Okafor ", page="3", sort="-class")
    assert read.search == "Amara Okafor"
    assert read.args() == {"status": "done", "q": "Amara Okafor", "page": 3, "sort": "-class"}
    assert read.args(sort="name") == {"status": "done", "q": "Amara Okafor"}
    assert read.args(page=4)["page"] == 4


def test_a_heading_reverses_the_sort_it_already_is_and_says_so(app):
    with app.test_request_context("/admin/staff/?sort=class"):
        read = read_state(SPEC)
        assert read.aria_sort("class") == "ascending" and read.aria_sort("name") is None
        assert read.sort_url("class").endswith("sort=-class")
        assert read.sort_url("name") == "/admin/staff/"


def test_a_page_past_the_end_is_empty_and_knows_how_many_pages_there_are():
    past = Page(rows=[], total=25, number=9, size=10)
    assert (past.count, past.first, past.last, past.has_next, past.has_previous) == (
        3, 0, 0, False, True,
    )  # fmt: skip
    middle = Page(rows=list(range(10)), total=25, number=2, size=10)
    assert (middle.first, middle.last, middle.has_next) == (11, 20, True)
