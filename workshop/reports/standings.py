"""Where each idea stands: its rank, and its votes by organisation type, from an export's rows.

Pure CPU work over every vote (a large workshop has 10,000): it runs where the files are
written, off the event loop, not where the rows are read. It uses the domain's definitions
(domain/results.py, domain/votes.py) and redefines nothing. It works on any export, a
restored JSON document's included, because it needs only the export's own rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.agenda import ActivityKind
from ..domain.results import ResultsByType, by_type, common_ground
from ..domain.votes import rank_ideas


@dataclass(frozen=True)
class VoteStanding:
    """One vote of the agenda (activity_id None: all votes together), by organisation type."""

    activity_id: int | None
    results: ResultsByType
    common_ground: list[int]


@dataclass(frozen=True)
class Standings:
    """Ranks of the ideas in the running (by phone votes and hands together), and phone
    votes by organisation type (hands have none)."""

    ranks: dict[int, int]
    everything: VoteStanding
    per_vote: list[VoteStanding]

    def by_type(self, idea_id: int) -> dict[str, int]:
        """An idea's votes per organisation type, all votes together."""
        return dict(self.everything.results.per_idea.get(idea_id, {}))


def standings_of(export: dict) -> Standings | None:
    """The export's standings; None while its votes are hidden until the reveal."""
    if export["votes_hidden_until_reveal"]:
        return None
    types_of = {p["pseudonym"]: p["organisation_type"] for p in export["participants"]}
    votes = [(v["idea_id"], types_of.get(v["participant"], ""), v["activity_id"])
             for v in export["votes"]]
    # Ranked as the results screen ranks: hidden ideas are not in the running.
    standing = [idea["id"] for idea in export["ideas"] if not idea["hidden"]]
    everything = by_type((idea_id, kind) for idea_id, kind, _ in votes)
    tallied = {idea_id: sum(c.values()) for idea_id, c in everything.per_idea.items()}
    # Ranked by the total, as every screen ranks (docs/results.md, "Hand votes").
    for tally in export.get("hand_tallies", []):
        tallied[tally["idea_id"]] = tallied.get(tally["idea_id"], 0) + tally["hands"]
    per_vote = []
    for activity in export["agenda"]:
        if activity["kind"] != ActivityKind.VOTE.value:
            continue
        results = by_type((idea_id, kind) for idea_id, kind, vote in votes
                          if vote == activity["id"])
        voted_on = [idea_id for idea_id in standing if idea_id in results.per_idea]
        per_vote.append(VoteStanding(activity["id"], results, common_ground(results, voted_on)))
    # An idea without votes is common ground for nobody: only the voted-on are looked at.
    voted = [idea_id for idea_id in standing if idea_id in everything.per_idea]
    return Standings(
        ranks={r.idea_id: r.rank for r in rank_ideas(tallied, standing)},
        everything=VoteStanding(None, everything, common_ground(everything, voted)),
        per_vote=per_vote,
    )
