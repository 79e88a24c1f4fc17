"""How much one connection, or one address, may send: enough for a person, not for a script."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

# Refusals of any kind (rate_limited, unknown_command, invalid_payload, a refused connect...)
# one connection may collect in a window before the server closes it: a person never does.
FLOOD_REFUSALS = 100
FLOOD_WINDOW_SECONDS = 10.0
# A connection is closed at its third refused connect (a browser asks once per connection).
REFUSED_CONNECTS_PER_CONNECTION = 3
# Refused connects per address: a class's worth at once, then one a second; past that the
# address's connects are refused unread, before any database lookup.
REFUSED_CONNECTS_PER_ADDRESS = 50
REFUSED_CONNECTS_PER_ADDRESS_PER_SECOND = 1.0
# A connection closed for flooding counts as this many refused connects of its address: an
# address whose sockets are cut again and again is refused like one that guesses tokens.
REFUSED_CONNECTS_PER_FLOOD = 10
# Addresses remembered at most; one that has not been refused lately is forgotten first.
MOST_ADDRESSES = 10_000


@dataclass
class CommandAllowance:
    """A token bucket: how many commands one connection may still send right now.

    The join and sign-in pages reuse it, with other sizes (KeyedAllowances), for the wrong
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
    """Counts a connection's refusals in a window: past the limit it is a script."""

    limit: int = FLOOD_REFUSALS
    window_seconds: float = FLOOD_WINDOW_SECONDS
    refused: int = 0
    since: float = 0.0

    def refuse(self, now: float) -> bool:
        """Note one refusal; True when the connection has been refused too often lately."""
        if now - self.since > self.window_seconds:
            self.since, self.refused = now, 0
        self.refused += 1
        return self.refused > self.limit


def address_key(address: str | None) -> str:
    """The client an address stands for: one IPv6 host holds a whole /64 of addresses."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def full_allowance(size: tuple[float, float]) -> CommandAllowance:
    """A full bucket of `size` = (burst, refill per second)."""
    burst, per_second = size
    return CommandAllowance(capacity=burst, refill_per_second=per_second, tokens=burst)


class KeyedAllowances:
    """One token bucket per key (an address, an account name); not thread-safe.

    At most `most` keys are remembered: a bucket that is full again is forgotten first, and
    past the bound the keys that spent most are kept, the likeliest floods and guessers.
    """

    def __init__(self, size: tuple[float, float], most: int = MOST_ADDRESSES):
        self.size = size
        self.most = most
        self.buckets: dict[str, CommandAllowance] = {}

    def __len__(self) -> int:
        return len(self.buckets)

    def has_left(self, key: str, now: float) -> bool:
        """Whether this key may spend one more now (a key never seen may)."""
        bucket = self.buckets.get(key)
        return bucket is None or bucket.has_left(now)

    def take(self, key: str, now: float, count: int = 1) -> bool:
        """Spend `count` of this key's allowance; False when it ran out."""
        bucket = self.buckets.get(key)
        if bucket is None:
            self._forget_some(now)
            bucket = self.buckets[key] = full_allowance(self.size)
        return all([bucket.take(now) for _ in range(count)])

    def _forget_some(self, now: float) -> None:
        if len(self.buckets) < self.most:
            return
        for key in [k for k, bucket in self.buckets.items() if bucket.is_full(now)]:
            del self.buckets[key]
        if len(self.buckets) >= self.most:
            kept = sorted(self.buckets.items(), key=lambda item: item[1].tokens)
            self.buckets = dict(kept[: self.most // 2])
