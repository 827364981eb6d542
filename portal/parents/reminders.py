"""What `flask portal send-reminders` does for the parents' campaign, and an admin's "send the
link again": late joiners invited, reminders to guardians who have not answered.

Every send is claimed first by a conditional UPDATE, so two runs at once (two cron jobs, a
double click) send each email once. A run costs the same few queries for 20 guardians or 700.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func, not_, or_, select, update

from portal.extensions import db
from portal.mail.service import queue_email, queue_emails
from portal.parents.campaign import (
    REMINDER,
    RESENT,
    MailSettings,
    campaign_for,
    email_context,
    email_invites_not_yet_emailed,
    has_email,
    invite_guardians_on_roll,
    on_roll,
    subject,
)
from portal.parents.models import ParentCampaign, ParentInvite
from portal.people.models import Guardian
from portal.people.school_year import academic_year
from portal.policies.models import Acknowledgement

# A second "send the link again" this soon after a link went (a double click, two admins)
# sends nothing: the first email is on its way.
RESEND_PAUSE = timedelta(minutes=5)
SENT, JUST_SENT, NO_CAMPAIGN, OFF_ROLL, NO_EMAIL, ANSWERED = (
    "sent",
    "just_sent",
    "no_campaign",
    "off_roll",
    "no_email",
    "answered",
)


@dataclass(frozen=True)
class ParentRun:
    """What one run did: invites for late joiners, first emails, reminders queued."""

    campaign_open: bool
    late_joiners: int = 0
    first_emails: int = 0
    reminders: int = 0


def open_campaign(today: date) -> ParentCampaign | None:
    """This school year's campaign while it takes answers, else None."""
    campaign = campaign_for(academic_year(today))
    return campaign if campaign is not None and campaign.is_open(today) else None


def send_parent_reminders(
    today: date, now: datetime, days: tuple[int, ...], mail: MailSettings
) -> ParentRun:
    """Invite late joiners, email those with an address not yet emailed, then remind those
    who have not answered. Only flushes: the caller commits."""
    campaign = open_campaign(today)
    if campaign is None:
        return ParentRun(campaign_open=False)
    late = invite_guardians_on_roll(campaign.id, now)
    first = email_invites_not_yet_emailed(campaign, mail, now)
    return ParentRun(True, late, first, queue_reminders(campaign, days, mail, now))


def reminders_due(emailed_at: datetime, days: tuple[int, ...], now: datetime) -> int:
    """How many reminders have fallen due by ``now``; one reminder covers them all."""
    return sum(1 for day in days if now >= emailed_at + timedelta(days=day))


def reminder_subject(mail: MailSettings) -> str:
    return f"Reminder: {subject(mail)}"


def _answered(campaign: ParentCampaign, guardian_id=None):
    """Any answer counts, a question too: the office follows that up, not the reminders."""
    return exists().where(
        Acknowledgement.policy_version_id == campaign.policy_version_id,
        Acknowledgement.academic_year == campaign.academic_year,
        Acknowledgement.guardian_id
        == (ParentInvite.guardian_id if guardian_id is None else guardian_id),
    )


def queue_reminders(
    campaign: ParentCampaign, days: tuple[int, ...], mail: MailSettings, now: datetime
) -> int:
    """One reminder to each emailed guardian on the roll with an address who has not answered
    and whose next reminder is due; how many were queued. Three statements: who, a claim, the
    messages."""
    if not days:
        return 0
    waiting = _reminders_due(campaign, days, now)
    if not waiting:
        return 0
    claimed = _claim(waiting, now)
    return queue_emails(
        "parent_campaign",
        [
            (
                row.email,
                reminder_subject(mail),
                email_context(
                    campaign, row.guardian_id, row.first_name, row.last_name, mail, now, REMINDER
                ),
            )
            for row, _ in waiting
            if row.id in claimed
        ],
    )


def _reminders_due(campaign: ParentCampaign, days: tuple[int, ...], now: datetime) -> list:
    """(invite row, the number of reminders it should have had by now) for each guardian
    who has not answered and is owed one more."""
    waiting = db.session.execute(
        select(
            ParentInvite.id,
            ParentInvite.reminders_sent,
            ParentInvite.emailed_at,
            Guardian.id.label("guardian_id"),
            Guardian.first_name,
            Guardian.last_name,
            Guardian.email,
        )
        .join(Guardian, Guardian.id == ParentInvite.guardian_id)
        .where(
            ParentInvite.campaign_id == campaign.id,
            ParentInvite.emailed_at <= now - timedelta(days=days[0]),
            ParentInvite.reminders_sent < len(days),
            not_(_answered(campaign)),
            on_roll(),
            has_email(),
        )
        .order_by(ParentInvite.id)
    ).all()
    # A reminder cron missed is skipped once the next is due: one email, never two at once.
    due = ((row, reminders_due(row.emailed_at, days, now)) for row in waiting)
    return [(row, count) for row, count in due if count > row.reminders_sent]


def _claim(waiting: list, now: datetime) -> set[int]:
    """The invites this run claimed, each moved on to its due count of reminders. Claimed
    only where the count is still the one read: a run at the same moment that got there
    first leaves nothing to claim, so each reminder goes once."""
    by_count_sent = defaultdict(list)
    for row, _ in waiting:
        by_count_sent[row.reminders_sent].append(row.id)
    claimed = db.session.scalars(
        update(ParentInvite)
        .where(
            or_(
                *(
                    and_(ParentInvite.reminders_sent == sent, ParentInvite.id.in_(ids))
                    for sent, ids in by_count_sent.items()
                )
            )
        )
        .values(
            reminders_sent=case({row.id: due for row, due in waiting}, value=ParentInvite.id),
            reminded_at=now,
        )
        .returning(ParentInvite.id)
        .execution_options(synchronize_session=False)
    )
    return set(claimed)


def resend_link(
    guardian: Guardian, today: date, now: datetime, mail: MailSettings, occasion: str = RESENT
) -> str:
    """A fresh link to the address on file for the open campaign (inviting a late joiner
    first); SENT, or why not. Only flushes.

    ``occasion`` REMINDER (a leader's "Send a reminder") says so in the email and counts as
    one of the guardian's reminders, so the next scheduled one waits for its own day. A
    guardian who has answered is not sent one: their answer stands (a question included)."""
    campaign = open_campaign(today)
    refused = _why_not_resend(campaign, guardian)
    if refused:
        return refused
    invite_guardians_on_roll(campaign.id, now, guardian.id)
    claimed = _claim_resend(campaign, guardian, now, counts_as_reminder=occasion == REMINDER)
    if claimed is None:
        return JUST_SENT
    context = email_context(
        campaign, guardian.id, guardian.first_name, guardian.last_name, mail, now, occasion
    )
    title = reminder_subject(mail) if occasion == REMINDER else subject(mail)
    queue_email(guardian.email, title, "parent_campaign", **context)
    return SENT


def _why_not_resend(campaign: ParentCampaign | None, guardian: Guardian) -> str | None:
    """Why no link can go to ``guardian`` now, or None."""
    if campaign is None:
        return NO_CAMPAIGN
    if db.session.scalar(select(Guardian.id).where(Guardian.id == guardian.id, on_roll())) is None:
        return OFF_ROLL
    if db.session.scalar(select(_answered(campaign, guardian.id))):
        return ANSWERED
    if not (guardian.email or "").strip():
        return NO_EMAIL
    return None


def _claim_resend(campaign, guardian, now: datetime, counts_as_reminder: bool) -> int | None:
    """The guardian's invite, marked as sent again now, unless a link went in the last
    RESEND_PAUSE (a double click, two leaders at once): then None."""
    not_just_sent = or_(
        ParentInvite.reminded_at.is_(None), ParentInvite.reminded_at <= now - RESEND_PAUSE
    )
    values = {"reminded_at": now, "emailed_at": func.coalesce(ParentInvite.emailed_at, now)}
    if counts_as_reminder:
        values["reminders_sent"] = ParentInvite.reminders_sent + 1
    return db.session.scalar(
        update(ParentInvite)
        .where(
            ParentInvite.campaign_id == campaign.id,
            ParentInvite.guardian_id == guardian.id,
            not_just_sent,
        )
        .values(**values)
        .returning(ParentInvite.id)
        .execution_options(synchronize_session=False)
    )
