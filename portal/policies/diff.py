"""What changed between two versions of a policy text, line by line. Pure.

difflib alone is quadratic to cubic on long texts whose lines repeat (a quote, "---", "Why:"),
so the texts are first cut at anchors: lines that occur exactly once in each text, kept in
an order both share (the "patience" idea). Between anchors the stretches are short, and
difflib compares each within a fixed budget of work; a stretch beyond the budget is shown
removed, then added, whole. Texts longer than MAX_LINES are not compared line by line at all.
"""

import difflib
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from typing import Literal

Op = Literal["equal", "insert", "delete"]
EQUAL, INSERT, DELETE = "equal", "insert", "delete"
MAX_LINES = 10_000  # per version; a policy is a few hundred lines at most
# difflib's steps over all stretches of one comparison (see _work): about a tenth of a second.
WORK_BUDGET = 1_000_000


@dataclass(frozen=True)
class Comparison:
    changes: list[tuple[Op, str]]  # every line of both texts in reading order
    too_long: bool = False  # not compared: a version has more than MAX_LINES lines
    rough: bool = False  # some stretch was too different to compare line by line


def compare(old: str, new: str) -> Comparison:
    """Every line of both texts, each marked equal, insert or delete, in reading order.

    A replaced line shows as the old one deleted, then the new one inserted. Blank lines
    (paragraph breaks in Markdown) are left out: they carry no words to compare.
    """
    a = [line for line in old.splitlines() if line.strip()]
    b = [line for line in new.splitlines() if line.strip()]
    if len(a) > MAX_LINES or len(b) > MAX_LINES:
        return Comparison([], too_long=True)
    budget = [WORK_BUDGET]
    changes: list[tuple[Op, str]] = []
    rough = False
    i = j = 0
    for anchor_i, anchor_j in [*_anchors(a, b), (len(a), len(b))]:
        rough |= _stretch(a[i:anchor_i], b[j:anchor_j], budget, changes)
        if anchor_i < len(a):
            changes.append((EQUAL, a[anchor_i]))
        i, j = anchor_i + 1, anchor_j + 1
    return Comparison(changes, rough=rough)


def _anchors(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Pairs (i, j) with a[i] == b[j] occurring once in each text, in an order both share."""
    count_a, count_b = Counter(a), Counter(b)
    where_b = {line: j for j, line in enumerate(b) if count_b[line] == 1}
    pairs = [
        (i, where_b[line]) for i, line in enumerate(a) if count_a[line] == 1 and line in where_b
    ]
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (already in order of i) whose j also increase; O(n log n)."""
    tails: list[int] = []  # tails[k]: the smallest j ending an increasing run of length k + 1
    ends: list[int] = []  # ends[k]: the index in pairs of that run's last pair
    before: list[int | None] = []
    for index, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        tails[k : k + 1], ends[k : k + 1] = [j], [index]
        before.append(ends[k - 1] if k else None)
    run, index = [], ends[-1] if ends else None
    while index is not None:
        run.append(pairs[index])
        index = before[index]
    return run[::-1]


def _stretch(a: list[str], b: list[str], budget: list[int], out: list) -> bool:
    """Append the changes between two stretches; True if it had to be shown whole."""
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    out += [(EQUAL, line) for line in a[:head]]
    a_mid, b_mid = a[head : len(a) - tail], b[head : len(b) - tail]
    work = _work(a_mid, b_mid)
    whole = work > budget[0]
    if whole or not a_mid or not b_mid:
        out += [(DELETE, line) for line in a_mid] + [(INSERT, line) for line in b_mid]
    else:
        budget[0] -= work
        _difflib(a_mid, b_mid, out)
    out += [(EQUAL, line) for line in a[len(a) - tail :]]
    return whole


def _work(a: list[str], b: list[str]) -> int:
    """An upper bound on difflib's steps: each of its at most min(p, q) + 1 searches walks
    the old lines once and, at most, every pair of equal lines."""
    if not a or not b:
        return 0
    count_b = Counter(b)
    equal_pairs = sum(count_b[line] for line in a)
    return (min(len(a), len(b)) + 1) * (len(a) + equal_pairs)


def _difflib(a: list[str], b: list[str], out: list) -> None:
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            out += [(EQUAL, line) for line in a[a_start:a_end]]
            continue
        out += [(DELETE, line) for line in a[a_start:a_end]]
        out += [(INSERT, line) for line in b[b_start:b_end]]


def counts(diff: list[tuple[Op, str]]) -> dict[str, int]:
    """How many lines were added and removed: {"insert": n, "delete": m}."""
    return {op: sum(1 for kind, _ in diff if kind == op) for op in (INSERT, DELETE)}


def around_changes(diff: list[tuple[Op, str]], context: int = 2) -> list[tuple[str, str]]:
    """The diff with long unchanged stretches folded to ("skip", "<how many lines>").

    ``context`` unchanged lines stay on each side of a change, so a reader sees where it is.
    """
    changed = [i for i, (op, _) in enumerate(diff) if op != EQUAL]
    keep = {j for i in changed for j in range(i - context, i + context + 1)}
    result: list[tuple[str, str]] = []
    skipped = 0
    for i, item in enumerate(diff):
        if i in keep or item[0] != EQUAL:
            if skipped:
                result.append(("skip", str(skipped)))
            result.append(item)
            skipped = 0
        else:
            skipped += 1
    if skipped:
        result.append(("skip", str(skipped)))
    return result
