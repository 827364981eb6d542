"""When the parents' guide changes materially while a campaign is open: the campaign can move on
to the new version, and every guardian is asked again.

Answers to the earlier version stay in the acknowledgement table, naming that version: nothing
is lost, and the counts follow the version the campaign now asks about.
"""

from datetime import date, datetime

from sqlalchemy import select, update

from portal.clock import utcnow
from portal.extensions import db
from portal.mail.service import queue_emails
from portal.parents.campaign import MailSettings, email_context, guide_version, has_email, on_roll
from portal.parents.models import ParentCampaign, ParentInvite
from portal.people.models import Guardian
from portal.policies.models import MATERIAL, Acknowledgement, PolicyVersion
from portal.policies.service import live_versions


def newer_guide(campaign: ParentCampaign, today: date) -> PolicyVersion | None:
    """The guide in force, when it differs materially from the version the campaign asks about."""
    shown = guide_version(today)
    asked = campaign.policy_version
    if shown is None or shown.number <= asked.number or not campaign.is_open(today):
        return None
    since = [v for v in live_versions(shown.policy) if asked.number < v.number <= shown.number]
    return shown if any(v.change_kind == MATERIAL for v in since) else None


def ask_again(
    campaign: ParentCampaign,
    version: PolicyVersion,
    mail: MailSettings,
    today: date,
    now: datetime | None = None,
) -> int | None:
    """Ask every guardian about ``version``: the campaign moves to it, reminders start again,
    and each guardian with an address gets one email. How many were emailed, or None when the
    campaign had already moved (a double click, two leaders at once) and nothing was done."""
    if newer_guide(campaign, today) != version:
        return None
    now = now or utcnow()
    if not _move_campaign(campaign, version):
        return None
    recipients = _start_again(campaign, now)
    subject = f"{mail.school_name}: our social media guide for parents and carers has changed"
    queue_emails(
        "parent_guide_changed",
        [
            (
                email,
                subject,
                {
                    **email_context(campaign, guardian_id, first, last, mail, now),
                    "summary": version.change_summary,
                },
            )
            for guardian_id, first, last, email in recipients
        ],
    )
    return len(recipients)


def _move_campaign(campaign: ParentCampaign, version: PolicyVersion) -> bool:
    """The campaign now asks about ``version``; False if another request moved it first."""
    moved = db.session.execute(
        update(ParentCampaign)
        .where(
            ParentCampaign.id == campaign.id,
            ParentCampaign.policy_version_id == campaign.policy_version_id,
        )
        .values(policy_version_id=version.id)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(campaign)
    return moved.rowcount == 1


def _start_again(campaign: ParentCampaign, now: datetime) -> list:
    """The guardians on roll with an address, (id, first name, last name, email), each
    emailed now with their reminders starting again."""
    recipients = db.session.execute(
        select(Guardian.id, Guardian.first_name, Guardian.last_name, Guardian.email)
        .join(ParentInvite, ParentInvite.guardian_id == Guardian.id)
        .where(ParentInvite.campaign_id == campaign.id, on_roll(), has_email())
        .order_by(Guardian.id)
    ).all()
    db.session.execute(
        update(ParentInvite)
        .where(
            ParentInvite.campaign_id == campaign.id,
            ParentInvite.guardian_id.in_([guardian_id for guardian_id, *_ in recipients]),
        )
        .values(emailed_at=now, reminders_sent=0, reminded_at=None)
        .execution_options(synchronize_session=False)
    )
    return recipients


def earlier_answer(invite: ParentInvite) -> Acknowledgement | None:
    """The guardian's answer this school year to an earlier version of the guide, if any."""
    campaign = invite.campaign
    return db.session.scalar(
        select(Acknowledgement)
        .join(PolicyVersion, PolicyVersion.id == Acknowledgement.policy_version_id)
        .where(
            Acknowledgement.guardian_id == invite.guardian_id,
            Acknowledgement.academic_year == campaign.academic_year,
            PolicyVersion.policy_id == campaign.policy_version.policy_id,
            PolicyVersion.id != campaign.policy_version_id,
        )
        .order_by(PolicyVersion.number.desc())
        .limit(1)
    )
