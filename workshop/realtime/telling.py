"""Telling a room what happened: facts travel in frames, at most one per room per moment.

Sending one frame to one phone costs the server 30-65 us of CPU (python-socketio queues it
for each connection, whose writer then wakes to send it; see docs/performance.md). A room of
300 phones posting 50 ideas a second would need 15,000 frames a second, most of a core, and
queue behind them. So a room that was told something less than its window ago gets its next
facts together, in one frame, when that window has passed; a room that has been quiet hears
at once. A frame holds its facts in sequence order, and never overtakes the one before.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Frame = list[dict[str, Any]]  # [{"name": "idea.posted", "payload": {"seq": 7, ...}}, ...]

# Rooms up to this size hear their facts at most the configured window apart.
PHONES_PER_WINDOW = 500


def room_window(window: float, phones: int) -> float:
    """How far apart a room's frames are: past PHONES_PER_WINDOW phones, longer with the room.

    Each frame costs the server a send per phone, and a big room's sends starve the
    database's round trips (1,000 phones on PostgreSQL: ack p99 2 s with 50 ms windows,
    0.12 s with 100 ms; docs/performance.md).
    """
    return window * max(1.0, phones / PHONES_PER_WINDOW)


class Teller:
    """Sends each room's facts as `facts` frames, no closer together than its window.

    `window(room)` is in seconds and may grow with the room: a frame's cost is per phone.
    """

    def __init__(self, send: Callable[[str, Frame], None], window: Callable[[str], float],
                 start: Callable[..., Any], sleep: Callable[[float], None],
                 clock: Callable[[], float] = time.monotonic):
        self._send = send
        self._window = window
        self._start = start
        self._sleep = sleep
        self._clock = clock
        # Two entries per workshop this process has told anything: small for its whole life.
        self._last_sent: dict[str, float] = {}
        self._waiting: dict[str, Frame] = {}
        # Held while sending too, so a frame never overtakes the one before it.
        self._lock = threading.Lock()

    def tell(self, room: str, facts: Frame) -> None:
        """Send these facts to the room now, or with the next frame if one was just sent."""
        if not facts:
            return
        with self._lock:
            waiting = self._waiting.get(room)
            if waiting is not None:
                waiting.extend(facts)
                return
            wait = self._last_sent.get(room, float("-inf")) + self._window(room) - self._clock()
            if wait > 0:
                self._waiting[room] = list(facts)
                self._start(self._send_later, room, wait)
                return
            self._send_now(room, facts)

    def _send_later(self, room: str, wait: float) -> None:
        self._sleep(wait)
        with self._lock:
            facts = self._waiting.pop(room)
            try:
                self._send_now(room, facts)
            except Exception:
                # Screens that miss this frame see a gap in the sequence and sync.
                log.exception("could not tell %s %d facts", room, len(facts))

    def _send_now(self, room: str, facts: Frame) -> None:
        self._last_sent[room] = self._clock()
        # On PostgreSQL two commands may commit in one order and get here in the other.
        self._send(room, sorted(facts, key=_number))


def _number(fact: dict[str, Any]) -> int:
    # A table's room hears its table's numbers (tseq), every other room the workshop's.
    payload = fact["payload"]
    return payload.get("seq") or payload.get("tseq") or 0
