"""What a (re)connecting screen gets: the facts it missed, or a snapshot made of parts.

Each feature draws its own part of the snapshot; a new feature adds its part to PARTS and
edits no other.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from ..domain.protocol import Fact
from ..models import Workshop, utcnow
from . import (
    agenda,
    clusters,
    decisions,
    ideas,
    paper,
    participants,
    presence,
    tables,
    timer,
    votes,
    workshops,
)
from .access import Actor, participant_of, readable_workshop
from .sequence import missed_facts

SnapshotPart = Callable[[Session, Actor, Workshop], dict]

# In this order: the sequence number comes first, so nothing read after it is older.
PARTS: tuple[SnapshotPart, ...] = (
    workshops.snapshot_part,
    agenda.snapshot_part,
    ideas.snapshot_part,
    clusters.snapshot_part,
    votes.snapshot_part,
    presence.snapshot_part,
    participants.snapshot_part,
    timer.snapshot_part,
    decisions.snapshot_part,
    tables.snapshot_part,
    paper.snapshot_part,
)


def sync(session: Session, actor: Actor, since: int | None = None,
         table_seq: int | None = None) -> tuple[dict, list[Fact]]:
    """What a (re)connecting screen needs: the facts it missed since `since`, else a snapshot.

    Facilitators always get the snapshot: it also carries presence, which is not logged. A
    catch-up is only ever what the reader could have heard and may still see; a phone at a
    table that missed one of its table's facts (`table_seq` behind) gets a snapshot, as a
    table's facts are not logged. Either answer carries the server's clock, read last: a
    screen sets its own by it to count down a timer.
    """
    answer, facts = _missed_or_snapshot(session, actor, since, table_seq)
    return {**answer, "server_now": timer.moment(utcnow())}, facts


def _missed_or_snapshot(session: Session, actor: Actor, since: int | None,
                        table_seq: int | None) -> tuple[dict, list[Fact]]:
    if since is not None and not actor.is_facilitator:
        readable_workshop(session, actor)
        me = participant_of(session, actor)
        if tables.table_seq_of(session, me) != (table_seq or 0):
            return snapshot(session, actor), []
        missed = missed_facts(session, actor.workshop_id, since, me.joined_at)
        # Moderation is not replayed: a fact about an idea hidden, deleted or edited since it
        # was logged would show what this reader may no longer see.
        if missed is not None and ideas.told_as_they_stand(session, actor.workshop_id, missed) \
                and decisions.told_as_they_stand(session, actor.workshop_id, missed):
            return {"seq": since + len(missed), "missed": missed}, []
    return snapshot(session, actor), []


def snapshot(session: Session, actor: Actor) -> dict:
    """Everything a screen needs to draw the workshop now, as this actor may see it."""
    workshop = readable_workshop(session, actor)
    snap: dict = {}
    for part in PARTS:
        for key, value in part(session, actor, workshop).items():
            # Parts may each add to one shared section, such as "me".
            if isinstance(value, dict) and isinstance(snap.get(key), dict):
                snap[key] = {**snap[key], **value}
            else:
                snap[key] = value
    return snap
