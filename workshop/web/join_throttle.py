"""Wrong join codes, counted per address and overall, so that nobody can try codes until one fits.

Only wrong codes count: a class of a hundred phones behind one address, each typing the right
code, never meets the limit, and a room's worth of typos is allowed at once. The counts live in
this process's memory (per process, like the sockets' allowances): with several processes each
keeps its own, so the limits multiply by the number of processes, which is still far too slow
to find a 40-bit code.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ..domain.allowances import KeyedAllowances, address_key, full_allowance

__all__ = ["JoinThrottle", "address_key"]

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


class JoinThrottle:
    """Token buckets of wrong join codes: one per address, and one for all of them."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, *,
                 per_address: tuple[float, float] = (PER_ADDRESS_BURST, PER_ADDRESS_PER_SECOND),
                 overall: tuple[float, float] = (OVERALL_BURST, OVERALL_PER_SECOND),
                 most_addresses: int = MOST_ADDRESSES):
        self.clock = clock
        self.overall = full_allowance(overall)
        self.addresses = KeyedAllowances(per_address, most_addresses)
        self.lock = threading.Lock()

    def allows(self, address: str | None) -> bool:
        """Whether a code from this address may be looked at now."""
        now = self.clock()
        with self.lock:
            return (self.addresses.has_left(address_key(address), now)
                    and self.overall.has_left(now))

    def failed(self, address: str | None) -> None:
        """Count one wrong code from this address."""
        now = self.clock()
        with self.lock:
            self.addresses.take(address_key(address), now)
            self.overall.take(now)
