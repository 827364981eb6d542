"""The register of social media tools used in lessons, each risk-assessed before use
(Social Media Policy: "staff should carry out their own risk assessment")."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.extensions import db
from portal.people.models import SchoolClass, Staff

AWAITING, APPROVED, DECLINED, RETIRED = "awaiting", "approved", "declined", "retired"
STATUS_LABELS = {
    AWAITING: "Awaiting approval",
    APPROVED: "Approved",
    DECLINED: "Declined",
    RETIRED: "Retired",
}
# What can happen to an entry, each a line in its history.
EVENT_KINDS = ("requested", "approved", "declined", "reviewed", "retired")
REVIEW_MONTHS = 12  # an approval, or a review, lasts a year

risk_assessment_class = Table(
    "risk_assessment_class",
    db.metadata,
    Column(
        "risk_assessment_id",
        ForeignKey("risk_assessment.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("class_id", ForeignKey("school_class.id", ondelete="CASCADE"), primary_key=True),
)


def _one_of(column: str, values) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


class RiskAssessment(db.Model):
    """One tool as used in lessons. Never deleted: a tool no longer used is retired."""

    __tablename__ = "risk_assessment"
    __table_args__ = (
        CheckConstraint(_one_of("status", STATUS_LABELS), name="status"),
        CheckConstraint(
            "status != 'approved' OR review_due_on IS NOT NULL", name="approved_has_review_date"
        ),
        CheckConstraint(
            "status != 'declined' OR decline_reason IS NOT NULL", name="declined_with_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Sent with the form, so a double click or a retried request adds one entry, not two.
    submission_key: Mapped[str] = mapped_column(String(36), unique=True)
    tool: Mapped[str] = mapped_column(String(120))
    whole_school: Mapped[bool] = mapped_column(default=False, server_default=false())
    purpose: Mapped[str] = mapped_column(Text)  # what pupils will do with it
    risks: Mapped[str] = mapped_column(Text)  # the risks and how they are managed
    status: Mapped[str] = mapped_column(String(10), default=AWAITING, index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)
    # Set by the approval and moved a year on by each review; past it, the entry is overdue.
    review_due_on: Mapped[date | None]

    classes: Mapped[list[SchoolClass]] = relationship(
        secondary=risk_assessment_class, order_by=(SchoolClass.year_group, SchoolClass.name)
    )
    requested_by: Mapped[Staff] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[Staff | None] = relationship(foreign_keys=[decided_by_id])
    events: Mapped[list["RiskAssessmentEvent"]] = relationship(
        back_populates="risk_assessment",
        order_by="RiskAssessmentEvent.id",
        cascade="all, delete-orphan",
    )

    def overdue(self, today: date) -> bool:
        return (
            self.status == APPROVED
            and self.review_due_on is not None
            and (self.review_due_on < today)
        )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def class_names(self) -> str:
        if self.whole_school:
            return "Whole school"
        return ", ".join(c.name for c in self.classes)


class RiskAssessmentEvent(db.Model):
    """A line in an entry's history: requested, approved, declined, reviewed or retired."""

    __tablename__ = "risk_assessment_event"
    __table_args__ = (CheckConstraint(_one_of("kind", EVENT_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_assessment_id: Mapped[int] = mapped_column(
        ForeignKey("risk_assessment.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    review_due_on: Mapped[date | None]  # the due date this event set, if it set one

    risk_assessment: Mapped[RiskAssessment] = relationship(back_populates="events")
    staff: Mapped[Staff] = relationship()
