"""The audit log: one row for every change a facilitator (or a page) makes to a workshop.

It is the workshop's record of who did what, and the ground later decisions stand on. A
command that changes nothing (a re-sent one, a hide of a hidden idea) writes no row. Erasing
a participant keeps the rows and pseudonymises what in them was theirs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import AuditEntry, Participant, utcnow
from .access import Actor, facilitated_workshop

# What an erased participant's words become in the rows that quoted them.
ERASED = {"erased": True}

# Acts of the clock rather than of a person; their rows name nobody (record_by_clock).
BY_THE_CLOCK = frozenset({"timer.expire"})


def record(session: Session, actor: Actor, command: str, objects: dict[str, Any], *,
           before: dict | None = None, after: dict | None = None,
           subject_participant_id: int | None = None) -> None:
    """Write one row: the actor did `command` to `objects`, replacing `before` with `after`.

    `subject_participant_id` names the participant whose words before/after hold, if any.
    """
    session.add(AuditEntry(
        workshop_id=actor.workshop_id, at=utcnow(), facilitator_id=actor.facilitator_id,
        participant_id=actor.participant_id, command=command, objects=objects,
        before=before, after=after, subject_participant_id=subject_participant_id,
    ))


def record_by_clock(session: Session, workshop_id: int, command: str, objects: dict[str, Any],
                    *, before: dict | None = None, after: dict | None = None) -> None:
    """Write one row for something time did by itself, such as a timer running out."""
    if command not in BY_THE_CLOCK:
        raise ValueError(f"{command!r} is done by people, not by the clock")
    session.add(AuditEntry(workshop_id=workshop_id, at=utcnow(), command=command,
                           objects=objects, before=before, after=after))


def pseudonymise(session: Session, workshop_id: int, participant_id: int) -> None:
    """Keep an erased participant's rows, without what was theirs: words and who they were."""
    session.execute(
        update(AuditEntry).where(AuditEntry.workshop_id == workshop_id,
                                 AuditEntry.subject_participant_id == participant_id)
        .values(before=ERASED, after=ERASED, subject_participant_id=None))
    session.execute(
        update(AuditEntry).where(AuditEntry.workshop_id == workshop_id,
                                 AuditEntry.participant_id == participant_id)
        .values(participant_id=None))


def entries_of(session: Session, actor: Actor) -> tuple[list[dict], list]:
    """The workshop's audit log, oldest first; only for its facilitator.

    Participants are named by the exports' pseudonyms (p1, p2, ... in joining order); one
    whose data was erased is "erased".
    """
    workshop = facilitated_workshop(session, actor)
    return log_of(session, workshop.id, pseudonyms_of(session, workshop.id)), []


def log_of(session: Session, workshop_id: int, pseudonyms: dict[int, str]) -> list[dict]:
    """The log's rows as plain data, for a reader already let in who knows the pseudonyms."""
    rows = session.execute(
        select(AuditEntry).where(AuditEntry.workshop_id == workshop_id).order_by(AuditEntry.id)
    ).scalars()
    return [_entry(row, pseudonyms) for row in rows]


def entry_payload(row: AuditEntry, pseudonyms: dict[int, str]) -> dict:
    """One row of the log as log_of gives it: for a reader that reads the rows in chunks."""
    return _entry(row, pseudonyms)


def pseudonyms_of(session: Session, workshop_id: int) -> dict[int, str]:
    """Each participant's pseudonym, p1, p2, ... in joining order, as every export names them."""
    ids = session.execute(
        select(Participant.id).where(Participant.workshop_id == workshop_id)
        .order_by(Participant.joined_at, Participant.id)
    ).scalars()
    return {participant_id: f"p{number}" for number, participant_id in enumerate(ids, start=1)}


def _entry(row: AuditEntry, pseudonyms: dict[int, str]) -> dict:
    if row.facilitator_id is not None:
        who = {"facilitator": row.facilitator_id}
    elif row.command in BY_THE_CLOCK:
        who = {"clock": True}
    else:
        who = {"participant": pseudonyms.get(row.participant_id, "erased")}
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "who": who,
        "command": row.command,
        "objects": row.objects,
        "before": row.before,
        "after": row.after,
    }
