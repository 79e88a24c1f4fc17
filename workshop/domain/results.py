"""Votes split by organisation type, and the "common ground" every side of the room supports.

Co-development is about city, companies, research and residents finding ideas they share;
a plain ranking can be won by whichever side came in numbers. docs/results.md gives the
definition in words; this module is that definition, pure, for the board, the presenter,
the phones, the workbook and the report alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .people import OrganisationType

# A type supports an idea when at least this share of the votes its people cast went to it.
COMMON_GROUND_SHARE = 0.10
# Common ground needs at least this many organisation types among the voters: with one side
# alone in the room there is nothing "common" to find.
COMMON_GROUND_MIN_TYPES = 2

TYPES = tuple(OrganisationType)


@dataclass(frozen=True)
class ResultsByType:
    """One vote's counts: per idea and organisation type, and each type's votes in all."""

    per_idea: dict[int, Counter]  # idea id -> Counter(organisation type -> votes)
    cast_by_type: Counter  # organisation type -> votes its people cast in this vote

    @property
    def voting_types(self) -> tuple[str, ...]:
        """The organisation types whose people cast at least one vote, in the fixed order."""
        return tuple(t.value for t in TYPES if self.cast_by_type.get(t.value, 0) > 0)

    def share(self, idea_id: int, organisation_type: str) -> float:
        """The share of this type's votes that went to the idea (0 when it cast none)."""
        cast = self.cast_by_type.get(organisation_type, 0)
        return self.per_idea.get(idea_id, Counter())[organisation_type] / cast if cast else 0.0


def by_type(votes: Iterable[tuple[int, str]]) -> ResultsByType:
    """Count (idea id, voter's organisation type) pairs, one pair per vote."""
    per_idea: dict[int, Counter] = {}
    cast: Counter = Counter()
    for idea_id, organisation_type in votes:
        per_idea.setdefault(idea_id, Counter())[organisation_type] += 1
        cast[organisation_type] += 1
    return ResultsByType(per_idea, cast)


def common_ground(results: ResultsByType, idea_ids: Iterable[int],
                  share: float = COMMON_GROUND_SHARE) -> list[int]:
    """The ideas every voting organisation type gave at least `share` of its votes.

    Strongest first: by the smallest share any type gave (the weakest side's support), then by
    all votes, then by id, so the order is the same on every screen and in every file.
    """
    types = results.voting_types
    if len(types) < COMMON_GROUND_MIN_TYPES:
        return []
    found = []
    for idea_id in idea_ids:
        weakest = min(results.share(idea_id, t) for t in types)
        if weakest >= share:
            total = sum(results.per_idea.get(idea_id, Counter()).values())
            found.append((-weakest, -total, idea_id))
    return [idea_id for *_, idea_id in sorted(found)]
