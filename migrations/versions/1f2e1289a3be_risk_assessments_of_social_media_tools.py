"""the register of social media tools used in lessons: each entry's risk assessment, its
classes, and its history of decisions, reviews and retirement

Revision ID: 1f2e1289a3be
Revises: 9e7317597bd5
Create Date: 2026-12-01 03:12:00.228398

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "1f2e1289a3be"
down_revision = "9e7317597bd5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "risk_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_key", sa.String(length=36), nullable=False),
        sa.Column("tool", sa.String(length=120), nullable=False),
        sa.Column("whole_school", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("risks", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("review_due_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "status != 'approved' OR review_due_on IS NOT NULL",
            name=op.f("ck_risk_assessment_approved_has_review_date"),
        ),
        sa.CheckConstraint(
            "status != 'declined' OR decline_reason IS NOT NULL",
            name=op.f("ck_risk_assessment_declined_with_reason"),
        ),
        sa.CheckConstraint(
            "status in ('awaiting', 'approved', 'declined', 'retired')",
            name=op.f("ck_risk_assessment_status"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["staff.id"], name=op.f("fk_risk_assessment_decided_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["staff.id"], name=op.f("fk_risk_assessment_requested_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessment")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_risk_assessment_submission_key")),
    )
    with op.batch_alter_table("risk_assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_assessment_status"), ["status"], unique=False)

    op.create_table(
        "risk_assessment_class",
        sa.Column("risk_assessment_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["school_class.id"],
            name=op.f("fk_risk_assessment_class_class_id_school_class"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["risk_assessment_id"],
            ["risk_assessment.id"],
            name=op.f("fk_risk_assessment_class_risk_assessment_id_risk_assessment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "risk_assessment_id", "class_id", name=op.f("pk_risk_assessment_class")
        ),
    )
    op.create_table(
        "risk_assessment_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_assessment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("review_due_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "kind in ('requested', 'approved', 'declined', 'reviewed', 'retired')",
            name=op.f("ck_risk_assessment_event_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["risk_assessment_id"],
            ["risk_assessment.id"],
            name=op.f("fk_risk_assessment_event_risk_assessment_id_risk_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_risk_assessment_event_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessment_event")),
    )
    with op.batch_alter_table("risk_assessment_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_assessment_event_risk_assessment_id"),
            ["risk_assessment_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("risk_assessment_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_assessment_event_risk_assessment_id"))

    op.drop_table("risk_assessment_event")
    op.drop_table("risk_assessment_class")
    with op.batch_alter_table("risk_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_assessment_status"))

    op.drop_table("risk_assessment")
