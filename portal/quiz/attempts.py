"""Quiz attempts, for pupils and staff alike: started once, each answer stored once, finished once.

"Once" is the database's decision, so a double tap, a retried request or two tablets at the
same moment find the first request's rows: one unfinished attempt per taker, quiz revision
and school year (a partial unique index), one answer per question (a unique constraint),
and finishing is a compare-and-set on ``finished_at``. Verb functions flush, never commit.
"""

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Row, bindparam, select, update

from portal.database import count_one_more, insert_if_absent
from portal.extensions import db
from portal.people.models import Pupil, Staff
from portal.quiz.content import Choice, Question, Quiz
from portal.quiz.grading import Result
from portal.quiz.models import FirstGoTally, QuizAnswer, QuizAttempt

Taker = Pupil | Staff


def _unfinished_by(column):
    return select(QuizAttempt).where(
        column == bindparam("taker_id"),
        QuizAttempt.quiz_id == bindparam("quiz_id"),
        QuizAttempt.quiz_revision == bindparam("revision"),
        QuizAttempt.academic_year == bindparam("year"),
        QuizAttempt.finished_at.is_(None),
    )


# A pupil's every quiz screen asks for their attempt and its answers. These statements are
# built once, with bound parameters: building and keying a statement costs more than
# running it.
_UNFINISHED = {
    Pupil: _unfinished_by(QuizAttempt.pupil_id),
    Staff: _unfinished_by(QuizAttempt.staff_id),
}
# Columns, not ORM objects: each row is the attempt's columns and one answer's.
_UNFINISHED_WITH_ANSWERS = {
    taker: statement.with_only_columns(
        *QuizAttempt.__table__.c, QuizAnswer.question_id, QuizAnswer.choice_id, QuizAnswer.correct
    ).outerjoin(QuizAnswer, QuizAnswer.attempt_id == QuizAttempt.id)
    for taker, statement in _UNFINISHED.items()
}
_ANY_THIS_YEAR = (
    select(QuizAttempt.id)
    .where(
        QuizAttempt.pupil_id == bindparam("taker_id"),
        QuizAttempt.quiz_id == bindparam("quiz_id"),
        QuizAttempt.academic_year == bindparam("year"),
    )
    .limit(1)
)
_ANSWERS = select(QuizAnswer.question_id, QuizAnswer.choice_id, QuizAnswer.correct).where(
    QuizAnswer.attempt_id == bindparam("attempt_id")
)


def _kind(taker: Taker) -> type:
    return Pupil if isinstance(taker, Pupil) else Staff


def _unfinished_values(taker: Taker, quiz: Quiz, year: int) -> dict:
    return {"taker_id": taker.id, "quiz_id": quiz.id, "revision": quiz.revision, "year": year}


def unfinished(taker: Taker, quiz: Quiz, year: int) -> QuizAttempt | None:
    """The taker's unfinished attempt at the quiz file as it is now, this school year."""
    return db.session.scalar(_UNFINISHED[_kind(taker)], _unfinished_values(taker, quiz, year))


def unfinished_with_answers(
    taker: Taker, quiz: Quiz, year: int
) -> tuple[Row | None, dict[str, Row]]:
    """The same unfinished attempt, if any, and its answers by question id, in one statement
    (a pupil's every quiz screen asks for both). The attempt is a read-only row of its
    columns, on the session's connection: no ORM object to make on every screen."""
    values = _unfinished_values(taker, quiz, year)
    statement = _UNFINISHED_WITH_ANSWERS[_kind(taker)]
    rows = db.session.connection().execute(statement, values).all()
    if not rows:
        return None, {}
    answers = {row.question_id: row for row in rows if row.question_id is not None}
    return rows[0], answers


def start(taker: Taker, quiz: Quiz, year: int, now: datetime) -> QuizAttempt:
    """The taker's unfinished attempt at the quiz as it is now, or a new one.

    An attempt begun on an earlier revision of the file is left as it was: its revision and
    answers stay true.
    """
    attempt = unfinished(taker, quiz, year)
    if attempt is not None:
        return attempt
    insert_if_absent(
        QuizAttempt,
        quiz_id=quiz.id,
        quiz_revision=quiz.revision,
        academic_year=year,
        total=len(quiz.questions),
        started_at=now,
        **(_pupil_facts(taker, quiz, year) if isinstance(taker, Pupil) else {}),
        **{"pupil_id" if isinstance(taker, Pupil) else "staff_id": taker.id},
    )
    # Ours, or the one a simultaneous start inserted first (finishing it takes longer).
    values = _unfinished_values(taker, quiz, year)
    return db.session.scalars(_UNFINISHED[_kind(taker)], values).one()


def _pupil_facts(pupil: Pupil, quiz: Quiz, year: int) -> dict:
    """Whether this is the pupil's first go at the quiz this school year (at any revision),
    and their class: what their answers are counted under in FirstGoTally."""
    earlier = db.session.scalar(
        _ANY_THIS_YEAR, {"taker_id": pupil.id, "quiz_id": quiz.id, "year": year}
    )
    return {"first_go": earlier is None, "class_id": pupil.class_id}


def answers_of(attempt: QuizAttempt) -> dict[str, Row]:
    """The attempt's stored answers by question id: each its question_id, choice_id and
    whether it is correct."""
    # Core, on the session's own connection: plain rows need none of the ORM's machinery.
    rows = db.session.connection().execute(_ANSWERS, {"attempt_id": attempt.id})
    return {row.question_id: row for row in rows}


def answer(
    attempt: QuizAttempt, question: Question, choice: Choice, now: datetime
) -> dict[str, Row]:
    """Store the answer unless the question has one already; the attempt's answers, by question.

    A first answer at a pupil's first go is counted in FirstGoTally, in the same transaction.
    """
    stored = insert_if_absent(
        QuizAnswer,
        attempt_id=attempt.id,
        question_id=question.id,
        choice_id=choice.id,
        correct=choice.correct,
        answered_at=now,
    )
    if stored and attempt.first_go and attempt.class_id is not None:
        count_one_more(
            FirstGoTally,
            "pupils",
            academic_year=attempt.academic_year,
            class_id=attempt.class_id,
            quiz_id=attempt.quiz_id,
            quiz_revision=attempt.quiz_revision,
            question_id=question.id,
            choice_id=choice.id,
        )
    return answers_of(attempt)


def finish(
    attempt: QuizAttempt, score: int, passed: bool | None, now: datetime, total: int | None = None
) -> bool:
    """Mark the attempt finished with its score (of ``total`` questions, when it differs from
    the start's), unless it is already; True if this call did."""
    values = {"finished_at": now, "score": score, "passed": passed}
    if total is not None:
        values["total"] = total
    finished = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.finished_at.is_(None))
        .values(**values),
        execution_options={"synchronize_session": False},
    )
    return finished.rowcount == 1


def finish_if_complete(
    attempt: QuizAttempt, quiz: Quiz, stored: Mapping[str, Row], now: datetime
) -> bool:
    """Finish the attempt once every question of ``quiz`` (as the pupil's year group takes
    it) has an answer; True when it is complete. The total is the questions asked at the end:
    a pupil whose class changed year group mid-quiz finished the new year's questions."""
    if any(question.id not in stored for question in quiz.questions):
        return False
    score = sum(stored[q.id].correct for q in quiz.questions)
    finish(attempt, score, None, now, total=len(quiz.questions))
    return True


def record_result(attempt: QuizAttempt, result: Result, now: datetime) -> bool:
    """Finish the attempt with a whole graded result and store its answers, once.

    True if this call finished it; a repeated submission changes nothing.
    """
    if not finish(attempt, result.score, result.passed, now):
        return False
    db.session.add_all(
        QuizAnswer(
            attempt_id=attempt.id,
            question_id=item.question.id,
            choice_id=item.chosen.id,
            correct=item.correct,
            answered_at=now,
        )
        for item in result.questions
    )
    db.session.flush()
    return True
