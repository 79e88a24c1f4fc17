"""The facilitators' running counts (who is online, how many voted), recounted after changes.

Counting the room for every arrival and every vote made each of them pay for the whole room:
1,000 phones joining recounted presence 1,000 times, and every vote counted every vote. Only
the newest count matters to a board, so a change only marks its workshop's count as due; one
recount a moment later covers every change made meanwhile. A recount reads what is committed,
and one more always follows the last change, so the board ends on the true figure.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from ..domain.protocol import COUNTS, Audience, Fact
from ..extensions import db

log = logging.getLogger(__name__)

Recount = Callable[[Session, int], dict]

_WAITING, _RUNNING, _AGAIN = "waiting", "running", "again"


class Counts:
    """Recounts each (summary, workshop) at most once per `window`, one recount at a time."""

    def __init__(self, app: Flask, recounts: dict[str, Recount],
                 tell: Callable[[list[Fact]], None], window: float,
                 start: Callable[..., Any], sleep: Callable[[float], None]):
        if set(recounts) != COUNTS:
            raise ValueError(f"every count needs its recount: {sorted(COUNTS)}")
        self._app = app
        self._recounts = recounts
        self._tell = tell
        self._window = window
        self._start = start
        self._sleep = sleep
        self._state: dict[tuple[str, int], str] = {}
        self._lock = threading.Lock()

    def handles(self, name: str) -> bool:
        """Whether facts of this name are counts kept here."""
        return name in self._recounts

    def due(self, name: str, workshop_id: int) -> None:
        """Something this count depends on was committed: recount it soon."""
        if not self._window:
            # No window (the test suite): count now, in the caller's session, and tell at once.
            self._tell([self._fact(db.session, name, workshop_id)])
            return
        key = (name, workshop_id)
        with self._lock:
            state = self._state.get(key)
            if state is None:
                self._state[key] = _WAITING
                self._start(self._recount_while_due, key)
            elif state == _RUNNING:
                # The count under way may have read before this change: count once more after.
                self._state[key] = _AGAIN

    def _recount_while_due(self, key: tuple[str, int]) -> None:
        name, workshop_id = key
        while True:
            self._sleep(self._window)
            with self._lock:
                self._state[key] = _RUNNING
            try:
                with self._app.app_context():
                    try:
                        fact = self._fact(db.session, name, workshop_id)
                    finally:
                        db.session.remove()
                    self._tell([fact])
            except Exception:
                log.exception("could not recount %s of workshop %d", name, workshop_id)
            with self._lock:
                if self._state[key] != _AGAIN:
                    del self._state[key]
                    return
                self._state[key] = _WAITING

    def _fact(self, session: Session, name: str, workshop_id: int) -> Fact:
        return Fact(name, workshop_id, self._recounts[name](session, workshop_id),
                    Audience.FACILITATORS)
