"""A workshop's agenda: an ordered list of activities, each of a kind with its own settings.

The kind is the extension point. Each kind names the phase it puts the room in (what the
one permission table in phases.py allows while it runs) and which settings it takes; a new
kind (rating on two axes, tables) adds a line to KINDS and, if it allows something new, a
phase. Nothing else branches on the kind to decide what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .errors import DomainError
from .phases import Phase
from .text import clean_text
from .votes import check_vote_settings
from .workshops import QUESTION_MAX_LENGTH, TITLE_MAX_LENGTH

MAX_ACTIVITIES = 40
MAX_DURATION_SECONDS = 4 * 60 * 60
ACTIVITY_TITLE_MAX_LENGTH = TITLE_MAX_LENGTH
PROMPT_MAX_LENGTH = QUESTION_MAX_LENGTH


class ActivityKind(StrEnum):
    """What the room does during one activity."""

    WELCOME = "welcome"
    BRAINSTORM = "brainstorm"
    GROUP = "group"
    VOTE = "vote"
    RESULTS = "results"
    DISCUSSION = "discussion"


@dataclass(frozen=True)
class KindSpec:
    """What a kind of activity does: the room's phase while it runs, the settings it takes."""

    phase: Phase
    settings: frozenset[str] = field(default_factory=frozenset)
    # Whether the timer can close input by itself when time runs out.
    closable: bool = False


KINDS: dict[ActivityKind, KindSpec] = {
    ActivityKind.WELCOME: KindSpec(Phase.LOBBY),
    # private: each person sees their own ideas until revealed; at_tables: each table its
    # own until merged into the plenary (one or the other).
    ActivityKind.BRAINSTORM: KindSpec(Phase.POSTING, frozenset({"private", "at_tables"}),
                                      closable=True),
    # Which question's ideas are grouped: one brainstorm, or all of them (None).
    ActivityKind.GROUP: KindSpec(Phase.GROUPING, frozenset({"source_activity_id"})),
    ActivityKind.VOTE: KindSpec(
        Phase.VOTING,
        frozenset({"vote_budget", "votes_per_idea", "source_activity_id", "cluster_ids"}),
        closable=True,
    ),
    # Which vote it reveals: one vote, or the last one before it in the agenda (None).
    ActivityKind.RESULTS: KindSpec(Phase.RESULTS, frozenset({"source_activity_id"})),
    ActivityKind.DISCUSSION: KindSpec(Phase.LOBBY),
}

# What a draft activity holds when a setting is not given.
DEFAULTS: dict[str, Any] = {
    "private": False,
    "at_tables": False,
    "source_activity_id": None,
    "vote_budget": 5,
    "votes_per_idea": None,
    "cluster_ids": None,
    "closes_when_time_up": False,
}


@dataclass(frozen=True)
class ActivityDraft:
    """One activity as a facilitator, a method template or an import describes it."""

    kind: ActivityKind
    title: str
    prompt: str = ""
    duration_seconds: int | None = None
    closes_when_time_up: bool = False
    settings: dict[str, Any] = field(default_factory=dict)


def kind_of(value: Any) -> ActivityKind:
    """The kind a client or a file names, or a clear refusal."""
    try:
        return ActivityKind(value)
    except ValueError:
        raise DomainError("invalid_activity", f"unknown activity kind {value!r}",
                          field="kind") from None


def phase_of_kind(kind: str) -> Phase:
    """The room's phase while an activity of this kind runs."""
    return KINDS[ActivityKind(kind)].phase


def draft(kind: Any, title: Any, prompt: Any = "", duration_seconds: Any = None,
          closes_when_time_up: Any = False, settings: Any = None) -> ActivityDraft:
    """A checked activity: its kind known, its texts clean, its settings those of its kind.

    Cluster and activity ids in the settings are checked against the workshop by the
    service; here only their shape.
    """
    activity_kind = kind_of(kind)
    spec = KINDS[activity_kind]
    title = clean_text(title, max_length=ACTIVITY_TITLE_MAX_LENGTH, required=True,
                       field_name="title")
    prompt = clean_text(prompt, max_length=PROMPT_MAX_LENGTH, required=False,
                        field_name="prompt")
    if activity_kind is ActivityKind.BRAINSTORM and not prompt:
        raise DomainError("invalid_activity", "a brainstorm needs its question",
                          field="prompt")
    duration = check_duration(duration_seconds)
    if not isinstance(closes_when_time_up, bool):
        raise DomainError("invalid_activity", "closes_when_time_up must be true or false",
                          field="closes_when_time_up")
    if closes_when_time_up and not spec.closable:
        raise DomainError("invalid_activity", f"time cannot close a {activity_kind}",
                          field="closes_when_time_up")
    if settings is None:
        settings = {}
    if not isinstance(settings, dict):
        raise DomainError("invalid_activity", "settings must be an object", field="settings")
    unknown = set(settings) - spec.settings
    if unknown:
        raise DomainError("invalid_activity",
                          f"a {activity_kind} takes no {', '.join(sorted(unknown))}",
                          field="settings")
    checked = {name: DEFAULTS[name] for name in spec.settings}
    checked.update(settings)
    for flag in ("private", "at_tables"):
        if flag in checked and not isinstance(checked[flag], bool):
            raise DomainError("invalid_activity", f"{flag} must be true or false", field=flag)
    if checked.get("private") and checked.get("at_tables"):
        raise DomainError("invalid_activity", "a brainstorm is private or at tables, not both",
                          field="at_tables")
    if "vote_budget" in checked:
        checked["vote_budget"], checked["votes_per_idea"] = check_vote_settings(
            checked["vote_budget"], checked["votes_per_idea"])
    if "source_activity_id" in checked and not _id_or_none(checked["source_activity_id"]):
        raise DomainError("invalid_activity", "source_activity_id must be an id or null",
                          field="source_activity_id")
    cluster_ids = checked.get("cluster_ids")
    if cluster_ids is not None and (not isinstance(cluster_ids, list) or len(cluster_ids) > 200
                                    or not all(_id_or_none(c) and c for c in cluster_ids)):
        raise DomainError("invalid_activity", "cluster_ids must be a list of ids or null",
                          field="cluster_ids")
    return ActivityDraft(activity_kind, title, prompt, duration, closes_when_time_up, checked)


def check_duration(value: Any) -> int | None:
    """A time box in whole seconds, up to four hours, or None for none."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) \
            or not 1 <= value <= MAX_DURATION_SECONDS:
        raise DomainError("invalid_activity",
                          f"duration must be 1-{MAX_DURATION_SECONDS} seconds",
                          field="duration_seconds")
    return value


def check_agenda(drafts: list) -> list:
    """A whole agenda (drafts, or drafts with their source's place): one to MAX_ACTIVITIES."""
    if not drafts:
        raise DomainError("invalid_activity", "an agenda needs at least one activity")
    if len(drafts) > MAX_ACTIVITIES:
        raise DomainError("invalid_activity", f"at most {MAX_ACTIVITIES} activities")
    return drafts


def _id_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool)
                             and 0 < value < 2**31)


# The single-question agenda a workshop gets when no method is chosen, in its language.
DEFAULT_TITLES = {
    "fi": ("Tervetuloa", "Ideointi", "Ryhmittely", "Äänestys", "Tulokset"),
    "sv": ("Välkommen", "Idéer", "Gruppering", "Röstning", "Resultat"),
    "en": ("Welcome", "Brainstorm", "Grouping", "Vote", "Results"),
}


def welcome(language: str) -> ActivityDraft:
    """The holding screen an agenda opens on, named in the workshop's language."""
    return draft("welcome", _titles(language)[0])


def default_agenda(question: str, vote_budget: int, votes_per_idea: int | None,
                   language: str) -> list[ActivityDraft]:
    """Welcome, brainstorm the question, group, vote, results."""
    _welcome, brainstorm, group, vote, results = _titles(language)
    return [
        welcome(language),
        draft("brainstorm", brainstorm, question),
        draft("group", group),
        draft("vote", vote, settings={"vote_budget": vote_budget,
                                      "votes_per_idea": votes_per_idea}),
        draft("results", results),
    ]


def _titles(language: str) -> tuple[str, ...]:
    return DEFAULT_TITLES.get(language, DEFAULT_TITLES["en"])
