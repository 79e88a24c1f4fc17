"""Where a workshop is, and the one table of what each phase allows whom to do.

The command path consults this table once per command, at the moment the command holds the
workshop's phase (services/access.py `hold_phase`), so no phase.set can slip in between the
check and the change. Nothing else decides whether a phase allows a command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .errors import DomainError
from .people import Role


class Phase(StrEnum):
    """Where a workshop is; each phase allows different things."""

    LOBBY = "lobby"
    POSTING = "posting"
    GROUPING = "grouping"
    VOTING = "voting"
    RESULTS = "results"


Act = tuple[Role, str]  # who does it, and the command they send

_P, _F = Role.PARTICIPANT, Role.FACILITATOR

# Reading the workshop is never closed, and the facilitator runs it in every phase.
_ALWAYS: frozenset[Act] = frozenset({
    (_P, "workshop.sync"),
    (_F, "workshop.sync"),
    (_F, "idea.delete"),
    (_F, "idea.hide"),
    (_F, "idea.show"),
    (_F, "cluster.create"),
    (_F, "cluster.rename"),
    (_F, "cluster.delete"),
    (_F, "cluster.move_idea"),
    (_F, "phase.set"),
    (_F, "activity.go"),
    (_F, "activity.add"),
    (_F, "activity.update"),
    (_F, "activity.remove"),
    (_F, "activity.move"),
    (_F, "workshop.lock_joins"),
    # The current activity's timer, whatever the activity.
    (_F, "timer.start"),
    (_F, "timer.pause"),
    (_F, "timer.resume"),
    (_F, "timer.adjust"),
    (_F, "timer.stop"),
    # Moderation: the facilitator edits any idea, merges and unmerges, pauses, removes.
    (_F, "idea.edit"),
    (_F, "idea.merge"),
    (_F, "idea.unmerge"),
    (_F, "workshop.pause_input"),
    (_F, "participant.remove"),
    # A private brainstorm's ideas, shown to everyone whenever the facilitator chooses.
    (_F, "brainstorm.reveal"),
    # The decision record, and whether participants and the public results page see it.
    (_F, "decision.set"),
    (_F, "decision.clear"),
    (_F, "workshop.set_results_public"),
    # Tables: made, seated and hosted whenever the facilitator chooses; merged likewise.
    (_F, "table.create"),
    (_F, "table.rename"),
    (_F, "table.delete"),
    (_F, "tables.set_choice"),
    (_F, "tables.assign"),
    (_F, "table.seat"),
    (_F, "table.set_host"),
    (_F, "brainstorm.merge"),
    # Paper notes and hand votes, typed in by the facilitator at any time.
    (_F, "idea.enter"),
    (_F, "hands.set"),
    # Choosing a table, while the facilitator lets participants choose (services/tables.py).
    (_P, "table.choose"),
})
_POSTING: frozenset[Act] = frozenset({(_P, "idea.post"), (_P, "idea.edit"), (_P, "idea.delete")})
_VOTING: frozenset[Act] = frozenset({(_P, "vote.cast"), (_P, "vote.retract")})
# A table's host (a participant) groups the table's ideas and types in its paper notes; the
# service checks the host and the table (services/tables.py).
_HOSTING_GROUPS: frozenset[Act] = frozenset({
    (_P, "cluster.create"), (_P, "cluster.rename"), (_P, "cluster.delete"),
    (_P, "cluster.move_idea")})

WHAT_EACH_PHASE_ALLOWS: dict[Phase, frozenset[Act]] = {
    Phase.LOBBY: _ALWAYS,
    Phase.POSTING: _ALWAYS | _POSTING | _HOSTING_GROUPS | {(_P, "idea.enter")},
    Phase.GROUPING: _ALWAYS | _HOSTING_GROUPS,
    Phase.VOTING: _ALWAYS | _VOTING,
    Phase.RESULTS: _ALWAYS,
}

# What a person is told when the phase does not allow what they tried.
CLOSED = {
    "idea.post": "posting_closed",
    "idea.edit": "posting_closed",
    "idea.delete": "posting_closed",
    "vote.cast": "voting_closed",
    "vote.retract": "voting_closed",
    "idea.enter": "posting_closed",
    "cluster.create": "grouping_closed",
    "cluster.rename": "grouping_closed",
    "cluster.delete": "grouping_closed",
    "cluster.move_idea": "grouping_closed",
}

# Reading goes on whatever the room's state.
_NEVER_CLOSED = frozenset({"workshop.sync"})

# Changes made from pages, not sockets; no phase closes them. An archived workshop still
# allows these: filing it (archiving, unarchiving, its series) and erasing people's data, a
# right the archive does not end. Every other change made from a page (command None) and
# every socket command but reading is refused with `archived`.
PAGE_CHANGES_OPEN_WHEN_ARCHIVED = frozenset({
    "workshop.archive", "workshop.unarchive", "workshop.series", "workshop.erase",
    "participant.erase",
})

_EVER_ALLOWED: frozenset[Act] = frozenset().union(*WHAT_EACH_PHASE_ALLOWS.values())


def check_role(role: Role, command: str) -> None:
    """Raise unless this role may send this command in some phase."""
    if (role, command) not in _EVER_ALLOWED:
        raise DomainError("forbidden", f"a {role} does not send {command}")


@dataclass(frozen=True)
class Room:
    """The state of the room a command is checked against, as its lock holds it.

    phase: what the current activity allows; paused: the facilitator stopped all input;
    closes_at: when the current activity's timer closes its input by itself; archived: the
    workshop is kept to be read, not changed.
    """

    phase: Phase
    paused: bool = False
    closes_at: datetime | None = None
    archived: bool = False  # read-only: only reading, filing and erasing go through

    def closed_by_time(self, now: datetime) -> bool:
        return self.closes_at is not None and now >= self.closes_at


def check(room: Room | Phase, role: Role, command: str | None,
          now: datetime | None = None) -> None:
    """Raise unless the room allows this role's command; the code says what is closed.

    An archived room refuses everything but reading with `archived`, for everyone. A
    facilitator's commands are never paused nor closed by time; a participant's input is
    refused with `input_paused` while paused, and with the phase's own code once the timer
    closed it (`now` is needed only then). `command` None, or one of
    PAGE_CHANGES_OPEN_WHEN_ARCHIVED, is a change made from a page: only the archive closes it.
    """
    if isinstance(room, Phase):
        room = Room(room)
    if room.archived and command not in _NEVER_CLOSED | PAGE_CHANGES_OPEN_WHEN_ARCHIVED:
        raise DomainError("archived", "the workshop is archived: it can be read, not changed")
    if command is None or command in PAGE_CHANGES_OPEN_WHEN_ARCHIVED:
        return
    if (role, command) not in WHAT_EACH_PHASE_ALLOWS[room.phase]:
        check_role(role, command)
        raise DomainError(CLOSED[command], f"{command} is closed in the {room.phase} phase")
    if role is Role.FACILITATOR or command in _NEVER_CLOSED:
        return
    if room.paused:
        raise DomainError("input_paused", "the facilitator has paused input")
    if now is not None and room.closed_by_time(now):
        raise DomainError(CLOSED[command], f"time is up: {command} is closed")


def tallies_visible(phase: Phase) -> bool:
    """Vote counts reach nobody until the facilitator reveals the results."""
    return phase is Phase.RESULTS

