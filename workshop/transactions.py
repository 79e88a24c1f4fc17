"""How a command becomes a committed transaction: one each, or many in one on SQLite.

SQLite takes one writer at a time and pays for every commit, so one commit per vote caps a
room at a few hundred votes a second. There, commands queue for a single writer that runs
all waiting ones in one transaction, each in a savepoint of its own (a refused vote undoes
only itself), commits once, and only then answers each and tells the room. PostgreSQL runs
commands side by side instead, each in its own transaction.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from . import commands
from .domain import DomainError, Fact
from .extensions import db
from .services.access import Actor

log = logging.getLogger(__name__)

# Long enough for a batch behind a slow disk; a phone's outbox re-sends after this anyway.
ANSWER_TIMEOUT = 30.0
MOST_PER_BATCH = 500


@dataclass
class Outcome:
    """What became of one command: its result, or the reason it was refused or failed."""

    result: dict | None = None
    refusal: DomainError | None = None
    failure: str | None = None  # "server_busy" or "server_error": nothing was stored
    facts: list[Fact] = field(default_factory=list)


def run_alone(name: str, actor: Actor, payload: Any) -> Outcome:
    """Run a command in a transaction of its own on the current session, and commit it."""
    outcome = _run_in(db.session, name, actor, payload)
    try:
        if outcome.refusal or outcome.failure:
            db.session.rollback()
        else:
            db.session.commit()
    except OperationalError:
        db.session.rollback()
        log.exception("commit failed for %s", name)
        return Outcome(failure="server_busy")
    return outcome


class Batcher:
    """One writer for the process: takes every waiting command into one transaction."""

    def __init__(self, app: Flask, start: Callable[..., Any],
                 broadcast: Callable[[list[Fact]], None]):
        self._app = app
        self._start = start
        self._broadcast = broadcast
        self._waiting: queue.Queue = queue.Queue()
        self._started = False
        self._lock = threading.Lock()

    def run(self, name: str, actor: Actor, payload: Any) -> Outcome:
        """Queue a command, wait until its batch is committed, and return its outcome.

        Its facts are handed to the rooms' teller by the writer, in sequence order, before
        this returns; a busy room hears them with its next frame (workshop/telling.py).
        """
        self._ensure_writer()
        done = threading.Event()
        slot: list = []
        self._waiting.put((name, actor, payload, slot, done))
        if not done.wait(ANSWER_TIMEOUT):
            with self._lock:
                if not slot:
                    # Still queued: withdraw it, so "busy" really means nothing was stored.
                    slot.append(None)
                    return Outcome(failure="server_busy")
            done.wait()  # the writer has taken it into a batch: its answer is coming
        return slot[-1]

    def _ensure_writer(self) -> None:
        with self._lock:
            if not self._started:
                self._started = True
                self._start(self._write_forever)

    def _write_forever(self) -> None:
        with self._app.app_context():
            while True:
                batch = [self._waiting.get()]
                while len(batch) < MOST_PER_BATCH:
                    try:
                        batch.append(self._waiting.get_nowait())
                    except queue.Empty:
                        break
                try:
                    self._write(batch)
                except Exception:  # the writer must outlive any one batch
                    log.exception("a batch of %d commands failed", len(batch))
                    for *_, slot, done in batch:
                        if slot and slot[-1] == "taken" and not done.is_set():
                            slot.append(Outcome(failure="server_error"))
                            done.set()
                finally:
                    # Objects are not expired on commit: the next batch must read afresh.
                    db.session.remove()

    def _write(self, batch: list) -> None:
        with self._lock:
            # Take only commands whose sender still waits; slot holds [None] once withdrawn.
            batch = [item for item in batch if not item[3]]
            for *_, slot, _done in batch:
                slot.append("taken")
        session = db.session
        outcomes = []
        for name, actor, payload, _slot, _done in batch:
            savepoint = session.begin_nested()
            outcome = _run_in(session, name, actor, payload)
            if outcome.refusal or outcome.failure:
                savepoint.rollback()
            else:
                savepoint.commit()
            outcomes.append(outcome)
        try:
            session.commit()
        except OperationalError:
            session.rollback()
            log.exception("commit of a batch of %d commands failed", len(batch))
            outcomes = [Outcome(failure="server_busy") for _ in batch]
        self._broadcast([fact for outcome in outcomes for fact in outcome.facts])
        for outcome, (*_, slot, done) in zip(outcomes, batch, strict=True):
            slot.append(outcome)
            done.set()


def _run_in(session, name: str, actor: Actor, payload: Any) -> Outcome:
    try:
        result, facts = commands.run(name, session, actor, payload)
    except DomainError as refusal:
        return Outcome(refusal=refusal)
    except PoolTimeout:
        # Every pooled connection is busy: the client retries, no traceback needed.
        log.warning("no database connection free for %s", name)
        return Outcome(failure="server_busy")
    except OperationalError:
        log.exception("database unavailable during %s", name)
        return Outcome(failure="server_busy")
    except Exception:
        log.exception("command %s failed", name)
        return Outcome(failure="server_error")
    return Outcome(result=result, facts=facts)
