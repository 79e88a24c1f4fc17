"""Wrong join codes, counted per address and overall, so that nobody can try codes until one fits.

Only wrong codes count: a class of a hundred phones behind one address, each typing the right
code, never meets the limit, and a room's worth of typos is allowed at once. The counts live in
this process's memory (per process, like the sockets' allowances): with several processes each
keeps its own, so the limits multiply by the number of processes, which is still far too slow
to find a 40-bit code.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Callable

from ..domain.allowances import CommandAllowance

# Per address: a room's worth of typos at once, then one wrong code every two seconds.
PER_ADDRESS_BURST = 50
PER_ADDRESS_PER_SECOND = 0.5
# Every address together, so that guessing from many addresses is slowed as well.
OVERALL_BURST = 500
OVERALL_PER_SECOND = 10.0
# Addresses remembered at most; one that has made no mistake lately is forgotten first.
MOST_ADDRESSES = 10_000
# What a refused browser is told to wait, in seconds.
RETRY_AFTER = 10


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


class JoinThrottle:
    """Token buckets of wrong join codes: one per address, and one for all of them."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, *,
                 per_address: tuple[float, float] = (PER_ADDRESS_BURST, PER_ADDRESS_PER_SECOND),
                 overall: tuple[float, float] = (OVERALL_BURST, OVERALL_PER_SECOND),
                 most_addresses: int = MOST_ADDRESSES):
        self.clock = clock
        self.per_address = per_address
        self.most_addresses = most_addresses
        self.overall = self._allowance(overall)
        self.addresses: dict[str, CommandAllowance] = {}
        self.lock = threading.Lock()

    def allows(self, address: str | None) -> bool:
        """Whether a code from this address may be looked at now."""
        now = self.clock()
        with self.lock:
            allowance = self.addresses.get(address_key(address))
            if allowance is not None and not allowance.has_left(now):
                return False
            return self.overall.has_left(now)

    def failed(self, address: str | None) -> None:
        """Count one wrong code from this address."""
        now = self.clock()
        key = address_key(address)
        with self.lock:
            allowance = self.addresses.get(key)
            if allowance is None:
                self._forget_some(now)
                allowance = self.addresses[key] = self._allowance(self.per_address)
            allowance.take(now)
            self.overall.take(now)

    def _forget_some(self, now: float) -> None:
        if len(self.addresses) < self.most_addresses:
            return
        for key in [k for k, a in self.addresses.items() if a.is_full(now)]:
            del self.addresses[key]
        if len(self.addresses) > self.most_addresses:
            # Still too many: keep the addresses that erred most, the likeliest guessers.
            kept = sorted(self.addresses.items(), key=lambda item: item[1].tokens)
            self.addresses = dict(kept[: self.most_addresses // 2])

    @staticmethod
    def _allowance(size: tuple[float, float]) -> CommandAllowance:
        burst, per_second = size
        return CommandAllowance(capacity=burst, refill_per_second=per_second, tokens=burst)
