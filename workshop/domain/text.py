"""Text a person typed: trimmed, normalised and checked against its limit; blank is empty."""

from __future__ import annotations

import unicodedata
from typing import Any

from .errors import DomainError

# The idempotency key a client makes for each command that creates something.
CLIENT_KEY_MAX_LENGTH = 64


# Characters that draw nothing although Unicode does not call them space: the Hangul fillers,
# the braille blank, the combining grapheme joiner, the Khmer inherent vowels, the Mongolian
# free variation selectors and the variation selectors.
_BLANK_RANGES = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2800, 0x2800),
    (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0100, 0xE01EF),
)
# Control, format (zero-width space and joiners, bidi marks, tags...) and separators.
_BLANK_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def well_formed(value: str) -> bool:
    """Whether text can be stored: no lone surrogate (JSON's "\\ud800" decodes to one)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shows_nothing(text: str) -> bool:
    """Whether text would show blank: only spaces, zero-width, format and filler characters."""
    return all(unicodedata.category(c) in _BLANK_CATEGORIES
               or any(low <= ord(c) <= high for low, high in _BLANK_RANGES) for c in text)


def clean_text(value: Any, *, max_length: int, required: bool, field_name: str) -> str:
    """Trim and check a piece of text a person typed; empty optional text becomes ''."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError("invalid_payload", f"{field_name} must be text", field=field_name)
    if not well_formed(value):
        raise DomainError("invalid_payload", f"{field_name} contains a lone surrogate",
                          field=field_name)
    # NFC so that 'ä' typed on two keyboards is the same length and compares equal.
    text = unicodedata.normalize("NFC", value).strip()
    if "\x00" in text:
        raise DomainError("invalid_payload", f"{field_name} contains a NUL character",
                          field=field_name)
    if len(text) > max_length:
        raise DomainError("text_too_long", f"{field_name} is longer than {max_length}",
                          field=field_name, max_length=max_length)
    if shows_nothing(text):
        # Zero-width, format and filler characters alone would show as a blank card.
        text = ""
    if required and not text:
        raise DomainError("text_empty", f"{field_name} is empty", field=field_name)
    return text
