"""Policy documents, their versions, reviews, and the acknowledgements that name a version."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.extensions import db
from portal.people.models import Guardian, Pupil, Staff

# Who a policy asks to acknowledge it.
AUDIENCES = ("everyone", "staff", "parents", "pupils_eyfs_ks1", "pupils_ks2")
MINOR, MATERIAL, INITIAL = "minor", "material", "initial"
REVIEW_OUTCOMES = {
    "no_change": "No change",
    "minor_change": "Minor change",
    "material_change": "Material change",
}
# How an acknowledgement was given, and what was answered.
METHODS = ("online", "in_class", "in_person", "paper", "phone")
RESPONSES = ("acknowledged", "question", "declined")


class Policy(db.Model):
    __tablename__ = "policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(20))
    # A role, not a person: the policy stays owned when people move on.
    owner_role: Mapped[str] = mapped_column(String(20))
    review_interval_months: Mapped[int]
    next_review_on: Mapped[date]

    versions: Mapped[list["PolicyVersion"]] = relationship(
        back_populates="policy", order_by="PolicyVersion.number"
    )
    reviews: Mapped[list["PolicyReview"]] = relationship(
        back_populates="policy", order_by="PolicyReview.reviewed_on.desc()"
    )


class PolicyVersion(db.Model):
    """One published text. Never edited after publishing: a change is a new version."""

    __tablename__ = "policy_version"
    __table_args__ = (
        UniqueConstraint("policy_id", "number"),
        CheckConstraint("change_kind in ('initial', 'minor', 'material')", name="change_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id"))
    number: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[date]
    change_kind: Mapped[str] = mapped_column(String(10))
    change_summary: Mapped[str] = mapped_column(String(500), default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Withdrawn before it took effect and before anyone acknowledged it: kept in the history,
    # never in force, its number never given to another text.
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    policy: Mapped[Policy] = relationship(back_populates="versions")
    published_by: Mapped[Staff | None] = relationship(foreign_keys=[published_by_id])
    withdrawn_by: Mapped[Staff | None] = relationship(foreign_keys=[withdrawn_by_id])

    @property
    def label(self) -> str:
        return f"version {self.number}"


class PolicyReview(db.Model):
    __tablename__ = "policy_review"
    __table_args__ = (
        CheckConstraint(
            "outcome in ('no_change', 'minor_change', 'material_change')", name="outcome"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id"))
    reviewed_on: Mapped[date]
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    next_review_on: Mapped[date]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    policy: Mapped[Policy] = relationship(back_populates="reviews")
    reviewed_by: Mapped[Staff] = relationship()


class Acknowledgement(db.Model):
    """Someone's answer to one exact policy version: who, how, who recorded it, and when.

    Exactly one of staff, pupil or guardian answers. The unique constraints make a
    repeated submission (double click, retried request) a no-op rather than a second row;
    each applies only to rows of its own kind, since NULLs never collide.
    """

    __tablename__ = "acknowledgement"
    __table_args__ = (
        UniqueConstraint("policy_version_id", "academic_year", "staff_id"),
        # Pupils acknowledge once per Key Stage: moving up mid-year may ask again.
        UniqueConstraint(
            "policy_version_id",
            "academic_year",
            "pupil_id",
            "key_stage",
            name="uq_acknowledgement_pupil_key_stage",
        ),
        UniqueConstraint("policy_version_id", "academic_year", "guardian_id"),
        CheckConstraint(
            "CASE WHEN staff_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN pupil_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN guardian_id IS NULL THEN 0 ELSE 1 END = 1",
            name="one_subject",
        ),
        CheckConstraint(
            "method in ('online', 'in_class', 'in_person', 'paper', 'phone')", name="method"
        ),
        CheckConstraint("response in ('acknowledged', 'question', 'declined')", name="response"),
        Index("ix_acknowledgement_staff_year", "staff_id", "academic_year"),
        Index("ix_acknowledgement_pupil", "pupil_id"),
        Index("ix_acknowledgement_guardian_year", "guardian_id", "academic_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_version_id: Mapped[int] = mapped_column(ForeignKey("policy_version.id"))
    # The start year of the academic year it was given in (2026 for 2026/27).
    academic_year: Mapped[int]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupil.id"))
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardian.id"))
    response: Mapped[str] = mapped_column(String(12), default="acknowledged")
    method: Mapped[str] = mapped_column(String(10))
    # The member of staff who recorded it or witnessed it (a teacher in class, the office).
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Staff type their full name, as a signature.
    typed_name: Mapped[str | None] = mapped_column(String(120))
    # For pupils: the Key Stage they acknowledged in (EYFS, KS1, KS2); each new one asks again.
    key_stage: Mapped[str | None] = mapped_column(String(4))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    policy_version: Mapped[PolicyVersion] = relationship()
    staff: Mapped[Staff | None] = relationship(foreign_keys=[staff_id])
    pupil: Mapped[Pupil | None] = relationship()
    guardian: Mapped[Guardian | None] = relationship()
    recorded_by: Mapped[Staff | None] = relationship(foreign_keys=[recorded_by_id])


class AcknowledgementChange(db.Model):
    """Every answer an acknowledgement has held, oldest first: changing it keeps the history."""

    __tablename__ = "acknowledgement_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    acknowledgement_id: Mapped[int] = mapped_column(
        ForeignKey("acknowledgement.id", ondelete="CASCADE"), index=True
    )
    response: Mapped[str] = mapped_column(String(12))
    method: Mapped[str] = mapped_column(String(10))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    typed_name: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
