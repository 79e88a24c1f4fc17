"""Tupa: a self-hosted, realtime co-creation workshop tool."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli, headers, web
from .config import Config
from .database import tune_engine
from .extensions import babel, csrf, db, migrate, socketio
from .languages import select_locale
from .realtime import handlers
from .realtime.limits import BoundedPolling

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: object | None = None) -> Flask:
    """Build the app: config, then extensions, then pages, then sockets."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_object(config if config is not None else Config())
    if "*" in app.config["SOCKETIO_CORS_ALLOWED_ORIGINS"]:
        # Engine.IO would then take a socket from any page on the internet.
        raise ValueError("TUPA_ALLOWED_ORIGINS must list origins; '*' is not allowed")
    if app.config["BEHIND_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    with app.app_context():
        tune_engine(db.engine)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        channel=app.config["SOCKETIO_CHANNEL"],
        # None keeps Engine.IO's same-origin check: a page elsewhere cannot open a socket.
        cors_allowed_origins=app.config["SOCKETIO_CORS_ALLOWED_ORIGINS"] or None,
        max_http_buffer_size=64 * 1024,
        manage_session=False,
    )
    # A long-polling POST past that size is answered 413 before Engine.IO reads it.
    app.wsgi_app = BoundedPolling(app.wsgi_app, socketio.server.eio)

    headers.register(app)
    web.register(app)
    cli.register(app)
    handlers.register(socketio, app)
    return app
