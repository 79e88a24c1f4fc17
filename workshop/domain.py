"""The workshop's rules, free of any framework: phases, limits, join codes, votes, facts.

Only the standard library is imported here, so every rule can be tested without an app,
a database or a socket.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# Crockford's base32: no I, L, O or U, so a code read off a projector is not misread.
JOIN_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
JOIN_CODE_LENGTH = 8  # 8 x 5 bits = 40 bits
_CROCKFORD_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})

IDEA_MAX_LENGTH = 500
NICKNAME_MAX_LENGTH = 40
ORGANISATION_NAME_MAX_LENGTH = 120
CLUSTER_NAME_MAX_LENGTH = 80
TITLE_MAX_LENGTH = 200
QUESTION_MAX_LENGTH = 500
CLIENT_KEY_MAX_LENGTH = 64
DEFAULT_VOTE_BUDGET = 5
MAX_VOTE_BUDGET = 100


class Phase(StrEnum):
    """Where a workshop is; each phase allows different things."""

    LOBBY = "lobby"
    POSTING = "posting"
    GROUPING = "grouping"
    VOTING = "voting"
    RESULTS = "results"


class OrganisationType(StrEnum):
    """Which side of the table a participant comes from."""

    CITY = "city"
    COMPANY = "company"
    RESEARCH = "research"
    CITIZEN = "citizen"
    OTHER = "other"


class DomainError(Exception):
    """A rule said no; `code` is stable for clients, `message` is English for logs."""

    def __init__(self, code: str, message: str, **details: Any):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


def new_join_code() -> str:
    """A random join code of 8 Crockford base32 characters (40 bits)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(typed: str) -> str:
    """What a participant typed, as a code: case, spaces and dashes do not matter."""
    cleaned = "".join(ch for ch in typed.upper() if ch not in " -\t\n\r")
    return cleaned.translate(_CROCKFORD_ALIASES)


def format_join_code(code: str) -> str:
    """A code as shown on the projector: two groups of four, easier to read aloud."""
    return f"{code[:4]}-{code[4:]}"


def clean_text(value: Any, *, max_length: int, required: bool, field_name: str) -> str:
    """Trim and check a piece of text a person typed; empty optional text becomes ''."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError("invalid_payload", f"{field_name} must be text", field=field_name)
    # NFC so that 'ä' typed on two keyboards is the same length and compares equal.
    text = unicodedata.normalize("NFC", value).strip()
    if "\x00" in text:
        raise DomainError("invalid_payload", f"{field_name} contains a NUL character",
                          field=field_name)
    if required and not text:
        raise DomainError("text_empty", f"{field_name} is empty", field=field_name)
    if len(text) > max_length:
        raise DomainError("text_too_long", f"{field_name} is longer than {max_length}",
                          field=field_name, max_length=max_length)
    return text


def clean_idea_text(value: Any) -> str:
    """An idea's text: 1-500 characters after trimming, any Unicode."""
    return clean_text(value, max_length=IDEA_MAX_LENGTH, required=True, field_name="text")


def check_vote_settings(budget: int, per_idea_cap: int | None) -> tuple[int, int]:
    """Valid vote budget and per-idea cap; the cap defaults to the whole budget."""
    if isinstance(budget, bool) or not isinstance(budget, int):
        raise DomainError("invalid_payload", "vote budget must be a whole number",
                          field="vote_budget")
    if not 1 <= budget <= MAX_VOTE_BUDGET:
        raise DomainError("invalid_vote_settings", f"vote budget must be 1-{MAX_VOTE_BUDGET}",
                          field="vote_budget")
    cap = budget if per_idea_cap is None else per_idea_cap
    if isinstance(cap, bool) or not isinstance(cap, int) or not 1 <= cap <= budget:
        raise DomainError("invalid_vote_settings", "votes per idea must be 1-budget",
                          field="votes_per_idea")
    return budget, cap


def posting_allowed(phase: Phase) -> bool:
    """Participants post, edit and delete their own ideas only while posting is open."""
    return phase is Phase.POSTING


def voting_allowed(phase: Phase) -> bool:
    """Votes are cast and taken back only while voting is open."""
    return phase is Phase.VOTING


def tallies_visible(phase: Phase) -> bool:
    """Vote counts reach nobody until the facilitator reveals the results."""
    return phase is Phase.RESULTS


def check_can_post(phase: Phase) -> None:
    """Raise unless ideas may be posted or changed now."""
    if not posting_allowed(phase):
        raise DomainError("posting_closed", "posting is closed")


def check_voting_open(phase: Phase) -> None:
    """Raise unless votes may be cast or taken back now."""
    if not voting_allowed(phase):
        raise DomainError("voting_closed", "voting is not open")


def check_can_vote(
    phase: Phase, *, budget: int, per_idea_cap: int, cast_total: int, cast_on_idea: int
) -> None:
    """Raise unless one more vote fits the budget and the per-idea cap."""
    check_voting_open(phase)
    if cast_total >= budget:
        raise DomainError("vote_budget_spent", "no votes left")
    if cast_on_idea >= per_idea_cap:
        raise DomainError("vote_cap_reached", "most votes for one idea already given")


def votes_left(budget: int, cast: int) -> int:
    """Votes a participant may still give."""
    return max(budget - cast, 0)


@dataclass(frozen=True)
class RankedIdea:
    """One line of the results: an idea, its votes and its rank (ties share a rank)."""

    idea_id: int
    votes: int
    rank: int


def rank_ideas(tallies: dict[int, int], idea_ids: list[int]) -> list[RankedIdea]:
    """Ideas by votes, most first; equal votes share a rank and keep posting order."""
    order = sorted(idea_ids, key=lambda i: (-tallies.get(i, 0), idea_ids.index(i)))
    ranked: list[RankedIdea] = []
    for position, idea_id in enumerate(order, start=1):
        votes = tallies.get(idea_id, 0)
        if ranked and ranked[-1].votes == votes:
            rank = ranked[-1].rank
        else:
            rank = position
        ranked.append(RankedIdea(idea_id=idea_id, votes=votes, rank=rank))
    return ranked


@dataclass
class CommandAllowance:
    """A token bucket: how many commands one connection may still send right now.

    The join pages reuse it, with other sizes, for the wrong join codes one address may type.

    Sized so that a person never meets it (twenty fast taps, an outbox re-sent after a
    reconnect) while a script flooding the server is slowed to the refill rate.
    """

    capacity: float = 60.0
    refill_per_second: float = 15.0
    tokens: float = 60.0
    updated_at: float = 0.0

    def take(self, now: float) -> bool:
        """Spend one command if there is one left; refill by the time passed since last."""
        if not self.has_left(now):
            return False
        self.tokens -= 1
        return True

    def has_left(self, now: float) -> bool:
        """Whether one more may be spent now, after refilling by the time passed since last."""
        if self.updated_at:
            elapsed = max(now - self.updated_at, 0.0)
            self.tokens = min(self.capacity, self.tokens + elapsed * self.refill_per_second)
        self.updated_at = now
        return self.tokens >= 1

    def is_full(self, now: float) -> bool:
        """Whether nothing has been spent lately: such an allowance need not be remembered."""
        self.has_left(now)
        return self.tokens >= self.capacity


@dataclass
class FloodWatch:
    """Counts a connection's refusals for rate in a window: past a limit it is a script."""

    limit: int = 100
    window_seconds: float = 10.0
    refused: int = 0
    since: float = 0.0

    def refuse(self, now: float) -> bool:
        """Note one refusal; True when the connection has been refused too often lately."""
        if now - self.since > self.window_seconds:
            self.since, self.refused = now, 0
        self.refused += 1
        return self.refused > self.limit


class Audience(StrEnum):
    """Who a fact is for; the socket layer maps this to a room the server chooses."""

    WORKSHOP = "workshop"
    FACILITATORS = "facilitators"


# The one closed registry of facts the server tells clients. Names are past tense.
FACTS = frozenset({
    "idea.posted",
    "idea.edited",
    "idea.deleted",
    "idea.hidden",
    "idea.shown",
    "clusters.changed",
    "phase.changed",
    "results.revealed",
    "presence.changed",
    "votes.progressed",
    "workshop.changed",
})

# Running counts for the facilitators. Only the newest matters, so a change says only that a
# count is due (a fact with no payload) and the count is made afresh, once for many changes.
COUNTS = frozenset({"presence.changed", "votes.progressed"})


def count_due(name: str, workshop_id: int) -> Fact:
    """The fact that one of the facilitators' counts changed and must be counted again."""
    if name not in COUNTS:
        raise ValueError(f"{name!r} is not a count")
    return Fact(name, workshop_id, audience=Audience.FACILITATORS)


# The one closed registry of commands clients may send. Names are imperative.
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
    "workshop.lock_joins",
})


@dataclass(frozen=True)
class Fact:
    """Something that happened in a workshop, to be told to an audience."""

    name: str
    workshop_id: int
    payload: dict[str, Any] = field(default_factory=dict)
    audience: Audience = Audience.WORKSHOP
    sequence: int | None = None

    def __post_init__(self) -> None:
        if self.name not in FACTS:
            raise ValueError(f"unregistered fact {self.name!r}")
