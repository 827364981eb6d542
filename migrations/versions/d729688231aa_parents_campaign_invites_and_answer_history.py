"""the parents' campaign: one a school year, an invite per guardian, and every answer kept

Revision ID: d729688231aa
Revises: d5e8a1b7c342
Create Date: 2026-11-30 13:17:08.464789

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d729688231aa"
down_revision = "d5e8a1b7c342"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "parent_campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("academic_year", sa.Integer(), nullable=False),
        sa.Column("policy_version_id", sa.Integer(), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["policy_version_id"],
            ["policy_version.id"],
            name=op.f("fk_parent_campaign_policy_version_id_policy_version"),
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["staff.id"], name=op.f("fk_parent_campaign_started_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parent_campaign")),
        sa.UniqueConstraint("academic_year", name=op.f("uq_parent_campaign_academic_year")),
    )
    op.create_table(
        "acknowledgement_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("acknowledgement_id", sa.Integer(), nullable=False),
        sa.Column("response", sa.String(length=12), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("typed_name", sa.String(length=120), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledgement_id"],
            ["acknowledgement.id"],
            name=op.f("fk_acknowledgement_change_acknowledgement_id_acknowledgement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["staff.id"],
            name=op.f("fk_acknowledgement_change_recorded_by_id_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acknowledgement_change")),
    )
    with op.batch_alter_table("acknowledgement_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_acknowledgement_change_acknowledgement_id"),
            ["acknowledgement_id"],
            unique=False,
        )

    op.create_table(
        "parent_invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("emailed_at", sa.DateTime(), nullable=True),
        sa.Column("new_links_sent", sa.Integer(), nullable=False),
        sa.Column("new_links_window_start", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["parent_campaign.id"],
            name=op.f("fk_parent_invite_campaign_id_parent_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardian.id"],
            name=op.f("fk_parent_invite_guardian_id_guardian"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parent_invite")),
        sa.UniqueConstraint(
            "campaign_id", "guardian_id", name=op.f("uq_parent_invite_campaign_id_guardian_id")
        ),
    )
    with op.batch_alter_table("parent_invite", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_parent_invite_guardian_id"), ["guardian_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("parent_invite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parent_invite_guardian_id"))

    op.drop_table("parent_invite")
    with op.batch_alter_table("acknowledgement_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_acknowledgement_change_acknowledgement_id"))

    op.drop_table("acknowledgement_change")
    op.drop_table("parent_campaign")
