"""How Tupa talks to its database engine: SQLite tuned for many phones, PostgreSQL as is."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


def tune_engine(engine: Engine) -> None:
    """On SQLite: WAL, foreign keys, a busy timeout, and write-locking transactions."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" below decide how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # IMMEDIATE takes the write lock up front: a read-then-write (count votes, then
        # add one) cannot interleave with another, and never fails half-way as "busy".
        connection.exec_driver_sql("BEGIN IMMEDIATE")
