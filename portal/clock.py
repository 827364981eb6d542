"""The portal's clock: stored times are naive UTC. Imports no feature."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, as naive UTC, the way every time is stored."""
    return datetime.now(UTC).replace(tzinfo=None)
