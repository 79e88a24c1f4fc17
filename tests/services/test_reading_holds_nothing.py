"""Pages, downloads and exports only read: the room's posts never wait for them to be built.

On PostgreSQL they take no row lock; on SQLite a GET's transaction takes no write lock, so
the one writer goes on committing while a page reads its snapshot.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from arrange import as_facilitator, as_participant
from sqlalchemy import create_engine, event, insert, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from workshop.database import tune_engine
from workshop.extensions import db
from workshop.models import Idea, utcnow
from workshop.realtime import commands
from workshop.reports.gather import workshop_export
from workshop.services.access import facilitated_workshop, workshop_for_change


def _post_without_waiting(app, actor, key: str) -> str:
    """Post an idea on a connection of its own that gives up at once on any lock."""
    outcome: list[str] = []

    def post() -> None:
        with app.app_context(), _impatient_session() as session:
            try:
                commands.run("idea.post", session, actor, {"key": key, "text": "Shade"})
                session.commit()
                outcome.append("posted")
            except OperationalError:
                outcome.append("waited for a lock")
            finally:
                session.rollback()

    thread = threading.Thread(target=post)
    thread.start()
    thread.join(30)
    return outcome[0]


@contextmanager
def _impatient_session():
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL lock_timeout = '300ms'"))
        yield db.session
        return
    # SQLite waits for its write lock as BEGIN IMMEDIATE starts, before any statement of ours
    # could lower the wait: an engine of its own, tuned like the app's, waits 0.3 s at most.
    engine = create_engine(db.engine.url)
    tune_engine(engine)
    event.listen(engine, "connect", lambda connection, _record: connection.execute(
        "PRAGMA busy_timeout = 300"))
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


@contextmanager
def _page_being_built(app, path: str):
    """The session of a GET being served (its before-request hooks run), left open."""
    with app.test_request_context(path, method="GET"):
        app.preprocess_request()
        try:
            yield db.session
        finally:
            db.session.rollback()


@pytest.fixture
def large_workshop(app, session, make_workshop, make_participant):
    """A workshop in posting with 2,000 ideas and one participant about to post another."""
    workshop = make_workshop(phase="posting")
    author, _ = make_participant(workshop)
    session.execute(insert(Idea), [
        {"workshop_id": workshop.id, "participant_id": author.id, "text": f"Idea {n}",
         "client_key": f"seed-{n}", "created_at": utcnow()} for n in range(2000)])
    session.commit()
    return workshop, author


def test_a_post_goes_ahead_while_an_export_is_being_built(app, large_workshop):
    workshop, author = large_workshop
    with _page_being_built(app, f"/workshops/{workshop.id}/export.json") as reading:
        # The export's transaction stays open here, as it would while a long report is written.
        export, _ = workshop_export(reading, as_facilitator(workshop))
        assert len(export["ideas"]) == 2000

        assert _post_without_waiting(app, as_participant(author), "during-export") == "posted"


def test_a_post_goes_ahead_while_a_page_holds_its_read_only_authorisation(app, large_workshop):
    workshop, author = large_workshop
    with _page_being_built(app, f"/workshops/{workshop.id}") as reading:
        facilitated_workshop(reading, as_facilitator(workshop))

        assert _post_without_waiting(app, as_participant(author), "during-page") == "posted"


def test_a_change_in_progress_is_what_a_post_waits_for(app, session, large_workshop):
    # The probe above can tell: a transaction that may write does make the same post wait.
    workshop, author = large_workshop
    workshop_for_change(session, as_facilitator(workshop))

    assert _post_without_waiting(app, as_participant(author), "during-change") == (
        "waited for a lock")
