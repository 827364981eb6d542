"""The annual staff module: reading progress, certificates and reminders."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.extensions import db
from portal.people.models import Staff
from portal.policies.models import PolicyVersion


class ModuleProgress(db.Model):
    """How far through reading the guidelines a member of staff is, this academic year."""

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("staff_id", "academic_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    academic_year: Mapped[int]
    # Which version's cards were read, and how many of them.
    policy_version_id: Mapped[int] = mapped_column(ForeignKey("policy_version.id"))
    cards_read: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime | None]


class Certificate(db.Model):
    """Issued when the module is complete; anyone can check its code at a public address."""

    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("staff_id", "academic_year", "policy_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    academic_year: Mapped[int]
    policy_version_id: Mapped[int] = mapped_column(ForeignKey("policy_version.id"))
    quiz_attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id"))
    score: Mapped[int]
    total: Mapped[int]
    issued_on: Mapped[date]

    staff: Mapped[Staff] = relationship()
    policy_version: Mapped[PolicyVersion] = relationship()


class Reminder(db.Model):
    """A reminder email queued for someone, so nobody is reminded more often than allowed."""

    __tablename__ = "reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    academic_year: Mapped[int]
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
