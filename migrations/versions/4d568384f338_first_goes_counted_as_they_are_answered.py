"""first goes counted as they are answered: each pupil attempt says whether it is the pupil's
first go at the quiz that school year and their class when they began it; first_go_tally
counts the answers chosen at first goes, filled here from the answers already given

Revision ID: 4d568384f338
Revises: 1f2e1289a3be
Create Date: 2026-12-01 15:45:14.947203

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "4d568384f338"
down_revision = "1f2e1289a3be"
branch_labels = None
depends_on = None

# A pupil's first go is their lowest-numbered attempt at the quiz in a school year; their class
# is the one they are in now (the best that is known of the day they began).
MARK_FIRST_GOES = """
UPDATE quiz_attempt SET first_go = TRUE WHERE id IN (
    SELECT min(id) FROM quiz_attempt WHERE pupil_id IS NOT NULL
    GROUP BY pupil_id, quiz_id, academic_year
)
"""
NOTE_CLASSES = """
UPDATE quiz_attempt SET class_id = (SELECT class_id FROM pupil WHERE pupil.id = quiz_attempt.pupil_id)
WHERE pupil_id IS NOT NULL
"""
COUNT_FIRST_GOES = """
INSERT INTO first_go_tally
    (academic_year, class_id, quiz_id, quiz_revision, question_id, choice_id, pupils)
SELECT a.academic_year, a.class_id, a.quiz_id, a.quiz_revision, ans.question_id, ans.choice_id,
    count(*)
FROM quiz_answer ans JOIN quiz_attempt a ON a.id = ans.attempt_id
WHERE a.first_go AND a.class_id IS NOT NULL
GROUP BY a.academic_year, a.class_id, a.quiz_id, a.quiz_revision, ans.question_id, ans.choice_id
"""


def upgrade():
    op.create_table(
        "first_go_tally",
        sa.Column("academic_year", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.String(length=60), nullable=False),
        sa.Column("quiz_revision", sa.String(length=16), nullable=False),
        sa.Column("question_id", sa.String(length=60), nullable=False),
        sa.Column("choice_id", sa.String(length=60), nullable=False),
        sa.Column("pupils", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["school_class.id"], name=op.f("fk_first_go_tally_class_id_school_class")
        ),
        sa.PrimaryKeyConstraint(
            "academic_year",
            "class_id",
            "quiz_id",
            "quiz_revision",
            "question_id",
            "choice_id",
            name=op.f("pk_first_go_tally"),
        ),
    )
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("first_go", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("class_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_quiz_attempt_class_id_school_class"),
            "school_class",
            ["class_id"],
            ["id"],
        )
    op.execute(MARK_FIRST_GOES)
    op.execute(NOTE_CLASSES)
    op.execute(COUNT_FIRST_GOES)
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_quiz_attempt_first_goes",
            ["academic_year", "pupil_id", "class_id", "quiz_id", "quiz_revision"],
            unique=False,
            sqlite_where=sa.text("first_go = 1"),  # as SQLAlchemy writes the condition there
            postgresql_where=sa.text("first_go"),
        )


def downgrade():
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_quiz_attempt_first_goes")
        batch_op.drop_constraint(
            batch_op.f("fk_quiz_attempt_class_id_school_class"), type_="foreignkey"
        )
        batch_op.drop_column("class_id")
        batch_op.drop_column("first_go")
    op.drop_table("first_go_tally")
