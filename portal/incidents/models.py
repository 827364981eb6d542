"""Reports of cyber-bullying and online-safety worries, and the log that follows each one up.

The most sensitive data in the portal. What a report said, and what was done about it, is never
edited away: the chronology and the audit trail are append-only, enforced by the database itself
(triggers), so a bug or a hand edit in the portal cannot rewrite them.
"""

from datetime import date, datetime

from sqlalchemy import (
    DDL,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.extensions import db
from portal.people.models import Pupil, Staff

# Where a report came from.
STAFF_REPORT, PUPIL_REPORT, PUBLIC_REPORT = "staff", "pupil", "public"
SOURCES = (STAFF_REPORT, PUPIL_REPORT, PUBLIC_REPORT)
SOURCE_LABELS = {STAFF_REPORT: "Staff", PUPIL_REPORT: "A pupil", PUBLIC_REPORT: "The public form"}

CATEGORIES = {
    "bullying_messages": "Cyber-bullying: messages",
    "bullying_exclusion": "Cyber-bullying: leaving someone out",
    "bullying_impersonation": "Cyber-bullying: pretending to be someone",
    "bullying_images": "Cyber-bullying: sharing images",
    "bullying_gaming": "Cyber-bullying: gaming chat",
    "upsetting_content": "Upsetting content",
    "stranger_contact": "Contact from a stranger",
    "staff_conduct": "Staff conduct",
    "parent_post": "A parent's post",
    "other": "Something else",
}
PLACES = {
    "messages": "Messages or a group chat",
    "social_media": "Social media",
    "game": "An online game",
    "video": "A video site or app",
    "school_device": "A school tablet or computer",
    "phone": "Phone calls or texts",
    "other": "Somewhere else",
}
NEW, INVESTIGATING, ACTION_TAKEN, CLOSED = "new", "investigating", "action_taken", "closed"
STATUSES = {
    NEW: "New",
    INVESTIGATING: "Investigating",
    ACTION_TAKEN: "Action taken",
    CLOSED: "Closed",
}
PATHWAYS = {
    "anti_bullying": "Anti-bullying policy",
    "behaviour": "Behaviour policy",
    "safeguarding": "Safeguarding",
}
PUPIL_ROLES = {
    "target": "Target",
    "alleged": "Alleged to have done it",
    "witness": "Witness",
    "reporter": "Told us",
}


def _one_of(column: str, values) -> CheckConstraint:
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} in ({listed})", name=column)


class Incident(db.Model):
    """One report, and where its follow-up stands now (the chronology says how it got there)."""

    __tablename__ = "incident"
    __table_args__ = (
        _one_of("source", SOURCES),
        _one_of("status", STATUSES),
        CheckConstraint(
            f"category IS NULL OR category in ({', '.join(map(repr, CATEGORIES))})", name="category"
        ),
        CheckConstraint(
            f"place IS NULL OR place in ({', '.join(map(repr, PLACES))})", name="place"
        ),
        CheckConstraint(
            f"pathway IS NULL OR pathway in ({', '.join(map(repr, PATHWAYS))})", name="pathway"
        ),
        # A closed report says how it ended.
        CheckConstraint("status != 'closed' OR outcome IS NOT NULL", name="closed_with_outcome"),
        Index("ix_incident_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # OS-2026-0042: what the reporter is given, and what staff quote.
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # Sent with the form, so a double click or a retried request files one report, not two.
    submission_key: Mapped[str | None] = mapped_column(String(36), unique=True)
    source: Mapped[str] = mapped_column(String(10))
    category: Mapped[str | None] = mapped_column(String(30))  # pupils' reports: set by the lead
    place: Mapped[str | None] = mapped_column(String(20))
    place_other: Mapped[str | None] = mapped_column(String(120))
    happened_on: Mapped[date | None]
    what_happened: Mapped[str] = mapped_column(Text, default="")
    # The public form cannot search the roll: who is involved, in the reporter's words.
    who_involved: Mapped[str | None] = mapped_column(Text)
    # The child's own words, kept apart from the adult's account of the facts.
    childs_words: Mapped[str | None] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(default=False)
    told_dsl_in_person: Mapped[bool | None]
    # A pupil's report: how they feel, and who they want to know.
    feeling: Mapped[str | None] = mapped_column(String(20))
    tell: Mapped[str | None] = mapped_column(String(20))
    # Who reported: a member of staff, a pupil (none when a pupil chose not to be named), or,
    # through the public form, whatever contact details they chose to give.
    reported_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reported_by_pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupil.id"))
    reporter_name: Mapped[str | None] = mapped_column(String(120))
    reporter_contact: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(20), default=NEW)
    pathway: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    reported_by_staff: Mapped[Staff | None] = relationship(foreign_keys=[reported_by_staff_id])
    reported_by_pupil: Mapped[Pupil | None] = relationship(foreign_keys=[reported_by_pupil_id])
    pupils: Mapped[list["IncidentPupil"]] = relationship(back_populates="incident")
    evidence: Mapped[list["IncidentEvidence"]] = relationship(order_by="IncidentEvidence.id")


class IncidentPupil(db.Model):
    """A pupil involved in a report, in one role (a pupil may be both witness and reporter)."""

    __tablename__ = "incident_pupil"
    __table_args__ = (
        UniqueConstraint("incident_id", "pupil_id", "role"),
        _one_of("role", PUPIL_ROLES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))

    incident: Mapped[Incident] = relationship(back_populates="pupils")
    pupil: Mapped[Pupil] = relationship()


class IncidentAction(db.Model):
    """One entry in a report's chronology: who, when, what. Never changed: a correction is a
    new entry that names the one it corrects."""

    __tablename__ = "incident_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "reported", "note", "status", "pathway", "support", "correction"
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text, default="")
    # A status change: from and to. Support: the pupil it was given to.
    status_from: Mapped[str | None] = mapped_column(String(20))
    status_to: Mapped[str | None] = mapped_column(String(20))
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupil.id"))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("incident_action.id"))

    staff: Mapped[Staff | None] = relationship()
    pupil: Mapped[Pupil | None] = relationship()


class IncidentEvidence(db.Model):
    """A file sent with a report: kept outside the static folder, under a name of our making."""

    __tablename__ = "incident_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(40))  # read from the content, not the name
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IncidentAudit(db.Model):
    """Every look at, change to, export of or refusal around the log: who, what, when."""

    __tablename__ = "incident_audit"
    __table_args__ = (Index("ix_incident_audit_staff_at", "staff_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # "list", "view", "report", "change", "export", "download", "refused"
    action: Mapped[str] = mapped_column(String(12))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    detail: Mapped[str] = mapped_column(String(300), default="")

    staff: Mapped[Staff | None] = relationship()


class IncidentCounter(db.Model):
    """The last reference number given in each calendar year."""

    __tablename__ = "incident_counter"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


APPEND_ONLY = ("incident_action", "incident_audit")


def append_only_ddl(dialect: str, table: str) -> list[str]:
    """Triggers that make the database refuse any UPDATE or DELETE of ``table``'s rows."""
    if dialect == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION portal_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only'; END $$",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION portal_append_only()",
        ]
    return [
        f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for verb in ("update", "delete")
    ]


for _model in (IncidentAction, IncidentAudit):
    for _dialect in ("sqlite", "postgresql"):
        for _statement in append_only_ddl(_dialect, _model.__tablename__):
            event.listen(
                _model.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect)
            )
