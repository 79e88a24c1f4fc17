"""How a use case becomes a committed transaction: one each, or many in one on SQLite.

Every change, from a socket command or from a page, runs here as Work and is committed
before anyone is told of it. SQLite takes one writer at a time and pays for every commit,
so one commit per vote caps a room at a few hundred votes a second. There, work queues for
a single writer that runs all waiting work in one transaction, each in a savepoint of its
own (a refused vote undoes only itself), commits once, and only then answers each and tells
the rooms. PostgreSQL runs work side by side instead, each in its own transaction.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from flask import Flask
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from ..domain.errors import DomainError
from ..domain.protocol import Fact
from ..extensions import db

log = logging.getLogger(__name__)

# Long enough for a batch behind a slow disk; a phone's outbox re-sends after this anyway.
ANSWER_TIMEOUT = 30.0
MOST_PER_BATCH = 500


@dataclass(frozen=True)
class Work:
    """One use case to run in a transaction: its name for the logs, and the call itself."""

    name: str
    run: Callable[[Session], tuple[Any, list[Fact]]]


@dataclass
class Outcome:
    """What became of one piece of work: its result, or why it was refused or failed."""

    result: Any = None
    refusal: DomainError | None = None
    failure: str | None = None  # "server_busy" or "server_error": nothing was stored
    facts: list[Fact] = field(default_factory=list)


def commit_alone(work: Work) -> Outcome:
    """Run work in a transaction of its own on the current session, and commit it."""
    outcome = _run_in(db.session, work)
    try:
        if outcome.refusal or outcome.failure:
            db.session.rollback()
        else:
            db.session.commit()
    except OperationalError:
        db.session.rollback()
        log.exception("commit failed for %s", work.name)
        return Outcome(failure="server_busy")
    return outcome


class Claim(Enum):
    """Where a letter in the writer's mailbox stands; changed only under the writer's lock."""

    QUEUED = "queued"
    TAKEN = "taken"  # in a batch: its answer is coming
    WITHDRAWN = "withdrawn"  # its sender gave up waiting: never run it


@dataclass
class Letter:
    """A piece of work waiting for the writer, and where its outcome is left."""

    work: Work
    done: threading.Event = field(default_factory=threading.Event)
    claim: Claim = Claim.QUEUED
    outcome: Outcome | None = None

    def answer(self, outcome: Outcome) -> None:
        """Leave the outcome and wake the sender."""
        self.outcome = outcome
        self.done.set()


class Batcher:
    """One writer for the process: takes all waiting work into one transaction."""

    def __init__(self, app: Flask, start: Callable[..., Any],
                 broadcast: Callable[[list[Fact]], None]):
        self._app = app
        self._start = start
        self._broadcast = broadcast
        self._mailbox: queue.Queue[Letter] = queue.Queue()
        self._started = False
        self._lock = threading.Lock()

    def run(self, work: Work) -> Outcome:
        """Queue work, wait until its batch is committed, and return its outcome.

        Its facts are handed to the rooms' teller by the writer, in sequence order, before
        this returns; a busy room hears them with its next frame (realtime/telling.py).
        """
        self._ensure_writer()
        letter = Letter(work)
        self._mailbox.put(letter)
        if not letter.done.wait(ANSWER_TIMEOUT):
            with self._lock:
                if letter.claim is Claim.QUEUED:
                    # Still queued: withdraw it, so "busy" really means nothing was stored.
                    letter.claim = Claim.WITHDRAWN
                    return Outcome(failure="server_busy")
            letter.done.wait()  # the writer has taken it into a batch: its answer is coming
        return letter.outcome

    def _ensure_writer(self) -> None:
        with self._lock:
            if not self._started:
                self._started = True
                self._start(self._write_forever)

    def _write_forever(self) -> None:
        with self._app.app_context():
            while True:
                batch = [self._mailbox.get()]
                while len(batch) < MOST_PER_BATCH:
                    try:
                        batch.append(self._mailbox.get_nowait())
                    except queue.Empty:
                        break
                try:
                    self._write(batch)
                except Exception:  # the writer must outlive any one batch
                    log.exception("a batch of %d commands failed", len(batch))
                    for letter in batch:
                        if letter.claim is Claim.TAKEN and not letter.done.is_set():
                            letter.answer(Outcome(failure="server_error"))
                finally:
                    # Objects are not expired on commit: the next batch must read afresh.
                    db.session.remove()

    def _write(self, batch: list[Letter]) -> None:
        with self._lock:
            batch = [letter for letter in batch if letter.claim is Claim.QUEUED]
            for letter in batch:
                letter.claim = Claim.TAKEN
        session = db.session
        outcomes = []
        for letter in batch:
            savepoint = session.begin_nested()
            outcome = _run_in(session, letter.work)
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
        for outcome, letter in zip(outcomes, batch, strict=True):
            letter.answer(outcome)


def _run_in(session: Session, work: Work) -> Outcome:
    try:
        result, facts = work.run(session)
    except DomainError as refusal:
        return Outcome(refusal=refusal)
    except PoolTimeout:
        # Every pooled connection is busy: the client retries, no traceback needed.
        log.warning("no database connection free for %s", work.name)
        return Outcome(failure="server_busy")
    except OperationalError:
        log.exception("database unavailable during %s", work.name)
        return Outcome(failure="server_busy")
    except Exception:
        log.exception("command %s failed", work.name)
        return Outcome(failure="server_error")
    return Outcome(result=result, facts=facts)
