"""What changed between two versions of a policy text, line by line. Pure."""

import difflib
from typing import Literal

Op = Literal["equal", "insert", "delete"]
EQUAL, INSERT, DELETE = "equal", "insert", "delete"


def changes(old: str, new: str) -> list[tuple[Op, str]]:
    """Every line of both texts in reading order, each marked equal, insert or delete.

    A replaced line shows as the old one deleted, then the new one inserted. Blank lines
    (paragraph breaks in Markdown) are left out: they carry no words to compare.
    """
    old_lines = [line for line in old.splitlines() if line.strip()]
    new_lines = [line for line in new.splitlines() if line.strip()]
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    result: list[tuple[Op, str]] = []
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            result += [(EQUAL, line) for line in old_lines[a_start:a_end]]
            continue
        result += [(DELETE, line) for line in old_lines[a_start:a_end]]
        result += [(INSERT, line) for line in new_lines[b_start:b_end]]
    return result


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
