"""How Tupa talks to its database engine: SQLite tuned for many phones, PostgreSQL as is."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

# An execution option that marks a transaction as one that only reads.
READ_ONLY = "tupa_read_only"


def read_only(session: Session) -> None:
    """Let the session's next transaction only read: on SQLite it then takes no write lock.

    A page, a download or an export that only reads must never hold up the room's posts
    and votes however long it takes. (PostgreSQL's reads lock nothing anyway.) Call it
    before the session has begun its transaction; once begun, a transaction stays as it is.
    """
    if not session.in_transaction():
        session.connection(execution_options={READ_ONLY: True})


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
        if connection.get_execution_options().get(READ_ONLY):
            # WAL lets a reader read its snapshot while the one writer goes on committing.
            connection.exec_driver_sql("BEGIN")
            return
        # IMMEDIATE takes the write lock up front: a read-then-write (count votes, then
        # add one) cannot interleave with another, and never fails half-way as "busy".
        connection.exec_driver_sql("BEGIN IMMEDIATE")
