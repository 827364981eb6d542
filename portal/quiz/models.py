"""Quiz attempts and answers, for staff and pupils alike.

An attempt names the quiz file's id and revision, so editing a quiz never changes past results.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
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
