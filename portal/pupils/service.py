"""What a pupil does: acknowledge their Key Stage's AUP and answer its quiz, one question at a time.

Verb functions with explicit arguments; they flush and never commit (the view commits once).
Every answer is stored the moment it is given, once: a double tap or a resubmitted form finds
the first answer in place and gets it back unchanged.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Row, bindparam, select

from portal.clock import utcnow
from portal.extensions import db
from portal.people.models import Pupil
from portal.people.school_year import academic_year
from portal.policies.models import Acknowledgement, PolicyVersion
from portal.policies.service import acknowledgement_is_current, record_acknowledgement
from portal.pupils.progress import aup_policy
from portal.quiz import attempts
from portal.quiz.catalogue import quiz_for
from portal.quiz.content import Choice, Question, Quiz
from portal.quiz.grading import InvalidAnswers, two_choices
from portal.quiz.models import QuizAttempt

START, RESUME, DONE = "start", "resume", "done"


class AupRefused(Exception):
    """The version named is not one this pupil can acknowledge today."""


class QuizRefused(Exception):
    """The quiz or question is not this pupil's to answer (another Key Stage, another attempt)."""


def key_stage_of(pupil: Pupil) -> str:
    return pupil.school_class.key_stage


def agree_to_aup(pupil: Pupil, version: PolicyVersion | None, today: date) -> Acknowledgement:
    """Record the pupil's online acknowledgement of their Key Stage's AUP; a repeat is a no-op."""
    key_stage = key_stage_of(pupil)
    policy = aup_policy(key_stage)
    if (
        version is None
        or version.effective_on > today
        or not acknowledgement_is_current(version, policy, today)
    ):
        raise AupRefused(f"That is not the AUP for {key_stage} in force today.")
    return record_acknowledgement(
        version, academic_year(today).start_year, pupil=pupil, method="online", key_stage=key_stage
    )


def my_quiz(pupil: Pupil) -> Quiz | None:
    """The quiz for the pupil's Key Stage, with the questions for their year group: those for
    every year and those for theirs (the same file and revision for the whole Key Stage)."""
    quiz = quiz_for(key_stage_of(pupil))
    return quiz.for_year(pupil.school_class.year_group) if quiz else None


def _attempts_this_year(*conditions):
    """The pupil's attempts at a quiz this school year, the latest first; bound parameters,
    built once (every quiz screen asks)."""
    return (
        select(QuizAttempt)
        .where(
            QuizAttempt.pupil_id == bindparam("pupil_id"),
            QuizAttempt.quiz_id == bindparam("quiz_id"),
            QuizAttempt.academic_year == bindparam("year"),
            *conditions,
        )
        .order_by(QuizAttempt.id.desc())
        .limit(1)
    )


_LATEST = _attempts_this_year()
_LATEST_OF_REVISION_ROW = _attempts_this_year(
    QuizAttempt.quiz_revision == bindparam("revision")
).with_only_columns(*QuizAttempt.__table__.c)


def _this_year(pupil: Pupil, quiz: Quiz, today: date) -> dict:
    return {"pupil_id": pupil.id, "quiz_id": quiz.id, "year": academic_year(today).start_year}


def latest_attempt(pupil: Pupil, quiz: Quiz, today: date) -> QuizAttempt | None:
    """The pupil's most recent attempt at this quiz this school year, whatever its revision.

    Last year's attempts are history: a Year 2 pupil takes the KS1 quiz afresh.
    """
    return db.session.scalar(_LATEST, _this_year(pupil, quiz, today))


def current_attempt(pupil: Pupil, quiz: Quiz, today: date) -> Row | None:
    """The pupil's latest attempt at the quiz file as it is now (finished or not), or None:
    its columns as a row, read-only (each answer asks; an ORM object costs more to make)."""
    values = _this_year(pupil, quiz, today) | {"revision": quiz.revision}
    return db.session.connection().execute(_LATEST_OF_REVISION_ROW, values).first()


def quiz_state(
    pupil: Pupil, quiz: Quiz, today: date
) -> tuple[str, QuizAttempt | Row | None, dict[str, Row]]:
    """RESUME (an unfinished attempt at the quiz as it is now), DONE or START, with the
    attempt (a read-only row when unfinished) and, when it is unfinished, its answers by
    question id."""
    year = academic_year(today).start_year
    attempt, answers = attempts.unfinished_with_answers(pupil, quiz, year)
    if attempt is not None:
        return RESUME, attempt, answers
    latest = latest_attempt(pupil, quiz, today)
    if latest is not None and latest.finished_at is not None:
        return DONE, latest, {}
    return START, None, {}


def open_attempt(pupil: Pupil, quiz: Quiz, today: date) -> QuizAttempt:
    """The pupil's unfinished attempt at the quiz as it is now, or a new one.

    An attempt begun before the quiz file changed is left as it was (its revision and answers
    stay true) and a new attempt starts.
    """
    return attempts.start(pupil, quiz, academic_year(today).start_year, utcnow())


def answers_of(attempt: QuizAttempt) -> dict[str, Row]:
    """The attempt's stored answers by question id."""
    return attempts.answers_of(attempt)


def next_question(answered: Mapping[str, object], quiz: Quiz) -> Question | None:
    """The first question without an answer (``answered``: the attempt's answers by question
    id, from answers_of), or None when all are answered."""
    return next((q for q in quiz.questions if q.id not in answered), None)


def offered_choices(question: Question, attempt: QuizAttempt, pupil: Pupil) -> tuple[Choice, ...]:
    """The choices on the pupil's screen: all of them, or two with "two choices only"."""
    if pupil.two_choices and len(question.choices) > 2:
        return two_choices(question, seed=attempt.id)
    return question.choices


def _check_quiz(attempt: QuizAttempt, quiz: Quiz, pupil: Pupil) -> None:
    mine = my_quiz(pupil)
    if mine is None or mine.id != quiz.id:
        raise QuizRefused(f"The quiz '{quiz.id}' is not the one for this pupil's Key Stage.")
    if (
        attempt.pupil_id != pupil.id
        or attempt.quiz_id != quiz.id
        or attempt.quiz_revision != quiz.revision
    ):
        raise QuizRefused("That attempt is not this pupil's attempt at this quiz as it is now.")


@dataclass(frozen=True)
class Answered:
    """An answer as stored (the first one, after a double tap) and where the attempt stands.

    Plain values, built before the commit, so the screen that follows reads nothing again.
    """

    question_id: str
    choice_id: str
    answered: frozenset[str]  # the ids of the questions with an answer
    finished: bool


def answer(
    attempt: QuizAttempt, quiz: Quiz, question_id: str, choice_id: str, pupil: Pupil
) -> Answered:
    """Store the pupil's answer to one question, once; a second answer gets the first back.

    Raises QuizRefused for a question or quiz that is not theirs, InvalidAnswers for a choice
    that is not on their screen. Answering the last question finishes the attempt.
    """
    _check_quiz(attempt, quiz, pupil)
    question = quiz.question(question_id)
    if question is None:
        raise QuizRefused(f"'{question_id}' is not a question in the quiz '{quiz.id}'.")
    choice = next((c for c in offered_choices(question, attempt, pupil) if c.id == choice_id), None)
    if choice is None:
        raise InvalidAnswers(f"'{choice_id}' is not one of the answers to '{question.id}'.")
    now = utcnow()
    stored = attempts.answer(attempt, question, choice, now)
    finished = attempts.finish_if_complete(attempt, quiz, stored, now)
    first = stored[question.id]
    return Answered(first.question_id, first.choice_id, frozenset(stored), finished)


CHEERS = {
    1: "Well done for finishing! Every question helps you learn how to stay safe online.",
    2: "Great effort! You are learning lots about staying safe and kind online.",
    3: "Super star! You know lots about staying safe and kind online.",
}


def stars(score: int, total: int) -> int:
    """1 to 3 stars for effort: finishing earns one; a third and two thirds right earn more."""
    if total <= 0:
        return 1
    if score * 3 >= total * 2:
        return 3
    return 2 if score * 3 >= total else 1


@dataclass(frozen=True)
class Feedback:
    """What a pupil sees after answering: kind words, the reason, and the safe choice."""

    question: Question
    chosen: Choice
    correct: bool
    heading: str
    explanation: str


PRAISE, NUDGE = "Good thinking!", "Not quite."


def kind_words(choice: Choice) -> str:
    """The choice's explanation, opening with "Good thinking!" or "Not quite." as pupils expect."""
    opening = PRAISE if choice.correct else NUDGE
    text = choice.explanation
    return text if text.startswith(opening) else f"{opening} {text}"


def feedback_for(quiz: Quiz, stored: Row | Answered) -> Feedback | None:
    """The feedback for a stored answer, or None if the quiz no longer has that choice."""
    question = quiz.question(stored.question_id)
    chosen = question.choice(stored.choice_id) if question else None
    if chosen is None:
        return None
    # The heading differs from the explanation's opening words, so nothing is said twice.
    heading = "Well done!" if chosen.correct else "Let's think about it"
    return Feedback(question, chosen, chosen.correct, heading, kind_words(chosen))
