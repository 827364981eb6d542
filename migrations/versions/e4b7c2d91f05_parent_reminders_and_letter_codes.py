"""parents' invites: reminders sent, and the short code printed on a letter

Revision ID: e4b7c2d91f05
Revises: d729688231aa
Create Date: 2026-11-30 16:50:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e4b7c2d91f05"
down_revision = "d729688231aa"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("parent_invite", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminders_sent", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("letter_code", sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_parent_invite_letter_code"), ["letter_code"]
        )


def downgrade():
    with op.batch_alter_table("parent_invite", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_parent_invite_letter_code"), type_="unique")
        batch_op.drop_column("letter_code")
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("reminders_sent")
