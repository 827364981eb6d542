"""Starting the parents' campaign: one a school year, an invite per guardian on the roll,
and one email each with a personal link, in one transaction."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    DateTime,
    Integer,
    and_,
    bindparam,
    exists,
    func,
    literal,
    not_,
    select,
    update,
)

from portal.clock import utcnow
from portal.database import dialect_insert
from portal.extensions import db
from portal.mail.service import queue_emails
from portal.parents.links import LinkFor, make_token
from portal.parents.models import ParentCampaign, ParentInvite
from portal.people.models import Guardian, Pupil, Staff, guardian_pupil
from portal.people.school_year import AcademicYear, academic_year
from portal.policies.models import PolicyVersion
from portal.policies.service import policy_with_slug, version_shown
from portal.urls import external_url

GUIDE_SLUG = "parents"
# Why an email with a personal link is sent: its opening sentence says which.
FIRST_EMAIL, NEW_LINK, REMINDER, RESENT = "first", "new_link", "reminder", "resent"


class CampaignProblem(Exception):
    """A campaign that cannot be started as asked; the message is safe to show."""


@dataclass(frozen=True)
class MailSettings:
    """What the parents' emails need from the configuration."""

    secret: str
    school_name: str
    office_email: str
    office_phone: str

    @classmethod
    def from_config(cls, config) -> "MailSettings":
        return cls(
            config["SECRET_KEY"],
            config["SCHOOL_NAME"],
            config["OFFICE_EMAIL"],
            config["OFFICE_PHONE"],
        )


def on_roll():
    """A guardian of at least one pupil who has not left."""
    return exists().where(
        guardian_pupil.c.guardian_id == Guardian.id,
        guardian_pupil.c.pupil_id == Pupil.id,
        Pupil.left_on.is_(None),
    )


def has_email():
    return and_(Guardian.email.is_not(None), func.trim(Guardian.email) != "")


def guide_version(today: date) -> PolicyVersion | None:
    """The parents' guide as parents are shown it today, or None before it is installed."""
    policy = policy_with_slug(GUIDE_SLUG)
    return version_shown(policy, today) if policy else None


# Leaders' pages ask on every view: built once (building a statement costs more than running it).
_CAMPAIGN_OF_YEAR = select(ParentCampaign).where(ParentCampaign.academic_year == bindparam("year"))


def campaign_for(year: AcademicYear) -> ParentCampaign | None:
    return db.session.scalar(_CAMPAIGN_OF_YEAR, {"year": year.start_year})


def campaign_offer(today: date) -> AcademicYear | None:
    """The school year to offer a campaign for: this one, when none has started and the
    guide is installed."""
    year = academic_year(today)
    if campaign_for(year) is not None or guide_version(today) is None:
        return None
    return year


def guardians_on_roll() -> dict[str, int]:
    """How many guardians on the roll have an email address and how many have none."""
    with_email = func.count().filter(has_email())
    row = db.session.execute(select(func.count(), with_email).where(on_roll())).one()
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
    invite_guardians_on_roll(campaign_id, now)
    campaign = db.session.get(ParentCampaign, campaign_id)
    email_invites_not_yet_emailed(campaign, mail, now)
    return campaign


def invite_guardians_on_roll(
    campaign_id: int, now: datetime, guardian_id: int | None = None
) -> int:
    """An invite for each guardian on the roll (or just ``guardian_id``) who has none yet, in
    one INSERT … SELECT; families without email get one too, for the letter. ON CONFLICT DO
    NOTHING: two runs at once invite each guardian once. Returns how many were invited."""
    invited = exists().where(
        ParentInvite.campaign_id == campaign_id, ParentInvite.guardian_id == Guardian.id
    )
    who = select(
        literal(campaign_id, Integer()),
        Guardian.id,
        literal(now, DateTime()),
        literal(0, Integer()),
        literal(0, Integer()),
    ).where(on_roll(), not_(invited))
    if guardian_id is not None:
        who = who.where(Guardian.id == guardian_id)
    invited_now = db.session.scalars(
        dialect_insert(ParentInvite)
        .from_select(
            ["campaign_id", "guardian_id", "created_at", "new_links_sent", "reminders_sent"],
            who.order_by(Guardian.id),  # the same order in two runs: one waits, never deadlocks
        )
        .on_conflict_do_nothing()
        .returning(ParentInvite.id)
    )
    return len(invited_now.all())


def email_invites_not_yet_emailed(campaign: ParentCampaign, mail: MailSettings, now) -> int:
    """The campaign email to each invited guardian on the roll with an address who has not
    had it (everyone at the start; later a late joiner, or a family whose address was added).

    Three statements whatever the number: who, a conditional UPDATE claiming them (emailed_at
    still NULL, so a second run at once claims none), and one INSERT of the messages."""
    waiting = db.session.execute(
        select(Guardian.id, Guardian.first_name, Guardian.last_name, Guardian.email)
        .join(ParentInvite, ParentInvite.guardian_id == Guardian.id)
        .where(
            ParentInvite.campaign_id == campaign.id,
            ParentInvite.emailed_at.is_(None),
            on_roll(),
            has_email(),
        )
        .order_by(Guardian.id)
    ).all()
    if not waiting:
        return 0
    claimed = set(
        db.session.scalars(
            update(ParentInvite)
            .where(
                ParentInvite.campaign_id == campaign.id,
                ParentInvite.guardian_id.in_([row.id for row in waiting]),
                ParentInvite.emailed_at.is_(None),
            )
            .values(emailed_at=now)
            .returning(ParentInvite.guardian_id)
            .execution_options(synchronize_session=False)
        )
    )
    return queue_emails(
        "parent_campaign",
        [
            (email, subject(mail), email_context(campaign, guardian_id, first, last, mail, now))
            for guardian_id, first, last, email in waiting
            if guardian_id in claimed
        ],
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
    occasion: str = FIRST_EMAIL,
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
        "occasion": occasion,
    }
