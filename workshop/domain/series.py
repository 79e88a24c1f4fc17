"""A series of workshops: one programme run in several cities, compared side by side."""

from __future__ import annotations

SERIES_NAME_MAX_LENGTH = 200
