"""An activity's timer: a stored deadline while it runs, the time left while it is paused.

The server never counts down. It keeps the moment time runs out and tells it as a fact;
every screen counts down from its own clock, corrected by the offset it measured against
the server's. A transition returns a new Timer; one that does not apply to the timer's
state (pausing a paused timer, say) returns the timer unchanged, so a re-sent command is
harmless and its answer is the state as it stands.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from .agenda import MAX_DURATION_SECONDS
from .errors import DomainError

# One adjustment moves the deadline by at most an hour, either way.
MAX_ADJUST_SECONDS = 60 * 60


class TimerState(StrEnum):
    """Where a timer is, as every screen shows it."""

    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


@dataclass(frozen=True)
class Timer:
    """One activity's timer: its planned length, and a deadline or the time left (never both).

    A deadline in the past is a timer whose time is up; it keeps its deadline, so input it
    closed stays closed until the facilitator moves on, adds time or stops it.
    """

    duration_seconds: int | None = None
    deadline: datetime | None = None
    remaining_ms: int | None = None

    def __post_init__(self) -> None:
        if self.deadline is not None and self.remaining_ms is not None:
            raise ValueError("a timer runs or is paused, not both")

    def state(self, now: datetime) -> TimerState:
        """Idle, running, paused or ended, at `now`."""
        if self.remaining_ms is not None:
            return TimerState.PAUSED
        if self.deadline is None:
            return TimerState.IDLE
        return TimerState.RUNNING if now < self.deadline else TimerState.ENDED

    def left_ms(self, now: datetime) -> int | None:
        """Milliseconds left at `now`: never below zero; None for a timer never started."""
        if self.remaining_ms is not None:
            return self.remaining_ms
        if self.deadline is None:
            return None
        return max(_ms(self.deadline - now), 0)

    def start(self, seconds: Any, now: datetime) -> Timer:
        """Run for `seconds` (None: the planned length) from now.

        A running timer started again with the length it runs for is left as it is: the
        same start sent twice must not give the room its time again.
        """
        if seconds is None:
            if self.duration_seconds is None:
                raise DomainError("no_duration", "this activity has no planned length")
            seconds = self.duration_seconds
        seconds = _whole_seconds(seconds, 1, MAX_DURATION_SECONDS, "seconds")
        now = _to_ms(now)
        if self.state(now) is TimerState.RUNNING and seconds == self.duration_seconds:
            return self
        return Timer(seconds, now + timedelta(seconds=seconds), None)

    def pause(self, now: datetime) -> Timer:
        """Keep the time left and stop counting; anything but a running timer stays as it is."""
        now = _to_ms(now)
        if self.state(now) is not TimerState.RUNNING:
            return self
        return replace(self, deadline=None, remaining_ms=self.left_ms(now))

    def resume(self, now: datetime) -> Timer:
        """Count down again from the time that was left; only a paused timer resumes."""
        if self.remaining_ms is None:
            return self
        return replace(self, deadline=_to_ms(now) + timedelta(milliseconds=self.remaining_ms),
                       remaining_ms=None)

    def adjust(self, seconds: Any, now: datetime) -> Timer:
        """Add time to (or take it away from) a running, paused or ended timer.

        Never below nothing: taking more than is left ends it now. Never more than the
        longest activity left. An idle timer has nothing to adjust and stays idle; adding
        to an ended one runs it again.
        """
        seconds = _whole_seconds(seconds, -MAX_ADJUST_SECONDS, MAX_ADJUST_SECONDS, "seconds")
        if seconds == 0:
            raise DomainError("invalid_payload", "seconds must not be 0", field="seconds")
        now = _to_ms(now)
        state = self.state(now)
        if state is TimerState.IDLE or (state is TimerState.ENDED and seconds < 0):
            return self
        longest = MAX_DURATION_SECONDS * 1000
        if state is TimerState.PAUSED:
            left = min(self.remaining_ms + seconds * 1000, longest)
            if left <= 0:
                return replace(self, deadline=now, remaining_ms=None)
            return replace(self, remaining_ms=left)
        # Running: the deadline itself moves, so a minute more is exactly a minute later.
        start_from = self.deadline if state is TimerState.RUNNING else now
        deadline = min(start_from + timedelta(seconds=seconds),
                       now + timedelta(milliseconds=longest))
        return replace(self, deadline=max(deadline, now))

    def stop(self) -> Timer:
        """Back to idle: nothing counts down and nothing is closed by time."""
        return Timer(self.duration_seconds)


def closes_at(timer: Timer, closes_when_time_up: bool) -> datetime | None:
    """When this timer closes its activity's input: its deadline, if it closes it at all.

    A paused timer closes nothing until it runs again; an ended one keeps input closed.
    """
    return timer.deadline if closes_when_time_up else None


def _whole_seconds(value: Any, lowest: int, highest: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
        raise DomainError("invalid_payload", f"{name} must be whole seconds, {lowest}-{highest}",
                          field=name)
    return value


def _to_ms(moment: datetime) -> datetime:
    # Stored and told to the millisecond, so a deadline reads back exactly as it was told.
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _ms(span: timedelta) -> int:
    return span // timedelta(milliseconds=1)
