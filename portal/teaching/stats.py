"""What a class understands: per question, the share right and the commonest wrong answer."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select

from portal.extensions import db
from portal.people.models import Pupil, SchoolClass
from portal.quiz.content import Choice, Question, Quiz
from portal.quiz.models import QuizAnswer, QuizAttempt
from portal.teaching.service import Tally


@dataclass(frozen=True)
class QuestionStat:
    number: int
    question: Question
    answered: Tally  # pupils who answered it, of the pupils on roll
    correct: Tally  # pupils who answered it correctly, of those who answered it
    wrong_choices: tuple[Choice, ...]  # the most chosen wrong answer(s); several if tied
    wrong_count: int  # pupils who chose each of them

    @property
    def strand(self) -> str:
        return self.question.strand_label


@dataclass(frozen=True)
class QuizStats:
    quiz: Quiz
    questions: list[QuestionStat]
    left_out: int  # answers given to an earlier revision of the quiz file, not counted


# Asked by every class view: built once, with bound parameters (building them cost more
# than running them).
_LATEST = (
    select(func.max(QuizAttempt.id))
    .join(Pupil, Pupil.id == QuizAttempt.pupil_id)
    .where(
        Pupil.class_id == bindparam("class_id"),
        Pupil.left_on.is_(None),
        QuizAttempt.quiz_id == bindparam("quiz_id"),
        QuizAttempt.academic_year == bindparam("year"),
    )
    .group_by(QuizAttempt.pupil_id)
)
_ANSWER_COUNTS = (
    select(QuizAnswer.question_id, QuizAnswer.choice_id, QuizAttempt.quiz_revision, func.count())
    .join(QuizAnswer.attempt)
    .where(QuizAttempt.id.in_(_LATEST))
    .group_by(QuizAnswer.question_id, QuizAnswer.choice_id, QuizAttempt.quiz_revision)
)
_ON_ROLL = (
    select(func.count())
    .select_from(Pupil)
    .where(Pupil.class_id == bindparam("class_id"), Pupil.left_on.is_(None))
)


def _answer_counts(
    school_class: SchoolClass, quiz: Quiz, year: int
) -> list[tuple[str, str, str, int]]:
    """(question, choice, revision, pupils) over each pupil's latest attempt: one query."""
    values = {"class_id": school_class.id, "quiz_id": quiz.id, "year": year}
    return db.session.execute(_ANSWER_COUNTS, values).all()


def _question_stat(number: int, question: Question, chosen: dict, on_roll_count: int):
    counts = {choice.id: chosen.get((question.id, choice.id), 0) for choice in question.choices}
    answered = sum(counts.values())
    wrong = [choice for choice in question.choices if not choice.correct and counts[choice.id]]
    most = max((counts[choice.id] for choice in wrong), default=0)
    return QuestionStat(
        number,
        question,
        Tally(answered, on_roll_count),
        Tally(counts[question.correct_choice_id], answered),
        tuple(choice for choice in wrong if counts[choice.id] == most),
        most,
    )


def question_stats(
    school_class: SchoolClass, quiz: Quiz, year: int, on_roll: int | None = None
) -> QuizStats:
    """Per question, in quiz order: how many answered, the share correct, the commonest slip.

    Counts each pupil on roll once, by their latest attempt this school year (``year``, its
    start year), of the ``on_roll`` pupils (counted here if not given: the class view has
    them). Answers given to an earlier revision of the quiz are history (their choices may
    mean something else) and left out.
    """
    chosen: dict[tuple[str, str], int] = defaultdict(int)
    left_out = 0
    for question_id, choice_id, revision, pupils in _answer_counts(school_class, quiz, year):
        if revision == quiz.revision:
            chosen[(question_id, choice_id)] += pupils
        else:
            left_out += pupils
    if on_roll is None:
        on_roll = db.session.scalar(_ON_ROLL, {"class_id": school_class.id})
    return QuizStats(
        quiz,
        [
            _question_stat(number, question, chosen, on_roll)
            for number, question in enumerate(quiz.questions, start=1)
        ],
        left_out,
    )


# What the teacher changes ---------------------------------------------------------------
