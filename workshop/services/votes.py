"""Votes: cast within the budget and the per-idea cap, taken back, revealed as results."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import bindparam, case, delete, func, insert, select
from sqlalchemy.orm import Session

from ..domain.errors import DomainError
from ..domain.phases import Phase, tallies_visible
from ..domain.protocol import Fact, count_due
from ..domain.votes import check_vote_fits, rank_ideas, votes_left
from ..models import Idea, Participant, Vote, Workshop, utcnow
from .access import Actor, hold_phase, participant_of, readable_workshop

# A vote burst is a thousand phones tapping within seconds, and SQLAlchemy's own work, not
# the database's, was most of a vote's CPU (docs/performance.md, "Votes: CPU per vote").
# So casting and taking back a vote run these statements, built once and bound per call,
# over the tables rather than the mapped classes: Core statements skip the ORM's loading
# and per-execution bookkeeping, and a prebuilt one skips building and cache-key hashing.
_workshop = Workshop.__table__
_participant = Participant.__table__
_idea = Idea.__table__
_vote = Vote.__table__

# Locking the participant's row makes count-then-insert one step on PostgreSQL (20 taps at
# once queue here), while the workshop's row stays free for everyone else's votes. On
# SQLite, BEGIN IMMEDIATE already gave the transaction the write lock (see database.py).
# Shared with every other vote, but not with phase.set: a vote in flight when the
# facilitator closes voting either commits before the change or sees it. Taken first, as
# every writer takes the workshop's row before any other.
_PHASE_HELD = (
    select(_workshop.c.phase).where(_workshop.c.id == bindparam("workshop_id"))
    .with_for_update(read=True)
)

_VOTER = (
    select(_workshop.c.phase, _workshop.c.vote_budget, _workshop.c.votes_per_idea)
    .join(_participant, _participant.c.workshop_id == _workshop.c.id)
    .where(_workshop.c.id == bindparam("workshop_id"),
           _participant.c.id == bindparam("participant_id"))
    .with_for_update(of=_participant)
)

# At most a budget's worth of rows: counted, never loaded.
_MY_VOTES = (
    select(
        func.count(),
        func.count(case((_vote.c.idea_id == bindparam("idea_id"), 1))),
        func.max(case((_vote.c.client_key == bindparam("key"), _vote.c.idea_id))),
    )
    .where(_vote.c.participant_id == bindparam("participant_id"))
)

_VISIBLE_IDEA = select(_idea.c.id).where(
    _idea.c.id == bindparam("idea_id"),
    _idea.c.workshop_id == bindparam("workshop_id"),
    _idea.c.hidden.is_(False),
)

_ADD_VOTE = insert(_vote)

_TAKE_BACK_VOTE = delete(_vote).where(
    _vote.c.participant_id == bindparam("participant_id"),
    _vote.c.client_key == bindparam("key"),
)

_PROGRESS = select(
    func.count(), func.count(func.distinct(_vote.c.participant_id))
).where(_vote.c.workshop_id == bindparam("workshop_id"))


class _Voter(NamedTuple):
    """The participant acting, with what their workshop allows."""

    participant_id: int
    workshop_id: int
    phase: Phase
    budget: int
    per_idea_cap: int


class _MyVotes(NamedTuple):
    """A participant's votes as counted for one command."""

    cast: int
    on_idea: int
    idea_under_key: int | None  # the idea already voted for with this key, if any


def cast_vote(session: Session, actor: Actor, key: str, idea_id: int) -> tuple[dict, list[Fact]]:
    """Give one vote to an idea, once per client key, never past the budget or the cap."""
    voter = _locked_voter(session, actor)
    mine = _my_votes_count(session, voter.participant_id, key, idea_id)
    if mine.idea_under_key is not None:
        answer = {"vote": {"key": key, "idea_id": mine.idea_under_key},
                  "votes_left": votes_left(voter.budget, mine.cast)}
        return answer, []
    if session.execute(_VISIBLE_IDEA, {"idea_id": idea_id,
                                       "workshop_id": voter.workshop_id}).first() is None:
        # A hidden idea is off participants' screens: a vote for it comes from a stale one.
        raise DomainError("not_found", "no such idea")
    hold_phase(actor, voter.phase)
    check_vote_fits(budget=voter.budget, per_idea_cap=voter.per_idea_cap,
                    cast_total=mine.cast, cast_on_idea=mine.on_idea)
    session.execute(_ADD_VOTE, {
        "workshop_id": voter.workshop_id, "participant_id": voter.participant_id,
        "idea_id": idea_id, "client_key": key, "created_at": utcnow(),
    })
    answer = {"vote": {"key": key, "idea_id": idea_id},
              "votes_left": votes_left(voter.budget, mine.cast + 1)}
    return answer, _progress(voter.workshop_id)


def retract_vote(session: Session, actor: Actor, key: str) -> tuple[dict, list[Fact]]:
    """Take back the vote cast with this key; taking it back twice changes nothing more."""
    voter = _locked_voter(session, actor)
    mine = _my_votes_count(session, voter.participant_id, key)
    cast = mine.cast
    facts: list[Fact] = []
    if mine.idea_under_key is not None:
        # Checked only when there is something to take back, so a re-sent retract is harmless.
        hold_phase(actor, voter.phase)
        session.execute(_TAKE_BACK_VOTE, {"participant_id": voter.participant_id, "key": key})
        cast -= 1
        facts = _progress(voter.workshop_id)
    return {"key": key, "votes_left": votes_left(voter.budget, cast)}, facts


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


def _locked_voter(session: Session, actor: Actor) -> _Voter:
    row = None
    if actor.participant_id is not None:
        session.execute(_PHASE_HELD, {"workshop_id": actor.workshop_id})
        row = session.execute(_VOTER, {"workshop_id": actor.workshop_id,
                                       "participant_id": actor.participant_id}).one_or_none()
    if row is None:
        # Rare, so access.py says why in its own words: no workshop, a facilitator, a stranger.
        readable_workshop(session, actor)
        participant_of(session, actor)
        raise DomainError("forbidden", "not a participant of this workshop")
    return _Voter(actor.participant_id, actor.workshop_id, Phase(row.phase), row.vote_budget,
                  row.votes_per_idea)


def _my_votes_count(session: Session, participant_id: int, key: str,
                    idea_id: int | None = None) -> _MyVotes:
    cast, on_idea, idea_under_key = session.execute(
        _MY_VOTES, {"participant_id": participant_id, "key": key, "idea_id": idea_id}
    ).one()
    return _MyVotes(cast, on_idea, idea_under_key)


def _my_votes(session: Session, participant_id: int) -> list:
    return list(session.execute(
        select(Vote.client_key, Vote.idea_id).where(Vote.participant_id == participant_id)
        .order_by(Vote.id)
    ))


def progress(session: Session, workshop_id: int) -> dict:
    """How many votes are given and by how many people: never which idea leads."""
    cast, voters = session.execute(_PROGRESS, {"workshop_id": workshop_id}).one()
    return {"votes_cast": cast, "voters": voters}


def _progress(workshop_id: int) -> list[Fact]:
    # Only that the count is due: one recount covers a burst of votes (realtime/counts.py).
    return [count_due("votes.progressed", workshop_id)]


def snapshot_part(session: Session, actor: Actor, workshop: Workshop) -> dict:
    """The results once revealed; the facilitators' progress, or a participant's own votes."""
    part = {"results": results(session, workshop.id)
            if tallies_visible(Phase(workshop.phase)) else None}
    if actor.is_facilitator:
        part["votes_progress"] = progress(session, workshop.id)
    else:
        part["me"] = my_votes_payload(session, actor.participant_id, workshop.vote_budget)
    return part
