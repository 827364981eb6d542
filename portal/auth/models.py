"""Sign-in state kept in the database, so every worker process sees the same."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class Throttle(db.Model):
    """Attempts counted against one key (an account, an address) in its current window."""

    __tablename__ = "throttle"

    # "<kind>:<sha256 of what is counted>": bounded, whatever was typed.
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    attempts: Mapped[int]
    window_started_at: Mapped[datetime]
