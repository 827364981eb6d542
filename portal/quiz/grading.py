"""Marking answers against a quiz: pure functions, no Flask and no database."""

import hashlib
from dataclasses import dataclass

from portal.quiz.content import Choice, Question, Quiz


class InvalidAnswers(ValueError):
    """The answers do not fit the quiz: an unknown question or choice, or a missing answer."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    chosen: Choice
    correct: bool


@dataclass(frozen=True)
class Result:
    score: int
    total: int
    passed: bool | None  # None when the quiz has no pass mark (pupils' quizzes)
    questions: tuple[QuestionResult, ...]  # one per question, in the quiz's order

    @property
    def percent(self) -> int:
        """The score as a whole percentage, rounded down (show it with its base: 8 of 10)."""
        return self.score * 100 // self.total if self.total else 0


def _question(quiz: Quiz, question_id: str) -> Question:
    question = quiz.question(question_id)
    if question is None:
        raise InvalidAnswers(f"'{question_id}' is not a question in the quiz '{quiz.id}'")
    return question


def _choice(question: Question, choice_id: str) -> Choice:
    choice = question.choice(choice_id)
    if choice is None:
        raise InvalidAnswers(f"'{choice_id}' is not a choice of the question '{question.id}'")
    return choice


def check_answer(quiz: Quiz, question_id: str, choice_id: str) -> tuple[Choice, bool]:
    """The chosen choice of one question and whether it is the correct one."""
    choice = _choice(_question(quiz, question_id), choice_id)
    return choice, choice.correct


def grade(quiz: Quiz, answers: dict[str, str]) -> Result:
    """Mark a whole attempt: ``answers`` maps every question id to a choice id."""
    for question_id in answers:
        _question(quiz, question_id)
    missing = [q.id for q in quiz.questions if q.id not in answers]
    if missing:
        raise InvalidAnswers(f"no answer to {', '.join(repr(m) for m in missing)}")
    results = []
    for question in quiz.questions:
        chosen = _choice(question, answers[question.id])
        results.append(QuestionResult(question, chosen, chosen.correct))
    score, total = sum(r.correct for r in results), len(results)
    passed = None if quiz.pass_mark is None else score * 100 >= quiz.pass_mark * total
    return Result(score, total, passed, tuple(results))


def two_choices(question: Question, seed: int) -> tuple[Choice, Choice]:
    """The correct choice and one other, picked by ``seed``, in the question's own order.

    For the "two choices only" accommodation: the same seed (say, the attempt's id) always
    offers the same pair, so a reload does not reshuffle the screen.
    """
    others = [choice for choice in question.choices if not choice.correct]
    digest = hashlib.sha256(f"{seed}:{question.id}".encode()).digest()
    other = others[int.from_bytes(digest[:8], "big") % len(others)]
    first, second = (c for c in question.choices if c.correct or c is other)
    return first, second
