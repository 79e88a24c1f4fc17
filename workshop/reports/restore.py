"""Reading a workshop's JSON export back, trusting nothing in it.

`read_export(raw)` parses the bytes with limits (size, nesting, no NaN, no duplicate keys)
and checks every field against the domain's own limits and the document's own references
(ids that ideas, clusters, votes, decisions and the agenda name must be in the document). It
answers a `Restorable`: the document as plain, checked data, ready to be written in one
transaction (services/restore.py); or one DomainError("invalid_export") whose details say
where (`where`, e.g. "ideas[3].text") and what (`problem`, with its numbers). Pure: it
imports nothing of the framework, so it runs off the event loop (workshop/offload.py).

What the file is trusted with: nothing but its own words. Its ids are only names inside it
(the restore gives new ones); its facilitator numbers in the audit log and its pseudonyms
are kept as written, since they are the record of who did what where it came from.
"""

from __future__ import annotations

import json
import math
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ..domain.agenda import (
    ACTIVITY_TITLE_MAX_LENGTH,
    MAX_ACTIVITIES,
    MAX_DURATION_SECONDS,
    PROMPT_MAX_LENGTH,
    ActivityKind,
)
from ..domain.decisions import NEXT_STEP_MAX_LENGTH, Outcome
from ..domain.errors import DomainError
from ..domain.ideas import CLUSTER_NAME_MAX_LENGTH, IDEA_MAX_LENGTH
from ..domain.people import ORGANISATION_NAME_MAX_LENGTH, OrganisationType
from ..domain.phases import Phase, tallies_visible
from ..domain.tables import MOST_HANDS, MOST_TABLES, TABLE_NAME_MAX_LENGTH
from ..domain.text import well_formed
from ..domain.votes import MAX_VOTE_BUDGET
from ..domain.workshops import LANGUAGES, QUESTION_MAX_LENGTH, TITLE_MAX_LENGTH
from .formats import SCHEMA_VERSION

# A 5,000-idea workshop with its votes and log exports to a few MB; past this it is no
# export of ours, and parsing it would hold a worker for nothing.
MAX_EXPORT_BYTES = 8 * 1024 * 1024
# An export nests five levels deep, an audit row's before/after a few more.
MAX_DEPTH = 20
MAX_PARTICIPANTS = 10_000
MAX_IDEAS = 20_000
MAX_MERGED = 200  # ideas merged into one
MAX_CLUSTERS = 2_000
MAX_VOTES = 200_000
MAX_DECISIONS = 20_000
MAX_AUDIT_ROWS = 100_000
MAX_AUDIT_PART_CHARACTERS = 64 * 1024  # an audit row's objects, before or after, as JSON
# Objects and lists in the file, counted by their brackets before parsing (strings' brackets
# too, so it errs on refusing): a limit's worth of every part stays well under it. The parse
# is one C call that holds the interpreter; this keeps it short (docs/restore.md).
MAX_CONTAINERS = 1_000_000
COMMAND_MAX_LENGTH = 40
JOIN_CODE_MAX_LENGTH = 16
TIME_ZONE_MAX_LENGTH = 64
_ID_LIMIT = 2**31  # ids, positions and counts must fit a database's integer
# The audit log's who for rows the clock wrote (services/audit.py BY_THE_CLOCK).
BY_THE_CLOCK = frozenset({"timer.expire"})


@dataclass(frozen=True)
class Restorable:
    """An export that passed every check: its parts as plain data, and its times parsed."""

    document: dict
    times: dict[str, datetime]  # "ideas[3].created_at" -> the moment, in UTC

    def time(self, where: str) -> datetime | None:
        """The checked moment at `where`, or None where the document had null."""
        return self.times.get(where)


def read_export(raw: bytes) -> Restorable:
    """Parse and check an uploaded export; DomainError("invalid_export") says what and where."""
    if not isinstance(raw, bytes | bytearray) or len(raw) > MAX_EXPORT_BYTES:
        _refuse("", "too_large", f"larger than {MAX_EXPORT_BYTES // (1024 * 1024)} MB",
                max_mb=MAX_EXPORT_BYTES // (1024 * 1024))
    try:
        text = bytes(raw).decode("utf-8-sig")
    except UnicodeDecodeError:
        _refuse("", "not_json", "not UTF-8 text")
    if raw.count(b"[") + raw.count(b"{") > MAX_CONTAINERS:
        _refuse("", "too_many_containers", f"more than {MAX_CONTAINERS} objects and lists",
                max=MAX_CONTAINERS)
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys,
                          parse_constant=_no_constant, parse_float=_finite_float)
    except _Refused as refused:
        _refuse("", refused.problem, refused.message)
    except RecursionError:
        _refuse("", "too_deep", "nested too deep", max=MAX_DEPTH)
    except ValueError:
        # Not JSON, or a number of more digits than Python converts.
        _refuse("", "not_json", "not JSON text")
    # Every part but the audit log's free-form ones is read field by field, its types exact:
    # nothing nests deeper there than the schema does. Those are checked where they are read.
    return _Reader().read(data)


class _Refused(Exception):
    def __init__(self, problem: str, message: str):
        super().__init__(message)
        self.problem, self.message = problem, message


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _Refused("duplicate_key", "a key appears twice in one object")
    return found


def _no_constant(name: str) -> Any:
    raise _Refused("bad_number", f"{name} is no number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused("bad_number", f"{text[:20]} is too large a number")
    return value


def _check_depth(data: Any, depth: int = 1, where: str = "") -> None:
    # Without recursion: the depth is what is being checked.
    stack = [(data, depth)] if isinstance(data, dict | list) else []
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            _refuse(where, "too_deep", "nested too deep", max=MAX_DEPTH)
        inner = value.values() if isinstance(value, dict) else value
        # Only containers go on the stack: a list of a million numbers is no deeper for them.
        stack.extend((v, depth + 1) for v in inner if isinstance(v, dict | list))


def _refuse(where: str, problem: str, message: str, **details: Any):
    raise DomainError("invalid_export", f"{where}: {message}" if where else message,
                      where=where, problem=problem, **details)


# Which fields each part has: required, then optional (fields later versions of this
# schema's writer add, which older exports lack).
_TOP = ("schema_version", "exported_at", "workshop", "votes_hidden_until_reveal", "agenda",
        "participants", "ideas", "clusters", "votes", "audit_log")
_TOP_OPTIONAL = ("decisions", "tables", "hand_tallies")
_WORKSHOP = ("id", "title", "question", "join_code", "phase", "vote_budget", "votes_per_idea",
             "language", "joins_locked", "current_activity_id", "input_paused", "anonymous",
             "created_at")
_WORKSHOP_OPTIONAL = ("time_zone", "results_public", "tables_by_choice")
_ACTIVITY = ("id", "position", "kind", "title", "prompt", "duration_seconds",
             "closes_when_time_up", "private", "revealed", "vote_budget", "votes_per_idea",
             "source_activity_id", "cluster_ids")
# Fields of issue 9 (tables, paper notes, hand votes): an older file has none of them.
_ACTIVITY_OPTIONAL = ("at_tables", "merged", "merged_at")
_PARTICIPANT = ("pseudonym", "organisation_type", "organisation_name", "joined_at")
_PARTICIPANT_OPTIONAL = ("table_id", "on_paper")
_IDEA = ("id", "participant", "text", "activity_id", "cluster_id", "hidden", "created_at",
         "edited_at", "votes", "edited_by_facilitator", "merged_ideas")
_IDEA_OPTIONAL = ("table_id", "entered_on_behalf", "entered_by", "hands", "total")
_MERGED = ("id", "participant", "text")
_MERGED_OPTIONAL = ("table_id",)
_CLUSTER = ("id", "name", "activity_id", "position", "idea_ids")
_CLUSTER_OPTIONAL = ("table_id",)
_TABLE = ("id", "name", "position", "host")
_HAND_TALLY = ("activity_id", "idea_id", "hands", "entered_by", "updated_at")
_VOTE = ("participant", "idea_id", "activity_id", "created_at")
_DECISION = ("id", "idea_id", "cluster_id", "outcome", "owner_name", "owner_type",
             "next_step", "due_on", "decided_by", "created_at", "updated_at")
_AUDIT = ("id", "at", "who", "command", "objects", "before", "after")


class _Reader:
    """One pass over the document, keeping the path to what it reads for its errors."""

    def __init__(self):
        self.times: dict[str, datetime] = {}
        self.idea_ids: set[int] = set()
        self.table_ids: set[int] = set()
        self.on_paper: set[str] = set()  # stand-ins' pseudonyms

    def read(self, data: Any) -> Restorable:
        if not isinstance(data, dict) or "schema_version" not in data:
            _refuse("", "not_an_export", "not a Tupa workshop export: no schema_version")
        version = data["schema_version"]
        if version != SCHEMA_VERSION or isinstance(version, bool):
            _refuse("schema_version", "unknown_version", f"version {version!r} is not read",
                    version=json.dumps(version)[:20], reads=SCHEMA_VERSION)
        self._fields(data, "", _TOP, _TOP_OPTIONAL)
        self._time(data, "exported_at")
        workshop = self._object(data, "workshop")
        agenda = self._list(data, "agenda", MAX_ACTIVITIES)
        participants = self._list(data, "participants", MAX_PARTICIPANTS)
        ideas = self._list(data, "ideas", MAX_IDEAS)
        clusters = self._list(data, "clusters", MAX_CLUSTERS)
        votes = self._list(data, "votes", MAX_VOTES)
        decisions = self._list(data, "decisions", MAX_DECISIONS) if "decisions" in data else []
        tables = self._list(data, "tables", MOST_TABLES) if "tables" in data else []
        hand_tallies = self._list(data, "hand_tallies", MAX_VOTES) \
            if "hand_tallies" in data else []
        audit_log = self._list(data, "audit_log", MAX_AUDIT_ROWS)

        activity_kinds = self._agenda(agenda)
        self._workshop(workshop, activity_kinds)
        hidden = self._boolean(data, "votes_hidden_until_reveal", "")
        if hidden != (not tallies_visible(Phase(workshop["phase"]))):
            _refuse("votes_hidden_until_reveal", "mismatch",
                    "disagrees with the workshop's phase", other="workshop.phase")
        self.table_ids = self._tables(tables)
        pseudonyms = self._participants(participants)
        self._hosts(tables, pseudonyms)
        cluster_ids = self._clusters(clusters, activity_kinds)
        standing = self._ideas(ideas, pseudonyms, activity_kinds, cluster_ids)
        self._members(clusters, ideas, standing)
        self._agenda_references(agenda, activity_kinds, cluster_ids)
        self._votes(votes, ideas, hidden, pseudonyms, standing, activity_kinds)
        self._hand_tallies(hand_tallies, ideas, hidden, standing, activity_kinds)
        self._decisions(decisions, cluster_ids)
        self._audit_log(audit_log, pseudonyms)
        return Restorable(data, self.times)

    # The parts ---------------------------------------------------------------------------

    def _workshop(self, workshop: dict, activity_kinds: dict[int, str]) -> None:
        where = "workshop"
        self._fields(workshop, where, _WORKSHOP, _WORKSHOP_OPTIONAL)
        self._id(workshop, "id", where)
        self._text(workshop, "title", where, TITLE_MAX_LENGTH, required=True)
        self._text(workshop, "question", where, QUESTION_MAX_LENGTH)
        self._text(workshop, "join_code", where, JOIN_CODE_MAX_LENGTH)
        self._choice(workshop, "phase", where, [p.value for p in Phase])
        budget = self._number(workshop, "vote_budget", where, 1, MAX_VOTE_BUDGET)
        self._number(workshop, "votes_per_idea", where, 1, budget)
        self._choice(workshop, "language", where, list(LANGUAGES))
        for name in ("joins_locked", "input_paused", "anonymous"):
            self._boolean(workshop, name, where)
        self._reference(workshop, "current_activity_id", where, activity_kinds)
        self._time(workshop, "created_at", where)
        if "time_zone" in workshop:
            zone = self._text(workshop, "time_zone", where, TIME_ZONE_MAX_LENGTH, required=True)
            if zone not in _time_zones():
                _refuse(f"{where}.time_zone", "unknown_value", f"{zone!r} is no time zone",
                        value=zone[:40], known="IANA")
        for name in ("results_public", "tables_by_choice"):
            if name in workshop:
                self._boolean(workshop, name, where)

    def _agenda(self, agenda: list) -> dict[int, str]:
        kinds: dict[int, str] = {}
        for index, activity in enumerate(agenda):
            where = f"agenda[{index}]"
            activity = self._item(activity, where)
            self._fields(activity, where, _ACTIVITY, _ACTIVITY_OPTIONAL)
            activity_id = self._unique(activity, where, kinds)
            self._number(activity, "position", where, 0, _ID_LIMIT - 1)
            kind = self._choice(activity, "kind", where, [k.value for k in ActivityKind])
            kinds[activity_id] = kind
            self._text(activity, "title", where, ACTIVITY_TITLE_MAX_LENGTH, required=True)
            self._text(activity, "prompt", where, PROMPT_MAX_LENGTH)
            self._number(activity, "duration_seconds", where, 1, MAX_DURATION_SECONDS,
                         nullable=True)
            for name in ("closes_when_time_up", "private", "revealed"):
                self._boolean(activity, name, where)
            budget = self._number(activity, "vote_budget", where, 1, MAX_VOTE_BUDGET,
                                  nullable=True)
            if activity["votes_per_idea"] is not None and budget is None:
                _refuse(f"{where}.votes_per_idea", "mismatch", "given without a vote_budget",
                        other=f"{where}.vote_budget")
            self._number(activity, "votes_per_idea", where, 1, budget or 1, nullable=True)
            self._check_list(activity, "cluster_ids", where, MAX_CLUSTERS, nullable=True)
            self._at_tables(activity, where, kind)
        positions = [(a["position"], a["id"]) for a in agenda]
        if positions != sorted(positions):
            _refuse("agenda", "out_of_order", "not in the order of its positions")
        return kinds

    def _at_tables(self, activity: dict, where: str, kind: str) -> None:
        at_tables = self._boolean(activity, "at_tables", where) \
            if "at_tables" in activity else False
        merged = self._boolean(activity, "merged", where) if "merged" in activity else False
        merged_at = self._time(activity, "merged_at", where, nullable=True) \
            if "merged_at" in activity else None
        if at_tables and kind != ActivityKind.BRAINSTORM.value:
            _refuse(f"{where}.at_tables", "mismatch", "only a brainstorm is held at tables",
                    other=f"{where}.kind")
        if at_tables and activity["private"]:
            _refuse(f"{where}.at_tables", "mismatch", "a brainstorm is private or at tables, "
                    "not both", other=f"{where}.private")
        if merged and not at_tables:
            _refuse(f"{where}.merged", "mismatch", "only a brainstorm at tables is merged",
                    other=f"{where}.at_tables")
        if "merged" in activity and merged != (merged_at is not None):
            _refuse(f"{where}.merged_at", "mismatch", "disagrees with merged",
                    other=f"{where}.merged")
        if merged_at is not None and not at_tables:
            _refuse(f"{where}.merged_at", "mismatch", "only a brainstorm at tables is merged",
                    other=f"{where}.at_tables")

    def _tables(self, tables: list) -> set[int]:
        seen: set[int] = set()
        names: set[str] = set()
        for index, table in enumerate(tables):
            where = f"tables[{index}]"
            table = self._item(table, where)
            self._fields(table, where, _TABLE)
            self._unique(table, where, seen)
            name = self._text(table, "name", where, TABLE_NAME_MAX_LENGTH, required=True)
            if name in names:
                _refuse(f"{where}.name", "duplicate", "two tables of one name", value=name[:40])
            names.add(name)
            self._number(table, "position", where, 0, _ID_LIMIT - 1)
        order = [(t["position"], t["id"]) for t in tables]
        if order != sorted(order):
            _refuse("tables", "out_of_order", "not in the order of their positions")
        return seen

    def _hosts(self, tables: list, pseudonyms: set[str]) -> None:
        for index, table in enumerate(tables):
            if table["host"] is None:
                continue
            # A host is a person of the workshop: a stand-in for paper notes hosts nothing.
            self._choice(table, "host", f"tables[{index}]", pseudonyms - self.on_paper,
                         quiet=True)

    def _agenda_references(self, agenda: list, kinds: dict[int, str],
                           cluster_ids: set[int]) -> None:
        for index, activity in enumerate(agenda):
            where = f"agenda[{index}]"
            source = self._reference(activity, "source_activity_id", where, kinds)
            if source == activity["id"]:
                _refuse(f"{where}.source_activity_id", "dangling", "names the activity itself",
                        value=source)
            for number, cluster_id in enumerate(activity["cluster_ids"] or ()):
                # A cluster deleted after the vote was set up stays named here: Tupa writes
                # that itself, so it is read, not refused (services/restore.py leaves it out).
                if not _is_id(cluster_id):
                    _refuse(f"{where}.cluster_ids[{number}]", "not_id", "not an id")

    def _participants(self, participants: list) -> set[str]:
        pseudonyms: set[str] = set()
        joined_before = None
        for index, person in enumerate(participants):
            where = f"participants[{index}]"
            person = self._item(person, where)
            self._fields(person, where, _PARTICIPANT, _PARTICIPANT_OPTIONAL)
            pseudonym = self._text(person, "pseudonym", where, 20, required=True)
            # Exports number people p1, p2 ... in joining order; a restore numbers them so.
            if pseudonym != f"p{index + 1}":
                _refuse(f"{where}.pseudonym", "unknown_value", f"must be p{index + 1}",
                        value=pseudonym, known=f"p{index + 1}")
            pseudonyms.add(pseudonym)
            self._choice(person, "organisation_type", where, [t.value for t in OrganisationType])
            self._text(person, "organisation_name", where, ORGANISATION_NAME_MAX_LENGTH)
            if "table_id" in person:
                self._reference(person, "table_id", where, self.table_ids)
            if "on_paper" in person and self._boolean(person, "on_paper", where):
                self.on_paper.add(pseudonym)
            joined = self._time(person, "joined_at", where)
            if joined_before is not None and joined < joined_before:
                _refuse(f"{where}.joined_at", "out_of_order",
                        "earlier than the participant before: people are listed as they joined")
            joined_before = joined
        return pseudonyms

    def _ideas(self, ideas: list, pseudonyms: set[str], kinds: dict[int, str],
               cluster_ids: set[int]) -> dict[int, dict]:
        standing: dict[int, dict] = {}
        every_id: set[int] = set()
        last_id = 0
        for index, idea in enumerate(ideas):
            where = f"ideas[{index}]"
            idea = self._item(idea, where)
            self._fields(idea, where, _IDEA, _IDEA_OPTIONAL)
            idea_id = self._unique(idea, where, every_id)
            if idea_id <= last_id:
                _refuse(f"{where}.id", "out_of_order", "ideas are listed by id, ascending")
            last_id = idea_id
            author = self._choice(idea, "participant", where, pseudonyms, quiet=True)
            self._text(idea, "text", where, IDEA_MAX_LENGTH, required=True)
            self._reference(idea, "activity_id", where, kinds)
            self._reference(idea, "cluster_id", where, cluster_ids)
            self._paper(idea, where, author, pseudonyms)
            for name in ("hidden", "edited_by_facilitator"):
                self._boolean(idea, name, where)
            self._time(idea, "created_at", where)
            self._time(idea, "edited_at", where, nullable=True)
            self._number(idea, "votes", where, 0, MAX_VOTES, nullable=True)
            merged = self._check_list(idea, "merged_ideas", where, MAX_MERGED)
            merged_before = 0
            for number, other in enumerate(merged):
                inner = f"{where}.merged_ideas[{number}]"
                other = self._item(other, inner)
                self._fields(other, inner, _MERGED, _MERGED_OPTIONAL)
                if "table_id" in other:
                    self._reference(other, "table_id", inner, self.table_ids)
                other_id = self._unique(other, inner, every_id)
                if other_id <= merged_before:
                    _refuse(f"{inner}.id", "out_of_order", "merged ideas are listed by id")
                merged_before = other_id
                self._choice(other, "participant", inner, pseudonyms, quiet=True)
                self._text(other, "text", inner, IDEA_MAX_LENGTH, required=True)
            standing[idea_id] = idea
        self.idea_ids = every_id
        return standing

    def _paper(self, idea: dict, where: str, author: str, pseudonyms: set[str]) -> None:
        """An idea's table, and whether (and by whom) it was typed in from a paper note."""
        if "table_id" in idea:
            self._reference(idea, "table_id", where, self.table_ids)
        on_behalf = self._boolean(idea, "entered_on_behalf", where) \
            if "entered_on_behalf" in idea else False
        # The mark follows from the author: a stand-in's ideas are the paper notes.
        if "entered_on_behalf" in idea and on_behalf != (author in self.on_paper):
            _refuse(f"{where}.entered_on_behalf", "mismatch",
                    "disagrees with its participant's on_paper", other=f"{where}.participant")
        if "entered_by" not in idea or idea["entered_by"] is None:
            return
        who = self._object(idea, "entered_by", where)
        at = f"{where}.entered_by"
        if not on_behalf:
            _refuse(at, "mismatch", "only an idea entered on behalf was entered by someone",
                    other=f"{where}.entered_on_behalf")
        if len(who) != 1:
            _refuse(at, "unknown_value", "names one facilitator or participant",
                    value=json.dumps(who)[:40], known="who")
        if "facilitator" in who:
            self._id(who, "facilitator", at)
        elif "participant" in who:
            self._choice(who, "participant", at, pseudonyms - self.on_paper, quiet=True)
        else:
            _refuse(at, "unknown_value", "names nobody", value=json.dumps(who)[:40],
                    known="who")

    def _clusters(self, clusters: list, kinds: dict[int, str]) -> set[int]:
        seen: set[int] = set()
        for index, cluster in enumerate(clusters):
            where = f"clusters[{index}]"
            cluster = self._item(cluster, where)
            self._fields(cluster, where, _CLUSTER, _CLUSTER_OPTIONAL)
            if "table_id" in cluster:
                self._reference(cluster, "table_id", where, self.table_ids)
            self._unique(cluster, where, seen)
            self._text(cluster, "name", where, CLUSTER_NAME_MAX_LENGTH, required=True)
            self._reference(cluster, "activity_id", where, kinds)
            self._number(cluster, "position", where, 0, _ID_LIMIT - 1)
            self._check_list(cluster, "idea_ids", where, MAX_IDEAS)
        order = [(c["position"], c["id"]) for c in clusters]
        if order != sorted(order):
            _refuse("clusters", "out_of_order", "not in the order of their positions")
        return seen

    def _members(self, clusters: list, ideas: list, standing: dict[int, dict]) -> None:
        member_of: dict[int, int] = {}
        for index, cluster in enumerate(clusters):
            where = f"clusters[{index}]"
            for number, idea_id in enumerate(cluster["idea_ids"]):
                inner = f"{where}.idea_ids[{number}]"
                if not _is_id(idea_id):
                    _refuse(inner, "not_id", "not an id")
                if idea_id not in standing:
                    _refuse(inner, "dangling", f"names idea {idea_id}, which the file does "
                            "not have", value=idea_id)
                if idea_id in member_of:
                    _refuse(inner, "duplicate", f"idea {idea_id} is in two clusters",
                            value=idea_id)
                member_of[idea_id] = cluster["id"]
        for index, idea in enumerate(ideas):
            if idea["cluster_id"] != member_of.get(idea["id"]):
                _refuse(f"ideas[{index}].cluster_id", "mismatch",
                        "disagrees with the clusters' idea_ids", other="clusters")

    def _votes(self, votes: list, ideas: list, hidden: bool, pseudonyms: set[str],
               standing: dict[int, dict], kinds: dict[int, str]) -> None:
        if hidden and votes:
            _refuse("votes", "mismatch", "votes are listed though hidden until the reveal",
                    other="votes_hidden_until_reveal")
        counted: dict[int, int] = {}
        for index, vote in enumerate(votes):
            where = f"votes[{index}]"
            vote = self._item(vote, where)
            self._fields(vote, where, _VOTE)
            self._choice(vote, "participant", where, pseudonyms, quiet=True)
            idea_id = self._reference(vote, "idea_id", where, standing, nullable=False)
            activity_id = self._reference(vote, "activity_id", where, kinds)
            if activity_id is not None and kinds[activity_id] != ActivityKind.VOTE.value:
                _refuse(f"{where}.activity_id", "mismatch", "names an activity that is no vote",
                        other=f"agenda activity {activity_id}")
            self._time(vote, "created_at", where)
            counted[idea_id] = counted.get(idea_id, 0) + 1
        for index, idea in enumerate(ideas):
            said = idea["votes"]
            if (said is None) != hidden or (not hidden and said != counted.get(idea["id"], 0)):
                _refuse(f"ideas[{index}].votes", "mismatch",
                        f"says {said}, the votes list has {counted.get(idea['id'], 0)}",
                        other="votes")

    def _hand_tallies(self, tallies: list, ideas: list, hidden: bool,
                      standing: dict[int, dict], kinds: dict[int, str]) -> None:
        if hidden and tallies:
            _refuse("hand_tallies", "mismatch", "hands are listed though hidden until the "
                    "reveal", other="votes_hidden_until_reveal")
        counted: dict[int, int] = {}
        seen: set[tuple[int, int]] = set()
        for index, tally in enumerate(tallies):
            where = f"hand_tallies[{index}]"
            tally = self._item(tally, where)
            self._fields(tally, where, _HAND_TALLY)
            activity_id = self._reference(tally, "activity_id", where, kinds, nullable=False)
            if kinds[activity_id] != ActivityKind.VOTE.value:
                _refuse(f"{where}.activity_id", "mismatch", "names an activity that is no vote",
                        other=f"agenda activity {activity_id}")
            idea_id = self._reference(tally, "idea_id", where, standing, nullable=False)
            if (activity_id, idea_id) in seen:
                _refuse(where, "duplicate", f"a second tally of idea {idea_id} in one vote",
                        value=idea_id)
            seen.add((activity_id, idea_id))
            hands = self._number(tally, "hands", where, 1, MOST_HANDS)
            self._number(tally, "entered_by", where, 1, _ID_LIMIT - 1, nullable=True)
            self._time(tally, "updated_at", where)
            counted[idea_id] = counted.get(idea_id, 0) + hands
        for index, idea in enumerate(ideas):
            # Checked against the list as `votes` is; a file from before hands has neither.
            if "hands" in idea:
                said = idea["hands"]
                if said is not None:
                    self._number(idea, "hands", f"ideas[{index}]", 0, _ID_LIMIT - 1)
                if (said is None) != hidden or (not hidden and said != counted.get(idea["id"], 0)):
                    _refuse(f"ideas[{index}].hands", "mismatch",
                            f"says {said}, the hand tallies have {counted.get(idea['id'], 0)}",
                            other="hand_tallies")
            elif counted.get(idea["id"]):
                _refuse(f"ideas[{index}].hands", "missing", "missing")
            if "total" in idea:
                said = idea["total"]
                if said is not None:
                    self._number(idea, "total", f"ideas[{index}]", 0, _ID_LIMIT - 1)
                expected = None if hidden else idea["votes"] + counted.get(idea["id"], 0)
                if said != expected:
                    _refuse(f"ideas[{index}].total", "mismatch",
                            f"says {said}, its votes and hands make {expected}",
                            other="votes, hand_tallies")

    def _decisions(self, decisions: list, cluster_ids: set[int]) -> None:
        seen: set[int] = set()
        decided: set[tuple[str, int]] = set()
        last_id = 0
        for index, decision in enumerate(decisions):
            where = f"decisions[{index}]"
            decision = self._item(decision, where)
            self._fields(decision, where, _DECISION)
            decision_id = self._unique(decision, where, seen)
            if decision_id <= last_id:
                _refuse(f"{where}.id", "out_of_order", "decisions are listed by id")
            last_id = decision_id
            # An idea merged after its decision keeps the decision: any idea of the file.
            idea_id = self._reference(decision, "idea_id", where, self.idea_ids)
            cluster_id = self._reference(decision, "cluster_id", where, cluster_ids)
            if (idea_id is None) == (cluster_id is None):
                _refuse(where, "mismatch", "names an idea or a cluster, one of them",
                        other="idea_id, cluster_id")
            target = ("idea", idea_id) if idea_id is not None else ("cluster", cluster_id)
            if target in decided:
                _refuse(where, "duplicate", f"a second decision on {target[0]} {target[1]}",
                        value=target[1])
            decided.add(target)
            self._choice(decision, "outcome", where, [o.value for o in Outcome])
            self._text(decision, "owner_name", where, ORGANISATION_NAME_MAX_LENGTH)
            self._choice(decision, "owner_type", where,
                         ["", *(t.value for t in OrganisationType)])
            self._text(decision, "next_step", where, NEXT_STEP_MAX_LENGTH)
            self._date(decision, "due_on", where)
            self._number(decision, "decided_by", where, 1, _ID_LIMIT - 1, nullable=True)
            self._time(decision, "created_at", where)
            self._time(decision, "updated_at", where)

    def _audit_log(self, rows: list, pseudonyms: set[str]) -> None:
        seen: set[int] = set()
        last_id = 0
        for index, row in enumerate(rows):
            where = f"audit_log[{index}]"
            row = self._item(row, where)
            self._fields(row, where, _AUDIT)
            row_id = self._unique(row, where, seen)
            if row_id <= last_id:
                _refuse(f"{where}.id", "out_of_order", "the log is listed by id, ascending")
            last_id = row_id
            self._time(row, "at", where)
            command = self._text(row, "command", where, COMMAND_MAX_LENGTH, required=True)
            who = self._object(row, "who", where)
            if len(who) != 1:
                _refuse(f"{where}.who", "unknown_value", "names one facilitator, participant "
                        "or the clock", value=json.dumps(who)[:40], known="who")
            if "facilitator" in who:
                self._id(who, "facilitator", f"{where}.who")
            elif "clock" in who:
                if who["clock"] is not True or command not in BY_THE_CLOCK:
                    _refuse(f"{where}.who.clock", "mismatch", "only the clock's own rows",
                            other=f"{where}.command")
            elif "participant" in who:
                if who["participant"] != "erased" or command in BY_THE_CLOCK:
                    self._choice(who, "participant", f"{where}.who", pseudonyms, quiet=True)
            else:
                _refuse(f"{where}.who", "unknown_value", "names nobody",
                        value=json.dumps(who)[:40], known="who")
            self._object(row, "objects", where)
            for name in ("before", "after"):
                if row[name] is not None:
                    self._object(row, name, where)
            for name in ("objects", "before", "after"):
                # Counted from the document: it, the log, the row, then the part.
                _check_depth(row[name], 4, f"{where}.{name}")
                if len(json.dumps(row[name], ensure_ascii=False)) > MAX_AUDIT_PART_CHARACTERS:
                    _refuse(f"{where}.{name}", "too_long", "too long",
                            max_length=MAX_AUDIT_PART_CHARACTERS)
                _check_strings(row[name], f"{where}.{name}")

    # The fields -------------------------------------------------------------------------

    def _fields(self, data: dict, where: str, required: tuple[str, ...],
                optional: tuple[str, ...] = ()) -> None:
        for name in required:
            if name not in data:
                _refuse(_at(where, name), "missing", "missing")
        for name in data:
            if name not in required and name not in optional:
                _refuse(_at(where, str(name)[:40]), "unknown_field", "not part of an export")

    def _item(self, value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            _refuse(where, "not_object", "must be an object")
        return value

    def _object(self, data: dict, name: str, where: str = "") -> dict:
        return self._item(data[name], _at(where, name))

    def _list(self, data: dict, name: str, most: int) -> list:
        return self._check_list(data, name, "", most)

    def _check_list(self, data: dict, name: str, where: str, most: int,
                    nullable: bool = False) -> list | None:
        value = data[name]
        if value is None and nullable:
            return None
        if not isinstance(value, list):
            _refuse(_at(where, name), "not_list", "must be a list")
        if len(value) > most:
            _refuse(_at(where, name), "too_many", f"more than {most} entries", max=most)
        return value

    def _text(self, data: dict, name: str, where: str, max_length: int,
              required: bool = False) -> str:
        value, at = data[name], _at(where, name)
        if not isinstance(value, str):
            _refuse(at, "not_text", "must be text")
        if len(value) > max_length:
            _refuse(at, "too_long", f"too long (at most {max_length} characters)",
                    max_length=max_length)
        if not well_formed(value) or "\x00" in value:
            _refuse(at, "bad_text", "holds characters that cannot be stored")
        if required and not value.strip():
            _refuse(at, "empty", "empty")
        return value

    def _number(self, data: dict, name: str, where: str, least: int, most: int,
                nullable: bool = False) -> int | None:
        value, at = data[name], _at(where, name)
        if value is None and nullable:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            _refuse(at, "not_number", "must be a whole number")
        if not least <= value <= most:
            _refuse(at, "out_of_range", f"must be from {least} to {most}", min=least, max=most)
        return value

    def _boolean(self, data: dict, name: str, where: str) -> bool:
        value = data[name]
        if not isinstance(value, bool):
            _refuse(_at(where, name), "not_boolean", "must be true or false")
        return value

    def _choice(self, data: dict, name: str, where: str, known, quiet: bool = False) -> str:
        value, at = data[name], _at(where, name)
        if not isinstance(value, str):
            _refuse(at, "not_text", "must be text")
        if value not in known:
            # A long list of pseudonyms is no help: `quiet` says only that it is unknown.
            listed = "" if quiet else ", ".join(sorted(f"“{k}”" for k in known))
            _refuse(at, "unknown_value", f"{value[:40]!r} is unknown", value=value[:40],
                    known=listed)
        return value

    def _id(self, data: dict, name: str, where: str) -> int:
        value = data[name]
        if not _is_id(value):
            _refuse(_at(where, name), "not_id", "must be an id (a whole number from 1)")
        return value

    def _unique(self, data: dict, where: str, seen) -> int:
        value = self._id(data, "id", where)
        if value in seen:
            _refuse(f"{where}.id", "duplicate", f"the id {value} is used twice", value=value)
        if isinstance(seen, set):
            seen.add(value)
        return value

    def _reference(self, data: dict, name: str, where: str, known,
                   nullable: bool = True) -> int | None:
        value = data[name]
        if value is None and nullable:
            return None
        self._id(data, name, where)
        if value not in known:
            _refuse(_at(where, name), "dangling", f"names {value}, which the file does not have",
                    value=value)
        return value

    def _time(self, data: dict, name: str, where: str = "",
              nullable: bool = False) -> datetime | None:
        value, at = data[name], _at(where, name)
        if value is None and nullable:
            return None
        if not isinstance(value, str) or len(value) > 40:
            _refuse(at, "not_time", "must be a time with its zone (ISO 8601)")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            _refuse(at, "not_time", "must be a time with its zone (ISO 8601)")
        if moment.tzinfo is None:
            _refuse(at, "not_time", "must be a time with its zone (ISO 8601)")
        self.times[at] = moment.astimezone(UTC)
        return self.times[at]

    def _date(self, data: dict, name: str, where: str) -> date | None:
        value, at = data[name], _at(where, name)
        if value is None:
            return None
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            _refuse(at, "not_date", "must be a date (YYYY-MM-DD)")


def _at(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < _ID_LIMIT


def _check_strings(value: Any, where: str) -> None:
    # The audit log's free-form parts are stored as JSON: every text in them must be storable.
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not well_formed(item) or "\x00" in item:
                _refuse(where, "bad_text", "holds characters that cannot be stored")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


_ZONES: set[str] | None = None


def _time_zones() -> set[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = zoneinfo.available_timezones()
    return _ZONES
