"""How long comparing two versions of a policy takes, for texts of 1,000 to 4,000 lines.

    .venv/bin/python bench/diff.py            (or: make bench-diff)

Each kind of pair is a way texts really differ, or a way that once made the comparison slow:
every other rule's reason rewritten among lines repeated throughout (the staff guidelines at
length), lines repeated just under difflib's "popular" threshold, a complete rewrite, rules
moved around, texts in which no line occurs only once, and stretches made as costly for
difflib as can be (the work budget's worst case). Prints the best of three runs.
"""

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal.policies import diff

SIZES = (1000, 2000, 4000)


def guidelines(n: int, edition: int) -> str:
    """Rules of four lines: a heading, a quote used by many rules, a reason, a rule line."""
    quotes = [f"> Staff must follow rule {k} of the policy." for k in range(6)]
    lines = []
    for i in range(n // 4):
        reason = f"**Why:** reason {i}." if (i + edition) % 2 else f"**Why:** new reason {i}."
        lines += [f"## Rule {i}", quotes[i % 6], reason, "---"]
    return "\n".join(lines)


def near_threshold(n: int, edition: int) -> str:
    """Repeated lines each used about n/100 times: too rare for difflib to ignore as junk."""
    kinds = max(n // 4 // max(n // 100, 1), 1)
    lines = []
    for i in range(n // 4):
        lines += [
            f"Heading {i}",
            f"repeat {i % kinds}",
            f"changed {i} {edition}",
            f"again {i % kinds}",
        ]
    return "\n".join(lines)


def rewritten(n: int, edition: int) -> str:
    return "\n".join(f"Edition {edition}, sentence {i}." for i in range(n))


def moved(n: int, edition: int) -> str:
    paragraphs = [f"Paragraph {i}, line {j}." for i in range(n // 10) for j in range(10)]
    blocks = [paragraphs[i : i + 10] for i in range(0, len(paragraphs), 10)]
    random.Random(edition).shuffle(blocks)
    return "\n".join(line for block in blocks for line in block)


def nothing_unique(n: int, edition: int) -> str:
    """Every line twice: no line to anchor on, so only the work budget keeps it bounded."""
    pattern = random.Random(edition)
    return "\n".join(f"line {pattern.randrange(n // 2)}" for _ in range(n))


def costly(n: int, edition: int) -> str:
    """Stretches of 100 lines between unique headings, each as costly for difflib as can be:
    two lines alternating, against the same two with a third between them."""
    pattern = ["x", "y"] if edition == 0 else ["x", "z", "y", "z"]
    lines = []
    for i in range(n // 100):
        lines += [f"Heading {i}"] + pattern * (99 // len(pattern))
    return "\n".join(lines)


PAIRS = {
    "guidelines, every other reason rewritten": guidelines,
    "lines repeated just under difflib's junk threshold": near_threshold,
    "completely rewritten": rewritten,
    "blocks of ten lines moved around": moved,
    "no line occurs only once": nothing_unique,
    "stretches built to cost difflib the most": costly,
}


def best_of_three(old: str, new: str) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        diff.compare(old, new)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    print(f"{'pair':52} " + " ".join(f"{n:>9,} lines" for n in SIZES))
    for name, make in PAIRS.items():
        cells = [best_of_three(make(n, 0), make(n, 1)) * 1000 for n in SIZES]
        print(f"{name:52} " + " ".join(f"{ms:>12.1f} ms" for ms in cells), flush=True)


if __name__ == "__main__":
    main()
