"""Sign-in state kept in the database, so every worker process sees the same."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.extensions import db


class Throttle(db.Model):
    """Attempts counted against one key (an account, an address) in its current window."""

    __tablename__ = "throttle"

    # "<kind>:<sha256 of what is counted>": bounded, whatever was typed.
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    attempts: Mapped[int]
    window_started_at: Mapped[datetime]


class StaffSession(db.Model):
    """One signed-in browser; signing out deletes it, so a copied cookie is worthless."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the random token the browser's session carries; the token itself is not kept.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    # When this browser gave a right authenticator or recovery code (NULL: not yet, or not
    # asked). Kept on the server, so a session that skipped the code cannot claim it.
    two_factor_at: Mapped[datetime | None]


class TwoFactor(db.Model):
    """A member of staff's authenticator app: set up (confirmed) or half-way through set-up."""

    __tablename__ = "staff_two_factor"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    # The TOTP secret, base32. It must be readable to check codes, so it cannot be hashed; it
    # lives only in the database, which is already the portal's most private place.
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # NULL until a right code has shown the app has it: only then is it asked at sign-in.
    confirmed_at: Mapped[datetime | None]
    # The last 30-second step whose code was accepted: that step, and any before it, never again.
    last_step: Mapped[int | None] = mapped_column(BigInteger)


class RecoveryCode(db.Model):
    """One of the ten single-use codes for when the phone is not to hand; only its hash is kept."""

    __tablename__ = "recovery_code"
    __table_args__ = (UniqueConstraint("staff_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class TwoFactorReset(db.Model):
    """Who turned off whose two-factor sign-in, and when (a lost phone): kept, never changed."""

    __tablename__ = "two_factor_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    reset_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    reset_at: Mapped[datetime] = mapped_column(default=utcnow)
