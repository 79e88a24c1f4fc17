"""Votes: the budget and the per-idea cap, and the ranking they add up to."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import DomainError

DEFAULT_VOTE_BUDGET = 5
MAX_VOTE_BUDGET = 100


def check_vote_settings(budget: int, per_idea_cap: int | None) -> tuple[int, int]:
    """Valid vote budget and per-idea cap; the cap defaults to the whole budget."""
    if isinstance(budget, bool) or not isinstance(budget, int):
        raise DomainError("invalid_payload", "vote budget must be a whole number",
                          field="vote_budget")
    if not 1 <= budget <= MAX_VOTE_BUDGET:
        raise DomainError("invalid_vote_settings", f"vote budget must be 1-{MAX_VOTE_BUDGET}",
                          field="vote_budget")
    cap = budget if per_idea_cap is None else per_idea_cap
    if isinstance(cap, bool) or not isinstance(cap, int) or not 1 <= cap <= budget:
        raise DomainError("invalid_vote_settings", "votes per idea must be 1-budget",
                          field="votes_per_idea")
    return budget, cap


def check_vote_fits(*, budget: int, per_idea_cap: int, cast_total: int,
                    cast_on_idea: int) -> None:
    """Raise unless one more vote fits the budget and the per-idea cap."""
    if cast_total >= budget:
        raise DomainError("vote_budget_spent", "no votes left")
    if cast_on_idea >= per_idea_cap:
        raise DomainError("vote_cap_reached", "most votes for one idea already given")


def check_in_vote(idea_activity_id: int | None, idea_cluster_id: int | None, *,
                  source_activity_id: int | None, cluster_ids: list[int] | None) -> None:
    """Raise unless the idea is one this vote is over: its question's, its chosen clusters'."""
    if source_activity_id is not None and idea_activity_id != source_activity_id:
        raise DomainError("not_in_vote", "that idea is not part of this vote")
    if cluster_ids is not None and idea_cluster_id not in cluster_ids:
        raise DomainError("not_in_vote", "that idea is not part of this vote")


def votes_left(budget: int, cast: int) -> int:
    """Votes a participant may still give."""
    return max(budget - cast, 0)


@dataclass(frozen=True)
class RankedIdea:
    """One line of the results: an idea, its votes and its rank (ties share a rank)."""

    idea_id: int
    votes: int
    rank: int


def rank_ideas(tallies: dict[int, int], idea_ids: list[int]) -> list[RankedIdea]:
    """Ideas by votes, most first; equal votes share a rank and keep posting order."""
    posted = {idea_id: order for order, idea_id in enumerate(idea_ids)}
    order = sorted(idea_ids, key=lambda i: (-tallies.get(i, 0), posted[i]))
    ranked: list[RankedIdea] = []
    for position, idea_id in enumerate(order, start=1):
        votes = tallies.get(idea_id, 0)
        if ranked and ranked[-1].votes == votes:
            rank = ranked[-1].rank
        else:
            rank = position
        ranked.append(RankedIdea(idea_id=idea_id, votes=votes, rank=rank))
    return ranked
