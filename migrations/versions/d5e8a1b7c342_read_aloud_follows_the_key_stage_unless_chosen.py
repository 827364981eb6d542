"""read-aloud follows the Key Stage unless the teacher chose

Revision ID: d5e8a1b7c342
Revises: a3c91f20d5e7
Create Date: 2026-11-30 13:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d5e8a1b7c342"
down_revision = "a3c91f20d5e7"
branch_labels = None
depends_on = None

pupil = sa.table("pupil", sa.column("always_read_aloud", sa.Boolean()))


def upgrade():
    # NULL: the Key Stage's default (on for Reception and Key Stage 1). An existing False was
    # nobody's choice, only the old default; an existing True was a teacher's, so it stays.
    with op.batch_alter_table("pupil", schema=None) as batch_op:
        batch_op.alter_column(
            "always_read_aloud", existing_type=sa.Boolean(), nullable=True, server_default=None
        )
    op.execute(
        pupil.update().where(pupil.c.always_read_aloud.is_(False)).values(always_read_aloud=None)
    )


def downgrade():
    op.execute(
        pupil.update().where(pupil.c.always_read_aloud.is_(None)).values(always_read_aloud=False)
    )
    with op.batch_alter_table("pupil", schema=None) as batch_op:
        batch_op.alter_column(
            "always_read_aloud",
            existing_type=sa.Boolean(),
            nullable=False,
            server_default=sa.false(),
        )
