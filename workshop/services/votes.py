"""Votes: cast within the budget and the per-idea cap, taken back, revealed as results."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import bindparam, case, delete, func, insert, select
from sqlalchemy.orm import Session

from ..domain.errors import DomainError
from ..domain.phases import Phase, Room, tallies_visible
from ..domain.protocol import Fact, count_due
from ..domain.votes import check_in_vote, check_vote_fits, rank_ideas, votes_left
from ..models import Activity, HandTally, Idea, IdeaMerge, Participant, Vote, Workshop, utcnow
from .access import Actor, hold_phase, participant_of, readable_workshop
from .private_brainstorm import in_held_brainstorm

# A vote burst is a thousand phones tapping within seconds, and SQLAlchemy's own work, not
# the database's, was most of a vote's CPU (docs/performance.md, "Votes: CPU per vote").
# So casting and taking back a vote run these statements, built once and bound per call,
# over the tables rather than the mapped classes: Core statements skip the ORM's loading
# and per-execution bookkeeping, and a prebuilt one skips building and cache-key hashing.
_workshop = Workshop.__table__
_participant = Participant.__table__
_idea = Idea.__table__
_vote = Vote.__table__
_activity = Activity.__table__

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

# The room as the vote's lock holds it, and the current vote activity's rules. A removed
# participant is no voter.
_VOTER = (
    select(_workshop.c.phase, _workshop.c.input_paused, _workshop.c.closes_at,
           _workshop.c.archived_at,
           _workshop.c.current_activity_id, _activity.c.vote_budget, _activity.c.votes_per_idea,
           _activity.c.source_activity_id, _activity.c.cluster_ids)
    .join(_participant, _participant.c.workshop_id == _workshop.c.id)
    .outerjoin(_activity, _activity.c.id == _workshop.c.current_activity_id)
    .where(_workshop.c.id == bindparam("workshop_id"),
           _participant.c.id == bindparam("participant_id"),
           _participant.c.removed_at.is_(None))
    .with_for_update(of=_participant)
)

# At most a budget's worth of rows: counted, never loaded. Each vote activity has its own
# budget, so only this one's votes count; the key is the participant's own in any of them.
_MY_VOTES = (
    select(
        func.count(case((_vote.c.activity_id == bindparam("activity_id"), 1))),
        func.count(case(((_vote.c.activity_id == bindparam("activity_id"))
                         & (_vote.c.idea_id == bindparam("idea_id")), 1))),
        func.max(case((_vote.c.client_key == bindparam("key"), _vote.c.idea_id))),
        func.max(case((_vote.c.client_key == bindparam("key"), _vote.c.activity_id))),
    )
    .where(_vote.c.participant_id == bindparam("participant_id"))
)

# Merged ideas are off every screen: a vote for one comes from a stale screen. An idea of
# a private brainstorm is voted on only once everyone has seen it.
_VISIBLE_IDEA = select(_idea.c.activity_id, _idea.c.cluster_id).where(
    _idea.c.id == bindparam("idea_id"),
    _idea.c.workshop_id == bindparam("workshop_id"),
    _idea.c.hidden.is_(False),
    _idea.c.merge_id.is_(None),
    ~in_held_brainstorm(_idea.c.activity_id),
)

_ADD_VOTE = insert(_vote)

# Only a vote of the current vote activity can be taken back: an earlier vote is over.
_TAKE_BACK_VOTE = delete(_vote).where(
    _vote.c.participant_id == bindparam("participant_id"),
    _vote.c.client_key == bindparam("key"),
    _vote.c.activity_id == bindparam("activity_id"),
)

_PROGRESS = select(
    func.count(), func.count(func.distinct(_vote.c.participant_id))
).where(_vote.c.workshop_id == bindparam("workshop_id"),
        _vote.c.activity_id == select(_workshop.c.current_activity_id)
        .where(_workshop.c.id == bindparam("workshop_id")).scalar_subquery())


class _Voter(NamedTuple):
    """The participant acting, with what their workshop allows."""

    participant_id: int
    workshop_id: int
    room: Room
    activity_id: int | None
    budget: int
    per_idea_cap: int
    source_activity_id: int | None  # only this brainstorm's ideas, if set
    cluster_ids: list[int] | None  # only these clusters' ideas, if set


class _MyVotes(NamedTuple):
    """A participant's votes as counted for one command."""

    cast: int
    on_idea: int
    idea_under_key: int | None  # the idea already voted for with this key, if any
    vote_under_key: int | None  # and the vote activity it was cast in


def cast_vote(session: Session, actor: Actor, key: str, idea_id: int) -> tuple[dict, list[Fact]]:
    """Give one vote to an idea, once per client key, never past the budget or the cap."""
    voter = _locked_voter(session, actor)
    mine = _my_votes_count(session, voter, key, idea_id)
    if mine.idea_under_key is not None:
        left = votes_left(voter.budget, mine.cast)
        if mine.vote_under_key != voter.activity_id:
            # Re-sent after the room moved on: what was left in the vote it was cast in.
            vote = session.get(Activity, mine.vote_under_key) if mine.vote_under_key else None
            left = my_votes_payload(session, voter.participant_id, vote)["votes_left"]
        return {"vote": {"key": key, "idea_id": mine.idea_under_key}, "votes_left": left}, []
    idea = session.execute(_VISIBLE_IDEA, {"idea_id": idea_id,
                                           "workshop_id": voter.workshop_id}).first()
    if idea is None:
        # A hidden idea is off participants' screens: a vote for it comes from a stale one.
        raise DomainError("not_found", "no such idea")
    hold_phase(actor, voter.room)
    check_in_vote(idea.activity_id, idea.cluster_id, source_activity_id=voter.source_activity_id,
                  cluster_ids=voter.cluster_ids)
    check_vote_fits(budget=voter.budget, per_idea_cap=voter.per_idea_cap,
                    cast_total=mine.cast, cast_on_idea=mine.on_idea)
    session.execute(_ADD_VOTE, {
        "workshop_id": voter.workshop_id, "participant_id": voter.participant_id,
        "idea_id": idea_id, "activity_id": voter.activity_id, "client_key": key,
        "created_at": utcnow(),
    })
    answer = {"vote": {"key": key, "idea_id": idea_id},
              "votes_left": votes_left(voter.budget, mine.cast + 1)}
    return answer, _progress(voter.workshop_id)


def retract_vote(session: Session, actor: Actor, key: str) -> tuple[dict, list[Fact]]:
    """Take back the vote cast with this key; taking it back twice changes nothing more."""
    voter = _locked_voter(session, actor)
    mine = _my_votes_count(session, voter, key)
    cast = mine.cast
    facts: list[Fact] = []
    if mine.idea_under_key is not None:
        # Checked only when there is something to take back, so a re-sent retract is harmless.
        hold_phase(actor, voter.room)
        if mine.vote_under_key != voter.activity_id:
            raise DomainError("voting_closed", "that vote is over")
        session.execute(_TAKE_BACK_VOTE, {"participant_id": voter.participant_id, "key": key,
                                          "activity_id": voter.activity_id})
        cast -= 1
        facts = _progress(voter.workshop_id)
    return {"key": key, "votes_left": votes_left(voter.budget, cast)}, facts


def my_votes_payload(session: Session, participant_id: int, vote: Activity | None) -> dict:
    """A participant's own votes in this vote activity (key and idea) and how many are left."""
    mine = _my_votes(session, participant_id, vote.id if vote is not None else None)
    budget = vote.vote_budget if vote is not None and vote.vote_budget else 0
    return {
        "votes": [{"key": v.client_key, "idea_id": v.idea_id} for v in mine],
        "votes_left": votes_left(budget, len(mine)),
        "vote_activity_id": vote.id if vote is not None else None,
    }


def tallies(session: Session, workshop_id: int, vote_id: int | None = None) -> dict[int, int]:
    """Votes per idea, counted from the vote rows themselves: one vote's, or all of them."""
    query = select(Vote.idea_id, func.count()).where(Vote.workshop_id == workshop_id)
    if vote_id is not None:
        query = query.where(Vote.activity_id == vote_id)
    return {idea_id: count for idea_id, count in session.execute(query.group_by(Vote.idea_id))}


def results(session: Session, workshop_id: int, vote: Activity | None = None) -> list[dict]:
    """The ideas a vote was over, ranked by its votes, ties sharing a rank.

    Without a vote: every standing idea by all the workshop's votes.
    """
    query = select(Idea.id).where(Idea.workshop_id == workshop_id, Idea.hidden.is_(False),
                                  Idea.merge_id.is_(None), ~in_held_brainstorm(Idea.activity_id))
    if vote is not None and vote.source_activity_id is not None:
        query = query.where(Idea.activity_id == vote.source_activity_id)
    if vote is not None and vote.cluster_ids is not None:
        query = query.where(Idea.cluster_id.in_(vote.cluster_ids))
    idea_ids = list(session.execute(query.order_by(Idea.id)).scalars())
    phones = tallies(session, workshop_id, vote.id if vote is not None else None)
    hands = hand_tallies(session, workshop_id, vote.id if vote is not None else None)
    # Ranked by all the votes, phones' and hands' together; each is told apart beside it
    # (docs/results.md).
    total = {idea_id: phones.get(idea_id, 0) + hands.get(idea_id, 0)
             for idea_id in phones.keys() | hands.keys()}
    ranked = rank_ideas(total, idea_ids)
    if not hands:
        return [{"idea_id": r.idea_id, "votes": r.votes, "rank": r.rank} for r in ranked]
    # Only a vote with hands counted says so: then every idea carries both and their sum.
    return [{"idea_id": r.idea_id, "votes": phones.get(r.idea_id, 0),
             "hands": hands.get(r.idea_id, 0), "total": r.votes, "rank": r.rank}
            for r in ranked]


def hand_tallies(session: Session, workshop_id: int,
                 vote_id: int | None = None) -> dict[int, int]:
    """Hands counted per idea in the room: in one vote, or in all of them.

    Hands for an idea merged into another count for the one it went into, as its phone
    votes do (a merge moves those).
    """
    standing = func.coalesce(IdeaMerge.into_idea_id, HandTally.idea_id)
    query = (select(standing, func.sum(HandTally.hands))
             .join(Idea, Idea.id == HandTally.idea_id)
             .outerjoin(IdeaMerge, IdeaMerge.id == Idea.merge_id)
             .where(HandTally.workshop_id == workshop_id))
    if vote_id is not None:
        query = query.where(HandTally.activity_id == vote_id)
    return {idea_id: int(hands) for idea_id, hands in session.execute(
        query.group_by(standing))}


def vote_in_focus(session: Session, workshop: Workshop) -> Activity | None:
    """The vote activity the room is at or has just had: the current one if it is a vote,
    the one a results activity reveals, else the last vote before the current activity."""
    current = session.get(Activity, workshop.current_activity_id) \
        if workshop.current_activity_id is not None else None
    if current is not None and current.kind == "vote":
        return current
    if current is not None and current.kind == "results" and current.source_activity_id:
        source = session.get(Activity, current.source_activity_id)
        if source is not None and source.kind == "vote":
            return source
    query = select(Activity).where(Activity.workshop_id == workshop.id, Activity.kind == "vote")
    if current is not None:
        query = query.where(Activity.position <= current.position)
    return session.execute(
        query.order_by(Activity.position.desc(), Activity.id.desc()).limit(1)
    ).scalar_one_or_none()


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
    # Outside a vote activity there is no budget; the phase check refuses before it counts.
    return _Voter(actor.participant_id, actor.workshop_id,
                  Room(Phase(row.phase), row.input_paused, row.closes_at,
                       row.archived_at is not None),
                  row.current_activity_id, row.vote_budget or 1,
                  row.votes_per_idea or row.vote_budget or 1, row.source_activity_id,
                  row.cluster_ids)


def _my_votes_count(session: Session, voter: _Voter, key: str,
                    idea_id: int | None = None) -> _MyVotes:
    cast, on_idea, idea_under_key, vote_under_key = session.execute(
        _MY_VOTES, {"participant_id": voter.participant_id, "key": key, "idea_id": idea_id,
                    "activity_id": voter.activity_id}
    ).one()
    return _MyVotes(cast, on_idea, idea_under_key, vote_under_key)


def _my_votes(session: Session, participant_id: int, vote_id: int | None) -> list:
    return list(session.execute(
        select(Vote.client_key, Vote.idea_id)
        .where(Vote.participant_id == participant_id, Vote.activity_id == vote_id)
        .order_by(Vote.id)
    ))


def progress(session: Session, workshop_id: int) -> dict:
    """How many votes the current vote has, and from how many people: never which idea leads."""
    cast, voters = session.execute(_PROGRESS, {"workshop_id": workshop_id}).one()
    return {"votes_cast": cast, "voters": voters}


def _progress(workshop_id: int) -> list[Fact]:
    # Only that the count is due: one recount covers a burst of votes (realtime/counts.py).
    return [count_due("votes.progressed", workshop_id)]


def snapshot_part(session: Session, actor: Actor, workshop: Workshop) -> dict:
    """The results once revealed; the facilitators' progress, or a participant's own votes."""
    vote = vote_in_focus(session, workshop)
    part = {"results": results(session, workshop.id, vote)
            if tallies_visible(Phase(workshop.phase)) else None}
    if actor.is_facilitator:
        part["votes_progress"] = progress(session, workshop.id)
    else:
        part["me"] = my_votes_payload(session, actor.participant_id, vote)
    return part
