"""The parent's side: opening a personal link, answering, asking for a new link.

Answers live in the one Acknowledgement table (guardian, the campaign's guide version and
school year, method "online", or "paper"/"phone" when the office records it and who did);
AcknowledgementChange keeps every answer it has held.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, not_, or_, select, update
from sqlalchemy.orm import joinedload

from portal.clock import utcnow
from portal.database import dialect_insert
from portal.extensions import db
from portal.mail.service import queue_email
from portal.parents.campaign import NEW_LINK, MailSettings, email_context, subject
from portal.parents.links import ExpiredLink, InvalidLink, read_token
from portal.parents.models import ParentCampaign, ParentInvite
from portal.people.models import Pupil, SchoolClass, guardian_pupil
from portal.people.school_year import key_stage
from portal.policies.models import Acknowledgement, AcknowledgementChange, PolicyVersion
from portal.pupils.progress import READ_TOGETHER_STAGES, aup_to_show

ACKNOWLEDGED, QUESTION, DECLINED = "acknowledged", "question", "declined"
# Why a link cannot open the parent's page; each has its own plain page.
INVALID, EXPIRED, CLOSED, OFF_ROLL = "invalid", "expired", "closed", "off_roll"
RECORDED, CHANGED, UNCHANGED = "recorded", "changed", "unchanged"
# How an answer was given: on the parent's own page, or to the office on a slip or by phone.
ONLINE, PAPER, PHONE = "online", "paper", "phone"


class LinkRefused(Exception):
    """A personal link that cannot open the parent's page; ``reason`` is one of INVALID..."""

    def __init__(self, reason: str, invite: ParentInvite | None = None):
        super().__init__(reason)
        self.reason, self.invite = reason, invite


@dataclass(frozen=True)
class Child:
    first_name: str
    class_name: str | None
    key_stage: str | None = None  # None: not in a class


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
        select(Pupil.first_name, SchoolClass.name, SchoolClass.year_group)
        .join(guardian_pupil, guardian_pupil.c.pupil_id == Pupil.id)
        .outerjoin(SchoolClass, SchoolClass.id == Pupil.class_id)
        .where(guardian_pupil.c.guardian_id == guardian_id, Pupil.left_on.is_(None))
        .order_by(Pupil.first_name)
    ).all()
    return [
        Child(first, class_name, None if year is None else key_stage(year))
        for first, class_name, year in rows
    ]


def read_at_home(children: list[Child], today: date) -> tuple[list[Child], PolicyVersion | None]:
    """The children in Reception and Key Stage 1, and their AUP as they agree it in class: the
    school shares it with their families to read together. ([], None) when there is none."""
    young = [child for child in children if child.key_stage in READ_TOGETHER_STAGES]
    if not young:
        return [], None
    try:
        return young, aup_to_show("KS1", today)
    except LookupError:  # the AUPs are not installed
        return [], None


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
    method: str = ONLINE,
    recorded_by_id: int | None = None,
) -> str:
    """Record or change the guardian's one answer; RECORDED, CHANGED or UNCHANGED.

    Online the parent answers for themself; on PAPER or by PHONE the office records it and
    ``recorded_by_id`` says who. The database decides: an INSERT that does nothing if an
    answer exists, then an UPDATE only where the answer differs. Two submissions at once
    leave one row, never two.
    """
    now = now or utcnow()
    answer = {
        "response": response,
        "typed_name": typed_name,
        "note": note,
        "method": method,
        "recorded_by_id": recorded_by_id,
    }
    answer_id, outcome = _first_answer(invite, answer, now), RECORDED
    if answer_id is None:
        answer_id, outcome = _change_answer(invite, answer, now), CHANGED
    if answer_id is None:
        return UNCHANGED
    db.session.add(AcknowledgementChange(acknowledgement_id=answer_id, created_at=now, **answer))
    # A question the office took down itself needs no email to the office.
    if response == QUESTION and method == ONLINE and mail.office_email:
        _tell_the_office(invite, mail)
    db.session.flush()
    return outcome


def _tell_the_office(invite: ParentInvite, mail: MailSettings) -> None:
    queue_email(
        mail.office_email,
        "A parent or carer has a question about the social media guide",
        "parent_question",
        name=invite.guardian.full_name,
        school_name=mail.school_name,
    )


def _first_answer(invite: ParentInvite, answer: dict, now: datetime) -> int | None:
    """The new answer's id, or None when the guardian had already answered (ON CONFLICT)."""
    campaign = invite.campaign
    return db.session.scalar(
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


def _change_answer(invite: ParentInvite, answer: dict, now: datetime) -> int | None:
    """The answer's id if it held a different answer and now holds this one, else None.

    ``created_at`` becomes the time of the answer now held; the history keeps the others.
    """
    same = and_(
        Acknowledgement.response == answer["response"],
        Acknowledgement.method == answer["method"],
        Acknowledgement.recorded_by_id.is_not_distinct_from(answer["recorded_by_id"]),
        Acknowledgement.typed_name.is_not_distinct_from(answer["typed_name"]),
        Acknowledgement.note.is_not_distinct_from(answer["note"]),
    )
    return db.session.scalar(
        update(Acknowledgement)
        .where(*_answer_key(invite), not_(same))
        .values(created_at=now, **answer)
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
    context = email_context(
        invite.campaign, guardian.id, guardian.first_name, guardian.last_name, mail, now, NEW_LINK
    )
    queue_email(guardian.email, subject(mail), "parent_campaign", **context)
    return True
