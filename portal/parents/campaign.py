"""Starting the parents' campaign: one a school year, an invite per guardian on the roll,
and one email each with a personal link, in one transaction."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import DateTime, Integer, and_, case, exists, func, insert, literal, select

from portal.clock import utcnow
from portal.database import dialect_insert
from portal.extensions import db
from portal.mail.service import queue_emails
from portal.parents.links import LinkFor, make_token
from portal.parents.models import ParentCampaign, ParentInvite
from portal.people.models import Guardian, Pupil, Staff, guardian_pupil
from portal.people.school_year import AcademicYear, academic_year
from portal.policies.models import Policy, PolicyVersion
from portal.policies.service import version_shown
from portal.urls import external_url

GUIDE_SLUG = "parents"


class CampaignProblem(Exception):
    """A campaign that cannot be started as asked; the message is safe to show."""


@dataclass(frozen=True)
class MailSettings:
    """What the parents' emails need from the configuration."""

    secret: str
    school_name: str
    office_email: str
    office_phone: str


def _on_roll():
    """A guardian of at least one pupil who has not left."""
    return exists().where(
        guardian_pupil.c.guardian_id == Guardian.id,
        guardian_pupil.c.pupil_id == Pupil.id,
        Pupil.left_on.is_(None),
    )


def _has_email():
    return and_(Guardian.email.is_not(None), func.trim(Guardian.email) != "")


def guide_version(today: date) -> PolicyVersion | None:
    """The parents' guide as parents are shown it today, or None before it is installed."""
    policy = db.session.scalar(select(Policy).where(Policy.slug == GUIDE_SLUG))
    return version_shown(policy, today) if policy else None


def campaign_for(year: AcademicYear) -> ParentCampaign | None:
    return db.session.scalar(
        select(ParentCampaign).where(ParentCampaign.academic_year == year.start_year)
    )


def campaign_offer(today: date) -> AcademicYear | None:
    """The school year to offer a campaign for: this one, when none has started and the
    guide is installed."""
    year = academic_year(today)
    if campaign_for(year) is not None or guide_version(today) is None:
        return None
    return year


def guardians_on_roll() -> dict[str, int]:
    """How many guardians on the roll have an email address and how many have none."""
    with_email = func.count().filter(_has_email())
    row = db.session.execute(select(func.count(), with_email).where(_on_roll())).one()
    return {"with_email": row[1], "without_email": row[0] - row[1]}


def default_closing_day(today: date, autumn_term_ends: str, weeks: int) -> date:
    """The end of the autumn term, or ``weeks`` from today once that has passed."""
    year = academic_year(today)
    month, day = (int(part) for part in autumn_term_ends.split("-"))
    autumn_end = date(year.start_year, month, day)
    chosen = autumn_end if today < autumn_end else today + timedelta(weeks=weeks)
    return min(chosen, year.ends_on)


def start_campaign(
    year: AcademicYear,
    version: PolicyVersion,
    starter: Staff | None,
    closes_on: date,
    mail: MailSettings,
    today: date,
    now: datetime | None = None,
) -> ParentCampaign | None:
    """Start the year's campaign: an invite per guardian on the roll and one email to each
    who has an address, in one transaction. None when the year's campaign already exists."""
    if closes_on <= today:
        raise CampaignProblem("Choose a closing date after today.")
    now = now or utcnow()
    campaign_id = db.session.scalar(
        dialect_insert(ParentCampaign)
        .values(
            academic_year=year.start_year,
            policy_version_id=version.id,
            started_by_id=starter.id if starter else None,
            started_at=now,
            closes_on=min(closes_on, year.ends_on),
        )
        .on_conflict_do_nothing()
        .returning(ParentCampaign.id)
    )
    if campaign_id is None:
        return None
    _invite_everyone_on_roll(campaign_id, now)
    campaign = db.session.get(ParentCampaign, campaign_id)
    _email_everyone_with_an_address(campaign, mail, now)
    return campaign


def _email_everyone_with_an_address(campaign: ParentCampaign, mail: MailSettings, now) -> None:
    """One outbox message per guardian on the roll with an email address, in one insert."""
    recipients = db.session.execute(
        select(Guardian.id, Guardian.first_name, Guardian.last_name, Guardian.email)
        .where(_on_roll(), _has_email())
        .order_by(Guardian.id)
    ).all()
    queue_emails(
        "parent_campaign",
        [
            (email, subject(mail), email_context(campaign, guardian_id, first, last, mail, now))
            for guardian_id, first, last, email in recipients
        ],
    )


def _invite_everyone_on_roll(campaign_id: int, now: datetime) -> None:
    """One INSERT … SELECT: families without email get an invite too, for the letter."""
    emailed = case((_has_email(), literal(now, DateTime())), else_=None)
    db.session.execute(
        insert(ParentInvite).from_select(
            [
                "campaign_id",
                "guardian_id",
                "created_at",
                "emailed_at",
                "new_links_sent",
                "reminders_sent",
            ],
            select(
                literal(campaign_id, Integer()),
                Guardian.id,
                literal(now, DateTime()),
                emailed,
                literal(0, Integer()),
                literal(0, Integer()),
            ).where(_on_roll()),
        )
    )


def subject(mail: MailSettings) -> str:
    return f"{mail.school_name}: please read our social media guide for parents and carers"


def email_context(
    campaign: ParentCampaign,
    guardian_id: int,
    first_name: str,
    last_name: str,
    mail: MailSettings,
    now: datetime,
    new_link: bool = False,
) -> dict:
    """What the email says: never a child's name (an email can reach the wrong inbox)."""
    token = make_token(mail.secret, LinkFor(campaign.id, guardian_id), now)
    return {
        "name": f"{first_name} {last_name}",
        "link": external_url("parents.answer", token=token),
        "closes_on": campaign.closes_on,
        "school_name": mail.school_name,
        "office_email": mail.office_email,
        "office_phone": mail.office_phone,
        "new_link": new_link,
    }
