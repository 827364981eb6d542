"""Comparing versions: right on long texts, work that grows with the text, and a bound on it.

Timings are measured by bench/diff.py, not here; these tests pin down the behaviour that
makes them small: difflib only ever sees short stretches between anchor lines, and its
work is capped.
"""

import difflib
import random

import pytest

from portal.clock import school_today
from portal.extensions import db
from portal.policies import diff, publishing, shipped
from tests.helpers.policies import policy
from tests.helpers.web import signed_in


def guidelines(n: int, edition: int) -> str:
    """The shape that was cubic: rules whose quote and rule line repeat throughout."""
    quotes = [f"> Staff must follow rule {k} of the policy." for k in range(6)]
    lines = []
    for i in range(n // 4):
        reason = f"**Why:** reason {i}." if (i + edition) % 2 else f"**Why:** new reason {i}."
        lines += [f"## Rule {i}", quotes[i % 6], reason, "---"]
    return "\n".join(lines)


def sides(changes) -> tuple[list[str], list[str]]:
    """The old and the new text, read back from the changes."""
    old = [text for op, text in changes if op in (diff.EQUAL, diff.DELETE)]
    new = [text for op, text in changes if op in (diff.EQUAL, diff.INSERT)]
    return old, new


@pytest.fixture
def difflib_sees(monkeypatch) -> list[tuple[int, int]]:
    """The sizes of the stretches difflib is asked to compare."""
    seen = []

    class Recording(difflib.SequenceMatcher):
        def __init__(self, isjunk=None, a="", b="", autojunk=True):
            seen.append((len(a), len(b)))
            super().__init__(isjunk, a, b, autojunk)

    monkeypatch.setattr(diff.difflib, "SequenceMatcher", Recording)
    return seen


def test_long_guidelines_compare_rule_by_rule(difflib_sees):
    for n in (1000, 2000):
        difflib_sees.clear()
        comparison = diff.compare(guidelines(n, 0), guidelines(n, 1))
        assert diff.counts(comparison.changes) == {"insert": n // 4, "delete": n // 4}
        assert not comparison.rough and not comparison.too_long
        assert sides(comparison.changes) == (
            guidelines(n, 0).split("\n"),
            guidelines(n, 1).split("\n"),
        )
        # Each rule's changed reason is compared on its own: never the whole text at once.
        assert max(max(sizes) for sizes in difflib_sees) == 1
        assert sum(sum(sizes) for sizes in difflib_sees) == n // 2


def test_a_moved_paragraph_is_removed_where_it_was_and_added_where_it_went():
    old = "\n".join(["Intro.", "First.", "Second.", "Third.", "Moved one.", "Moved two.", "End."])
    new = "\n".join(["Intro.", "Moved one.", "Moved two.", "First.", "Second.", "Third.", "End."])
    changes = diff.compare(old, new).changes
    assert diff.counts(changes) == {"insert": 2, "delete": 2}
    assert sides(changes) == (old.split("\n"), new.split("\n"))


def test_any_two_texts_are_read_back_exactly_from_their_changes():
    chooser = random.Random(7)
    for _ in range(300):
        words = [f"line {k}" for k in range(chooser.randint(1, 12))]
        old = [chooser.choice(words) for _ in range(chooser.randint(0, 30))]
        new = [chooser.choice(words) for _ in range(chooser.randint(0, 30))]
        comparison = diff.compare("\n".join(old), "\n".join(new))
        assert sides(comparison.changes) == (old, new)


def test_work_beyond_the_budget_is_shown_whole_and_said_so(monkeypatch, difflib_sees):
    chooser = random.Random(1)
    old = [f"line {chooser.randrange(100)}" for _ in range(400)]  # no line occurs only once
    new = [f"line {chooser.randrange(100)}" for _ in range(400)]
    monkeypatch.setattr(diff, "WORK_BUDGET", 10_000)
    comparison = diff.compare("\n".join(old), "\n".join(new))
    assert comparison.rough and difflib_sees == []
    assert sides(comparison.changes) == (old, new)
    small = diff.compare("Same.\nOld.\nSame again.\n", "Same.\nNew.\nSame again.\n")
    assert not small.rough and diff.counts(small.changes) == {"insert": 1, "delete": 1}


def test_texts_too_long_are_not_compared_line_by_line(monkeypatch, difflib_sees):
    monkeypatch.setattr(diff, "MAX_LINES", 50)
    comparison = diff.compare("\n".join(f"Line {n}." for n in range(51)), "Short.\n")
    assert comparison.too_long and comparison.changes == [] and difflib_sees == []


def test_the_compare_page_says_when_versions_are_too_long_or_too_different(
    app, client, monkeypatch
):
    shipped.install_shipped_policies(school_today())
    smp = policy()
    body = smp.versions[0].body
    shuffled = "\n\n".join(reversed([p for p in body.split("\n\n") if p.strip()])) + "\n"
    publishing.publish_version(smp, shuffled, school_today(), "minor", "Reordered.", None)
    db.session.commit()
    signed_in(client, "governor")
    url = "/policies/social-media-policy/compare?from=1&to=2"
    monkeypatch.setattr(diff, "WORK_BUDGET", 0)
    assert "too different to compare line by line" in client.get(url).get_data(as_text=True)
    monkeypatch.setattr(diff, "MAX_LINES", 10)
    html = client.get(url).get_data(as_text=True)
    assert "too long to compare line by line" in html and "Removed:" not in html
    assert 'href="/policies/social-media-policy/versions/2"' in html
