"""Quiz attempts and answers, for staff and pupils alike.

An attempt names the quiz file's id and revision, so editing a quiz never changes past results.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.extensions import db

UNFINISHED = text("finished_at IS NULL")


def _one_unfinished_per(name: str, taker: str) -> Index:
    """One unfinished attempt per taker, quiz file revision and school year."""
    columns = (taker, "quiz_id", "quiz_revision", "academic_year")
    return Index(name, *columns, unique=True, sqlite_where=UNFINISHED, postgresql_where=UNFINISHED)


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempt"
    __table_args__ = (
        CheckConstraint(
            "CASE WHEN staff_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN pupil_id IS NULL THEN 0 ELSE 1 END = 1",
            name="one_taker",
        ),
        Index("ix_quiz_attempt_staff_year", "staff_id", "academic_year"),
        Index("ix_quiz_attempt_pupil_quiz", "pupil_id", "quiz_id"),
        # Staff rows have no pupil_id (and pupils' no staff_id): NULLs never clash.
        _one_unfinished_per("uq_quiz_attempt_unfinished_pupil", "pupil_id"),
        _one_unfinished_per("uq_quiz_attempt_unfinished_staff", "staff_id"),
        # What pupils understand reads the year's first goes from this index alone.
        Index(
            "ix_quiz_attempt_first_goes",
            "academic_year",
            "pupil_id",
            "class_id",
            "quiz_id",
            "quiz_revision",
            sqlite_where=text("first_go = 1"),  # as SQLAlchemy writes the condition there
            postgresql_where=text("first_go"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[str] = mapped_column(String(60))
    quiz_revision: Mapped[str] = mapped_column(String(16))
    academic_year: Mapped[int]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupil.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    score: Mapped[int | None]
    total: Mapped[int]
    passed: Mapped[bool | None]
    # A pupil's first attempt at the quiz this school year, and their class when they began
    # it: their answers to it are counted in FirstGoTally as they are given.
    first_go: Mapped[bool] = mapped_column(default=False, server_default=false())
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_class.id"))

    answers: Mapped[list["QuizAnswer"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="QuizAnswer.id"
    )


class QuizAnswer(db.Model):
    __tablename__ = "quiz_answer"
    # One answer per question per attempt: a double tap cannot record a second.
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(60))
    choice_id: Mapped[str] = mapped_column(String(60))
    correct: Mapped[bool]
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")


class FirstGoTally(db.Model):
    """How many pupils chose each answer at their first go at a quiz, by school year and the
    class they were in when they began it: one more as each first-go answer is stored
    (quiz/attempts.answer), so what pupils understand is read from a few thousand rows, not
    from every answer of the year (admin/understanding.py)."""

    __tablename__ = "first_go_tally"

    academic_year: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), primary_key=True)
    quiz_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    quiz_revision: Mapped[str] = mapped_column(String(16), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    choice_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    pupils: Mapped[int]
