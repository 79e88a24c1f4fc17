"""This process's realtime parts, built in one place: teller, counts, writer, connections,
limits, timekeeper.

Each lives per process: a socket lives on exactly one process, and everything here can be
rebuilt from the database, so none of it is the only copy of anything a user sent.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale
from flask_socketio import SocketIO

from ..domain.protocol import Fact
from ..extensions import db
from ..languages import message_for
from ..services import presence, private_brainstorm, votes
from . import rooms
from .counts import Counts
from .limits import Limits
from .telling import Teller, room_window
from .timekeeper import Timekeeper
from .transactions import Batcher, Outcome, Work, commit_alone

_KEY = "tupa.realtime"


@dataclass
class Realtime:
    """The one path that commits, then tells; and who is connected to this process."""

    server: SocketIO
    teller: Teller
    counts: Counts
    writer: Batcher | None  # on SQLite: one writer batches every change
    connections: dict[str, Any] = field(default_factory=dict)  # sid -> handlers.Connection
    limits: Limits | None = None  # what one connection and one address may send
    timekeeper: Timekeeper | None = None  # tells when time is up; started by startup.prepare

    def perform(self, work: Work, *, batched: bool = True) -> Outcome:
        """Run a change in a committed transaction, then tell the rooms what happened.

        On SQLite the one writer runs it in its next batch, unless `batched` is False: then
        it commits on its own, in the caller's session. The caller's own transaction, which
        may only have read, ends first: it would otherwise hold the write lock the writer
        waits for.
        """
        if self.writer is not None and batched:
            # Only an open transaction needs ending; a handler that read nothing has none.
            if db.session.registry.has() and db.session().in_transaction():
                db.session.commit()
            return self.writer.run(work)  # the writer tells, after its commit
        outcome = commit_alone(work)
        self.broadcast(outcome.facts)
        return outcome

    def broadcast(self, facts: list[Fact]) -> None:
        """Tell each committed fact to its audience; counts are recounted instead of told."""
        news = []
        for fact in facts:
            if self.counts.handles(fact.name):
                self.counts.due(fact.name, fact.workshop_id)
            else:
                news.append(fact)
        rooms.tell(self.teller, news)

    def hang_up(self, sids: list[str]) -> None:
        """Close these sockets, on whichever process holds them (through Redis if need be)."""
        for sid in sids:
            self.server.server.disconnect(sid, namespace="/")


def realtime(app: Flask | None = None) -> Realtime:
    """The app's realtime parts."""
    return (app or current_app).extensions[_KEY]


def wire(server: SocketIO, app: Flask) -> Realtime:
    """Build this process's realtime parts for the app."""
    window = app.config["FACT_WINDOW"]

    def window_for(room: str) -> float:
        # Only this process's phones: each process sends to its own.
        return room_window(window, len(server.server.manager.rooms.get("/", {}).get(room, ())))

    def send_frame(room: str, facts: list[dict]) -> None:
        server.emit("facts", facts, to=room)

    teller = Teller(send_frame, window_for, server.start_background_task, server.sleep)
    counts = Counts(
        app, {"presence.changed": presence.presence_payload, "votes.progressed": votes.progress,
              "ideas.counted": private_brainstorm.idea_counts},
        lambda facts: rooms.tell(teller, facts), window, server.start_background_task,
        server.sleep)
    parts = Realtime(server, teller, counts, None)
    if app.config["BATCH_WRITES"]:
        parts.writer = Batcher(app, server.start_background_task, parts.broadcast)

    @functools.lru_cache(maxsize=64)
    def refusal(code: str, locale: str) -> dict:
        # Answered where a flood arrives, outside any request: the words are made once.
        with app.app_context(), force_locale(locale):
            return {"ok": False, "error": {"code": code, "message": message_for(code, {})}}

    parts.limits = Limits(server.server, parts.connections, refusal,
                          behind_proxy=app.config["BEHIND_PROXY"])
    parts.limits.install()
    parts.timekeeper = Timekeeper(app, parts.perform, server.start_background_task, server.sleep)
    app.extensions[_KEY] = parts
    return parts
