"""The parents' yearly acknowledgement: one campaign a school year, one invite per guardian."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.extensions import db
from portal.people.models import Guardian, Staff
from portal.policies.models import PolicyVersion


class ParentCampaign(db.Model):
    """Asking every guardian on the roll to acknowledge one version of the parents' guide."""

    __tablename__ = "parent_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The start year of the school year (2026 for 2026/27): one campaign a year, so a
    # second start (a double click, two leaders at once) is a no-op.
    academic_year: Mapped[int] = mapped_column(unique=True)
    # The guide's version in force when it started: what every answer acknowledges.
    policy_version_id: Mapped[int] = mapped_column(ForeignKey("policy_version.id"))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Links stop working after this day; answers are refused from the next.
    closes_on: Mapped[date]
    closed_at: Mapped[datetime | None]

    policy_version: Mapped[PolicyVersion] = relationship()
    started_by: Mapped[Staff | None] = relationship()

    def is_open(self, today: date) -> bool:
        return self.closed_at is None and today <= self.closes_on


class ParentInvite(db.Model):
    """One guardian asked in one campaign, whether by email or (later) by letter."""

    __tablename__ = "parent_invite"
    __table_args__ = (UniqueConstraint("campaign_id", "guardian_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("parent_campaign.id", ondelete="CASCADE"))
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardian.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the email with the personal link was queued; NULL for families without email.
    emailed_at: Mapped[datetime | None]
    # "Send me a new link": how many were sent in the day that began at the window's start.
    new_links_sent: Mapped[int] = mapped_column(default=0)
    new_links_window_start: Mapped[datetime | None]
    # Reminders to a guardian who has not answered: how many were queued, and when the last
    # reminder or "send the link again" went (a second resend within minutes sends nothing).
    reminders_sent: Mapped[int] = mapped_column(default=0)
    reminded_at: Mapped[datetime | None]
    # The short code printed on a letter for a family without email (typed or scanned),
    # made when the first letter is printed; it opens this invite until the campaign closes.
    letter_code: Mapped[str | None] = mapped_column(String(16), unique=True)

    campaign: Mapped[ParentCampaign] = relationship()
    guardian: Mapped[Guardian] = relationship()
