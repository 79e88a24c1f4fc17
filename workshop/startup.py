"""What happens once before the server takes its first phone."""

from __future__ import annotations

from flask import Flask
from flask_migrate import upgrade

from .extensions import db
from .realtime.wiring import realtime
from .services import facilitators, presence


def prepare(app: Flask) -> None:
    """Bring the schema up to date, drop stale presence, and offer a set-up link if needed."""
    with app.app_context():
        if app.config["RUN_MIGRATIONS_ON_START"]:
            upgrade()
        presence.forget_server(db.session, app.config["SERVER_NAME_FOR_PRESENCE"])
        link = None
        if app.config["SHOW_SETUP_LINK"] and not facilitators.has_facilitator(db.session):
            token = facilitators.issue_setup_token(db.session)
            base = app.config["PUBLIC_URL"] or f"http://{app.config['HOST']}:{app.config['PORT']}"
            link = f"{base}/setup/{token}"
        db.session.commit()
    if link:
        print(f"\n  No facilitator account yet. Create the first one here (link works once):\n"
              f"  {link}\n", flush=True)
    # After the migrations: it reads the timers' deadlines.
    realtime(app).timekeeper.start()
    print(f"  Tupa is running on http://{app.config['HOST']}:{app.config['PORT']}\n", flush=True)
