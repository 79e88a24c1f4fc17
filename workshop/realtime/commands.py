"""Every command a client may send: its payload's fields, checked on arrival, and its use case.

A payload that does not fit is refused here with `invalid_payload`, before any service runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from ..domain import phases
from ..domain.errors import DomainError
from ..domain.protocol import COMMANDS
from ..domain.text import CLIENT_KEY_MAX_LENGTH, well_formed
from ..services import (
    agenda,
    clusters,
    decisions,
    ideas,
    moderation,
    paper,
    reveal,
    snapshot,
    tables,
    timer,
    votes,
    workshops,
)
from ..services.access import Actor
from .transactions import Work


@dataclass(frozen=True)
class Field:
    """One field of a payload: its name, its type, and whether it may be null or absent."""

    name: str
    kind: type
    nullable: bool = False
    optional: bool = False

    def read(self, payload: dict) -> Any:
        """The field's value, or DomainError saying what is wrong with it."""
        if self.name not in payload:
            if self.optional:
                return None
            raise DomainError("invalid_payload", f"{self.name} is missing", field=self.name)
        value = payload[self.name]
        if value is None and self.nullable:
            return None
        # bool is an int in Python, but true is never an id.
        if not isinstance(value, self.kind) or (isinstance(value, bool) and self.kind is not bool):
            raise DomainError("invalid_payload", f"{self.name} must be {self.kind.__name__}",
                              field=self.name)
        if self.kind is int and not -(2**31) < value < 2**31:
            # Past this a database refuses the number with an error of its own; -2**31 is
            # refused too, so that the range reads the same both ways.
            raise DomainError("invalid_payload", f"{self.name} is out of range", field=self.name)
        if self.kind is str and not well_formed(value):
            # A lone surrogate: no database stores it, so it is no text at all.
            raise DomainError("invalid_payload", f"{self.name} is not well-formed text",
                              field=self.name)
        if self.name == "key" and not 1 <= len(value) <= CLIENT_KEY_MAX_LENGTH:
            raise DomainError("invalid_payload", "key must be 1-64 characters", field="key")
        return value


def is_id(value: Any) -> bool:
    """Whether a value from a client can be a row's id at all."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


KEY = Field("key", str)
TEXT = Field("text", str)
IDEA_ID = Field("idea_id", int)
CLUSTER_ID = Field("cluster_id", int)
NAME = Field("name", str)
ACTIVITY_ID = Field("activity_id", int)
TABLE_ID = Field("table_id", int)
# A decision is on an idea or on a cluster: one of the two, the other left out or null.
DECISION_TARGET = (Field("idea_id", int, nullable=True, optional=True),
                   Field("cluster_id", int, nullable=True, optional=True))
# What an activity is: all but the kind may be left out of an update.
ACTIVITY_FIELDS = (
    Field("prompt", str, optional=True),
    Field("duration_seconds", int, nullable=True, optional=True),
    Field("closes_when_time_up", bool, optional=True),
    Field("settings", dict, optional=True),
)


@dataclass(frozen=True)
class Command:
    """A command's fields and the use case it runs."""

    fields: tuple[Field, ...]
    service: Callable[..., Any]

    def parse(self, payload: Any) -> dict[str, Any]:
        """The payload as keyword arguments for the service."""
        if payload is None and all(f.optional for f in self.fields):
            return {}
        if not isinstance(payload, dict):
            raise DomainError("invalid_payload", "payload must be an object")
        return {f.name: f.read(payload) for f in self.fields}


REGISTRY: dict[str, Command] = {
    "workshop.sync": Command((Field("since", int, nullable=True, optional=True),
                              Field("table_seq", int, nullable=True, optional=True)),
                             snapshot.sync),
    "idea.post": Command((KEY, TEXT), ideas.post_idea),
    "idea.edit": Command((IDEA_ID, TEXT), ideas.edit_idea),
    "idea.delete": Command((IDEA_ID,), ideas.delete_idea),
    "idea.hide": Command((IDEA_ID,), partial(ideas.set_idea_hidden, hidden=True)),
    "idea.show": Command((IDEA_ID,), partial(ideas.set_idea_hidden, hidden=False)),
    "vote.cast": Command((KEY, IDEA_ID), votes.cast_vote),
    "vote.retract": Command((KEY,), votes.retract_vote),
    "cluster.create": Command((KEY, NAME), clusters.create_cluster),
    "cluster.rename": Command((CLUSTER_ID, NAME), clusters.rename_cluster),
    "cluster.delete": Command((CLUSTER_ID,), clusters.delete_cluster),
    "cluster.move_idea": Command(
        (IDEA_ID, Field("cluster_id", int, nullable=True), Field("position", int)),
        clusters.move_idea,
    ),
    "phase.set": Command((Field("phase", str),), agenda.set_phase),
    "activity.go": Command((ACTIVITY_ID,), agenda.go_to),
    "activity.add": Command((KEY, Field("kind", str), Field("title", str), *ACTIVITY_FIELDS,
                             Field("position", int, optional=True)), agenda.add_activity),
    "activity.update": Command((ACTIVITY_ID, Field("title", str, optional=True),
                                *ACTIVITY_FIELDS), agenda.update_activity),
    "activity.remove": Command((ACTIVITY_ID,), agenda.remove_activity),
    "activity.move": Command((ACTIVITY_ID, Field("position", int)), agenda.move_activity),
    "workshop.lock_joins": Command((Field("locked", bool),), workshops.lock_joins),
    "timer.start": Command((Field("seconds", int, nullable=True, optional=True),),
                           timer.start_timer),
    "timer.pause": Command((), timer.pause_timer),
    "timer.resume": Command((), timer.resume_timer),
    "timer.adjust": Command((Field("seconds", int), Field("key", str, optional=True)),
                            timer.adjust_timer),
    "timer.stop": Command((), timer.stop_timer),
    "idea.merge": Command((KEY, Field("idea_ids", list), Field("into_idea_id", int),
                           Field("text", str, nullable=True, optional=True)),
                          moderation.merge_ideas),
    "idea.unmerge": Command((Field("merge_id", int),), moderation.unmerge_ideas),
    "workshop.pause_input": Command((Field("paused", bool),), moderation.pause_input),
    "participant.remove": Command((Field("participant_id", int), Field("remove_ideas", bool)),
                                  moderation.remove_participant),
    "brainstorm.reveal": Command((ACTIVITY_ID,), reveal.reveal),
    "decision.set": Command((*DECISION_TARGET, Field("outcome", str),
                             Field("owner_name", str, optional=True),
                             Field("owner_type", str, optional=True),
                             Field("next_step", str, optional=True),
                             Field("due_on", str, nullable=True, optional=True)),
                            decisions.set_decision),
    "decision.clear": Command(DECISION_TARGET, decisions.clear_decision),
    "workshop.set_results_public": Command((Field("public", bool),),
                                           decisions.set_results_public),
    "table.create": Command((KEY, NAME), tables.create_table),
    "table.rename": Command((TABLE_ID, NAME), tables.rename_table),
    "table.delete": Command((TABLE_ID,), tables.delete_table),
    "tables.set_choice": Command((Field("open", bool),), tables.set_choice),
    "tables.assign": Command((Field("everyone", bool, optional=True),), tables.assign),
    "table.seat": Command((Field("participant_id", int), Field("table_id", int, nullable=True)),
                          tables.seat),
    "table.choose": Command((TABLE_ID,), tables.choose),
    "table.set_host": Command((TABLE_ID, Field("participant_id", int, nullable=True)),
                              tables.set_host),
    "brainstorm.merge": Command((ACTIVITY_ID,), reveal.merge_into_plenary),
    "idea.enter": Command((KEY, TEXT, Field("table_id", int, nullable=True, optional=True),
                           Field("organisation_type", str, nullable=True, optional=True),
                           Field("activity_id", int, nullable=True, optional=True)),
                          paper.enter_idea),
    "hands.set": Command((ACTIVITY_ID, IDEA_ID, Field("hands", int)), paper.set_hands),
}

assert set(REGISTRY) == COMMANDS, "the command registry and the domain's list disagree"


def run(name: str, session, actor: Actor, payload: Any) -> tuple[dict, list]:
    """Parse a command's payload, check who may send it, and run its use case.

    The actor goes on carrying the command's name: where the use case holds the workshop's
    phase, the one table of domain/phases.py is checked for it (access.hold_phase).
    """
    command = REGISTRY.get(name)
    if command is None:
        raise DomainError("unknown_command", f"unknown command {name!r}")
    arguments = command.parse(payload)
    phases.check_role(actor.role, name)
    return command.service(session, replace(actor, command=name), **arguments)


def work(name: str, actor: Actor, payload: Any) -> Work:
    """A command as work for the one path that commits, then tells (transactions.py)."""
    return Work(name, lambda session: run(name, session, actor, payload))
