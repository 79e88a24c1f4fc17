"""A workshop's own settings: its title, its question and the languages it can be run in."""

from __future__ import annotations

TITLE_MAX_LENGTH = 200
QUESTION_MAX_LENGTH = 500

# Every page, message and export is in these; the first is the fallback.
LANGUAGES = ("fi", "sv", "en")
