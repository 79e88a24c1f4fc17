"""Erasing personal data: a whole workshop, one participant, or everything past retention."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..domain.errors import DomainError
from ..domain.protocol import Fact
from ..models import (
    AuditEntry,
    Cluster,
    FactLog,
    Idea,
    Participant,
    Presence,
    Vote,
    Workshop,
    WorkshopFacilitator,
    utcnow,
)
from . import audit, presence
from .access import Actor, check_owner, workshop_for_change
from .clusters import clusters_of
from .private_brainstorm import routed_facts
from .sequence import stamp


def erase_workshop(session: Session, actor: Actor) -> tuple[dict, list[Fact]]:
    """Delete a workshop and every row that belongs to it; its open phones are to hang up.

    Nobody is told: every screen of the workshop is hung up instead (`sockets`). Only its
    owner may: co-facilitators run a workshop, they do not end it.
    """
    # Named, so that an archived workshop can be erased too (domain/phases.py).
    workshop = workshop_for_change(session, replace(actor, command="workshop.erase"))
    check_owner(actor, workshop)
    # Read before the rows that name them go.
    sockets = presence.open_sockets(session, workshop.id)
    title = workshop.title
    _delete_workshops(session, [workshop.id])
    # All that is left of it: that it was erased, when and by whom.
    audit.record(session, actor, "workshop.erase", {"workshop_id": workshop.id})
    return {"title": title, "sockets": sockets}, []


def erase_participant(
    session: Session, actor: Actor, participant_id: int
) -> tuple[dict, list[Fact]]:
    """Delete one participant with their ideas and votes; screens drop their ideas.

    Their open phones are to hang up (`sockets`): they would otherwise stay in the room.
    """
    # A person's right to be erased does not end when the workshop is archived.
    workshop = workshop_for_change(session, replace(actor, command="participant.erase"))
    participant = session.get(Participant, participant_id)
    if participant is None or participant.workshop_id != workshop.id:
        raise DomainError("not_found", "no such participant")
    sockets = presence.sockets_to_close(session, workshop.id, participant.id)
    pseudonym = audit.pseudonyms_of(session, workshop.id)[participant.id]
    ideas = session.execute(
        select(Idea.id, Idea.activity_id, Idea.table_id)
        .where(Idea.participant_id == participant.id).order_by(Idea.id)).all()
    activity_of = {idea.id: idea.activity_id for idea in ideas}
    table_of = {idea.id: idea.table_id for idea in ideas}
    idea_ids = list(activity_of)
    # Votes others gave to this person's ideas go with the ideas: they counted for nothing else.
    session.execute(delete(Vote).where(
        (Vote.participant_id == participant.id) | Vote.idea_id.in_(idea_ids)))
    session.execute(delete(Idea).where(Idea.id.in_(idea_ids)))
    session.execute(delete(Presence).where(Presence.participant_id == participant.id))
    # The log holds copies of their ideas; clients that ask for it get a snapshot instead.
    session.execute(delete(FactLog).where(FactLog.workshop_id == workshop.id))
    session.delete(participant)
    audit.pseudonymise(session, workshop.id, participant.id)
    audit.record(session, actor, "participant.erase", {"participant": pseudonym})
    session.flush()
    facts = [Fact("idea.deleted", workshop.id, {"idea_id": i}) for i in idea_ids]
    if idea_ids:
        facts.append(Fact("clusters.changed", workshop.id,
                          {"clusters": clusters_of(session, workshop.id)}))
    # Their presence rows went without a disconnect: the boards' counts must hear of it here.
    facts.append(presence.changed(workshop.id))
    # Of a private brainstorm not yet revealed, not even the ids reach other phones.
    return {"participant_id": participant_id, "sockets": sockets}, stamp(
        session, routed_facts(session, workshop.id, facts, activity_of, table_of))


def purge_older_than(session: Session, days: int, now: datetime | None = None) -> int:
    """Delete every workshop created more than `days` days ago; returns how many."""
    if days < 1:
        raise DomainError("invalid_retention", "retention must be at least one day")
    cutoff = (now or utcnow()) - timedelta(days=days)
    ids = list(session.execute(
        select(Workshop.id).where(Workshop.created_at < cutoff)
    ).scalars())
    _delete_workshops(session, ids)
    return len(ids)


def _delete_workshops(session: Session, workshop_ids: list[int]) -> None:
    # Explicit deletes, children first: the cascade is in the schema too, but SQLite only
    # honours it with foreign keys on, and an erasure must not depend on a pragma. The audit
    # log has no foreign key at all (it outlives erased participants), so it needs this.
    for model in (AuditEntry, FactLog, Vote, Presence, Idea, Cluster, Participant,
                  WorkshopFacilitator, Workshop):
        column = model.id if model is Workshop else model.workshop_id
        session.execute(delete(model).where(column.in_(workshop_ids)))
    session.flush()
