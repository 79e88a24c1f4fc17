"""How much one connection, or one address, may send: enough for a person, not for a script."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

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


@dataclass
class AddressAllowances:
    """A token bucket per address, of which at most `most` are remembered."""

    capacity: float = REFUSED_CONNECTS_PER_ADDRESS
    refill_per_second: float = REFUSED_CONNECTS_PER_ADDRESS_PER_SECOND
    most: int = MOST_ADDRESSES
    buckets: dict[str, CommandAllowance] = field(default_factory=dict)

    def has_left(self, address: str, now: float) -> bool:
        """Whether this address may spend one more now (an unknown address may)."""
        bucket = self.buckets.get(address)
        return bucket is None or bucket.has_left(now)

    def take(self, address: str, now: float, count: int = 1) -> bool:
        """Spend `count` of this address's allowance; False when it ran out."""
        bucket = self.buckets.get(address)
        if bucket is None:
            self._forget_some(now)
            bucket = self.buckets[address] = CommandAllowance(
                capacity=self.capacity, refill_per_second=self.refill_per_second,
                tokens=self.capacity)
        return all([bucket.take(now) for _ in range(count)])

    def _forget_some(self, now: float) -> None:
        if len(self.buckets) < self.most:
            return
        for key in [k for k, bucket in self.buckets.items() if bucket.is_full(now)]:
            del self.buckets[key]
        if len(self.buckets) >= self.most:
            # Still too many: keep the addresses refused most, the likeliest floods.
            kept = sorted(self.buckets.items(), key=lambda item: item[1].tokens)
            self.buckets = dict(kept[: self.most // 2])
