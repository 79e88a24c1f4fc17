"""Pages, downloads and exports read without a row lock: the room's posts never wait for them."""

from __future__ import annotations

import threading

import pytest
from arrange import as_facilitator, as_participant
from sqlalchemy import insert, text
from sqlalchemy.exc import OperationalError

from workshop.extensions import db
from workshop.models import Idea, utcnow
from workshop.realtime import commands
from workshop.reports.gather import workshop_export
from workshop.services.access import facilitated_workshop, workshop_for_change


def _post_without_waiting(app, actor, key: str) -> str:
    """Post an idea on a connection of its own that gives up at once on any row lock."""
    outcome: list[str] = []

    def post() -> None:
        with app.app_context():
            try:
                db.session.execute(text("SET LOCAL lock_timeout = '300ms'"))
                commands.run("idea.post", db.session, actor, {"key": key, "text": "Shade"})
                db.session.commit()
                outcome.append("posted")
            except OperationalError:
                outcome.append("waited for a lock")
            finally:
                db.session.rollback()

    thread = threading.Thread(target=post)
    thread.start()
    thread.join(30)
    return outcome[0]


@pytest.fixture
def large_workshop(app, session, make_workshop, make_participant):
    """A workshop in posting with 2,000 ideas and one participant about to post another."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time")
    workshop = make_workshop(phase="posting")
    author, _ = make_participant(workshop)
    session.execute(insert(Idea), [
        {"workshop_id": workshop.id, "participant_id": author.id, "text": f"Idea {n}",
         "client_key": f"seed-{n}", "created_at": utcnow()} for n in range(2000)])
    session.commit()
    return workshop, author


def test_a_post_goes_ahead_while_an_export_is_being_built(app, session, large_workshop):
    workshop, author = large_workshop
    board = as_facilitator(workshop)

    # The export's transaction stays open here, as it would while a long report is written.
    export, _ = workshop_export(session, board)
    assert len(export["ideas"]) == 2000

    assert _post_without_waiting(app, as_participant(author), "during-export") == "posted"


def test_a_post_goes_ahead_while_a_page_holds_its_read_only_authorisation(
        app, session, large_workshop):
    workshop, author = large_workshop
    facilitated_workshop(session, as_facilitator(workshop))

    assert _post_without_waiting(app, as_participant(author), "during-page") == "posted"


def test_a_facilitators_change_is_what_a_post_waits_for(app, session, large_workshop):
    # The probe above can tell: a lock for a change does make the same post wait.
    workshop, author = large_workshop
    workshop_for_change(session, as_facilitator(workshop))

    assert _post_without_waiting(app, as_participant(author), "during-change") == (
        "waited for a lock")
