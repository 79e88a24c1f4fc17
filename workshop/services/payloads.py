"""Plain dictionaries of stored things, as acks, facts and snapshots carry them."""

from __future__ import annotations

from ..models import Cluster, Idea, Participant, Workshop


def idea_payload(idea: Idea, author: Participant) -> dict:
    """An idea as every screen in the workshop sees it."""
    return {
        "id": idea.id,
        "text": idea.text,
        "cluster_id": idea.cluster_id,
        "position": idea.position,
        "hidden": idea.hidden,
        "author": {
            "id": author.id,
            "nickname": author.nickname,
            "organisation_type": author.organisation_type,
        },
        "created_at": idea.created_at.isoformat(),
        "edited_at": idea.edited_at.isoformat() if idea.edited_at else None,
    }


def cluster_payload(cluster: Cluster, idea_ids: list[int]) -> dict:
    """A cluster with its ideas in their order."""
    return {
        "id": cluster.id,
        "name": cluster.name,
        "position": cluster.position,
        "idea_ids": idea_ids,
    }


def workshop_payload(workshop: Workshop) -> dict:
    """A workshop's settings and phase."""
    return {
        "id": workshop.id,
        "title": workshop.title,
        "question": workshop.question,
        "join_code": workshop.join_code,
        "phase": workshop.phase,
        "vote_budget": workshop.vote_budget,
        "votes_per_idea": workshop.votes_per_idea,
        "language": workshop.language,
        "joins_locked": workshop.joins_locked,
    }
