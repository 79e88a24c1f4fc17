"""Revealing a private brainstorm, or merging a brainstorm at tables into the plenary: every
idea in it shown to everyone at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.agenda import ActivityKind
from ..domain.errors import DomainError
from ..domain.protocol import Audience, Fact
from ..models import Activity, Idea, Participant, utcnow
from . import audit
from .access import Actor, workshop_for_change
from .agenda import agenda_payload
from .clusters import clusters_of
from .merges import merged_into
from .payloads import activity_payload, idea_payload
from .sequence import stamp
from .tables import duplicates_of


def reveal(session: Session, actor: Actor, activity_id: int) -> tuple[dict, list[Fact]]:
    """Show every idea of a private brainstorm to everyone at once.

    Revealing twice, or a brainstorm that was never private, changes nothing and tells
    nobody.
    """
    workshop = workshop_for_change(session, actor)
    activity = session.get(Activity, activity_id)
    if activity is None or activity.workshop_id != workshop.id \
            or activity.kind != ActivityKind.BRAINSTORM:
        raise DomainError("not_found", "no such brainstorm")
    if not activity.private or activity.revealed_at is not None:
        return {"activity": activity_payload(activity)}, []
    audit.record(session, actor, "brainstorm.reveal", {"activity_id": activity.id},
                 before={"revealed": False}, after={"revealed": True})
    activity.revealed_at = utcnow()
    session.flush()
    shown = shown_ideas(session, workshop.id, activity.id)
    facts = [Fact("ideas.revealed", workshop.id, {"activity_id": activity.id, "ideas": shown})]
    if any(idea["cluster_id"] is not None for idea in shown):
        # Clusters told to the whole workshop left these ideas out until now.
        facts.append(Fact("clusters.changed", workshop.id,
                          {"clusters": clusters_of(session, workshop.id)}))
    return {"activity": activity_payload(activity)}, stamp(session, facts)


def shown_ideas(session: Session, workshop_id: int, activity_id: int) -> list[dict]:
    """Every idea of a brainstorm that everyone may now see, as every screen sees it."""
    rows = session.execute(
        select(Idea, Participant).join(Participant, Participant.id == Idea.participant_id)
        .where(Idea.activity_id == activity_id, Idea.hidden.is_(False),
               Idea.merge_id.is_(None)).order_by(Idea.id)).all()
    merged = merged_into(session, workshop_id, [idea.id for idea, _ in rows])
    return [idea_payload(idea, author, merged.get(idea.id, ())) for idea, author in rows]


def merge_into_plenary(session: Session, actor: Actor,
                       activity_id: int) -> tuple[dict, list[Fact]]:
    """Bring every table's ideas of a brainstorm at tables into the plenary, each keeping
    its table and its table's group; the facilitators hear which ideas look alike across
    tables. Merging again changes nothing and tells nobody."""
    workshop = workshop_for_change(session, actor)
    activity = session.get(Activity, activity_id)
    if activity is None or activity.workshop_id != workshop.id \
            or activity.kind != ActivityKind.BRAINSTORM:
        raise DomainError("not_found", "no such brainstorm")
    if not activity.at_tables or activity.merged_at is not None:
        return {"activity": activity_payload(activity),
                "duplicates": activity.duplicates or []}, []
    audit.record(session, actor, "brainstorm.merge", {"activity_id": activity.id},
                 before={"merged": False}, after={"merged": True})
    duplicates = duplicates_of(session, activity.id)
    activity.merged_at, activity.duplicates = utcnow(), duplicates
    session.flush()
    shown = shown_ideas(session, workshop.id, activity.id)
    facts = [Fact("ideas.revealed", workshop.id, {"activity_id": activity.id, "ideas": shown}),
             Fact("clusters.changed", workshop.id,
                  {"clusters": clusters_of(session, workshop.id)}),
             # Every screen's agenda marks the brainstorm merged: it holds nothing back now.
             Fact("agenda.changed", workshop.id,
                  {"agenda": agenda_payload(session, workshop.id),
                   "current_activity_id": workshop.current_activity_id}),
             Fact("duplicates.flagged", workshop.id,
                  {"activity_id": activity.id, "duplicates": duplicates},
                  Audience.FACILITATORS)]
    return {"activity": activity_payload(activity), "duplicates": duplicates}, \
        stamp(session, facts)
