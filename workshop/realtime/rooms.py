"""The rooms a fact is told in, chosen by the server, never by the client.

`workshop:<id>` holds everyone in a workshop, `workshop:<id>:facilitators` its facilitators.
"""

from __future__ import annotations

from ..domain.protocol import Audience, Fact
from .telling import Teller


def workshop_room(workshop_id: int) -> str:
    """Everyone's room in a workshop."""
    return f"workshop:{workshop_id}"


def facilitators_room(workshop_id: int) -> str:
    """The workshop's facilitators' room."""
    return f"workshop:{workshop_id}:facilitators"


def tell(teller: Teller, facts: list[Fact]) -> None:
    """Hand each fact to the teller for its audience's room, as the client reads it."""
    by_room: dict[str, list[dict]] = {}
    for fact in facts:
        room = (facilitators_room(fact.workshop_id) if fact.audience is Audience.FACILITATORS
                else workshop_room(fact.workshop_id))
        by_room.setdefault(room, []).append(
            {"name": fact.name, "payload": {"seq": fact.sequence, **fact.payload}})
    for room, told in by_room.items():
        teller.tell(room, told)
