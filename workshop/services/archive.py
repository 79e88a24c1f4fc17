"""Archiving a workshop: kept to be read, out of the main list; and taking it out again.

An archived workshop refuses every change but reading with `archived`, checked where each
change holds the workshop's row (domain/phases.py `check`, with `Room.archived`); joining it
is refused too (services/participants.join). Filing it (archive, unarchive, its series) and
erasing people's data still go through.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from ..domain.protocol import Fact
from ..models import utcnow
from . import audit, timer
from .access import Actor, workshop_for_change


def archive_workshop(session: Session, actor: Actor) -> tuple[dict, list[Fact]]:
    """Archive a workshop its owner or a co-facilitator runs; archiving it again changes nothing.

    Nobody is told: open screens learn it from the refusal of their next change. A running
    timer is paused first (and told): it must not run out, and write to the log, in the archive.
    """
    workshop = workshop_for_change(session, replace(actor, command="workshop.archive"))
    if workshop.archived_at is not None:
        return {"archived": True}, []
    facts = timer.pause_timer(session, actor)[1] if workshop.current_activity_id else []
    workshop.archived_at = utcnow()
    audit.record(session, actor, "workshop.archive", {"workshop_id": workshop.id},
                 before={"archived": False}, after={"archived": True})
    session.flush()
    return {"archived": True}, facts


def unarchive_workshop(session: Session, actor: Actor) -> tuple[dict, list[Fact]]:
    """Take a workshop out of the archive: it can be changed (and run) again."""
    workshop = workshop_for_change(session, replace(actor, command="workshop.unarchive"))
    if workshop.archived_at is None:
        return {"archived": False}, []
    workshop.archived_at = None
    audit.record(session, actor, "workshop.unarchive", {"workshop_id": workshop.id},
                 before={"archived": True}, after={"archived": False})
    session.flush()
    return {"archived": False}, []
