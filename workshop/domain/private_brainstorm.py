"""A private brainstorm: until the facilitator reveals it, each participant sees only their
own ideas in it, and the facilitators see them all.

"Held" brainstorms are the private ones not revealed yet. Whether a reader may see an idea
is decided from the brainstorm it was posted in and its author; which audience a fact goes
to, from the ideas it tells of.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace

from .protocol import Audience, Fact


def kept_from(activity_id: int | None, author_id: int, held: Collection[int], *,
              reader: int | None, facilitator: bool = False) -> bool:
    """Whether an idea is kept from a reader: someone else's, in a held brainstorm.

    `reader` is the participant reading, or None for what every phone hears at once (a fact
    told to the whole workshop), from which every idea of a held brainstorm is kept.
    """
    if facilitator or activity_id is None or activity_id not in held:
        return False
    return reader is None or author_id != reader


def routed(facts: list[Fact], held: Collection[int],
           activity_of: Mapping[int, int | None]) -> list[Fact]:
    """The facts, each that tells of an idea of a held brainstorm told to the facilitators only.

    An idea is known by its payload (`idea` and `ideas` carry their activity_id) or, for a
    fact that names only its `idea_id`, by `activity_of` (read before the idea went). A fact
    listing several ideas of which only some are held is split: the workshop hears of the
    others, the facilitators of all of them.
    """
    out: list[Fact] = []
    for fact in facts:
        if fact.audience is not Audience.WORKSHOP:
            out.append(fact)
            continue
        payload = fact.payload
        if isinstance(payload.get("ideas"), list):
            shown = [idea for idea in payload["ideas"] if idea.get("activity_id") not in held]
            if len(shown) == len(payload["ideas"]):
                out.append(fact)
            else:
                out.append(replace(fact, payload={**payload, "ideas": shown}))
                out.append(replace(fact, audience=Audience.FACILITATORS))
            continue
        idea = payload.get("idea")
        activity_id = (idea.get("activity_id") if isinstance(idea, dict)
                       else activity_of.get(payload.get("idea_id")))
        out.append(replace(fact, audience=Audience.FACILITATORS)
                   if activity_id is not None and activity_id in held else fact)
    return out
