"""The main navigation: each role sees the links it may follow, and the page it is on."""

import html
import re

import pytest

from tests.helpers.web import body_of, signed_in

NAV = re.compile(r'<nav class="container" aria-label="Main">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>')


def nav_links(client, path: str) -> list[tuple[str, str, bool]]:
    """(address, label, is it this page) for each link of the page's main navigation."""
    nav = NAV.search(body_of(client.get(path))).group(1)
    links = LINK.findall(nav)
    return [(address, html.unescape(label), bool(here)) for address, here, label in links]


OVERSIGHT = "Home; School overview; Classes; Parents' answers; Tools in lessons; Policies"
ALWAYS = "Report a concern; Two-factor; My password"


@pytest.mark.parametrize(
    ("roles", "links"),
    [
        (("teacher",), f"Home; Classes; Tools in lessons; Policies; {ALWAYS}"),
        (
            ("governor",),
            "Home; School overview; Parents' answers; Tools in lessons; Policies; "
            f"Reports this term; {ALWAYS}",
        ),
        (("admin",), f"{OVERSIGHT}; Staff; Roster; Outbox; {ALWAYS}"),
        (
            ("head_teacher",),
            f"{OVERSIGHT}; Online-safety log; Reports this term; Report a concern; "
            "Staff two-factor; Two-factor; My password",
        ),
        (("dsl",), f"Home; Policies; Online-safety log; Reports this term; {ALWAYS}"),
    ],
)
def test_each_role_sees_the_links_it_may_follow(client, roles, links):
    signed_in(client, *roles)
    assert [label for _, label, _ in nav_links(client, "/policies/")] == links.split("; ")


def test_the_page_a_person_is_on_is_marked_and_no_other(client):
    signed_in(client, "admin")
    for path, label in [
        ("/", "Home"),
        ("/admin/module", "School overview"),
        ("/admin/staff/", "Staff"),
        ("/admin/parents/answers", "Parents' answers"),
        ("/policies/", "Policies"),
        ("/incidents/new", "Report a concern"),
    ]:
        current = [name for _, name, here in nav_links(client, path) if here]
        assert current == [label], path
