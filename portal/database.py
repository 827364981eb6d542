"""Per-connection settings for SQLite, so it behaves like the PostgreSQL we also run on."""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        # Readers never block the writer: the mail worker and the web server share the file.
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()
