"""The Online-Safety Portal: create_app() builds one configured application."""

import os
from datetime import timedelta
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import config as settings
from portal import routing
from portal.database import end_read_only_transaction
from portal.extensions import csrf, db, login_manager, migrate
from portal.extensions import htmx as htmx_extension
from portal.request_limits import PortalRequest

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    """Build the portal: config, extensions, blueprints, CLI and error pages."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("PORTAL_INSTANCE_PATH", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        # Another folder only for the test that rebuilds the hashed files.
        static_folder=os.environ.get("PORTAL_STATIC_FOLDER", str(ROOT / "static")),
    )
    app.request_class = PortalRequest  # caps the text of every form, not only uploads
    configure(app, overrides or {})
    routing.init_app(app)  # before any blueprint: every route's ids and text go through it
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    db.init_app(app)
    end_read_only_transactions(app)  # after db.init_app: teardowns run last-registered first
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx_extension.init_app(app)

    from portal import models, web  # noqa: F401  (models: every table on the metadata)
    from portal.cli import cli, register_commands
    from portal.quiz import catalogue as quiz_catalogue

    quiz_catalogue.init_app(app)  # a broken quiz stops the portal here, not in front of a pupil

    web.init_app(app)
    register_commands()
    app.cli.add_command(cli)
    return app


def end_read_only_transactions(app: Flask) -> None:
    """Before Flask-SQLAlchemy closes the session (and so rolls back), a context that only
    read commits (portal/database.py says why)."""

    @app.teardown_appcontext
    def _end_read_only(error: BaseException | None) -> None:
        if error is None and db.session.registry.has():
            end_read_only_transaction(db.session())


def configure(app: Flask, overrides: dict) -> None:
    """Defaults, then PORTAL_* variables, then ``overrides`` (tests); refuse unsafe production."""
    values = settings.settings_from_environment()
    values.update(overrides)
    if not values["DATABASE_URL"]:
        instance = settings.private_folder(app.instance_path)
        values["DATABASE_URL"] = f"sqlite:///{instance / 'portal.sqlite3'}"
    settings.private_sqlite_file(values["DATABASE_URL"])
    if not values["SECRET_KEY"]:
        values["SECRET_KEY"] = settings.instance_secret_key(app.instance_path)
    secure_cookies = str(values["BASE_URL"]).startswith("https://")
    app.config.update(
        values,
        SQLALCHEMY_DATABASE_URI=values["DATABASE_URL"],
        SQLALCHEMY_ENGINE_OPTIONS=settings.engine_options(values["DATABASE_URL"]),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        SESSION_COOKIE_NAME="portal_session",
        # Flask's signed cookie is refused once older than a staff session (not 31 days).
        PERMANENT_SESSION_LIFETIME=timedelta(hours=values["STAFF_SESSION_HOURS"]),
        REMEMBER_COOKIE_SECURE=secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,
        PREFERRED_URL_SCHEME="https" if secure_cookies else "http",
    )
    unreadable = settings.unreadable_settings(app.config)
    unreadable += settings.refused_access_settings(app.config)
    if unreadable:  # better a clear refusal now than a 500 on the first page that reads it
        raise RuntimeError("Refusing to start: " + "; ".join(unreadable))
    if values["ENV"] == "production":
        problems = settings.insecure_settings(app.config)
        if problems:
            raise RuntimeError("Refusing to start in production: " + "; ".join(problems))
