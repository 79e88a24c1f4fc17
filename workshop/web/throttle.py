"""Token buckets by key (an address, an account name), remembered in this process's memory.

The join pages count wrong join codes per address (join_throttle.py), the sign-in page wrong
passwords per account name and per address (signin_throttle.py). Both keep a bounded number
of buckets: a bucket that is full again is forgotten first, and past the bound the keys that
erred most are kept. Each owner holds its own lock around these.
"""

from __future__ import annotations

import ipaddress

from ..domain.allowances import CommandAllowance

# Keys remembered at most; one that has made no mistake lately is forgotten first.
MOST_KEYS = 10_000


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


def allowance(size: tuple[float, float]) -> CommandAllowance:
    """A full bucket of `size` = (burst, refill per second)."""
    burst, per_second = size
    return CommandAllowance(capacity=burst, refill_per_second=per_second, tokens=burst)


class Buckets:
    """One token bucket per key, each `size` = (burst, refill per second); not thread-safe."""

    def __init__(self, size: tuple[float, float], most: int = MOST_KEYS):
        self.size = size
        self.most = most
        self.buckets: dict[str, CommandAllowance] = {}

    def __len__(self) -> int:
        return len(self.buckets)

    def has_left(self, key: str, now: float) -> bool:
        """Whether this key may try once more now (a key never seen may)."""
        bucket = self.buckets.get(key)
        return bucket is None or bucket.has_left(now)

    def take(self, key: str, now: float) -> None:
        """Count one try against this key."""
        bucket = self.buckets.get(key)
        if bucket is None:
            self._forget_some(now)
            bucket = self.buckets[key] = allowance(self.size)
        bucket.take(now)

    def _forget_some(self, now: float) -> None:
        if len(self.buckets) < self.most:
            return
        for key in [k for k, a in self.buckets.items() if a.is_full(now)]:
            del self.buckets[key]
        if len(self.buckets) > self.most:
            # Still too many: keep the keys that erred most, the likeliest guessers.
            kept = sorted(self.buckets.items(), key=lambda item: item[1].tokens)
            self.buckets = dict(kept[: self.most // 2])
