"""The staff check as a bank of scenarios, from which each school year's ten are drawn. Pure.

Every member of staff gets the same ten in a school year, so leaders can compare results: the
draw depends only on the bank and the year. It covers every guideline the bank tests, each
with a scenario about that guideline where the bank has one (a safeguarding scenario tagged
with a guideline tests the safeguarding duty first), has at least two safeguarding scenarios,
and brings in first the scenarios left out the year before, so next year's check differs.
"""

import dataclasses
import hashlib

from portal.quiz.types import Question, Quiz

DRAW_SIZE = 10
MIN_SAFEGUARDING = 2
GUIDELINES = range(1, 7)  # the policy's six guidelines for staff's personal use of social media
# The chain of yearly draws starts here: each year prefers what the year before left out.
FIRST_YEAR = 2024
STAFF_TAGS = ("guideline", "safeguarding")


def draw(quiz: Quiz, year: int) -> tuple[Question, ...]:
    """The ten questions of ``quiz``'s bank asked in the school year starting in ``year``,
    in the file's order."""
    left_out: frozenset[str] = frozenset()
    for earlier in range(min(FIRST_YEAR, year), year):
        drawn = _draw_one_year(quiz, earlier, left_out)
        left_out = frozenset(q.id for q in quiz.questions) - {q.id for q in drawn}
    return _draw_one_year(quiz, year, left_out)


def year_check(quiz: Quiz, year: int) -> Quiz:
    """The check as taken in ``year``: the bank's file (id, revision, pass mark), its ten."""
    return dataclasses.replace(quiz, questions=draw(quiz, year))


def _draw_one_year(quiz: Quiz, year: int, left_out: frozenset[str]) -> tuple[Question, ...]:
    if len(quiz.questions) <= DRAW_SIZE:
        return quiz.questions
    order = sorted(quiz.questions, key=lambda q: (q.id not in left_out, _shuffle(quiz, year, q)))
    chosen: list[Question] = []
    for guideline in sorted({q.guideline for q in order}):
        about_it = [q for q in order if q.guideline == guideline]
        everyday = [q for q in about_it if not q.safeguarding] or about_it
        chosen.append(everyday[0])
    safeguarding = [q for q in order if q.safeguarding and q not in chosen]
    chosen += safeguarding[: max(0, MIN_SAFEGUARDING - sum(q.safeguarding for q in chosen))]
    chosen += [q for q in order if q not in chosen][: DRAW_SIZE - len(chosen)]
    return tuple(q for q in quiz.questions if q in chosen)


def _shuffle(quiz: Quiz, year: int, question: Question) -> bytes:
    """A question's place in the year's shuffle: by its id, so rewording it changes nothing."""
    return hashlib.sha256(f"{quiz.id}:{year}:{question.id}".encode()).digest()


def tag_problems(values: dict, audience: str | None) -> list[str]:
    """What is wrong with a question's staff tags (``values`` are its well-typed fields)."""
    if audience != "staff":
        return [f"'{tag}' is only for the staff check" for tag in STAFF_TAGS if tag in values]
    guideline = values.get("guideline")
    if guideline is None:
        return [
            "'guideline' is missing: a staff question names the policy's staff guideline "
            f"it tests, {GUIDELINES[0]} to {GUIDELINES[-1]} (guideline = 1)"
        ]
    if guideline not in GUIDELINES:
        return [
            f"'guideline' is {guideline}; the policy's staff guidelines are numbered "
            f"{GUIDELINES[0]} to {GUIDELINES[-1]}"
        ]
    return []


def draw_problems(quiz: Quiz, source: str) -> list[str]:
    """Why the staff bank in the file ``source`` cannot draw a year's check, if it cannot."""
    if quiz.audience != "staff":
        return []
    safeguarding = sum(q.safeguarding for q in quiz.questions)
    if safeguarding < MIN_SAFEGUARDING:
        return [
            f"{source}: each year's draw of {DRAW_SIZE} needs at least {MIN_SAFEGUARDING} "
            f"safeguarding scenarios (safeguarding = true) and the bank has {safeguarding}; "
            "add another"
        ]
    return []
