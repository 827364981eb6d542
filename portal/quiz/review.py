"""The writing rules a quiz must meet besides its format: a right answer that cannot be
guessed by its length, texts short enough for the age, and the strands its Key Stage covers.

Pure. A quiz that breaks these still shows correctly, so they are checked by
`python -m portal.quiz.check`, `flask portal check-quizzes` and the tests, not at start-up:
one over-long question in a teacher's edit must not stop the portal for the whole school.
"""

from dataclasses import dataclass, field

from portal.people.school_year import YEAR_GROUPS
from portal.quiz.types import STAGE_STRANDS, WORD_LIMITS, Question, Quiz


@dataclass
class Review:
    """What a quiz breaks: problems fail the check, warnings are only printed."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def review(quiz: Quiz, source: str) -> Review:
    """Every writing rule ``quiz`` (read from the file ``source``) breaks."""
    result = Review(problems=too_long(quiz, source) + missing_strands(quiz, source))
    # The staff check only warns: its answers quote the policy, and a new wording changes a
    # yearly certified check, so the e-Safety lead rewrites it at the next revision.
    shape = guessable_by_length(quiz, source)
    (result.warnings if quiz.audience == "staff" else result.problems).extend(shape)
    return result


def word_count(text: str) -> int:
    return len(text.split())


def too_long(quiz: Quiz, source: str) -> list[str]:
    """A question or choice with more words than its audience's limit."""
    most_in_question, most_in_choice = WORD_LIMITS[quiz.audience]
    who = f"{'an' if quiz.audience == 'EYFS' else 'a'} {quiz.audience}"  # "an EYFS", "a KS1"
    problems = []
    for question in quiz.questions:
        where = f"{source}, question '{question.id}'"
        words = word_count(question.text)
        if words > most_in_question:
            problems.append(
                f"{where}: the question is {words} words; {who} question has at most "
                f"{most_in_question}, so shorten it"
            )
        for choice in question.choices:
            words = word_count(choice.text)
            if words > most_in_choice:
                problems.append(
                    f"{where}, choice '{choice.id}': the choice is {words} words; {who} "
                    f"choice has at most {most_in_choice}, so shorten it"
                )
    return problems


def right_answer_is_longest(question: Question) -> bool:
    """True when the right answer has strictly more characters than every wrong one."""
    right = len(question.correct_choice.text)
    return all(right > len(choice.text) for choice in question.choices if not choice.correct)


def year_sets(quiz: Quiz) -> list[tuple[int | None, tuple[Question, ...]]]:
    """The sets of questions pupils are asked, each with its year group: one set (year None)
    when every year group of the Key Stage is asked the same, else one per year group."""
    if not quiz.varies_by_year:
        return [(None, quiz.questions)]
    return [(year, quiz.questions_for(year)) for year in quiz.year_groups]


def guessable_by_length(quiz: Quiz, source: str) -> list[str]:
    """A quiz whose right answer is the longest choice in more than a third of the questions
    of a year group (of the whole quiz when every year group is asked the same)."""
    problems = []
    for year, questions in year_sets(quiz):
        longest = [question.id for question in questions if right_answer_is_longest(question)]
        total = len(questions)
        if 3 * len(longest) <= total:
            continue
        ids = ", ".join(f"'{question_id}'" for question_id in longest)
        whose = "" if year is None else f"in {YEAR_GROUPS[year]}'s questions, "
        problems.append(
            f"{source}: {whose}the right answer is the longest choice in {len(longest)} of "
            f"{total} questions ({ids}), so it can be guessed by its length; at most "
            f"{total // 3} may be: make the wrong answers as long and as tempting, or the "
            "right one shorter"
        )
    return problems


def missing_strands(quiz: Quiz, source: str) -> list[str]:
    """The strands this Key Stage's quiz should cover and a year group has no question on."""
    problems = []
    for year, questions in year_sets(quiz):
        asked = {question.strand for question in questions}
        expected = STAGE_STRANDS.get(quiz.audience, ())
        missing = [strand for strand in expected if strand not in asked]
        if not missing:
            continue
        names = ", ".join(f"'{strand}'" for strand in missing)
        whom = "" if year is None else f" for {YEAR_GROUPS[year]}"
        problems.append(
            f"{source}: the {quiz.audience} quiz has no question{whom} on {names}; add a "
            "question on each (quizzes/README.md lists the strands each Key Stage covers)"
        )
    return problems
