"""Sign-in state kept in the database, so every worker process sees the same."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
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
