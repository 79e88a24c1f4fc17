"""Secrets handed to a browser once: a participant's token, the first facilitator's set-up link.

Only their digest is stored, so a copy of the database lets nobody act as their holder.
"""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """A fresh random token of 256 bits, safe in a URL or a cookie."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()
