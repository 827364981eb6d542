"""a policy version can be withdrawn before it takes effect

Revision ID: a3c91f20d5e7
Revises: 84a9e94dfb58
Create Date: 2026-11-30 12:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a3c91f20d5e7"
down_revision = "84a9e94dfb58"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("policy_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_policy_version_withdrawn_by_id_staff"),
            "staff",
            ["withdrawn_by_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("policy_version", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_policy_version_withdrawn_by_id_staff"), type_="foreignkey"
        )
        batch_op.drop_column("withdrawn_by_id")
        batch_op.drop_column("withdrawn_at")
