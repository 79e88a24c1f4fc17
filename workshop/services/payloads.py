"""Plain dictionaries of stored things, as acks, facts and snapshots carry them."""

from __future__ import annotations

from ..models import Activity, Cluster, Idea, Participant, Table, Workshop


def idea_payload(idea: Idea, author: Participant,
                 merged: list[tuple[Idea, Participant]] = ()) -> dict:
    """An idea as every screen in the workshop sees it.

    `merged` are the ideas merged into it, with their authors: all of them are its authors.
    """
    payload = {
        "id": idea.id,
        "text": idea.text,
        "activity_id": idea.activity_id,
        "cluster_id": idea.cluster_id,
        "position": idea.position,
        "hidden": idea.hidden,
        "author": _author(author),
        "created_at": idea.created_at.isoformat(),
        "edited_at": idea.edited_at.isoformat() if idea.edited_at else None,
    }
    # Only what sets this idea apart: a post goes to a thousand phones, and these keys, always
    # there, made every post half as large again and the room's fan-out that much slower.
    if idea.edited_by_facilitator:
        payload["edited_by_facilitator"] = True
    if idea.table_id is not None:
        payload["table_id"] = idea.table_id
    if author.on_paper:
        # Who typed it in: the screens say which role; the exports name the person.
        payload["on_paper"] = True
        payload["entered_by"] = ("host" if idea.entered_by_participant_id is not None
                                 else "facilitator")
    if merged:
        authors = {author.id: payload["author"]}
        for _idea, other in merged:
            authors.setdefault(other.id, _author(other))
        payload["authors"] = list(authors.values())
        payload["merged_idea_ids"] = [merged_idea.id for merged_idea, _ in merged]
        # The board's "Undo merge" undoes the latest (merges into one idea go last first).
        payload["merge_ids"] = sorted({merged_idea.merge_id for merged_idea, _ in merged})
    return payload


def _author(person: Participant) -> dict:
    # In an anonymous workshop nobody was asked for a nickname: it is "" for everyone.
    return {
        "id": person.id,
        "nickname": person.nickname,
        "organisation_type": person.organisation_type,
    }


def cluster_payload(cluster: Cluster, idea_ids: list[int]) -> dict:
    """A cluster with its ideas in their order; a table's group names its table."""
    return {
        "id": cluster.id,
        "name": cluster.name,
        "activity_id": cluster.activity_id,
        "table_id": cluster.table_id,
        "position": cluster.position,
        "idea_ids": idea_ids,
    }


def table_payload(table: Table, seated: int) -> dict:
    """A table as every screen sees it: its name, its host, how many sit at it."""
    return {
        "id": table.id,
        "name": table.name,
        "position": table.position,
        "host_id": table.host_id,
        "seated": seated,
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
        "current_activity_id": workshop.current_activity_id,
        "input_paused": workshop.input_paused,
        "anonymous": workshop.anonymous,
        "tables_by_choice": workshop.tables_by_choice,
    }


def activity_payload(activity: Activity) -> dict:
    """One activity of the agenda, its settings and its timer as they are stored."""
    return {
        "id": activity.id,
        "position": activity.position,
        "kind": activity.kind,
        "title": activity.title,
        "prompt": activity.prompt,
        "duration_seconds": activity.duration_seconds,
        "closes_when_time_up": activity.closes_when_time_up,
        "private": activity.private,
        "revealed": activity.revealed_at is not None,
        "at_tables": activity.at_tables,
        "merged": activity.merged_at is not None,
        "vote_budget": activity.vote_budget,
        "votes_per_idea": activity.votes_per_idea,
        "source_activity_id": activity.source_activity_id,
        "cluster_ids": activity.cluster_ids,
    }
