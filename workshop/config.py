"""Settings, read from environment variables with safe defaults."""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("TUPA_INSTANCE_DIR", Path(__file__).parent.parent / "instance"))


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one made once and kept in instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        # A fresh key per start would sign every facilitator out on each restart.
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def database_url(url: str) -> str:
    """A plain postgresql:// URL means psycopg2: eventlet can make it yield, psycopg 3 not."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def engine_options(url: str) -> dict:
    """Connection pool settings: on PostgreSQL, room for the commands one process runs at once."""
    if not url.startswith("postgresql"):
        return {}
    # Under eventlet every command, connect and sync is a greenlet that holds a connection
    # while it runs; SQLAlchemy's 5 + 10 ran out under a few hundred phones, and a command
    # that waits 30 s for one is answered server_busy. PostgreSQL allows 100 connections by
    # default, shared with every other process: keep the sum of all servers' pools below.
    return {
        "pool_size": int(os.environ.get("TUPA_DB_POOL_SIZE", "20")),
        "max_overflow": int(os.environ.get("TUPA_DB_MAX_OVERFLOW", "10")),
    }


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Production defaults; every one can be set from the environment."""

    HOST = os.environ.get("HOST", "127.0.0.1")
    PORT = int(os.environ.get("PORT", "5000"))
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'tupa.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = engine_options(SQLALCHEMY_DATABASE_URI)
    # eventlet by default; "gevent" or "threading" is a one-line change here or in the env.
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
    # Redis pub/sub ignores the database number in the queue's URL: installations (or test
    # runs) sharing one Redis stay apart only through channels of their own.
    SOCKETIO_CHANNEL = os.environ.get("TUPA_SOCKETIO_CHANNEL", "").strip() or "tupa"
    # One transaction for many waiting commands: on by default where it pays, on SQLite.
    BATCH_WRITES = _flag("TUPA_BATCH_WRITES", SQLALCHEMY_DATABASE_URI.startswith("sqlite"))
    # A busy room hears its facts in frames at most this far apart (workshop/realtime/telling.py).
    FACT_WINDOW = int(os.environ.get("TUPA_FACT_WINDOW_MS", "50")) / 1000
    # Comma-separated origins allowed to open a socket; empty means the page's own origin.
    SOCKETIO_CORS_ALLOWED_ORIGINS = [
        o.strip() for o in os.environ.get("TUPA_ALLOWED_ORIGINS", "").split(",") if o.strip()
    ]
    # Open sockets a single eventlet server accepts; its default of 1,024 is one busy room.
    MAX_CONNECTIONS = int(os.environ.get("TUPA_MAX_CONNECTIONS", "10000"))
    # Names this process in the presence table, so a restart clears its own stale rows.
    SERVER_NAME_FOR_PRESENCE = os.environ.get(
        "TUPA_SERVER_ID", f"{socket.gethostname()}:{os.environ.get('PORT', '5000')}"
    )
    # Workshops older than this are erased by `flask --app workshop purge-workshops`.
    RETENTION_DAYS = int(os.environ.get("TUPA_RETENTION_DAYS", "365"))
    # Behind nginx: trust one proxy's X-Forwarded-For/-Proto/-Host (see docs/deploy.md).
    BEHIND_PROXY = _flag("TUPA_BEHIND_PROXY", False)
    PUBLIC_URL = os.environ.get("TUPA_PUBLIC_URL", "").rstrip("/")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("TUPA_SECURE_COOKIES", False)
    SESSION_COOKIE_NAME = "tupa_session"
    WTF_CSRF_TIME_LIMIT = None  # a facilitator's form stays valid through a long workshop

    BABEL_DEFAULT_LOCALE = os.environ.get("TUPA_DEFAULT_LANGUAGE", "fi")
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TUPA_TIMEZONE", "Europe/Helsinki")
    # Also a new workshop's time zone unless its facilitator picks another (its exports' clocks).
    TIME_ZONE = BABEL_DEFAULT_TIMEZONE
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).parent / "translations")

    # Printed once at start when there is no facilitator yet.
    SHOW_SETUP_LINK = True
    RUN_MIGRATIONS_ON_START = True

    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()


class TestConfig(Config):
    """For the test suite: a throwaway database and threading mode."""

    TESTING = True
    SOCKETIO_ASYNC_MODE = "threading"
    SOCKETIO_MESSAGE_QUEUE = None
    SHOW_SETUP_LINK = False
    SERVER_NAME_FOR_PRESENCE = "test"
    FACT_WINDOW = 0  # every fact at once, so a test reads what it caused right after

    def __init__(self, url: str) -> None:
        self.SECRET_KEY = "test-" + secrets.token_hex(16)
        self.SQLALCHEMY_DATABASE_URI = database_url(url)
        # SQLAlchemy's own pool: test runs share one PostgreSQL with each other's servers.
        self.SQLALCHEMY_ENGINE_OPTIONS = {}
        self.BATCH_WRITES = self.SQLALCHEMY_DATABASE_URI.startswith("sqlite")
