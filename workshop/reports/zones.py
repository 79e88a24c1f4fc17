"""A workshop's time zone as the exports use it: its IANA name, read safely."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FALLBACK = "UTC"


def zone_of(name: str) -> ZoneInfo:
    """The zone of that name; UTC for a name this machine does not know (a restored file's)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo(FALLBACK)
