"""A workshop's settings, people, ideas, clusters, votes and decisions, gathered read-only.

A large workshop is read in chunks with a pause between them: on the server's event loop
(eventlet patches time.sleep) the pause lets the room's other greenlets run, so a 5,000-idea
export does not hold every phone while it is read. Elsewhere the pause costs nothing. What
costs CPU beyond reading (ranks, votes by organisation type: reports/standings.py) is left
to the writers, which run off the event loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.phases import tallies_visible
from ..models import AuditEntry, Decision, Idea, Participant, Vote, utcnow
from ..services.access import Actor, facilitated_workshop, phase_of
from ..services.agenda import agenda_payload
from ..services.audit import entry_payload
from ..services.clusters import clusters_of
from ..services.merges import merged_into
from ..services.payloads import workshop_payload

# Rows read and shaped between two pauses: a few milliseconds of work on this machine.
CHUNK = 500


def _let_others_run() -> None:
    # Under eventlet's monkey patching time.sleep(0) yields to the hub; otherwise a no-op.
    time.sleep(0)


def _chunked(session: Session, query, shape: Callable) -> Iterator[dict]:
    """The query's rows shaped into plain data, CHUNK at a time, with a pause after each."""
    for partition in session.execute(query.execution_options(yield_per=CHUNK)).partitions():
        yield from [shape(row) for row in partition]
        _let_others_run()


def workshop_export(session: Session, actor: Actor) -> tuple[dict, list]:
    """Everything of one workshop as plain data, people pseudonymised; only for its facilitator.

    Reads without locking: the room's posts and votes go on while a large export is built.
    """
    workshop = facilitated_workshop(session, actor)
    # Counts leave the server only with the reveal, the organiser's files included: after
    # voting, going back to grouping must not show them either.
    votes_hidden = not tallies_visible(phase_of(workshop))
    people = session.execute(
        select(Participant.id, Participant.organisation_type, Participant.organisation_name,
               Participant.joined_at)
        .where(Participant.workshop_id == workshop.id)
        .order_by(Participant.joined_at, Participant.id)
    ).all()
    pseudonyms = {person.id: f"p{number}" for number, person in enumerate(people, start=1)}
    _let_others_run()
    # A merged idea counts as part of the one it was merged into, where it is listed.
    merged = merged_into(session, workshop.id)
    votes = [] if votes_hidden else list(_chunked(session, select(
        Vote.participant_id, Vote.idea_id, Vote.activity_id, Vote.created_at,
    ).where(Vote.workshop_id == workshop.id).order_by(Vote.id), lambda vote: {
        "participant": pseudonyms[vote.participant_id],
        "idea_id": vote.idea_id,
        "activity_id": vote.activity_id,
        "created_at": vote.created_at.isoformat(),
    }))
    # Counted from the votes read above: an idea's count and the listed votes always agree.
    counts: dict[int, int] = {}
    for vote in votes:
        counts[vote["idea_id"]] = counts.get(vote["idea_id"], 0) + 1
    ideas = list(_chunked(session, select(
        Idea.id, Idea.participant_id, Idea.text, Idea.activity_id, Idea.cluster_id, Idea.hidden,
        Idea.created_at, Idea.edited_at, Idea.edited_by_facilitator,
    ).where(Idea.workshop_id == workshop.id, Idea.merge_id.is_(None)).order_by(Idea.id),
        lambda idea: {
            "id": idea.id,
            "participant": pseudonyms[idea.participant_id],
            "text": idea.text,
            "activity_id": idea.activity_id,
            "cluster_id": idea.cluster_id,
            "hidden": idea.hidden,
            "created_at": idea.created_at.isoformat(),
            "edited_at": idea.edited_at.isoformat() if idea.edited_at else None,
            "votes": None if votes_hidden else counts.get(idea.id, 0),
            "edited_by_facilitator": idea.edited_by_facilitator,
            "merged_ideas": [
                {"id": other.id, "participant": pseudonyms[other.participant_id],
                 "text": other.text}
                for other, _author in merged.get(idea.id, ())
            ],
        }))
    data = {
        "exported_at": utcnow().isoformat(),
        "workshop": {**workshop_payload(workshop), "created_at": workshop.created_at.isoformat(),
                     "time_zone": workshop.time_zone},
        "votes_hidden_until_reveal": votes_hidden,
        # Ideas and clusters name their brainstorm, votes their vote, by these activities' ids.
        "agenda": agenda_payload(session, workshop.id),
        "participants": [
            {
                "pseudonym": pseudonyms[person.id],
                "organisation_type": person.organisation_type,
                "organisation_name": person.organisation_name,
                "joined_at": person.joined_at.isoformat(),
            }
            for person in people
        ],
        "ideas": ideas,
        "clusters": clusters_of(session, workshop.id, actor),
        "votes": votes,
        "decisions": _decisions(session, workshop.id),
    }
    _let_others_run()
    # Authorised above and named as above: the log needs neither again.
    data["audit_log"] = list(_chunked(
        session, select(AuditEntry).where(AuditEntry.workshop_id == workshop.id)
        .order_by(AuditEntry.id), lambda row: entry_payload(row[0], pseudonyms)))
    return data, []


def _decisions(session: Session, workshop_id: int) -> list[dict]:
    rows = session.execute(
        select(Decision).where(Decision.workshop_id == workshop_id).order_by(Decision.id)
    ).scalars()
    return [
        {
            "id": row.id,
            "idea_id": row.idea_id,
            "cluster_id": row.cluster_id,
            "outcome": row.outcome,
            "owner_name": row.owner_name,
            "owner_type": row.owner_type,
            "next_step": row.next_step,
            "due_on": row.due_on.isoformat() if row.due_on else None,
            "decided_by": row.decided_by,
            "created_at": row.created_at.isoformat(),
            "updated_at": row.updated_at.isoformat(),
        }
        for row in rows
    ]
