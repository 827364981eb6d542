"""Two-factor sign-in: set-up, codes at sign-in, recovery codes, and the rescue for a lost phone.

Every code is checked with a compare-and-set in the database (the last step accepted, a
recovery code's used_at), so a code is accepted once however many requests bring it.
"""

from datetime import datetime

from sqlalchemy import delete, select, update

from portal.auth import service, throttle, totp
from portal.auth.models import RecoveryCode, StaffSession, TwoFactor, TwoFactorReset
from portal.clock import utcnow
from portal.database import insert_if_absent
from portal.extensions import db
from portal.people.models import Staff


class CodeRefused(Exception):
    """A code that is wrong, used already, or not asked for; the message is safe to show."""


WRONG_CODE = (
    "That code did not work. Type the 6 digits your app shows now, or one of your recovery codes."
)


def setting_of(staff: Staff) -> TwoFactor | None:
    return db.session.get(TwoFactor, staff.id)


def is_on(staff: Staff) -> bool:
    """Whether ``staff`` has a confirmed authenticator app, so sign-in asks for its code."""
    setting = setting_of(staff)
    return setting is not None and setting.confirmed_at is not None


def begin_setup(staff: Staff) -> TwoFactor:
    """The secret being set up: the one shown already, or a new one (never a confirmed one)."""
    setting = setting_of(staff)
    if setting is not None and setting.confirmed_at is not None:
        raise CodeRefused("Two-factor sign-in is on already.")
    if setting is None:  # two tabs opening set-up at once: one secret, the first
        insert_if_absent(
            TwoFactor, staff_id=staff.id, secret=totp.new_secret(), created_at=utcnow()
        )
        setting = db.session.get(TwoFactor, staff.id, populate_existing=True)
    return setting


def confirm_setup(staff: Staff, code: str, now: datetime | None = None) -> list[str]:
    """Turn two-factor on once the app shows the right code; returns the new recovery codes."""
    now = now or utcnow()
    setting = setting_of(staff)
    if setting is None or setting.confirmed_at is not None:
        raise CodeRefused("Start again: this set-up has finished or was reset.")
    if not _take_step(setting, code, now):
        raise CodeRefused(
            "That code did not work. Check the app shows this portal's account, and type the "
            "6 digits it shows now."
        )
    # Only one confirmation wins, whatever arrives at the same moment.
    confirmed = db.session.execute(
        update(TwoFactor)
        .where(TwoFactor.staff_id == staff.id, TwoFactor.confirmed_at.is_(None))
        .values(confirmed_at=now)
    )
    if confirmed.rowcount != 1:
        raise CodeRefused("Two-factor sign-in is on already.")
    return replace_recovery_codes(staff)


def replace_recovery_codes(staff: Staff) -> list[str]:
    """Ten new recovery codes, to show once; any earlier ones stop working."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff.id))
    codes = totp.new_recovery_codes()
    db.session.add_all(
        RecoveryCode(staff_id=staff.id, code_hash=totp.recovery_code_hash(code)) for code in codes
    )
    db.session.flush()
    return codes


def unused_recovery_codes(staff: Staff) -> int:
    query = select(db.func.count()).where(
        RecoveryCode.staff_id == staff.id, RecoveryCode.used_at.is_(None)
    )
    return db.session.scalar(query)


def _take_step(setting: TwoFactor, code: str, now: datetime) -> bool:
    """Accept an app code once: its step must be later than any step accepted before."""
    step = totp.matching_step(setting.secret, code, now)
    if step is None:
        return False
    taken = db.session.execute(
        update(TwoFactor)
        .where(
            TwoFactor.staff_id == setting.staff_id,
            (TwoFactor.last_step.is_(None)) | (TwoFactor.last_step < step),
        )
        .values(last_step=step)
    )
    return taken.rowcount == 1


def _use_recovery_code(staff: Staff, code: str, now: datetime) -> bool:
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.staff_id == staff.id,
            RecoveryCode.code_hash == totp.recovery_code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return used.rowcount == 1


def code_matches(staff: Staff, code: str, now: datetime | None = None) -> bool:
    """Whether ``code`` is a fresh app code or an unused recovery code of ``staff`` (used up)."""
    now = now or utcnow()
    setting = setting_of(staff)
    if setting is None or setting.confirmed_at is None:
        return False
    if totp.looks_like_app_code(code):
        return _take_step(setting, code, now)
    return _use_recovery_code(staff, code, now)


def check_code(staff: Staff, code: str, address: str, limits: dict, now: datetime | None = None):
    """Accept a code at sign-in or raise CodeRefused; wrong codes count like wrong passwords.

    The tickets are the sign-in throttle's own (per account, per address), so guessing codes
    uses up the same allowance as guessing passwords.
    """
    now = now or utcnow()
    try:
        account, address_ticket = throttle.admit(
            {
                service.account_key(staff.email): limits["per_account"],
                service.address_key(address): limits["per_address"],
            },
            limits["minutes"],
            now,
        )
    except throttle.TooMany as too_many:
        raise service.Throttled(
            f"Too many wrong codes. Please wait {limits['minutes']} minutes and try again, or "
            "ask the Head Teacher to reset your two-factor sign-in."
        ) from too_many
    if not code_matches(staff, code, now):
        raise CodeRefused(WRONG_CODE)
    throttle.clear(account.key)
    throttle.give_back(address_ticket)


def mark_passed(staff_session_id: int, now: datetime | None = None) -> None:
    """This browser's session has given a right code."""
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.id == staff_session_id)
        .values(two_factor_at=now or utcnow())
    )


def turn_off(staff: Staff) -> None:
    """Remove the app and the recovery codes: sign-in asks for the password alone again."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff.id))
    db.session.execute(delete(TwoFactor).where(TwoFactor.staff_id == staff.id))


def reset_for(staff: Staff, acting: Staff, now: datetime | None = None) -> None:
    """The Head Teacher or an admin turns off someone else's two-factor (a lost phone); recorded."""
    if staff.id == acting.id:
        raise CodeRefused("You cannot reset your own two-factor sign-in here: use your account.")
    turn_off(staff)
    db.session.add(
        TwoFactorReset(staff_id=staff.id, reset_by_id=acting.id, reset_at=now or utcnow())
    )
    db.session.flush()


def resets_of(staff: Staff) -> list[tuple[datetime, str]]:
    """When ``staff``'s two-factor was reset and by whom (their name), newest first."""
    query = (
        select(TwoFactorReset.reset_at, Staff.name)
        .join(Staff, Staff.id == TwoFactorReset.reset_by_id)
        .where(TwoFactorReset.staff_id == staff.id)
        .order_by(TwoFactorReset.reset_at.desc())
    )
    return [tuple(row) for row in db.session.execute(query)]


def overview() -> list[tuple[Staff, bool]]:
    """Every active member of staff and whether their two-factor is on, in two queries."""
    query = (
        select(Staff, TwoFactor.confirmed_at)
        .outerjoin(TwoFactor, TwoFactor.staff_id == Staff.id)
        .where(Staff.active)
        .order_by(Staff.name)
    )
    return [(person, confirmed is not None) for person, confirmed in db.session.execute(query)]
