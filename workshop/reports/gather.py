"""A workshop's settings, people, ideas, clusters and votes, gathered read-only for export."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.phases import tallies_visible
from ..models import Idea, Participant, Vote, utcnow
from ..services.access import Actor, facilitated_workshop, phase_of
from ..services.agenda import agenda_payload
from ..services.audit import log_of
from ..services.clusters import clusters_of
from ..services.merges import merged_into
from ..services.payloads import workshop_payload
from ..services.votes import tallies


def workshop_export(session: Session, actor: Actor) -> tuple[dict, list]:
    """Everything of one workshop as plain data, people pseudonymised; only for its facilitator.

    Reads without locking: the room's posts and votes go on while a large export is built.
    """
    workshop = facilitated_workshop(session, actor)
    # Counts leave the server only with the reveal, the organiser's files included: after
    # voting, going back to grouping must not show them either.
    votes_hidden = not tallies_visible(phase_of(workshop))
    people = session.execute(
        select(Participant).where(Participant.workshop_id == workshop.id)
        .order_by(Participant.joined_at, Participant.id)
    ).scalars().all()
    pseudonyms = {person.id: f"p{number}" for number, person in enumerate(people, start=1)}
    # A merged idea counts as part of the one it was merged into, where it is listed.
    ideas = session.execute(
        select(Idea).where(Idea.workshop_id == workshop.id, Idea.merge_id.is_(None))
        .order_by(Idea.id)
    ).scalars().all()
    merged = merged_into(session, workshop.id)
    counts = {} if votes_hidden else tallies(session, workshop.id)
    votes = [] if votes_hidden else session.execute(
        select(Vote).where(Vote.workshop_id == workshop.id).order_by(Vote.id)
    ).scalars().all()
    data = {
        "exported_at": utcnow().isoformat(),
        "workshop": {**workshop_payload(workshop), "created_at": workshop.created_at.isoformat()},
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
        "ideas": [
            {
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
            }
            for idea in ideas
        ],
        "clusters": clusters_of(session, workshop.id, actor),
        "votes": [
            {
                "participant": pseudonyms[vote.participant_id],
                "idea_id": vote.idea_id,
                "activity_id": vote.activity_id,
                "created_at": vote.created_at.isoformat(),
            }
            for vote in votes
        ],
    }
    # Authorised above and named as above: the log needs neither again.
    data["audit_log"] = log_of(session, workshop.id, pseudonyms)
    return data, []
