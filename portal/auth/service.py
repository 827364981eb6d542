"""Staff sign-in rules: passwords, throttling and set-password links."""

import hashlib
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.auth.models import LoginFailure
from portal.clock import utcnow
from portal.extensions import db
from portal.input_rules import MAX_EMAIL_LENGTH
from portal.people.models import Staff

MIN_PASSWORD_LENGTH = 10
# Compared against when the email is unknown, so a wrong email takes as long as a wrong password.
_UNUSABLE_HASH = generate_password_hash("not-a-real-password")


class SignInRefused(Exception):
    """The sign-in did not succeed; the message is safe to show."""


class Throttled(SignInRefused):
    pass


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
    """Store a new password and sign the person out of every other session."""
    staff.password_hash = generate_password_hash(password)
    staff.session_version += 1


def throttled(key: str, limit: int, minutes: int, now: datetime | None = None) -> bool:
    """True when ``key`` has failed ``limit`` times in the last ``minutes``."""
    now = now or utcnow()
    return _recent_failures(key, now - timedelta(minutes=minutes)) >= limit


def record_failure(key: str, now: datetime | None = None) -> None:
    """Count one failure against ``key`` (an account, an address, a class-code guesser)."""
    db.session.add(LoginFailure(key=key, at=now or utcnow()))


def record_refused_sign_in(address: str, now: datetime | None = None) -> None:
    """A sign-in form refused for its shape (an overlong email, a control character):
    it counts against the address only, and its email is not stored at all."""
    record_failure(f"address:{address}", now)


def _recent_failures(key: str, since: datetime) -> int:
    query = select(func.count()).where(LoginFailure.key == key, LoginFailure.at >= since)
    return db.session.scalar(query)


def authenticate(
    email: str, password: str, address: str, limits: dict, now: datetime | None = None
) -> Staff:
    """The active member of staff these credentials belong to, or SignInRefused.

    Failures are counted per account and per network address in the database,
    so the limit holds across every worker process.
    """
    now = now or utcnow()
    email = normalise_email(email)
    window_start = now - timedelta(minutes=limits["minutes"])
    account_key, address_key = f"account:{email[:MAX_EMAIL_LENGTH]}", f"address:{address}"
    if (
        _recent_failures(account_key, window_start) >= limits["per_account"]
        or _recent_failures(address_key, window_start) >= limits["per_address"]
    ):
        raise Throttled(
            f"Too many attempts to sign in. Please wait {limits['minutes']} minutes and try "
            "again, or ask the school office to reset your password."
        )
    staff = db.session.scalar(select(Staff).where(Staff.email == email))
    stored_hash = staff.password_hash if staff and staff.password_hash else _UNUSABLE_HASH
    matches = check_password_hash(stored_hash, password)
    if matches and staff is not None and staff.active and staff.password_hash:
        db.session.execute(delete(LoginFailure).where(LoginFailure.key == account_key))
        return staff
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < window_start))
    db.session.add_all([LoginFailure(key=key, at=now) for key in (account_key, address_key)])
    raise SignInRefused("That email and password do not match an active account.")


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
