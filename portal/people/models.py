"""Classes, pupils, guardians and staff: the school community the portal serves."""

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.extensions import db
from portal.people.school_year import YEAR_GROUPS, key_stage, reads_aloud_by_default

guardian_pupil = Table(
    "guardian_pupil",
    db.metadata,
    Column("guardian_id", ForeignKey("guardian.id", ondelete="CASCADE"), primary_key=True),
    Column("pupil_id", ForeignKey("pupil.id", ondelete="CASCADE"), primary_key=True),
)

teacher_class = Table(
    "teacher_class",
    db.metadata,
    Column("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
    Column("class_id", ForeignKey("school_class.id", ondelete="CASCADE"), primary_key=True),
)


class SchoolClass(db.Model):
    __tablename__ = "school_class"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    year_group: Mapped[int]

    pupils: Mapped[list["Pupil"]] = relationship(back_populates="school_class")
    teachers: Mapped[list["Staff"]] = relationship(
        secondary=teacher_class, back_populates="classes"
    )

    @property
    def key_stage(self) -> str:
        return key_stage(self.year_group)

    @property
    def year_group_name(self) -> str:
        return YEAR_GROUPS[self.year_group]


class Pupil(db.Model):
    """A child: only what the portal needs (no date of birth, no address)."""

    __tablename__ = "pupil"

    id: Mapped[int] = mapped_column(primary_key=True)
    mis_id: Mapped[str] = mapped_column(String(40), unique=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_class.id"), index=True)
    left_on: Mapped[date | None]
    # Classroom sign-in: one of nine pictures, set by the teacher (see classroom/pictures.py).
    picture: Mapped[str | None] = mapped_column(String(20))
    # Accommodations the teacher sets. Read-aloud: None follows the Key Stage (see reads_aloud).
    always_read_aloud: Mapped[bool | None]
    two_choices: Mapped[bool] = mapped_column(default=False)

    school_class: Mapped[SchoolClass | None] = relationship(back_populates="pupils")
    guardians: Mapped[list["Guardian"]] = relationship(
        secondary=guardian_pupil, back_populates="pupils"
    )

    @property
    def display_name(self) -> str:
        """First name and initial: how a pupil appears on shared screens."""
        return f"{self.first_name} {self.last_name[:1]}."

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def reads_aloud(self) -> bool:
        """Whether the pupil's screens read themselves: the teacher's choice, else the default."""
        if self.always_read_aloud is not None:
            return self.always_read_aloud
        return self.reads_aloud_in(self.school_class.key_stage if self.school_class else None)

    def reads_aloud_in(self, key_stage: str | None) -> bool:
        """``reads_aloud`` for a pupil of a class in ``key_stage``: a class's list knows it, so
        no row looks up the pupil's class."""
        if self.always_read_aloud is not None:
            return self.always_read_aloud
        return reads_aloud_by_default(key_stage)


class Guardian(db.Model):
    """A parent or carer. Email is optional: some families have none."""

    __tablename__ = "guardian"

    id: Mapped[int] = mapped_column(primary_key=True)
    mis_id: Mapped[str] = mapped_column(String(40), unique=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254))

    pupils: Mapped[list[Pupil]] = relationship(secondary=guardian_pupil, back_populates="guardians")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class StaffRole(db.Model):
    __tablename__ = "staff_role"
    __table_args__ = (UniqueConstraint("staff_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))


class Staff(UserMixin, db.Model):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    mis_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Changing it (password change, deactivation) voids set-password links already sent.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    invited_at: Mapped[datetime | None]

    role_rows: Mapped[list[StaffRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=StaffRole.role
    )
    classes: Mapped[list[SchoolClass]] = relationship(
        secondary=teacher_class, back_populates="teachers", order_by=SchoolClass.year_group
    )

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    # The token of the staff session this request belongs to (portal/auth/sessions.py); not stored.
    session_token = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the browser's session: the staff session's token.

        Without one (no staff session opened) it signs in nobody beyond this request.
        """
        return f"session:{self.session_token or ''}"

    @property
    def is_active(self) -> bool:
        return self.active
