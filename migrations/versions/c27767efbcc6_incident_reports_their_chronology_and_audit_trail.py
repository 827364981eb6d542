"""incident reports, their pupils, evidence, chronology and audit trail (append-only)

Revision ID: c27767efbcc6
Revises: e4b7c2d91f05
Create Date: 2026-11-30 16:53:28.565303

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c27767efbcc6"
down_revision = "e4b7c2d91f05"
branch_labels = None
depends_on = None


def append_only_ddl(dialect: str, table: str) -> list[str]:
    """Triggers that make the database refuse any UPDATE or DELETE of the table's rows."""
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


def upgrade():
    op.create_table(
        "incident_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_incident_counter")),
    )
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("submission_key", sa.String(length=36), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=True),
        sa.Column("place", sa.String(length=20), nullable=True),
        sa.Column("place_other", sa.String(length=120), nullable=True),
        sa.Column("happened_on", sa.Date(), nullable=True),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("who_involved", sa.Text(), nullable=True),
        sa.Column("childs_words", sa.Text(), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("told_dsl_in_person", sa.Boolean(), nullable=True),
        sa.Column("feeling", sa.String(length=20), nullable=True),
        sa.Column("tell", sa.String(length=20), nullable=True),
        sa.Column("reported_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("reported_by_pupil_id", sa.Integer(), nullable=True),
        sa.Column("reporter_name", sa.String(length=120), nullable=True),
        sa.Column("reporter_contact", sa.String(length=254), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("pathway", sa.String(length=20), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "category IS NULL OR category in ('bullying_messages', 'bullying_exclusion', 'bullying_impersonation', 'bullying_images', 'bullying_gaming', 'upsetting_content', 'stranger_contact', 'staff_conduct', 'parent_post', 'other')",
            name=op.f("ck_incident_category"),
        ),
        sa.CheckConstraint(
            "pathway IS NULL OR pathway in ('anti_bullying', 'behaviour', 'safeguarding')",
            name=op.f("ck_incident_pathway"),
        ),
        sa.CheckConstraint(
            "place IS NULL OR place in ('messages', 'social_media', 'game', 'video', 'school_device', 'phone', 'other')",
            name=op.f("ck_incident_place"),
        ),
        sa.CheckConstraint(
            "source in ('staff', 'pupil', 'public')", name=op.f("ck_incident_source")
        ),
        sa.CheckConstraint(
            "status != 'closed' OR outcome IS NOT NULL",
            name=op.f("ck_incident_closed_with_outcome"),
        ),
        sa.CheckConstraint(
            "status in ('new', 'investigating', 'action_taken', 'closed')",
            name=op.f("ck_incident_status"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_pupil_id"],
            ["pupil.id"],
            name=op.f("fk_incident_reported_by_pupil_id_pupil"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_staff_id"],
            ["staff.id"],
            name=op.f("fk_incident_reported_by_staff_id_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
        sa.UniqueConstraint("reference", name=op.f("uq_incident_reference")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_incident_submission_key")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index("ix_incident_status_created", ["status", "created_at"], unique=False)

    op.create_table(
        "incident_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status_from", sa.String(length=20), nullable=True),
        sa.Column("status_to", sa.String(length=20), nullable=True),
        sa.Column("pupil_id", sa.Integer(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["incident_action.id"],
            name=op.f("fk_incident_action_corrects_id_incident_action"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_incident_action_incident_id_incident")
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"], ["pupil.id"], name=op.f("fk_incident_action_pupil_id_pupil")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_incident_action_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_action")),
    )
    with op.batch_alter_table("incident_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_action_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "incident_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_incident_audit_incident_id_incident")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_incident_audit_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_audit")),
    )
    with op.batch_alter_table("incident_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_audit_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_incident_audit_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index("ix_incident_audit_staff_at", ["staff_id", "at"], unique=False)

    op.create_table(
        "incident_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_incident_evidence_incident_id_incident")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["staff.id"], name=op.f("fk_incident_evidence_uploaded_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_evidence")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_incident_evidence_stored_name")),
    )
    with op.batch_alter_table("incident_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_evidence_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "incident_pupil",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "role in ('target', 'alleged', 'witness', 'reporter')",
            name=op.f("ck_incident_pupil_role"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_incident_pupil_incident_id_incident")
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"], ["pupil.id"], name=op.f("fk_incident_pupil_pupil_id_pupil")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_pupil")),
        sa.UniqueConstraint(
            "incident_id",
            "pupil_id",
            "role",
            name=op.f("uq_incident_pupil_incident_id_pupil_id_role"),
        ),
    )
    with op.batch_alter_table("incident_pupil", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_pupil_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_incident_pupil_pupil_id"), ["pupil_id"], unique=False)

    for table in ("incident_action", "incident_audit"):
        for statement in append_only_ddl(op.get_bind().dialect.name, table):
            op.execute(statement)


def downgrade():
    with op.batch_alter_table("incident_pupil", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_pupil_pupil_id"))
        batch_op.drop_index(batch_op.f("ix_incident_pupil_incident_id"))

    op.drop_table("incident_pupil")
    with op.batch_alter_table("incident_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_evidence_incident_id"))

    op.drop_table("incident_evidence")
    with op.batch_alter_table("incident_audit", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_audit_staff_at")
        batch_op.drop_index(batch_op.f("ix_incident_audit_incident_id"))
        batch_op.drop_index(batch_op.f("ix_incident_audit_at"))

    op.drop_table("incident_audit")
    with op.batch_alter_table("incident_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_action_incident_id"))

    op.drop_table("incident_action")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_status_created")

    op.drop_table("incident")
    op.drop_table("incident_counter")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS portal_append_only()")
