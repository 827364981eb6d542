"""Class sessions: the window in which a class's pupils may sign in on shared tablets."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.extensions import db
from portal.people.models import Pupil, SchoolClass, Staff

NOT_ENDED = text("ended_at IS NULL")


def _unique_while_open(name: str, column: str) -> Index:
    return Index(name, column, unique=True, sqlite_where=NOT_ENDED, postgresql_where=NOT_ENDED)


class ClassSession(db.Model):
    """A class's sign-in window. Only one per class is open, and its code is no other's.

    "Open" for the database is "not ended": starting a session first ends the expired ones.
    """

    __tablename__ = "class_session"
    __table_args__ = (
        _unique_while_open("uq_class_session_open_class", "class_id"),
        _unique_while_open("uq_class_session_open_code", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), index=True)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    # Short, typed by small fingers: digits only.
    code: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The end of the school day or two hours after starting, whichever comes first.
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    school_class: Mapped[SchoolClass] = relationship()
    started_by: Mapped[Staff] = relationship()

    def is_open(self, now: datetime) -> bool:
        return self.ended_at is None and now < self.expires_at


class SessionPupil(db.Model):
    """A pupil's sign-in state within one class session."""

    __tablename__ = "session_pupil"
    __table_args__ = (UniqueConstraint("session_id", "pupil_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_session.id", ondelete="CASCADE"))
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id", ondelete="CASCADE"))
    wrong_pictures: Mapped[int] = mapped_column(default=0)
    locked: Mapped[bool] = mapped_column(default=False)
    signed_in_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]

    pupil: Mapped[Pupil] = relationship()
    session: Mapped[ClassSession] = relationship()
