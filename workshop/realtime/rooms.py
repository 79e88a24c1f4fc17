"""The rooms a fact is told in, chosen by the server, never by the client.

`workshop:<id>` holds everyone in a workshop, `workshop:<id>:facilitators` its facilitators,
`workshop:<id>:table:<table id>` the phones seated at one table.
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


def table_room(workshop_id: int, table_id: int) -> str:
    """The room of the phones at one table."""
    return f"workshop:{workshop_id}:table:{table_id}"


def tell(teller: Teller, facts: list[Fact]) -> None:
    """Hand each fact to the teller for its audience's room, as the client reads it.

    A table's facts carry the table's number as `tseq`, not the workshop's `seq`.
    """
    by_room: dict[str, list[dict]] = {}
    for fact in facts:
        if fact.audience is Audience.TABLE:
            room, number = table_room(fact.workshop_id, fact.table_id), {"tseq": fact.sequence}
        elif fact.audience is Audience.FACILITATORS:
            room, number = facilitators_room(fact.workshop_id), {"seq": fact.sequence}
        else:
            room, number = workshop_room(fact.workshop_id), {"seq": fact.sequence}
        by_room.setdefault(room, []).append(
            {"name": fact.name, "payload": {**number, **fact.payload}})
    for room, told in by_room.items():
        teller.tell(room, told)
