"""Text a person typed: trimmed, normalised and checked against its limit."""

from __future__ import annotations

import unicodedata
from typing import Any

from .errors import DomainError

# The idempotency key a client makes for each command that creates something.
CLIENT_KEY_MAX_LENGTH = 64


def clean_text(value: Any, *, max_length: int, required: bool, field_name: str) -> str:
    """Trim and check a piece of text a person typed; empty optional text becomes ''."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError("invalid_payload", f"{field_name} must be text", field=field_name)
    # NFC so that 'ä' typed on two keyboards is the same length and compares equal.
    text = unicodedata.normalize("NFC", value).strip()
    if "\x00" in text:
        raise DomainError("invalid_payload", f"{field_name} contains a NUL character",
                          field=field_name)
    if required and not text:
        raise DomainError("text_empty", f"{field_name} is empty", field=field_name)
    if len(text) > max_length:
        raise DomainError("text_too_long", f"{field_name} is longer than {max_length}",
                          field=field_name, max_length=max_length)
    return text
