"""Joining a workshop without an account, and being recognised again by a browser token."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import (
    NICKNAME_MAX_LENGTH,
    ORGANISATION_NAME_MAX_LENGTH,
    DomainError,
    OrganisationType,
    clean_text,
)
from ..models import Participant, Workshop, utcnow


def hash_token(token: str) -> str:
    """The stored form of a browser token."""
    return hashlib.sha256(token.encode()).hexdigest()


def join(
    session: Session,
    workshop: Workshop,
    *,
    nickname: str,
    organisation_type: str,
    organisation_name: str,
    language: str = "",
) -> tuple[Participant, str]:
    """A new participant and the token (256 bits) their browser keeps; only its hash is stored."""
    try:
        kind = OrganisationType(organisation_type)
    except ValueError:
        raise DomainError("invalid_payload", "unknown organisation type",
                          field="organisation_type") from None
    token = secrets.token_urlsafe(32)
    participant = Participant(
        workshop_id=workshop.id,
        token_hash=hash_token(token),
        nickname=clean_text(nickname, max_length=NICKNAME_MAX_LENGTH, required=False,
                            field_name="nickname"),
        organisation_type=kind.value,
        organisation_name=clean_text(organisation_name, max_length=ORGANISATION_NAME_MAX_LENGTH,
                                     required=False, field_name="organisation_name"),
        language=language,
        joined_at=utcnow(),
    )
    session.add(participant)
    session.flush()
    return participant, token


def participant_by_token(session: Session, token: object) -> Participant | None:
    """The participant a browser token belongs to, or None for anything else."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    return session.execute(
        select(Participant).where(Participant.token_hash == hash_token(token))
    ).scalar_one_or_none()
