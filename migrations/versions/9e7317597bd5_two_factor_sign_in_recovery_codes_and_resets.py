"""two-factor sign-in: the authenticator secret, recovery codes (hashed), resets, and when a
staff session passed its code

Revision ID: 9e7317597bd5
Revises: c27767efbcc6
Create Date: 2026-11-30 16:50:09.249921

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "9e7317597bd5"
down_revision = "c27767efbcc6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_recovery_code_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
        sa.UniqueConstraint(
            "staff_id", "code_hash", name=op.f("uq_recovery_code_staff_id_code_hash")
        ),
    )
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_code_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "staff_two_factor",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_staff_two_factor_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_staff_two_factor")),
    )
    op.create_table(
        "two_factor_reset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("reset_by_id", sa.Integer(), nullable=False),
        sa.Column("reset_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reset_by_id"], ["staff.id"], name=op.f("fk_two_factor_reset_reset_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_two_factor_reset_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_two_factor_reset")),
    )
    with op.batch_alter_table("two_factor_reset", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_two_factor_reset_staff_id"), ["staff_id"], unique=False
        )

    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("two_factor_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.drop_column("two_factor_at")

    with op.batch_alter_table("two_factor_reset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_two_factor_reset_staff_id"))

    op.drop_table("two_factor_reset")
    op.drop_table("staff_two_factor")
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_code_staff_id"))

    op.drop_table("recovery_code")
