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
from ..models import (
    Activity,
    AuditEntry,
    Decision,
    HandTally,
    Idea,
    Participant,
    Table,
    Vote,
    utcnow,
)
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
               Participant.joined_at, Participant.table_id, Participant.on_paper)
        .where(Participant.workshop_id == workshop.id)
        .order_by(Participant.joined_at, Participant.id)
    ).all()
    pseudonyms = {person.id: f"p{number}" for number, person in enumerate(people, start=1)}
    # Stand-ins for paper notes are authors, not people: their ideas are "entered on behalf".
    on_paper = {person.id for person in people if person.on_paper}
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
    hand_tallies = [] if votes_hidden else _hand_tallies(session, workshop.id, merged)
    hands: dict[int, int] = {}
    for tally in hand_tallies:
        hands[tally["idea_id"]] = hands.get(tally["idea_id"], 0) + tally["hands"]
    ideas = list(_chunked(session, select(
        Idea.id, Idea.participant_id, Idea.text, Idea.activity_id, Idea.cluster_id, Idea.hidden,
        Idea.created_at, Idea.edited_at, Idea.edited_by_facilitator, Idea.table_id,
        Idea.entered_by_facilitator_id, Idea.entered_by_participant_id,
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
                 "text": other.text, "table_id": other.table_id}
                for other, _author in merged.get(idea.id, ())
            ],
            # Added with issue 9 (tables and paper notes).
            "table_id": idea.table_id,
            "entered_on_behalf": idea.participant_id in on_paper,
            "entered_by": _entered_by(idea, pseudonyms),
            "hands": None if votes_hidden else hands.get(idea.id, 0),
            "total": None if votes_hidden else counts.get(idea.id, 0) + hands.get(idea.id, 0),
        }))
    data = {
        "exported_at": utcnow().isoformat(),
        "workshop": {**workshop_payload(workshop), "created_at": workshop.created_at.isoformat(),
                     "time_zone": workshop.time_zone},
        "votes_hidden_until_reveal": votes_hidden,
        # Ideas and clusters name their brainstorm, votes their vote, by these activities' ids.
        "agenda": _agenda(session, workshop.id),
        "tables": _tables(session, workshop.id, pseudonyms),
        "participants": [
            {
                "pseudonym": pseudonyms[person.id],
                "organisation_type": person.organisation_type,
                "organisation_name": person.organisation_name,
                "joined_at": person.joined_at.isoformat(),
                "table_id": person.table_id,
                "on_paper": person.on_paper,
            }
            for person in people
        ],
        "ideas": ideas,
        "clusters": clusters_of(session, workshop.id, actor),
        "votes": votes,
        "hand_tallies": hand_tallies,
        "decisions": _decisions(session, workshop.id),
    }
    _let_others_run()
    # Authorised above and named as above: the log needs neither again.
    data["audit_log"] = list(_chunked(
        session, select(AuditEntry).where(AuditEntry.workshop_id == workshop.id)
        .order_by(AuditEntry.id), lambda row: entry_payload(row[0], pseudonyms)))
    return data, []


def _agenda(session: Session, workshop_id: int) -> list[dict]:
    """The agenda as screens have it, with when each table brainstorm was merged."""
    merged_at = dict(session.execute(select(Activity.id, Activity.merged_at).where(
        Activity.workshop_id == workshop_id)).all())
    return [{**activity, "merged_at": _stamp(merged_at.get(activity["id"]))}
            for activity in agenda_payload(session, workshop_id)]


def _tables(session: Session, workshop_id: int, pseudonyms: dict[int, str]) -> list[dict]:
    rows = session.execute(
        select(Table.id, Table.name, Table.position, Table.host_id)
        .where(Table.workshop_id == workshop_id).order_by(Table.position, Table.id)).all()
    return [{"id": row.id, "name": row.name, "position": row.position,
             "host": pseudonyms.get(row.host_id)} for row in rows]


def _entered_by(idea, pseudonyms: dict[int, str]) -> dict | None:
    # The exports name who typed a paper note in; the screens say only which role.
    if idea.entered_by_facilitator_id is not None:
        return {"facilitator": idea.entered_by_facilitator_id}
    if idea.entered_by_participant_id in pseudonyms:
        return {"participant": pseudonyms[idea.entered_by_participant_id]}
    return None


def _hand_tallies(session: Session, workshop_id: int, merged: dict) -> list[dict]:
    """Hands counted in the room per vote and idea; an idea merged into another counts there,
    as its phone votes do."""
    into = {other.id: into_id for into_id, others in merged.items() for other, _ in others}
    found: dict[tuple[int, int], dict] = {}
    rows = session.execute(
        select(HandTally.activity_id, HandTally.idea_id, HandTally.hands, HandTally.entered_by,
               HandTally.updated_at, Activity.position)
        .join(Activity, Activity.id == HandTally.activity_id)
        .where(HandTally.workshop_id == workshop_id).order_by(HandTally.id)).all()
    position = {row.activity_id: row.position for row in rows}
    for row in rows:
        idea_id = into.get(row.idea_id, row.idea_id)
        tally = found.get((row.activity_id, idea_id))
        if tally is None:
            found[(row.activity_id, idea_id)] = {
                "activity_id": row.activity_id, "idea_id": idea_id, "hands": row.hands,
                "entered_by": row.entered_by, "updated_at": row.updated_at}
            continue
        tally["hands"] += row.hands
        if row.updated_at >= tally["updated_at"]:
            tally.update(entered_by=row.entered_by, updated_at=row.updated_at)
    return [{**tally, "updated_at": tally["updated_at"].isoformat()}
            # In the agenda's order, as a restored copy (new ids) lists them too.
            for tally in sorted(found.values(), key=lambda t: (
                position[t["activity_id"]], t["activity_id"], t["idea_id"]))]


def _stamp(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def entered_on_behalf(session: Session, workshop_id: int, idea_ids: list[int]) -> set[int]:
    """Which of these ideas were typed in from paper notes (their author is a stand-in)."""
    if not idea_ids:
        return set()
    return set(session.execute(
        select(Idea.id).join(Participant, Participant.id == Idea.participant_id)
        .where(Idea.workshop_id == workshop_id, Idea.id.in_(idea_ids),
               Participant.on_paper.is_(True))).scalars())


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
