"""Telling the room that time is up: every process watches the stored deadlines.

Input closes at the deadline without anyone watching (each command compares it with its own
clock, domain/phases.py). What needs a watcher is telling: twice a second each server
process reads the deadlines that have passed and not been told, and marks and tells them
through the one path that commits, then tells (services/timer.expire_timers: one process's
mark wins, so each is told once). Nothing is held in memory but where the last look
ended: a server killed and started again finds the deadlines where they were, in the
database, and tells those that passed while it was down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Flask

from ..extensions import db
from ..models import utcnow
from ..services import timer
from .transactions import Outcome, Work

log = logging.getLogger(__name__)

INTERVAL = 0.5
MOST_BETWEEN_LOOKS = 10.0
# How far back each look reaches before the previous one: covers a deadline written by a
# process whose clock is behind, or committed just after the look read.
OVERLAP = timedelta(minutes=1)


class Timekeeper:
    """One process's watch over the deadlines, started when the server starts serving."""

    def __init__(self, app: Flask, perform: Callable[[Work], Outcome],
                 start: Callable[..., Any], sleep: Callable[[float], None],
                 interval: float = INTERVAL):
        self._app = app
        self._perform = perform
        self._start = start
        self._sleep = sleep
        self._interval = interval
        self._running = False
        # Where the last complete look began; None: look at every deadline ever set.
        self._since: datetime | None = None

    def start(self) -> None:
        """Start watching in the background; a second call changes nothing."""
        if self._running:
            return
        self._running = True
        self._start(self._watch)

    def stop(self) -> None:
        """Stop after the current look (tests; a server just ends)."""
        self._running = False

    def look(self) -> int:
        """Tell every timer that ran out and was not told yet; how many this process told."""
        now = utcnow()
        with self._app.app_context():
            try:
                due = timer.due_timers(db.session, now, self._since)
            finally:
                db.session.remove()  # nothing held while the writer runs the change
            told = 0
            if due:
                outcome = self._perform(Work("timer.expire", lambda session: (
                    None, timer.expire_timers(session, utcnow(), due))))
                if outcome.refusal or outcome.failure:
                    log.warning("could not tell %d timers that ran out: %s", len(due),
                                outcome.failure or outcome.refusal.code)
                    return 0
                told = len(outcome.facts)
        if len(due) < timer.MOST_PER_SWEEP:
            # All seen: the next look starts a little before this one.
            self._since = now - OVERLAP
        return told

    def _watch(self) -> None:
        failures = 0
        while self._running:
            try:
                self.look()
                failures = 0
            except Exception:  # a database away for a moment must not end the watch
                failures += 1
                log.exception("the timekeeper could not look at the deadlines")
            # Looking again and again at a database that is away only fills the log.
            self._sleep(min(self._interval * 2 ** min(failures, 5), MOST_BETWEEN_LOOKS))
