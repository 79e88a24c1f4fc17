"""Who is acting, and on which workshop: every command is checked here against the database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..domain import DomainError, Fact, Phase
from ..models import FactLog, Participant, Workshop, utcnow

CATCH_UP_LIMIT = 200


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

    The facilitator's commands pass lock=True: taking the workshop's row first, before any
    idea, cluster or participant row, gives every writer the same lock order on PostgreSQL,
    so two of them never deadlock. (SQLite locks the whole file anyway.) A participant's
    idea commands keep that order by another way, see take_turn.
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


@dataclass(frozen=True)
class Turn:
    """The workshop's row, locked by this command, and the sequence number it set aside."""

    workshop_id: int
    phase: Phase  # as it stands under the lock, where no phase.set can change it
    number: int


def take_turn(session: Session, workshop_id: int) -> Turn:
    """Lock the workshop's row, as late as the lock order allows, and set a number aside.

    For a participant's idea commands: they read what they need unlocked, then call this
    before their first write, so the row is held for a few statements and the commit rather
    than the whole command. They check the phase again on the turn, and pass the turn to
    stamp, or to give_back when they end up telling nobody.
    """
    # Why not at the start: on PostgreSQL under eventlet every statement waits for a busy
    # hub, and posts that held the row from their first statement queued on it until the
    # connection pool ran dry. Why not after the writes, in the stamp: a command waiting for
    # this row must hold no other row that a command holding it (a facilitator's: workshop
    # first, then ideas, clusters, participants) may wait for. An insert already holds its
    # author's row FOR KEY SHARE (the foreign key's check), which erasing that participant
    # waits for; an edit holds the idea's row, which moving or hiding it waits for. Both
    # would deadlock. Reads take no row locks, so taking the row here keeps the one lock
    # order: the workshop's row before any other. The number comes with the lock (an UPDATE
    # of a column no key uses: FOR NO KEY UPDATE), one round trip less while it is held.
    row = session.execute(
        update(Workshop).where(Workshop.id == workshop_id)
        .values(sequence=Workshop.sequence + 1)
        .returning(Workshop.sequence, Workshop.phase)
    ).one_or_none()
    if row is None:
        raise DomainError("not_found", "no such workshop")
    return Turn(workshop_id, Phase(row.phase), row.sequence)


def give_back(session: Session, turn: Turn) -> None:
    """Return a turn's number unused: a gap would keep every screen waiting for a fact."""
    # Nobody can have taken a number since: the turn holds the row.
    session.execute(update(Workshop).where(Workshop.id == turn.workshop_id)
                    .values(sequence=Workshop.sequence - 1))


def stamp(session: Session, facts: list[Fact], turn: Turn | None = None) -> list[Fact]:
    """Give each workshop-wide fact the workshop's next sequence number, and log it.

    With a turn, the first of them takes the number the turn set aside. The log lets a
    phone that was away ask for just what it missed (see missed_facts).
    """
    reserved = turn.number if turn is not None else None
    stamped = []
    for fact in facts:
        if fact.audience == "workshop":
            if reserved is not None:
                number, reserved = reserved, None
            else:
                number = _next_number(session, fact.workshop_id)
            fact = Fact(fact.name, fact.workshop_id, fact.payload, fact.audience, number)
            session.add(FactLog(workshop_id=fact.workshop_id, sequence=number, name=fact.name,
                                payload=fact.payload, created_at=utcnow()))
        stamped.append(fact)
    if reserved is not None:
        raise ValueError("a turn's number was not used: give it back instead")
    if stamped:
        # Older facts can never be asked for (a snapshot is sent instead): keep the log short.
        last = stamped[-1]
        if last.sequence is not None and last.sequence % CATCH_UP_LIMIT == 0:
            session.execute(delete(FactLog).where(
                FactLog.workshop_id == last.workshop_id,
                FactLog.sequence <= last.sequence - CATCH_UP_LIMIT))
    session.flush()
    return stamped


def _next_number(session: Session, workshop_id: int) -> int:
    return session.execute(
        update(Workshop).where(Workshop.id == workshop_id)
        .values(sequence=Workshop.sequence + 1)
        .returning(Workshop.sequence)
    ).scalar_one()


def missed_facts(session: Session, workshop_id: int, since: int) -> list[dict] | None:
    """The facts after `since`, in order, or None when the log no longer holds them all."""
    rows = session.execute(
        select(FactLog).where(FactLog.workshop_id == workshop_id, FactLog.sequence > since)
        .order_by(FactLog.sequence).limit(CATCH_UP_LIMIT + 1)
    ).scalars().all()
    if not rows and since == current_sequence(session, workshop_id):
        return []
    # Past the limit a snapshot is the smaller answer; a gap means the log was cleared.
    if not rows or rows[0].sequence != since + 1 or len(rows) > CATCH_UP_LIMIT:
        return None
    return [{"name": r.name, "payload": {"seq": r.sequence, **r.payload}} for r in rows]


def current_sequence(session: Session, workshop_id: int) -> int:
    """The number of the last fact told to the workshop."""
    return session.execute(
        select(Workshop.sequence).where(Workshop.id == workshop_id)
    ).scalar_one()
