"""one open class session per class and per code, one unfinished quiz attempt per taker

Partial unique indexes (SQLite and PostgreSQL alike) let the database decide what double
submits used to duplicate. Rows that would break them are put right first: sessions that ran
out of time end when they expired, any other duplicate open session is ended now (the newest
stays open), and duplicate unfinished attempts are removed (the newest stays).

Revision ID: 84a9e94dfb58
Revises: c7d2f4a9e613
Create Date: 2026-11-30 11:03:47.419591

"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "84a9e94dfb58"
down_revision = "c7d2f4a9e613"
branch_labels = None
depends_on = None

NOT_ENDED = sa.text("ended_at IS NULL")
UNFINISHED = sa.text("finished_at IS NULL")
ATTEMPT_KEY = ("quiz_id", "quiz_revision", "academic_year")
CLASS_SESSION = sa.table(
    "class_session",
    sa.column("id", sa.Integer()),
    sa.column("class_id", sa.Integer()),
    sa.column("code", sa.String()),
    sa.column("expires_at", sa.DateTime()),
    sa.column("ended_at", sa.DateTime()),
)
QUIZ_ATTEMPT = sa.table(
    "quiz_attempt",
    *(sa.column(name) for name in ("id", "pupil_id", "staff_id", *ATTEMPT_KEY)),
    sa.column("finished_at", sa.DateTime()),
)
QUIZ_ANSWER = sa.table("quiz_answer", sa.column("attempt_id", sa.Integer()))


def end_clashing_sessions(now: datetime) -> None:
    sessions = CLASS_SESSION
    not_ended = sessions.c.ended_at.is_(None)
    op.execute(
        sessions.update()
        .where(not_ended, sessions.c.expires_at <= now)
        .values(ended_at=sessions.c.expires_at)
    )
    for key in ("class_id", "code"):
        other = sessions.alias("other")
        newest = (
            sa.select(sa.func.max(other.c.id))
            .where(other.c.ended_at.is_(None))
            .group_by(other.c[key])
        )
        op.execute(
            sessions.update().where(not_ended, sessions.c.id.not_in(newest)).values(ended_at=now)
        )


def duplicate_unfinished_attempts(taker: str):
    mine, other = QUIZ_ATTEMPT.alias("mine"), QUIZ_ATTEMPT.alias("other")
    newest = (
        sa.select(sa.func.max(other.c.id))
        .where(other.c.finished_at.is_(None), other.c[taker].is_not(None))
        .group_by(other.c[taker], *(other.c[key] for key in ATTEMPT_KEY))
    )
    return sa.select(mine.c.id).where(
        mine.c.finished_at.is_(None), mine.c[taker].is_not(None), mine.c.id.not_in(newest)
    )


def upgrade():
    end_clashing_sessions(datetime.now(UTC).replace(tzinfo=None))
    for taker in ("pupil_id", "staff_id"):
        duplicates = duplicate_unfinished_attempts(taker)
        op.execute(QUIZ_ANSWER.delete().where(QUIZ_ANSWER.c.attempt_id.in_(duplicates)))
        op.execute(QUIZ_ATTEMPT.delete().where(QUIZ_ATTEMPT.c.id.in_(duplicates)))

    op.drop_index("ix_class_session_code_open", table_name="class_session")
    for name, column in (
        ("uq_class_session_open_class", "class_id"),
        ("uq_class_session_open_code", "code"),
    ):
        op.create_index(
            name,
            "class_session",
            [column],
            unique=True,
            sqlite_where=NOT_ENDED,
            postgresql_where=NOT_ENDED,
        )
    for name, taker in (
        ("uq_quiz_attempt_unfinished_pupil", "pupil_id"),
        ("uq_quiz_attempt_unfinished_staff", "staff_id"),
    ):
        op.create_index(
            name,
            "quiz_attempt",
            [taker, *ATTEMPT_KEY],
            unique=True,
            sqlite_where=UNFINISHED,
            postgresql_where=UNFINISHED,
        )


def downgrade():
    op.drop_index("uq_quiz_attempt_unfinished_staff", table_name="quiz_attempt")
    op.drop_index("uq_quiz_attempt_unfinished_pupil", table_name="quiz_attempt")
    op.drop_index("uq_class_session_open_code", table_name="class_session")
    op.drop_index("uq_class_session_open_class", table_name="class_session")
    op.create_index("ix_class_session_code_open", "class_session", ["code", "ended_at"])
