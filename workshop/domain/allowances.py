"""How much one connection, or one address, may send: enough for a person, not for a script."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CommandAllowance:
    """A token bucket: how many commands one connection may still send right now.

    The join and sign-in pages reuse it, with other sizes (web/throttle.py), for the wrong
    join codes one address may type and the wrong passwords typed for one name.

    Sized so that a person never meets it (twenty fast taps, an outbox re-sent after a
    reconnect) while a script flooding the server is slowed to the refill rate.
    """

    capacity: float = 60.0
    refill_per_second: float = 15.0
    tokens: float = 60.0
    updated_at: float = 0.0

    def take(self, now: float) -> bool:
        """Spend one command if there is one left; refill by the time passed since last."""
        if not self.has_left(now):
            return False
        self.tokens -= 1
        return True

    def has_left(self, now: float) -> bool:
        """Whether one more may be spent now, after refilling by the time passed since last."""
        if self.updated_at:
            elapsed = max(now - self.updated_at, 0.0)
            self.tokens = min(self.capacity, self.tokens + elapsed * self.refill_per_second)
        self.updated_at = now
        return self.tokens >= 1

    def is_full(self, now: float) -> bool:
        """Whether nothing has been spent lately: such an allowance need not be remembered."""
        self.has_left(now)
        return self.tokens >= self.capacity


@dataclass
class FloodWatch:
    """Counts a connection's refusals for rate in a window: past a limit it is a script."""

    limit: int = 100
    window_seconds: float = 10.0
    refused: int = 0
    since: float = 0.0

    def refuse(self, now: float) -> bool:
        """Note one refusal; True when the connection has been refused too often lately."""
        if now - self.since > self.window_seconds:
            self.since, self.refused = now, 0
        self.refused += 1
        return self.refused > self.limit
