"""Held brainstorms: a private brainstorm, until the facilitator reveals it, shows each
participant only their own ideas; a brainstorm at tables, until the tables are merged into
the plenary, shows each table only its own. The facilitators see them all.

"Held" brainstorms are both kinds not yet revealed or merged: `held` maps each one's id to
PRIVATE or AT_TABLES (a plain collection of ids means private ones). Whether a reader may see
an idea is decided from the brainstorm it was posted in, its author and its table; which
audience a fact goes to, from the ideas it tells of.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace

from .protocol import Audience, Fact

PRIVATE = "private"
AT_TABLES = "at_tables"


def holding(held: Collection[int], activity_id: int | None) -> str | None:
    """How a brainstorm holds its ideas back: PRIVATE, AT_TABLES, or None (it doesn't)."""
    if activity_id is None or activity_id not in held:
        return None
    return held[activity_id] if isinstance(held, Mapping) else PRIVATE


def kept_from(activity_id: int | None, author_id: int, held: Collection[int], *,
              reader: int | None, facilitator: bool = False, table: int | None = None,
              reader_table: int | None = None) -> bool:
    """Whether an idea is kept from a reader: someone else's in a held private brainstorm,
    or another table's (or no table's) in a brainstorm at tables not merged yet.

    `reader` is the participant reading, or None for what every phone hears at once (a fact
    told to the whole workshop), from which every idea of a held brainstorm is kept.
    """
    kind = holding(held, activity_id)
    if facilitator or kind is None:
        return False
    if kind == AT_TABLES:
        return reader is None or table is None or table != reader_table
    return reader is None or author_id != reader


def routed(facts: list[Fact], held: Collection[int],
           activity_of: Mapping[int, int | None],
           table_of: Mapping[int, int | None] | None = None) -> list[Fact]:
    """The facts, each that tells of an idea of a held brainstorm told only to those who may
    see it: the facilitators, and for a brainstorm at tables the idea's table too.

    An idea is known by its payload (`idea` and `ideas` carry their activity_id and
    table_id) or, for a fact that names only its `idea_id`, by `activity_of` and `table_of`
    (read before the idea went). A fact listing several ideas of which only some are held is
    split: the workshop hears of the others, each table of its own, the facilitators of all.
    """
    table_of = table_of or {}
    out: list[Fact] = []
    for fact in facts:
        if fact.audience is not Audience.WORKSHOP:
            out.append(fact)
            continue
        payload = fact.payload
        if isinstance(payload.get("ideas"), list):
            shown, at_tables = [], {}
            for idea in payload["ideas"]:
                kind = holding(held, idea.get("activity_id"))
                if kind is None:
                    shown.append(idea)
                elif kind == AT_TABLES and idea.get("table_id") is not None:
                    at_tables.setdefault(idea["table_id"], []).append(idea)
            if len(shown) == len(payload["ideas"]):
                out.append(fact)
                continue
            out.append(replace(fact, payload={**payload, "ideas": shown}))
            out.extend(replace(fact, payload={**payload, "ideas": ideas},
                               audience=Audience.TABLE, table_id=table)
                       for table, ideas in at_tables.items())
            out.append(replace(fact, audience=Audience.FACILITATORS))
            continue
        idea = payload.get("idea")
        if isinstance(idea, dict):
            activity_id, table = idea.get("activity_id"), idea.get("table_id")
        else:
            idea_id = payload.get("idea_id")
            activity_id, table = activity_of.get(idea_id), table_of.get(idea_id)
        kind = holding(held, activity_id)
        if kind is None:
            out.append(fact)
            continue
        if kind == AT_TABLES and table is not None:
            out.append(replace(fact, audience=Audience.TABLE, table_id=table))
        out.append(replace(fact, audience=Audience.FACILITATORS))
    return out
