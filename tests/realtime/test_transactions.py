"""The batching writer: many commands in one transaction, each refused or kept on its own."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from arrange import as_facilitator, as_participant
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from workshop.extensions import db
from workshop.models import Idea, Vote
from workshop.realtime import commands, transactions


@pytest.fixture
def batcher(app):
    """A writer of its own on a plain thread, recording what it broadcast."""
    told = []
    writer = transactions.Batcher(
        app, lambda target: threading.Thread(target=target, daemon=True).start(), told.extend)
    writer.told = told
    return writer


def _count(app, model, **where) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return db.session.execute(query).scalar_one()


def test_twenty_taps_at_once_keep_five_and_refuse_the_rest_one_by_one(
        app, batcher, make_workshop, make_participant):
    workshop = make_workshop(phase="posting")
    participant, _ = make_participant(workshop)
    phone = as_participant(participant)
    posted = batcher.run(commands.work("idea.post", phone, {"key": "i", "text": "Shade"}))
    board = as_facilitator(workshop)
    batcher.run(commands.work("phase.set", board, {"phase": "voting"}))
    idea_id = posted.result["idea"]["id"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(
            lambda n: batcher.run(
                commands.work("vote.cast", phone, {"key": f"v{n}", "idea_id": idea_id})),
            range(20)))

    kept = [o for o in outcomes if o.result]
    refused = [o.refusal.code for o in outcomes if o.refusal]
    assert len(kept) == 5 and refused == ["vote_budget_spent"] * 15
    assert _count(app, Vote, participant_id=participant.id) == 5
    # The room heard the idea and the phase in order, and one progress note per kept vote.
    numbered = [f.sequence for f in batcher.told if f.sequence is not None]
    assert numbered == sorted(numbered) == [1, 2]
    assert [f.name for f in batcher.told].count("votes.progressed") == 5


def test_a_failed_commit_stores_nothing_and_answers_busy(
        app, batcher, make_workshop, make_participant, monkeypatch):
    workshop = make_workshop(phase="posting")
    participant, _ = make_participant(workshop)
    phone = as_participant(participant)
    real_commit = Session.commit
    failures = iter([True])

    def commit_once_failing(session):
        if next(failures, False):
            raise OperationalError("COMMIT", {}, Exception("disk I/O error"))
        return real_commit(session)

    monkeypatch.setattr(Session, "commit", commit_once_failing)
    lost = batcher.run(commands.work("idea.post", phone, {"key": "a", "text": "Lost?"}))
    again = batcher.run(commands.work("idea.post", phone, {"key": "a", "text": "Lost?"}))

    assert lost.failure == "server_busy" and not lost.facts
    assert again.result["idea"]["text"] == "Lost?"
    assert _count(app, Idea, participant_id=participant.id) == 1
    assert [f.name for f in batcher.told] == ["idea.posted"]


def test_a_command_answered_busy_while_queued_is_never_stored_later(
        app, make_workshop, make_participant, monkeypatch):
    workshop = make_workshop(phase="posting")
    participant, _ = make_participant(workshop)
    phone = as_participant(participant)
    writers = []
    batcher = transactions.Batcher(app, writers.append, lambda facts: None)
    monkeypatch.setattr(transactions, "ANSWER_TIMEOUT", 0.2)

    late = batcher.run(commands.work("idea.post", phone, {"key": "late", "text": "Too late"}))
    threading.Thread(target=writers[0], daemon=True).start()  # the writer wakes up only now
    after = batcher.run(commands.work("idea.post", phone, {"key": "next", "text": "On time"}))

    assert late.failure == "server_busy"
    assert after.result["idea"]["text"] == "On time"
    assert _count(app, Idea, participant_id=participant.id) == 1
