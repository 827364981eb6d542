"""The migrations build the same schema as the models, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from portal.extensions import db


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
