"""The paper route for families without email: who gets a letter, the short code printed on
it, and that code (typed or scanned) turned back into the guardian's personal link.

The code stands in for a personal link until the campaign closes, so it is long enough not
to be guessed (about 44 bits) and wrong codes are counted per network address, as sign-ins are.
"""

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, and_, exists, select, update
from sqlalchemy.orm import aliased, joinedload

from portal.auth import throttle
from portal.database import contains_words
from portal.extensions import db
from portal.parents.campaign import campaign_for, has_email, on_roll
from portal.parents.links import LinkFor, make_token
from portal.parents.models import ParentCampaign, ParentInvite
from portal.parents.service import (
    CLOSED,
    INVALID,
    OFF_ROLL,
    Child,
    LinkRefused,
    children_of,
)
from portal.people.models import Guardian, Pupil, SchoolClass, Staff, guardian_pupil
from portal.people.school_year import academic_year
from portal.policies.models import Acknowledgement, AcknowledgementChange

# Read off paper without doubt: no 0/O, no 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 9  # 31**9 is about 2**44
GROUP = 3
MAKE_ATTEMPTS = 5
# Unknown codes allowed per network address in a window; a family mistypes a few at most.
GUESSES_ALLOWED = 20
WINDOW_MINUTES = 15


class TooManyGuesses(Exception):
    """This network address has tried too many unknown codes; it waits for the window to end."""


@dataclass(frozen=True)
class GuardianRow:
    """A guardian invited in the campaign, as the office's pages list them."""

    guardian_id: int
    invite_id: int
    name: str
    has_email: bool
    response: str | None
    letter_code: str | None
    children: list[Child] = field(default_factory=list)


def open_campaign(today: date) -> ParentCampaign | None:
    """This school year's campaign while parents can still answer, else None."""
    campaign = campaign_for(academic_year(today))
    return campaign if campaign is not None and campaign.is_open(today) else None


def guardians_query(
    campaign: ParentCampaign,
    without_email: bool = True,
    guardian_id: int | None = None,
    search: str = "",
) -> Select:
    """The campaign's guardians still on the roll (those without email, or the one asked
    for, or those whose name holds ``search``), with their answers; unordered."""
    with_email = has_email()
    query = (
        select(
            ParentInvite.guardian_id,
            ParentInvite.id,
            Guardian.first_name,
            Guardian.last_name,
            with_email,
            Acknowledgement.response,
            ParentInvite.letter_code,
        )
        .join(Guardian, Guardian.id == ParentInvite.guardian_id)
        .outerjoin(
            Acknowledgement,
            and_(
                Acknowledgement.guardian_id == ParentInvite.guardian_id,
                Acknowledgement.policy_version_id == campaign.policy_version_id,
                Acknowledgement.academic_year == campaign.academic_year,
            ),
        )
        .where(ParentInvite.campaign_id == campaign.id, on_roll())
    )
    if without_email:
        query = query.where(~with_email)
    if guardian_id is not None:
        query = query.where(ParentInvite.guardian_id == guardian_id)
    if search:
        query = query.where(contains_words(Guardian.first_name + " " + Guardian.last_name, search))
    return query


BY_NAME = (Guardian.last_name, Guardian.first_name, Guardian.id)


def with_children(found: list) -> list[GuardianRow]:
    """Rows of ``guardians_query`` with each guardian's children on the roll (one query)."""
    children = children_of_each([row[0] for row in found])
    return [
        GuardianRow(gid, invite_id, f"{first} {last}", bool(email), response, code, children[gid])
        for gid, invite_id, first, last, email, response, code in found
    ]


def guardian_rows(
    campaign: ParentCampaign, without_email: bool = True, guardian_id: int | None = None
) -> list[GuardianRow]:
    """Every guardian of ``guardians_query`` by name, with their children: two queries."""
    query = guardians_query(campaign, without_email, guardian_id).order_by(*BY_NAME)
    return with_children(db.session.execute(query).all())


def children_of_each(guardian_ids: list[int]) -> dict[int, list[Child]]:
    """Each guardian's children on the roll (first names and classes), in one query."""
    children = defaultdict(list)
    if not guardian_ids:
        return children
    rows = db.session.execute(
        select(guardian_pupil.c.guardian_id, Pupil.first_name, SchoolClass.name)
        .join(Pupil, Pupil.id == guardian_pupil.c.pupil_id)
        .outerjoin(SchoolClass, SchoolClass.id == Pupil.class_id)
        .where(guardian_pupil.c.guardian_id.in_(guardian_ids), Pupil.left_on.is_(None))
        .order_by(Pupil.first_name)
    ).all()
    for guardian_id, first_name, class_name in rows:
        children[guardian_id].append(Child(first_name, class_name))
    return children


def guardian_row(campaign: ParentCampaign | None, guardian_id: int) -> GuardianRow | None:
    """One guardian invited in the (open) campaign and still on the roll, else None."""
    rows = guardian_rows(campaign, False, guardian_id) if campaign else []
    return rows[0] if rows else None


def invite(invite_id: int) -> ParentInvite:
    return db.session.scalar(
        select(ParentInvite)
        .where(ParentInvite.id == invite_id)
        .options(joinedload(ParentInvite.campaign), joinedload(ParentInvite.guardian))
    )


# The short code


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """The code as printed: in groups, so it is easy to copy (K7M-2Q9-XDF)."""
    return "-".join(code[start : start + GROUP] for start in range(0, len(code), GROUP))


def normalised(typed: str) -> str:
    """What was typed, as stored: capitals, without the dashes and spaces."""
    return "".join(typed.split()).replace("-", "").upper()


def letter_code(row: GuardianRow) -> str:
    """The invite's code, made the first time its letter is printed; the same ever after.

    One conditional UPDATE sets it only where none is set yet and no other invite holds
    the same code, so a reprint, two printings at once or a clash leave one code, kept.
    """
    if row.letter_code:
        return row.letter_code
    other = aliased(ParentInvite)
    for _ in range(MAKE_ATTEMPTS):
        code = new_code()
        db.session.execute(
            update(ParentInvite)
            .where(
                ParentInvite.id == row.invite_id,
                ParentInvite.letter_code.is_(None),
                ~exists().where(other.letter_code == code),
            )
            .values(letter_code=code)
            .execution_options(synchronize_session=False)
        )
        stored = db.session.scalar(
            select(ParentInvite.letter_code).where(ParentInvite.id == row.invite_id)
        )
        if stored:
            return stored
    raise RuntimeError("could not make an unused letter code")


def _guesser_key(address: str) -> str:
    return throttle.throttle_key("letter-code-address", address)


def token_for_code(typed: str, address: str, secret: str, today: date, now: datetime) -> str:
    """A fresh personal link token for the invite this letter code belongs to.

    Every code is counted against the network address before it is looked up, and a known
    code gives its count back, so only unknown codes use up the allowance. LinkRefused
    (INVALID, CLOSED or OFF_ROLL) when it cannot open the parent's page; TooManyGuesses
    when this address has tried too many unknown codes.
    """
    try:
        [ticket] = throttle.admit({_guesser_key(address): GUESSES_ALLOWED}, WINDOW_MINUTES, now)
    except throttle.TooMany as too_many:
        raise TooManyGuesses from too_many
    code = normalised(typed)
    found = None
    if len(code) == CODE_LENGTH and set(code) <= set(ALPHABET):
        found = db.session.scalar(
            select(ParentInvite)
            .where(ParentInvite.letter_code == code)
            .options(joinedload(ParentInvite.campaign))
        )
    if found is None:
        throttle.forget_old(now)
        raise LinkRefused(INVALID)
    throttle.give_back(ticket)
    if not found.campaign.is_open(today):
        raise LinkRefused(CLOSED)
    if not children_of(found.guardian_id):
        raise LinkRefused(OFF_ROLL)
    return make_token(secret, LinkFor(found.campaign_id, found.guardian_id), now)


# Answers the office records


@dataclass(frozen=True)
class GivenAnswer:
    """An answer as it was given: what, how, when, and who in the office recorded it."""

    response: str
    method: str
    typed_name: str | None
    note: str | None
    created_at: datetime
    recorded_by: str | None


def answers_given(row: GuardianRow, campaign: ParentCampaign) -> list[GivenAnswer]:
    """Every answer the guardian has given in the campaign, oldest first (one query)."""
    found = db.session.execute(
        select(
            AcknowledgementChange.response,
            AcknowledgementChange.method,
            AcknowledgementChange.typed_name,
            AcknowledgementChange.note,
            AcknowledgementChange.created_at,
            Staff.name,
        )
        .join(Acknowledgement, Acknowledgement.id == AcknowledgementChange.acknowledgement_id)
        .outerjoin(Staff, Staff.id == AcknowledgementChange.recorded_by_id)
        .where(
            Acknowledgement.guardian_id == row.guardian_id,
            Acknowledgement.policy_version_id == campaign.policy_version_id,
            Acknowledgement.academic_year == campaign.academic_year,
        )
        .order_by(AcknowledgementChange.id)
    ).all()
    return [GivenAnswer(*values) for values in found]
