"""The parents' campaign: starting it, opening a personal link, answering, asking for a new link.

Answers live in the one Acknowledgement table (guardian, the campaign's guide version and
school year, method "online"); AcknowledgementChange keeps every answer it has held.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    DateTime,
    Integer,
    and_,
    case,
    exists,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.orm import joinedload

from portal.clock import utcnow
from portal.database import dialect_insert
from portal.extensions import db
from portal.mail.service import queue_email, queue_emails
from portal.parents.links import ExpiredLink, InvalidLink, LinkFor, make_token, read_token
from portal.parents.models import ParentCampaign, ParentInvite
from portal.people.models import Guardian, Pupil, SchoolClass, Staff, guardian_pupil
from portal.people.school_year import AcademicYear, academic_year
from portal.policies.models import Acknowledgement, AcknowledgementChange, Policy, PolicyVersion
from portal.policies.service import version_shown
from portal.urls import external_url

GUIDE_SLUG = "parents"
ACKNOWLEDGED, QUESTION, DECLINED = "acknowledged", "question", "declined"
RESPONSES = (ACKNOWLEDGED, QUESTION, DECLINED)
# Why a link cannot open the page; each has its own plain page.
INVALID, EXPIRED, CLOSED, OFF_ROLL = "invalid", "expired", "closed", "off_roll"
RECORDED, CHANGED, UNCHANGED = "recorded", "changed", "unchanged"


class CampaignProblem(Exception):
    """A campaign that cannot be started as asked; the message is safe to show."""


class LinkRefused(Exception):
    """A personal link that cannot open the parent's page; ``reason`` is one of INVALID..."""

    def __init__(self, reason: str, invite: ParentInvite | None = None):
        super().__init__(reason)
        self.reason, self.invite = reason, invite


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
    recipients = db.session.execute(
        select(Guardian.id, Guardian.first_name, Guardian.last_name, Guardian.email)
        .where(_on_roll(), _has_email())
        .order_by(Guardian.id)
    ).all()
    queue_emails(
        "parent_campaign",
        [
            (email, _subject(mail), _email_context(campaign, guardian_id, first, last, mail, now))
            for guardian_id, first, last, email in recipients
        ],
    )
    return campaign


def _invite_everyone_on_roll(campaign_id: int, now: datetime) -> None:
    """One INSERT … SELECT: families without email get an invite too, for the letter."""
    emailed = case((_has_email(), literal(now, DateTime())), else_=None)
    db.session.execute(
        insert(ParentInvite).from_select(
            ["campaign_id", "guardian_id", "created_at", "emailed_at", "new_links_sent"],
            select(
                literal(campaign_id, Integer()),
                Guardian.id,
                literal(now, DateTime()),
                emailed,
                literal(0, Integer()),
            ).where(_on_roll()),
        )
    )


def _subject(mail: MailSettings) -> str:
    return f"{mail.school_name}: please read our social media guide for parents and carers"


def _email_context(
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


@dataclass(frozen=True)
class Child:
    first_name: str
    class_name: str | None


@dataclass(frozen=True)
class OpenedLink:
    """A link that opens the parent's page: the invite, and the children it covers."""

    invite: ParentInvite
    children: list[Child]


def open_link(token: str, secret: str, max_age_days: int, today: date) -> OpenedLink:
    """What a personal link opens, or LinkRefused saying why not (three queries)."""
    expired = False
    try:
        link = read_token(secret, token, max_age_days, utcnow())
    except InvalidLink as invalid:
        raise LinkRefused(INVALID) from invalid
    except ExpiredLink as too_old:
        link, expired = too_old.link, True
    invite = db.session.scalar(
        select(ParentInvite)
        .where(
            ParentInvite.campaign_id == link.campaign_id,
            ParentInvite.guardian_id == link.guardian_id,
        )
        .options(
            joinedload(ParentInvite.campaign).joinedload(ParentCampaign.policy_version),
            joinedload(ParentInvite.guardian),
        )
    )
    if invite is None:
        raise LinkRefused(INVALID)
    if not invite.campaign.is_open(today):
        raise LinkRefused(CLOSED)
    children = children_of(invite.guardian_id)
    if not children:
        raise LinkRefused(OFF_ROLL)
    if expired:
        raise LinkRefused(EXPIRED, invite)
    return OpenedLink(invite, children)


def children_of(guardian_id: int) -> list[Child]:
    """The guardian's children on the roll: first names and classes only."""
    rows = db.session.execute(
        select(Pupil.first_name, SchoolClass.name)
        .join(guardian_pupil, guardian_pupil.c.pupil_id == Pupil.id)
        .outerjoin(SchoolClass, SchoolClass.id == Pupil.class_id)
        .where(guardian_pupil.c.guardian_id == guardian_id, Pupil.left_on.is_(None))
        .order_by(Pupil.first_name)
    ).all()
    return [Child(first, class_name) for first, class_name in rows]


def _answer_key(invite: ParentInvite):
    campaign = invite.campaign
    return (
        Acknowledgement.policy_version_id == campaign.policy_version_id,
        Acknowledgement.academic_year == campaign.academic_year,
        Acknowledgement.guardian_id == invite.guardian_id,
    )


def current_answer(invite: ParentInvite) -> Acknowledgement | None:
    return db.session.scalar(select(Acknowledgement).where(*_answer_key(invite)))


def record_answer(
    invite: ParentInvite,
    response: str,
    typed_name: str | None,
    note: str | None,
    mail: MailSettings,
    now: datetime | None = None,
) -> str:
    """Record or change the guardian's one answer; RECORDED, CHANGED or UNCHANGED.

    The database decides: an INSERT that does nothing if an answer exists, then an UPDATE
    only where the answer differs. Two submissions at once leave one row, never two.
    """
    campaign, now = invite.campaign, now or utcnow()
    answer = {"response": response, "typed_name": typed_name, "note": note, "method": "online"}
    answer_id = db.session.scalar(
        dialect_insert(Acknowledgement)
        .values(
            policy_version_id=campaign.policy_version_id,
            academic_year=campaign.academic_year,
            guardian_id=invite.guardian_id,
            created_at=now,
            **answer,
        )
        .on_conflict_do_nothing()
        .returning(Acknowledgement.id)
    )
    outcome = RECORDED
    if answer_id is None:
        answer_id, outcome = _change_answer(invite, answer, now), CHANGED
    if answer_id is None:
        return UNCHANGED
    db.session.add(AcknowledgementChange(acknowledgement_id=answer_id, created_at=now, **answer))
    if response == QUESTION and mail.office_email:
        queue_email(
            mail.office_email,
            "A parent or carer has a question about the social media guide",
            "parent_question",
            name=invite.guardian.full_name,
            school_name=mail.school_name,
        )
    db.session.flush()
    return outcome


def _change_answer(invite: ParentInvite, answer: dict, now: datetime) -> int | None:
    """The answer's id if it held a different answer and now holds this one, else None.

    ``created_at`` becomes the time of the answer now held; the history keeps the others.
    """
    same = and_(
        Acknowledgement.response == answer["response"],
        Acknowledgement.method == answer["method"],
        Acknowledgement.typed_name.is_not_distinct_from(answer["typed_name"]),
        Acknowledgement.note.is_not_distinct_from(answer["note"]),
    )
    return db.session.scalar(
        update(Acknowledgement)
        .where(*_answer_key(invite), not_(same))
        .values(created_at=now, recorded_by_id=None, **answer)
        .returning(Acknowledgement.id)
        .execution_options(synchronize_session=False)
    )


def send_new_link(invite: ParentInvite, per_day: int, mail: MailSettings) -> bool:
    """Email a fresh link to the address on file, at most ``per_day`` a day; True if queued.

    One conditional UPDATE counts and decides, so simultaneous requests cannot pass the limit.
    """
    guardian = invite.guardian
    if not guardian.email or not guardian.email.strip():
        return False
    now = utcnow()
    new_day = or_(
        ParentInvite.new_links_window_start.is_(None),
        ParentInvite.new_links_window_start <= now - timedelta(days=1),
    )
    counted = db.session.execute(
        update(ParentInvite)
        .where(ParentInvite.id == invite.id, or_(new_day, ParentInvite.new_links_sent < per_day))
        .values(
            new_links_sent=case((new_day, 1), else_=ParentInvite.new_links_sent + 1),
            new_links_window_start=case((new_day, now), else_=ParentInvite.new_links_window_start),
        )
        .execution_options(synchronize_session=False)
    )
    if counted.rowcount != 1:
        return False
    context = _email_context(
        invite.campaign, guardian.id, guardian.first_name, guardian.last_name, mail, now, True
    )
    queue_email(guardian.email, _subject(mail), "parent_campaign", **context)
    return True


def campaign_totals(campaign: ParentCampaign) -> dict[str, int]:
    """Invites, emails queued and answers by kind, for the campaign page (two queries)."""
    invites, emailed = db.session.execute(
        select(func.count(), func.count(ParentInvite.emailed_at)).where(
            ParentInvite.campaign_id == campaign.id
        )
    ).one()
    answers = dict(
        db.session.execute(
            select(Acknowledgement.response, func.count())
            .where(
                Acknowledgement.policy_version_id == campaign.policy_version_id,
                Acknowledgement.academic_year == campaign.academic_year,
                Acknowledgement.guardian_id.is_not(None),
            )
            .group_by(Acknowledgement.response)
        ).all()
    )
    return {"invites": invites, "emailed": emailed, **{r: answers.get(r, 0) for r in RESPONSES}}
