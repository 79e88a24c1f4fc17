"""Joining a workshop without an account, and being recognised again by a browser token."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.errors import DomainError
from ..domain.people import NICKNAME_MAX_LENGTH, ORGANISATION_NAME_MAX_LENGTH, OrganisationType
from ..domain.protocol import Fact
from ..domain.text import clean_text
from ..domain.tokens import new_token, token_digest
from ..models import Idea, Participant, Vote, Workshop, utcnow
from .access import Actor, facilitated_workshop, participant_of


def join(
    session: Session,
    workshop_id: int,
    *,
    nickname: str,
    organisation_type: str,
    organisation_name: str,
    language: str = "",
) -> tuple[tuple[Participant, str], list[Fact]]:
    """A new participant and the token (256 bits) their browser keeps; only its hash is stored.

    Nobody is told: the facilitators' count changes when the new phone connects.
    """
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise DomainError("not_found", "no such workshop")
    if workshop.archived_at is not None:
        raise DomainError("archived", "the workshop is archived: nobody joins it any more")
    if workshop.joins_locked:
        raise DomainError("joins_locked", "the workshop is closed to new participants")
    try:
        kind = OrganisationType(organisation_type)
    except ValueError:
        raise DomainError("invalid_payload", "unknown organisation type",
                          field="organisation_type") from None
    token = new_token()
    participant = Participant(
        workshop_id=workshop.id,
        token_hash=token_digest(token),
        # An anonymous workshop asks for no nickname and keeps none, whatever is sent.
        nickname="" if workshop.anonymous else clean_text(
            nickname, max_length=NICKNAME_MAX_LENGTH, required=False, field_name="nickname"),
        organisation_type=kind.value,
        organisation_name=clean_text(organisation_name, max_length=ORGANISATION_NAME_MAX_LENGTH,
                                     required=False, field_name="organisation_name"),
        language=language,
        joined_at=utcnow(),
    )
    session.add(participant)
    session.flush()
    return (participant, token), []


def participant_by_token(session: Session, token: object) -> Participant | None:
    """The participant a browser token belongs to, or None for anything else.

    A participant the facilitator removed is no one any more: their token opens nothing.
    """
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    return session.execute(
        select(Participant).where(Participant.token_hash == token_digest(token),
                                  Participant.removed_at.is_(None))
    ).scalar_one_or_none()


def participants_of(session: Session, actor: Actor) -> list[dict]:
    """Who joined the workshop, numbered in joining order as the exports do, with their counts."""
    workshop = facilitated_workshop(session, actor)
    people = session.execute(
        select(Participant).where(Participant.workshop_id == workshop.id)
        .order_by(Participant.joined_at, Participant.id)
    ).scalars().all()
    ideas = _count_by_participant(session, Idea, workshop.id)
    votes = _count_by_participant(session, Vote, workshop.id)
    return [
        {
            "number": number,
            "id": person.id,
            "nickname": person.nickname,
            "organisation_type": person.organisation_type,
            "organisation_name": person.organisation_name,
            "joined_at": person.joined_at,
            "ideas": ideas.get(person.id, 0),
            "votes": votes.get(person.id, 0),
            "removed": person.removed_at is not None,
        }
        # Numbered with the stand-ins of paper notes, as the exports number their authors;
        # listed without them: they are no one to remove or erase.
        for number, person in enumerate(people, start=1) if not person.on_paper
    ]


def _count_by_participant(session: Session, model, workshop_id: int) -> dict[int, int]:
    rows = session.execute(
        select(model.participant_id, func.count()).where(model.workshop_id == workshop_id)
        .group_by(model.participant_id)
    )
    return {participant_id: count for participant_id, count in rows}


def snapshot_part(session: Session, actor: Actor, workshop: Workshop) -> dict:
    """Whose screen it is: the facilitator, or the participant as they described themselves."""
    if actor.is_facilitator:
        return {"me": {"role": "facilitator"}}
    me = participant_of(session, actor)
    return {"me": {
        "role": "participant",
        "participant_id": me.id,
        "nickname": me.nickname,
        "organisation_type": me.organisation_type,
        "organisation_name": me.organisation_name,
    }}
