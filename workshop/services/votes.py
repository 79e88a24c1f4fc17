"""Votes: cast within the budget and the per-idea cap, taken back, revealed as results."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain import (
    Audience,
    DomainError,
    Fact,
    check_can_vote,
    check_voting_open,
    rank_ideas,
    votes_left,
)
from ..models import Idea, Participant, Vote, utcnow
from .access import Actor, participant_of, phase_of, workshop_of
from .ideas import idea_in_workshop


def cast_vote(session: Session, actor: Actor, key: str, idea_id: int) -> tuple[dict, list[Fact]]:
    """Give one vote to an idea, once per client key, never past the budget or the cap."""
    workshop = workshop_of(session, actor)
    participant = _locked_participant(session, actor)
    existing = _vote_by_key(session, participant.id, key)
    if existing is not None:
        return _answer(session, workshop.vote_budget, participant.id, existing), []
    idea = idea_in_workshop(session, workshop.id, idea_id)
    if idea.hidden:
        # Participants cannot see it, so a vote for it can only come from a stale screen.
        raise DomainError("not_found", "no such idea")
    mine = _my_votes(session, participant.id)
    check_can_vote(
        phase_of(workshop),
        budget=workshop.vote_budget,
        per_idea_cap=workshop.votes_per_idea,
        cast_total=len(mine),
        cast_on_idea=sum(1 for v in mine if v.idea_id == idea.id),
    )
    vote = Vote(workshop_id=workshop.id, participant_id=participant.id, idea_id=idea.id,
                client_key=key, created_at=utcnow())
    session.add(vote)
    session.flush()
    answer = {"vote": {"key": key, "idea_id": idea.id},
              "votes_left": votes_left(workshop.vote_budget, len(mine) + 1)}
    return answer, _progress(session, workshop.id)


def retract_vote(session: Session, actor: Actor, key: str) -> tuple[dict, list[Fact]]:
    """Take back the vote cast with this key; taking it back twice changes nothing more."""
    workshop = workshop_of(session, actor)
    participant = _locked_participant(session, actor)
    vote = _vote_by_key(session, participant.id, key)
    facts: list[Fact] = []
    if vote is not None:
        # Checked only when there is something to take back, so a re-sent retract is harmless.
        check_voting_open(phase_of(workshop))
        session.delete(vote)
        session.flush()
        facts = _progress(session, workshop.id)
    cast = len(_my_votes(session, participant.id))
    return {"key": key, "votes_left": votes_left(workshop.vote_budget, cast)}, facts


def my_votes_payload(session: Session, participant_id: int, budget: int) -> dict:
    """A participant's own votes (key and idea) and how many are left."""
    mine = _my_votes(session, participant_id)
    return {
        "votes": [{"key": v.client_key, "idea_id": v.idea_id} for v in mine],
        "votes_left": votes_left(budget, len(mine)),
    }


def tallies(session: Session, workshop_id: int) -> dict[int, int]:
    """Votes per idea, counted from the vote rows themselves."""
    rows = session.execute(
        select(Vote.idea_id, func.count()).where(Vote.workshop_id == workshop_id)
        .group_by(Vote.idea_id)
    )
    return {idea_id: count for idea_id, count in rows}


def results(session: Session, workshop_id: int) -> list[dict]:
    """Visible ideas ranked by votes, ties sharing a rank."""
    idea_ids = list(session.execute(
        select(Idea.id).where(Idea.workshop_id == workshop_id, Idea.hidden.is_(False))
        .order_by(Idea.id)
    ).scalars())
    return [
        {"idea_id": r.idea_id, "votes": r.votes, "rank": r.rank}
        for r in rank_ideas(tallies(session, workshop_id), idea_ids)
    ]


def _locked_participant(session: Session, actor: Actor) -> Participant:
    # Locking the participant's row makes count-then-insert one step on PostgreSQL: 20
    # taps at once queue here. On SQLite, BEGIN IMMEDIATE already gave this transaction
    # the write lock (see database.py).
    participant = participant_of(session, actor)
    return session.execute(
        select(Participant).where(Participant.id == participant.id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _my_votes(session: Session, participant_id: int) -> list[Vote]:
    return list(session.execute(
        select(Vote).where(Vote.participant_id == participant_id).order_by(Vote.id)
    ).scalars())


def _vote_by_key(session: Session, participant_id: int, key: str) -> Vote | None:
    return session.execute(
        select(Vote).where(Vote.participant_id == participant_id, Vote.client_key == key)
    ).scalar_one_or_none()


def _answer(session: Session, budget: int, participant_id: int, vote: Vote) -> dict:
    cast = len(_my_votes(session, participant_id))
    return {"vote": {"key": vote.client_key, "idea_id": vote.idea_id},
            "votes_left": votes_left(budget, cast)}


def progress(session: Session, workshop_id: int) -> dict:
    """How many votes are given and by how many people: never which idea leads."""
    cast, voters = session.execute(
        select(func.count(Vote.id), func.count(func.distinct(Vote.participant_id)))
        .where(Vote.workshop_id == workshop_id)
    ).one()
    return {"votes_cast": cast, "voters": voters}


def _progress(session: Session, workshop_id: int) -> list[Fact]:
    return [Fact("votes.progressed", workshop_id, progress(session, workshop_id),
                 Audience.FACILITATORS)]
