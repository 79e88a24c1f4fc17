"""Sequencing: the workshop's numbered facts, the turns that number them, and catch-up.

Every fact told to the whole workshop carries the workshop's next sequence number and is
logged, so a screen that sees a gap asks for just what it missed (missed_facts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..domain.errors import DomainError
from ..domain.phases import Phase, Room
from ..domain.protocol import Fact
from ..models import FactLog, Table, Workshop, utcnow
from .access import Actor

CATCH_UP_LIMIT = 200


@dataclass(frozen=True)
class Turn:
    """The workshop's row, locked by this command, and the sequence number it set aside."""

    workshop_id: int
    room: Room  # as it stands under the lock, where no move or pause can change it
    number: int
    activity_id: int | None  # the current activity, under the same lock


def take_turn(session: Session, actor: Actor) -> Turn:
    """Lock the workshop's row, as late as the lock order allows, and set a number aside.

    For a participant's idea commands: they read what they need unlocked, then call this
    before their first write, so the row is held for a few statements and the commit rather
    than the whole command. The turn holds the room: they pass turn.room to
    access.hold_phase before they change anything, and the turn to stamp, or to give_back
    when they end up telling nobody.
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
        update(Workshop).where(Workshop.id == actor.workshop_id)
        .values(sequence=Workshop.sequence + 1)
        .returning(Workshop.sequence, Workshop.phase, Workshop.input_paused,
                   Workshop.closes_at, Workshop.current_activity_id, Workshop.archived_at)
    ).one_or_none()
    if row is None:
        raise DomainError("not_found", "no such workshop")
    return Turn(actor.workshop_id, Room(Phase(row.phase), row.input_paused, row.closes_at,
                                        row.archived_at is not None),
                row.sequence, row.current_activity_id)


def give_back(session: Session, turn: Turn) -> None:
    """Return a turn's number unused: a gap would keep every screen waiting for a fact."""
    # Nobody can have taken a number since: the turn holds the row.
    session.execute(update(Workshop).where(Workshop.id == turn.workshop_id)
                    .values(sequence=Workshop.sequence - 1))


def stamp(session: Session, facts: list[Fact], turn: Turn | None = None) -> list[Fact]:
    """Give each workshop-wide fact the workshop's next sequence number, and log it; each
    table's fact its table's next number.

    With a turn, the first of them takes the number the turn set aside. The log lets a
    phone that was away ask for just what it missed (see missed_facts). A table's facts are
    not logged: a phone that missed one of its table's numbers gets a snapshot.
    """
    reserved = turn.number if turn is not None else None
    stamped = []
    for fact in facts:
        if fact.audience == "table":
            fact = Fact(fact.name, fact.workshop_id, fact.payload, fact.audience,
                        _next_table_number(session, fact.table_id), fact.table_id)
        elif fact.audience == "workshop":
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


def _next_table_number(session: Session, table_id: int | None) -> int:
    # The workshop's row is held by whoever stamps (a turn, or workshop_for_change), so
    # numbers follow the order of commits, as the workshop's own do.
    return session.execute(
        update(Table).where(Table.id == table_id).values(sequence=Table.sequence + 1)
        .returning(Table.sequence)
    ).scalar_one()


def _next_number(session: Session, workshop_id: int) -> int:
    return session.execute(
        update(Workshop).where(Workshop.id == workshop_id)
        .values(sequence=Workshop.sequence + 1)
        .returning(Workshop.sequence)
    ).scalar_one()


def missed_facts(session: Session, workshop_id: int, since: int,
                 present_since: datetime) -> list[dict] | None:
    """The facts after `since`, in order, or None when a snapshot must answer instead.

    None when the log no longer holds them all, and when they began before `present_since`
    (the reader had not joined yet: that `since` was never handed to them).
    """
    rows = session.execute(
        select(FactLog).where(FactLog.workshop_id == workshop_id, FactLog.sequence > since)
        .order_by(FactLog.sequence).limit(CATCH_UP_LIMIT + 1)
    ).scalars().all()
    if not rows and since == current_sequence(session, workshop_id):
        return []
    # Past the limit a snapshot is the smaller answer; a gap means the log was cleared.
    if not rows or rows[0].sequence != since + 1 or len(rows) > CATCH_UP_LIMIT:
        return None
    if rows[0].created_at < present_since:
        return None
    return [{"name": r.name, "payload": {"seq": r.sequence, **r.payload}} for r in rows]


def current_sequence(session: Session, workshop_id: int) -> int:
    """The number of the last fact told to the workshop."""
    return session.execute(
        select(Workshop.sequence).where(Workshop.id == workshop_id)
    ).scalar_one()
