"""Wrong passwords, counted per account name and per address (the policy: docs/security.md).

Only wrong tries count: a facilitator who signs in right spends nothing. Past the limit no
password is checked at all, so a script gets the same quick answer for every name, existing
or not, and costs the server no hashing.

Per name, so that guessing one account's password from many addresses is slowed; per
address, so that one client trying many names is slowed. A name's limit must not lock its
owner out while someone else keeps typing wrong passwords for it: a browser that has signed
in as that name before (its cookie says so) is counted apart, in a bucket of the same size
per name that only such browsers spend. A guesser would need a copy of that cookie to touch
it.

The counts live in this process's memory, like the join throttle's: with several processes
each keeps its own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ..domain.allowances import MOST_ADDRESSES, KeyedAllowances, address_key

# Per name: ten wrong passwords at once, then one every 30 seconds.
PER_NAME_BURST = 10
PER_NAME_PER_SECOND = 1 / 30
# Per address: twenty at once (an office behind one address), then one every 10 seconds.
PER_ADDRESS_BURST = 20
PER_ADDRESS_PER_SECOND = 1 / 10
# What a refused browser is told to wait, in seconds: the slower refill.
RETRY_AFTER = 30
# A longer name is no account's (names are at most 80 characters): it need not be kept whole.
NAME_KEY_LENGTH = 81


def name_key(name: str | None) -> str:
    """The account a typed name stands for, as the throttle counts it."""
    return (name or "").strip().casefold()[:NAME_KEY_LENGTH]


class SignInThrottle:
    """Token buckets of wrong passwords: one per typed name, one per address."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, *,
                 per_name: tuple[float, float] = (PER_NAME_BURST, PER_NAME_PER_SECOND),
                 per_address: tuple[float, float] = (PER_ADDRESS_BURST, PER_ADDRESS_PER_SECOND),
                 most: int = MOST_ADDRESSES):
        self.clock = clock
        self.names = KeyedAllowances(per_name, most)
        self.names_for_known_browsers = KeyedAllowances(per_name, most)
        self.addresses = KeyedAllowances(per_address, most)
        self.lock = threading.Lock()

    def allows(self, name: str | None, address: str | None, *, known_browser: bool = False
               ) -> bool:
        """Whether a password for this name, from this address, may be checked now.

        `known_browser`: this browser has signed in as this name before; the name's limit for
        such browsers applies, not the one others' guesses spend.
        """
        now = self.clock()
        with self.lock:
            if not self.addresses.has_left(address_key(address), now):
                return False
            return self._names(known_browser).has_left(name_key(name), now)

    def failed(self, name: str | None, address: str | None, *, known_browser: bool = False
               ) -> None:
        """Count one wrong password for this name from this address."""
        now = self.clock()
        with self.lock:
            self._names(known_browser).take(name_key(name), now)
            self.addresses.take(address_key(address), now)

    def _names(self, known_browser: bool) -> KeyedAllowances:
        return self.names_for_known_browsers if known_browser else self.names
