"""Staff sign-in rules: passwords, throttling and set-password links."""

import hashlib
from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.auth import sessions, throttle
from portal.clock import utcnow
from portal.extensions import db
from portal.people.models import Staff

MIN_PASSWORD_LENGTH = 10
# Compared against when the email is unknown, so a wrong email takes as long as a wrong password.
_UNUSABLE_HASH = generate_password_hash("not-a-real-password")


class SignInRefused(Exception):
    """The sign-in did not succeed; the message is safe to show."""


class Throttled(SignInRefused):
    pass


class PasswordRefused(Exception):
    """A password change that cannot be made; ``field`` is the form field to blame."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class InvalidLink(Exception):
    """A set-password link that is tampered with, used already or too old."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters: three random words work well."
    if email and password.strip().lower() == normalise_email(email):
        return "Your password must not be your email address."
    return None


def set_password(staff: Staff, password: str) -> None:
    """Store a new password and sign the person out of every session."""
    staff.password_hash = generate_password_hash(password)
    staff.session_version += 1
    sessions.end_all_sessions(staff)


def sign_in_limits(config) -> dict:
    """The sign-in throttle's settings, as authenticate() and the staff list read them."""
    return {
        "minutes": config["LOGIN_THROTTLE_MINUTES"],
        "per_account": config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        "per_address": config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
    }


def account_key(email: str) -> str:
    """What wrong passwords for this account are counted against, wherever they are typed."""
    return throttle.throttle_key("account", normalise_email(email))


def address_key(address: str) -> str:
    """What sign-ins from one network address are counted against."""
    return throttle.throttle_key("sign-in-address", address)


def record_refused_sign_in(address: str, limits: dict, now: datetime | None = None) -> None:
    """A sign-in form refused for its shape (an overlong email, a control character):
    it counts against the address only, and its email is not stored at all."""
    throttle.take_ticket(
        address_key(address), limits["per_address"], limits["minutes"], now or utcnow()
    )


def authenticate(
    email: str, password: str, address: str, limits: dict, now: datetime | None = None
) -> Staff:
    """The active member of staff these credentials belong to, or SignInRefused.

    Attempts are counted per account and per network address in the database before
    the password is checked, so the limit holds across every worker process and burst.
    """
    now = now or utcnow()
    email = normalise_email(email)
    try:
        account, address_ticket = throttle.admit(
            {
                account_key(email): limits["per_account"],
                address_key(address): limits["per_address"],
            },
            limits["minutes"],
            now,
        )
    except throttle.TooMany as too_many:
        raise Throttled(
            f"Too many attempts to sign in. Please wait {limits['minutes']} minutes and try "
            "again, or ask the school office to reset your password."
        ) from too_many
    staff = db.session.scalar(select(Staff).where(Staff.email == email))
    stored_hash = staff.password_hash if staff and staff.password_hash else _UNUSABLE_HASH
    matches = check_password_hash(stored_hash, password)
    if matches and staff is not None and staff.active and staff.password_hash:
        throttle.clear(account.key)
        throttle.give_back(address_ticket)
        return staff
    throttle.forget_old(now)
    raise SignInRefused("That email and password do not match an active account.")


def check_current_password(
    staff: Staff, password: str, limits: dict, now: datetime | None = None
) -> bool:
    """Whether ``password`` is the person's own; counted against the account like a sign-in."""
    try:
        [ticket] = throttle.admit(
            {account_key(staff.email): limits["per_account"]}, limits["minutes"], now or utcnow()
        )
    except throttle.TooMany as too_many:
        raise Throttled(
            "Too many wrong tries of your current password. Please wait "
            f"{limits['minutes']} minutes and try again."
        ) from too_many
    if check_password_hash(staff.password_hash or "", password):
        throttle.clear(ticket.key)
        return True
    return False


def change_password(staff: Staff, current: str, new: str, limits: dict) -> None:
    """Set a new password for someone who knows their current one (PasswordRefused if not)."""
    if not check_current_password(staff, current, limits):
        raise PasswordRefused("current", "That is not your current password.")
    problem = password_problem(new, staff.email)
    if problem:
        raise PasswordRefused("password", problem)
    set_password(staff, new)


def unlock_account(staff: Staff) -> None:
    """Let someone whom failed sign-ins have locked out try again at once."""
    throttle.clear(account_key(staff.email))


def locked_accounts(people: list[Staff], limits: dict, now: datetime | None = None) -> set[int]:
    """The ids of those of ``people`` whom failed sign-ins have locked out for now."""
    keys = {account_key(person.email): person.id for person in people}
    stopped = throttle.stopped(
        list(keys), limits["per_account"], limits["minutes"], now or utcnow()
    )
    return {keys[key] for key in stopped}


def _link_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="set-password")


def _password_fingerprint(staff: Staff) -> str:
    # Changes once the password is set, so each link works only once.
    material = f"{staff.password_hash or ''}:{staff.session_version}"
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def set_password_token(staff: Staff, secret_key: str) -> str:
    return _link_serializer(secret_key).dumps([staff.id, _password_fingerprint(staff)])


def staff_for_token(token: str, secret_key: str, max_age_days: int) -> Staff:
    """The member of staff a set-password link was made for, or InvalidLink."""
    try:
        staff_id, fingerprint = _link_serializer(secret_key).loads(
            token, max_age=max_age_days * 86400
        )
    except SignatureExpired as error:
        raise InvalidLink("This link has expired. Ask the school office for a new one.") from error
    except (BadSignature, ValueError, TypeError) as error:
        raise InvalidLink("This link is not valid. Check it was copied in full.") from error
    staff = db.session.get(Staff, staff_id)
    if staff is None or not staff.active or _password_fingerprint(staff) != fingerprint:
        raise InvalidLink("This link has been used already. Sign in, or ask for a new link.")
    return staff
