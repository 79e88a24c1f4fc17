"""A workshop's own settings: its title, its question and the languages it can be run in."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import DomainError

TITLE_MAX_LENGTH = 200
QUESTION_MAX_LENGTH = 500

# Every page, message and export is in these; the first is the fallback.
LANGUAGES = ("fi", "sv", "en")

# Exports and the report show times as the room's clocks showed them, in this zone.
DEFAULT_TIME_ZONE = "Europe/Helsinki"
TIME_ZONE_MAX_LENGTH = 64


def check_time_zone(name: object) -> str:
    """An IANA time zone name this machine knows (Europe/Helsinki), trimmed; else DomainError."""
    text = name.strip() if isinstance(name, str) else ""
    try:
        if not text or len(text) > TIME_ZONE_MAX_LENGTH:
            raise ValueError(text)
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError("invalid_payload", "unknown time zone", field="time_zone") from None
    return text
