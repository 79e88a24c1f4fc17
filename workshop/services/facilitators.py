"""Facilitator accounts: the one-time set-up link, creating accounts, signing in."""

from __future__ import annotations

import secrets

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.errors import DomainError
from ..domain.text import clean_text
from ..domain.tokens import new_token, token_digest
from ..models import Facilitator, SetupToken, utcnow

# Deliberately slow to compute; the tests swap in a fast one (a hash records its own method,
# so checking works for either).
PASSWORD_METHOD = "scrypt"  # noqa: S105  (a hash method, not a password)
MIN_PASSWORD_LENGTH = 10
NAME_MAX_LENGTH = 80
_UNKNOWN_NAME_HASH = generate_password_hash(secrets.token_urlsafe(16))


def has_facilitator(session: Session) -> bool:
    """Whether anyone can sign in yet."""
    return session.execute(select(func.count()).select_from(Facilitator)).scalar_one() > 0


def issue_setup_token(session: Session) -> str:
    """A fresh one-time set-up token; any earlier one stops working."""
    session.execute(delete(SetupToken))
    token = new_token()
    session.add(SetupToken(token_hash=token_digest(token), created_at=utcnow()))
    session.flush()
    return token


def setup_token_valid(session: Session, token: str) -> bool:
    """Whether a set-up link may still be used."""
    found = session.execute(
        select(SetupToken).where(SetupToken.token_hash == token_digest(token))
    ).scalar_one_or_none()
    return found is not None


def create_facilitator(session: Session, name: str, password: str) -> Facilitator:
    """A new facilitator account with a hashed password."""
    name = clean_text(name, max_length=NAME_MAX_LENGTH, required=True, field_name="name")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError("password_too_short",
                          f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if session.execute(select(Facilitator).where(Facilitator.name == name)).scalar_one_or_none():
        raise DomainError("name_taken", "that name is taken")
    facilitator = Facilitator(
        name=name, password_hash=generate_password_hash(password, method=PASSWORD_METHOD),
        created_at=utcnow(),
    )
    session.add(facilitator)
    session.flush()
    return facilitator


def redeem_setup_token(session: Session, token: str, name: str, password: str) -> Facilitator:
    """Create the first facilitator through the set-up link, which then stops working."""
    if not setup_token_valid(session, token):
        raise DomainError("setup_link_used", "this set-up link is no longer valid")
    facilitator = create_facilitator(session, name, password)
    session.execute(delete(SetupToken))
    return facilitator


def authenticate(session: Session, name: str, password: str) -> Facilitator | None:
    """The facilitator with this name and password, or None."""
    facilitator = session.execute(
        select(Facilitator).where(Facilitator.name == name.strip())
    ).scalar_one_or_none()
    # Hash even for an unknown name, so the answer's timing does not tell which names exist.
    stored = facilitator.password_hash if facilitator else _UNKNOWN_NAME_HASH
    if not check_password_hash(stored, password) or facilitator is None:
        return None
    return facilitator
