"""The realtime protocol's closed registries: the commands clients send, the facts they hear.

docs/protocol.md lists every one of them with its payload; tests/test_protocol.py keeps the
two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Audience(StrEnum):
    """Who a fact is for; the socket layer maps this to a room the server chooses."""

    WORKSHOP = "workshop"
    FACILITATORS = "facilitators"
    TABLE = "table"  # the phones at one table (Fact.table_id), numbered by the table


# The one closed registry of facts the server tells clients. Names are past tense.
FACTS = frozenset({
    "idea.posted",
    "idea.edited",
    "idea.deleted",
    "idea.hidden",
    "idea.shown",
    "clusters.changed",
    "phase.changed",
    "agenda.changed",
    "results.revealed",
    "presence.changed",
    "votes.progressed",
    "workshop.changed",
    "timer.changed",
    "idea.merged",
    "idea.unmerged",
    "input.changed",
    "ideas.revealed",
    "ideas.counted",
    "decision.changed",
    "decisions.changed",
    "tables.changed",
    "seats.changed",
    "duplicates.flagged",
    "hands.changed",
})

# Running counts for the facilitators. Only the newest matters, so a change says only that a
# count is due (a fact with no payload) and the count is made afresh, once for many changes.
COUNTS = frozenset({"presence.changed", "votes.progressed", "ideas.counted"})

# The one closed registry of commands clients may send. Names are imperative. Who may send
# which, in which phase, is the table in phases.py.
COMMANDS = frozenset({
    "workshop.sync",
    "idea.post",
    "idea.edit",
    "idea.delete",
    "idea.hide",
    "idea.show",
    "vote.cast",
    "vote.retract",
    "cluster.create",
    "cluster.rename",
    "cluster.delete",
    "cluster.move_idea",
    "phase.set",
    "activity.go",
    "activity.add",
    "activity.update",
    "activity.remove",
    "activity.move",
    "workshop.lock_joins",
    "timer.start",
    "timer.pause",
    "timer.resume",
    "timer.adjust",
    "timer.stop",
    "idea.merge",
    "idea.unmerge",
    "workshop.pause_input",
    "participant.remove",
    "brainstorm.reveal",
    "decision.set",
    "decision.clear",
    "workshop.set_results_public",
    "table.create",
    "table.rename",
    "table.delete",
    "tables.set_choice",
    "tables.assign",
    "table.seat",
    "table.choose",
    "table.set_host",
    "brainstorm.merge",
    "idea.enter",
    "hands.set",
})


@dataclass(frozen=True)
class Fact:
    """Something that happened in a workshop, to be told to an audience."""

    name: str
    workshop_id: int
    payload: dict[str, Any] = field(default_factory=dict)
    audience: Audience = Audience.WORKSHOP
    sequence: int | None = None
    table_id: int | None = None  # for Audience.TABLE: which table's phones

    def __post_init__(self) -> None:
        if self.name not in FACTS:
            raise ValueError(f"unregistered fact {self.name!r}")
        if (self.audience is Audience.TABLE) != (self.table_id is not None):
            raise ValueError("a table's fact names its table, and only a table's fact does")


def count_due(name: str, workshop_id: int) -> Fact:
    """The fact that one of the facilitators' counts changed and must be counted again."""
    if name not in COUNTS:
        raise ValueError(f"{name!r} is not a count")
    return Fact(name, workshop_id, audience=Audience.FACILITATORS)
