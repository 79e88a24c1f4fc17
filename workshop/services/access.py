"""Who is acting, and on which workshop: every command is checked here against the database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..domain import DomainError, Fact, Phase
from ..models import Participant, Workshop


@dataclass(frozen=True)
class Actor:
    """The person behind a command: a participant or a facilitator, in one workshop."""

    workshop_id: int
    participant_id: int | None = None
    facilitator_id: int | None = None

    @property
    def is_facilitator(self) -> bool:
        return self.facilitator_id is not None


def workshop_of(session: Session, actor: Actor, *, lock: bool = False) -> Workshop:
    """The actor's workshop, after checking that the actor really belongs to it.

    Commands that change what the workshop shows pass lock=True: taking the workshop's row
    first, before any idea or cluster row, gives every writer the same lock order on
    PostgreSQL, so two of them never deadlock. (SQLite locks the whole file anyway.)
    """
    query = select(Workshop).where(Workshop.id == actor.workshop_id)
    if lock:
        # FOR NO KEY UPDATE: votes and ideas that merely refer to the workshop still go ahead.
        query = query.with_for_update(key_share=True) \
            .execution_options(populate_existing=True)
    workshop = session.execute(query).scalar_one_or_none()
    if workshop is None:
        raise DomainError("not_found", "no such workshop")
    if actor.is_facilitator:
        if workshop.facilitator_id != actor.facilitator_id:
            raise DomainError("forbidden", "not your workshop")
    elif participant_of(session, actor).workshop_id != workshop.id:
        raise DomainError("forbidden", "not your workshop")
    return workshop


def participant_of(session: Session, actor: Actor) -> Participant:
    """The participant acting; facilitators are refused participant-only commands."""
    if actor.participant_id is None:
        raise DomainError("forbidden", "only participants can do this")
    participant = session.get(Participant, actor.participant_id)
    if participant is None or participant.workshop_id != actor.workshop_id:
        raise DomainError("forbidden", "not a participant of this workshop")
    return participant


def facilitated_workshop(session: Session, actor: Actor) -> Workshop:
    """The workshop, locked for a change, if the actor facilitates it; others are refused."""
    if not actor.is_facilitator:
        raise DomainError("forbidden", "only the facilitator can do this")
    return workshop_of(session, actor, lock=True)


def phase_of(workshop: Workshop) -> Phase:
    """The workshop's phase as the domain's value."""
    return Phase(workshop.phase)


def stamp(session: Session, facts: list[Fact]) -> list[Fact]:
    """Give each workshop-wide fact the workshop's next sequence number, in order."""
    stamped = []
    for fact in facts:
        if fact.audience == "workshop":
            number = session.execute(
                update(Workshop)
                .where(Workshop.id == fact.workshop_id)
                .values(sequence=Workshop.sequence + 1)
                .returning(Workshop.sequence)
            ).scalar_one()
            fact = Fact(fact.name, fact.workshop_id, fact.payload, fact.audience, number)
        stamped.append(fact)
    return stamped


def current_sequence(session: Session, workshop_id: int) -> int:
    """The number of the last fact told to the workshop."""
    return session.execute(
        select(Workshop.sequence).where(Workshop.id == workshop_id)
    ).scalar_one()
