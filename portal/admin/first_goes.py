"""The school's first goes at the pupils' quizzes, counted for what pupils understand
(understanding.py): the answers chosen, from FirstGoTally (kept as pupils answer, under the
class each pupil was in at their first go), moved for the few pupils who have since left or
changed class, so that pupils on roll count in the class they are in now. None of these
statements reads every answer of the year."""

from collections import Counter

from sqlalchemy import bindparam, case, func, select

from portal.extensions import db
from portal.people.models import Pupil
from portal.quiz.models import FirstGoTally, QuizAnswer, QuizAttempt

# Counted as pupils answer (FirstGoTally), under the class each pupil was in at their first go.
_TALLY = select(
    FirstGoTally.class_id,
    FirstGoTally.quiz_id,
    FirstGoTally.quiz_revision,
    FirstGoTally.question_id,
    FirstGoTally.choice_id,
    FirstGoTally.pupils,
).where(FirstGoTally.academic_year == bindparam("year"))
_FIRST_GOES = QuizAttempt.first_go & (QuizAttempt.academic_year == bindparam("year"))
_ON_ROLL = Pupil.left_on.is_(None) & Pupil.class_id.is_not(None)
# The few first goes of pupils who have since left or changed class: their answers move to the
# class they are in now, or out of the figures. Found first, then their answers by attempt
# (in one statement, PostgreSQL joined every answer of the year before filtering).
_CLASS_NOW = case((Pupil.left_on.is_(None), Pupil.class_id))  # None once they have left
_MOVED = (
    select(
        QuizAttempt.id,
        QuizAttempt.class_id,
        _CLASS_NOW.label("now"),
        QuizAttempt.quiz_id,
        QuizAttempt.quiz_revision,
    )
    .join(Pupil, Pupil.id == QuizAttempt.pupil_id)
    .where(
        _FIRST_GOES,
        Pupil.left_on.is_not(None) | QuizAttempt.class_id.is_distinct_from(Pupil.class_id),
    )
)
_ANSWERS_OF = select(QuizAnswer.attempt_id, QuizAnswer.question_id, QuizAnswer.choice_id).where(
    QuizAnswer.attempt_id.in_(bindparam("attempt_ids", expanding=True))
)
_FIRST_GO_COUNTS = (
    select(Pupil.class_id, QuizAttempt.quiz_id, QuizAttempt.quiz_revision, func.count())
    .join(Pupil, Pupil.id == QuizAttempt.pupil_id)
    .where(_FIRST_GOES, _ON_ROLL)
    .group_by(Pupil.class_id, QuizAttempt.quiz_id, QuizAttempt.quiz_revision)
)


def answer_counts(year: int) -> list[tuple[int, str, str, str, str, int]]:
    """(class, quiz, revision, question, choice, pupils) over the first goes of the pupils on
    roll, by the class they are in now: two statements (three when a pupil has moved or left
    since their first go), none reading every answer of the year."""
    counts: Counter = Counter()
    for *key, pupils in db.session.execute(_TALLY, {"year": year}):
        counts[tuple(key)] += pupils
    moved = {row.id: row for row in db.session.execute(_MOVED, {"year": year})}
    if moved:
        for attempt_id, *answer in db.session.execute(_ANSWERS_OF, {"attempt_ids": list(moved)}):
            attempt = moved[attempt_id]
            key = (attempt.quiz_id, attempt.quiz_revision, *answer)
            if attempt.class_id is not None:
                counts[(attempt.class_id, *key)] -= 1
            if attempt.now is not None:
                counts[(attempt.now, *key)] += 1
    return [(*key, pupils) for key, pupils in counts.items() if pupils]


def first_go_counts(year: int) -> list[tuple[int, str, str, int]]:
    """(class, quiz, revision, pupils) of first goes, answered or not: one statement."""
    return db.session.execute(_FIRST_GO_COUNTS, {"year": year}).all()
