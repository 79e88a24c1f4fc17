"""Who may act on which workshop: read-only for pages and files, locked for a change.

Reading (a page, a download, a snapshot) takes no row lock, so building a report however
long never holds up the room's posts and votes. A facilitator's change takes the workshop's
row first (see workshop_for_change), and every change holds the phase it was allowed in
(hold_phase). Sequencing the facts a change tells is services/sequence.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from ..domain import phases
from ..domain.errors import DomainError
from ..domain.people import Role
from ..domain.phases import Phase, Room
from ..models import Participant, Workshop, WorkshopFacilitator, utcnow


@dataclass(frozen=True)
class Actor:
    """The person behind a command: a participant or a facilitator, in one workshop.

    `command` is set by the command path (realtime/commands.py): it names what the actor is
    doing, for the phase check and the audit log.
    """

    workshop_id: int
    participant_id: int | None = None
    facilitator_id: int | None = None
    command: str | None = None

    @property
    def is_facilitator(self) -> bool:
        return self.facilitator_id is not None

    @property
    def role(self) -> Role:
        return Role.FACILITATOR if self.is_facilitator else Role.PARTICIPANT


def hold_phase(actor: Actor, room: Room | Phase) -> None:
    """Refuse the actor's command unless the room, as held by its lock, allows it.

    Called where a command holds the workshop's row (a lock no move to another activity can
    pass) and is about to change something; the one table in domain/phases.py decides, and
    the room's pause and timer close a participant's input.
    """
    # A change made from a page (no command) is closed only by the archive.
    phases.check(room, actor.role, actor.command, utcnow())


def room_of(workshop: Workshop) -> Room:
    """The room's state as the workshop's row holds it."""
    return Room(Phase(workshop.phase), workshop.input_paused, workshop.closes_at,
                workshop.archived_at is not None)


def readable_workshop(session: Session, actor: Actor) -> Workshop:
    """The actor's workshop for reading, after checking that the actor belongs to it.

    No row is locked: posts and votes go on while a page or a file is built from it.
    """
    return _checked(session, actor, select(Workshop).where(Workshop.id == actor.workshop_id))


def facilitated_workshop(session: Session, actor: Actor) -> Workshop:
    """The workshop for reading, if the actor facilitates it; others are refused."""
    _facilitator_only(actor)
    return readable_workshop(session, actor)


def workshop_for_change(session: Session, actor: Actor) -> Workshop:
    """The workshop, locked for a facilitator's change; participants are refused.

    Taking the workshop's row first, before any idea, cluster or participant row, gives
    every writer the same lock order on PostgreSQL, so two of them never deadlock. (SQLite
    locks the whole file anyway.) A participant's idea commands keep that order by another
    way, see sequence.take_turn.
    """
    _facilitator_only(actor)
    # FOR NO KEY UPDATE: votes and ideas that merely refer to the workshop still go ahead.
    workshop = _checked(session, actor, select(Workshop).where(Workshop.id == actor.workshop_id)
                        .with_for_update(key_share=True)
                        .execution_options(populate_existing=True))
    hold_phase(actor, room_of(workshop))
    return workshop


def workshop_for_participant_change(session: Session, actor: Actor) -> Workshop:
    """The workshop, locked as a facilitator's change locks it, for a participant's change
    that is neither an idea's nor a vote's (choosing a table, a host's grouping), with the
    room held for the command."""
    participant_of(session, actor)
    workshop = session.execute(select(Workshop).where(Workshop.id == actor.workshop_id)
                               .with_for_update(key_share=True)
                               .execution_options(populate_existing=True)).scalar_one()
    hold_phase(actor, room_of(workshop))
    return workshop


def participant_of(session: Session, actor: Actor) -> Participant:
    """The participant acting; facilitators are refused participant-only commands."""
    if actor.participant_id is None:
        raise DomainError("forbidden", "only participants can do this")
    participant = session.get(Participant, actor.participant_id)
    # An erased or removed participant's phone may still send in the moment before it is hung
    # up: its token is gone, as if it had never joined; the client reconnects on this code and
    # its connect is refused alike, which takes the phone to the join page.
    if participant is None or participant.removed_at is not None:
        raise DomainError("not_authenticated", "no longer a participant of this workshop")
    if participant.workshop_id != actor.workshop_id:
        raise DomainError("forbidden", "not a participant of this workshop")
    return participant


def phase_of(workshop: Workshop) -> Phase:
    """The workshop's phase as the domain's value."""
    return Phase(workshop.phase)


def _facilitator_only(actor: Actor) -> None:
    if not actor.is_facilitator:
        raise DomainError("forbidden", "only the facilitator can do this")


def _checked(session: Session, actor: Actor, query) -> Workshop:
    if not actor.is_facilitator:
        workshop = session.execute(query).scalar_one_or_none()
        if workshop is None:
            raise DomainError("not_found", "no such workshop")
        if participant_of(session, actor).workshop_id != workshop.id:
            raise DomainError("forbidden", "not your workshop")
        return workshop
    # Its owner or a co-facilitator the owner invited, asked in the statement that reads (or
    # locks) the row: a removal committed before it is never missed.
    invited = exists().where(WorkshopFacilitator.workshop_id == Workshop.id,
                             WorkshopFacilitator.facilitator_id == actor.facilitator_id)
    found = session.execute(query.add_columns(
        or_(Workshop.facilitator_id == actor.facilitator_id, invited))).one_or_none()
    if found is None:
        raise DomainError("not_found", "no such workshop")
    workshop, facilitates = found
    if not facilitates:
        raise DomainError("forbidden", "not your workshop")
    return workshop


def check_owner(actor: Actor, workshop: Workshop) -> None:
    """Refuse anyone but the workshop's owner: co-facilitators run it, but neither choose
    who else does nor erase it."""
    if workshop.facilitator_id != actor.facilitator_id:
        raise DomainError("forbidden", "only the workshop's owner can do this")
