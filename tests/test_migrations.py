"""The migrations build the same schema as the models, on SQLite and PostgreSQL."""

from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import DateTime, column, select, table

from portal.classroom.models import ClassSession
from portal.clock import utcnow
from portal.extensions import db
from portal.quiz.models import FirstGoTally, QuizAttempt
from tests.helpers.builders import make_class, make_pupil, make_staff

HOUR = timedelta(hours=1)
# The columns as they were before the migration (the models may have grown since).
CLASS_SESSION = table(
    "class_session",
    *(column(name) for name in ("class_id", "started_by_id", "code")),
    *(column(name, DateTime()) for name in ("started_at", "expires_at")),
)
QUIZ_ATTEMPT = table(
    "quiz_attempt",
    *(column(name) for name in ("pupil_id", "quiz_id", "quiz_revision", "academic_year", "total")),
    column("started_at", DateTime()),
)
FINISHED_ATTEMPT = table(
    "quiz_attempt",
    *(column(name) for name in ("pupil_id", "quiz_id", "quiz_revision", "academic_year", "total")),
    *(column(name, DateTime()) for name in ("started_at", "finished_at")),
)
QUIZ_ANSWER = table(
    "quiz_answer",
    *(column(name) for name in ("attempt_id", "question_id", "choice_id", "correct")),
    column("answered_at", DateTime()),
)
KS1_ATTEMPT = {"quiz_id": "ks1", "quiz_revision": "r1", "academic_year": 2026, "total": 8}


def drop_everything():
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def test_migrations_upgrade_an_empty_database_to_the_models_without_drift(app):
    drop_everything()
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        drift = compare_metadata(context, db.metadata)
    assert drift == []
    downgrade(revision="base")
    upgrade()
    # Leave the schema as the next test on a shared PostgreSQL database expects it.
    drop_everything()
    db.create_all()


def before(revision: str) -> str:
    """The revision a migration upgrades from."""
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision(revision).down_revision


def test_upgrading_ends_clashing_open_sessions_and_removes_duplicate_unfinished_attempts(app):
    """Rows that double submits made before the database kept one open session and attempt."""
    drop_everything()
    upgrade()
    oak = make_class("Oak")
    oak_id, teacher_id, amara_id = oak.id, make_staff(classes=[oak]).id, make_pupil(oak).id
    db.session.close()  # PostgreSQL: no read locks held while the migrations change tables
    downgrade(revision=before("84a9e94dfb58"))
    now = utcnow()
    expires = {"1111": now - timedelta(hours=1), "2222": now + HOUR, "3333": now + HOUR}
    with db.engine.begin() as connection:
        for code, expires_at in expires.items():
            connection.execute(
                CLASS_SESSION.insert().values(
                    class_id=oak_id,
                    started_by_id=teacher_id,
                    code=code,
                    started_at=now - HOUR,
                    expires_at=expires_at,
                )
            )
        for _ in range(3):
            connection.execute(
                QUIZ_ATTEMPT.insert().values(pupil_id=amara_id, started_at=now, **KS1_ATTEMPT)
            )
    upgrade()
    ended = dict(db.session.execute(select(ClassSession.code, ClassSession.ended_at)).all())
    assert ended["1111"] == expires["1111"]  # ended when its time ran out
    assert ended["2222"] is not None and ended["3333"] is None  # the newest stays open
    assert db.session.scalars(select(QuizAttempt.id)).all() == [3]
    db.session.close()
    # Leave the schema as the next test on a shared PostgreSQL database expects it.
    drop_everything()
    db.create_all()


def test_read_aloud_chosen_on_stays_on_and_the_old_default_follows_the_key_stage(app):
    drop_everything()
    upgrade()
    ids = {choice: make_pupil(make_class(), mis_id=f"R{choice}").id for choice in (True, False)}
    db.session.close()
    downgrade(revision=before("d5e8a1b7c342"))
    pupils = table("pupil", column("id"), column("always_read_aloud"))
    with db.engine.begin() as connection:
        for choice, pupil_id in ids.items():
            connection.execute(
                pupils.update().where(pupils.c.id == pupil_id).values(always_read_aloud=choice)
            )
    upgrade()
    chosen = dict(db.session.execute(select(pupils.c.id, pupils.c.always_read_aloud)).all())
    assert (chosen[ids[True]], chosen[ids[False]]) == (True, None)
    db.session.close()
    downgrade(revision=before("d5e8a1b7c342"))
    with db.engine.connect() as connection:
        rows = dict(connection.execute(select(pupils.c.id, pupils.c.always_read_aloud)).all())
    assert (rows[ids[True]], rows[ids[False]]) == (True, False)
    # Leave the schema as the next test on a shared PostgreSQL database expects it.
    drop_everything()
    db.create_all()


def add_finished_attempts(attempts: dict) -> None:
    """Attempts (by id: pupil, school year, choices) and their answers, as rows were before."""
    answers = QUIZ_ANSWER.insert().values(correct=False, answered_at=utcnow())
    with db.engine.begin() as connection:
        for attempt_id, (pupil_id, year, choices) in attempts.items():
            attempt = {**KS1_ATTEMPT, "academic_year": year, "started_at": utcnow()}
            connection.execute(
                FINISHED_ATTEMPT.insert().values(pupil_id=pupil_id, finished_at=utcnow(), **attempt)
            )
            for number, choice in enumerate(choices, start=1):
                values = {
                    "attempt_id": attempt_id,
                    "question_id": f"q{number}",
                    "choice_id": choice,
                }
                connection.execute(answers, values)


def test_upgrading_marks_each_pupils_first_go_and_counts_its_answers(app):
    """Answers given before first goes were counted as they came: each pupil's lowest attempt
    at a quiz in a school year is their first go, counted under their class."""
    drop_everything()
    upgrade()
    oak_class, pine_class = make_class("Oak"), make_class("Pine")
    oak, pine = oak_class.id, pine_class.id
    amara_id, ben_id = make_pupil(oak_class).id, make_pupil(pine_class, "Ben").id
    db.session.close()
    downgrade(revision=before("4d568384f338"))
    add_finished_attempts(
        {  # attempt: (pupil, school year, its answers' choices to q1 and q2)
            1: (amara_id, 2026, ("a", "b")),
            2: (amara_id, 2026, ("c", "c")),  # her second go
            3: (amara_id, 2025, ("c",)),  # her first go the year before
            4: (ben_id, 2026, ("a",)),
        }
    )
    upgrade()
    first = db.session.execute(select(QuizAttempt.id, QuizAttempt.first_go, QuizAttempt.class_id))
    assert sorted(first) == [(1, True, oak), (2, False, oak), (3, True, oak), (4, True, pine)]
    counted = ("academic_year", "class_id", "question_id", "choice_id", "pupils")
    tally = db.session.execute(select(*(FirstGoTally.__table__.c[name] for name in counted)))
    assert sorted(tally) == [
        (2025, oak, "q1", "c", 1),
        (2026, oak, "q1", "a", 1),
        (2026, oak, "q2", "b", 1),
        (2026, pine, "q1", "a", 1),
    ]
    db.session.close()
    # Leave the schema as the next test on a shared PostgreSQL database expects it.
    drop_everything()
    db.create_all()
