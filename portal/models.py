"""Every model, imported in one place so the metadata (and Alembic) sees all tables."""

from portal.auth.models import LoginFailure
from portal.mail.models import OutboxMessage
from portal.people.models import Guardian, Pupil, SchoolClass, Staff, StaffRole

__all__ = [
    "Guardian", "LoginFailure", "OutboxMessage", "Pupil", "SchoolClass", "Staff", "StaffRole",
]
