"""What merged into what: the ideas a standing idea holds, and putting a merge back.

Kept apart from the moderation commands (moderation.py) because deleting an idea reads and
undoes merges too (services/ideas.py), and the idea payloads every screen gets name the
authors of the ideas merged into one.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..domain.protocol import Audience, Fact
from ..models import Idea, IdeaMerge, Participant, Vote, utcnow
from .payloads import idea_payload

Merged = list[tuple[Idea, Participant]]


def undo(session: Session, merge: IdeaMerge) -> list[Idea]:
    """Put a merge's ideas and votes back, and the text it replaced; returns the ideas.

    Writes no audit row: the command that undoes it (an unmerge, a delete) does.
    """
    restored = list(session.scalars(
        select(Idea).where(Idea.merge_id == merge.id).order_by(Idea.id)))
    for idea in restored:
        # Its cluster_id is as it was, or None if that cluster was deleted meanwhile.
        idea.merge_id = None
    session.execute(update(Vote).where(
        Vote.merge_id == merge.id, Vote.cast_on_idea_id.in_([i.id for i in restored]))
        .values(idea_id=Vote.cast_on_idea_id, merge_id=None, cast_on_idea_id=None))
    # The idea such a vote was cast on has been deleted since: it stays where it counts now.
    session.execute(update(Vote).where(Vote.merge_id == merge.id)
                    .values(merge_id=None, cast_on_idea_id=None))
    into = session.get(Idea, merge.into_idea_id)
    if into is not None:
        into.text = merge.text_before
    merge.undone_at = utcnow()
    return restored


def delete_ideas(session: Session, workshop_id: int, idea_ids: list[int]) -> list[Fact]:
    """Delete ideas with the votes on them; ideas merged into them stand again first.

    Those were other people's ideas: deleting one idea must not take them along. Returns
    the facts to stamp.
    """
    facts: list[Fact] = []
    merges = session.scalars(select(IdeaMerge).where(
        IdeaMerge.into_idea_id.in_(idea_ids), IdeaMerge.undone_at.is_(None))
        .order_by(IdeaMerge.id.desc())).all()
    for merge in merges:
        restored = [i for i in undo(session, merge) if i.id not in idea_ids]
        facts.append(Fact("idea.unmerged", workshop_id, {
            "merge_id": merge.id,
            "ideas": [standing_payload(session, i) for i in restored if not i.hidden]}))
    # Ideas merged away that go: the idea they were merged into loses an author.
    into_ids = set(session.scalars(select(IdeaMerge.into_idea_id).join(
        Idea, Idea.merge_id == IdeaMerge.id).where(Idea.id.in_(idea_ids))))
    session.execute(delete(Vote).where(Vote.idea_id.in_(idea_ids)))
    session.execute(delete(Idea).where(Idea.id.in_(idea_ids)))
    session.flush()
    facts += [Fact("idea.deleted", workshop_id, {"idea_id": i}) for i in idea_ids]
    for into_id in sorted(into_ids - set(idea_ids)):
        into = session.get(Idea, into_id)
        facts.append(Fact("idea.edited", workshop_id, {"idea": standing_payload(session, into)},
                          Audience.FACILITATORS if into.hidden else Audience.WORKSHOP))
    return facts



def merged_into(session: Session, workshop_id: int,
                into_ids: list[int] | None = None) -> dict[int, Merged]:
    """The ideas merged into each standing idea (with their authors), oldest first."""
    query = (select(IdeaMerge.into_idea_id, Idea, Participant)
             .join(Idea, Idea.merge_id == IdeaMerge.id)
             .join(Participant, Participant.id == Idea.participant_id)
             .where(IdeaMerge.workshop_id == workshop_id))
    if into_ids is not None:
        query = query.where(IdeaMerge.into_idea_id.in_(into_ids))
    found: dict[int, Merged] = defaultdict(list)
    for into_id, idea, author in session.execute(query.order_by(Idea.id)):
        found[into_id].append((idea, author))
    return found


def standing_payload(session: Session, idea: Idea) -> dict:
    """An idea as screens show it, with the authors of the ideas merged into it."""
    return idea_payload(idea, idea.participant,
                        merged_into(session, idea.workshop_id, [idea.id]).get(idea.id, []))


