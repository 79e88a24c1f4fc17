"""Join codes: short enough to read off a projector, too many to guess."""

from __future__ import annotations

import secrets

# Crockford's base32: no I, L, O or U, so a code read off a projector is not misread.
JOIN_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
JOIN_CODE_LENGTH = 8  # 8 x 5 bits = 40 bits
_CROCKFORD_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_join_code() -> str:
    """A random join code of 8 Crockford base32 characters (40 bits)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(typed: str) -> str:
    """What a participant typed, as a code: case, spaces and dashes do not matter."""
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t\n\r")
    return cleaned.translate(_CROCKFORD_ALIASES)


def format_join_code(code: str) -> str:
    """A code as shown on the projector: two groups of four, easier to read aloud."""
    return f"{code[:4]}-{code[4:]}"
