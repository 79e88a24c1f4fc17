"""Where work that costs CPU runs: off the event loop when the server has one.

A password hash takes about 0.3 s of CPU on purpose. Run on eventlet's loop, it holds every
phone of every room for that long (issue 13: a few sessions typing wrong passwords pushed
another participant's round trip past 4 s). run.py, the one module that imports eventlet,
installs `eventlet.tpool.execute` here: a real OS thread, and hashlib.scrypt lets go of the
GIL while it works. Anywhere else (threading mode, the tests, the shell) it is a plain call.

Only pure work is handed over: no database session, no request, nothing of Flask.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app

# The app.extensions key of the callable: offload(function, *args, **kwargs) -> its result.
OFFLOAD = "tupa.offload"

T = TypeVar("T")
Offload = Callable[..., Any]


def direct(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run it here and now: for servers without an event loop to keep free."""
    return function(*args, **kwargs)


def install(app: Flask, offload: Offload) -> None:
    """Make `offload` the way this app runs CPU-heavy work (run.py: eventlet.tpool.execute)."""
    app.extensions[OFFLOAD] = offload


def offload() -> Offload:
    """The current app's way of running CPU-heavy work; a direct call unless one is installed."""
    return current_app.extensions.get(OFFLOAD, direct)
