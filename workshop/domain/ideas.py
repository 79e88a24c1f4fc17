"""Ideas and clusters: what an idea's text may be, who sees which idea, what a merge takes."""

from __future__ import annotations

from typing import Any

from .errors import DomainError
from .text import clean_text

IDEA_MAX_LENGTH = 500
CLUSTER_NAME_MAX_LENGTH = 80
MERGE_MOST_IDEAS = 50


def clean_idea_text(value: Any) -> str:
    """An idea's text: 1-500 characters after trimming, any Unicode, showing something."""
    return clean_text(value, max_length=IDEA_MAX_LENGTH, required=True, field_name="text")


def clean_cluster_name(value: Any) -> str:
    """A cluster's name: 1-80 characters after trimming."""
    return clean_text(value, max_length=CLUSTER_NAME_MAX_LENGTH, required=True,
                      field_name="name")


def visible_to(hidden: bool, *, facilitator: bool) -> bool:
    """Whether a screen shows an idea: a hidden one only the facilitators' screens show."""
    return facilitator or not hidden


def check_merge(idea_ids: Any, into_idea_id: Any) -> list[int]:
    """The ideas a merge takes: 2-50 distinct ids, the one that stays among them.

    Returns the ids of the ideas that are merged away, in the order given.
    """
    if not isinstance(idea_ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31 for i in idea_ids):
        raise DomainError("invalid_payload", "idea_ids must be a list of ids", field="idea_ids")
    if not 2 <= len(idea_ids) <= MERGE_MOST_IDEAS:
        raise DomainError("invalid_payload", f"a merge takes 2-{MERGE_MOST_IDEAS} ideas",
                          field="idea_ids")
    if len(set(idea_ids)) != len(idea_ids):
        raise DomainError("invalid_payload", "an idea is named twice", field="idea_ids")
    if into_idea_id not in idea_ids:
        raise DomainError("invalid_payload", "the idea that stays must be one of them",
                          field="into_idea_id")
    return [i for i in idea_ids if i != into_idea_id]


def votes_over_cap(on_idea: int, cap: int) -> int:
    """How many of a participant's votes on one idea a merge must give back to keep the cap."""
    return max(on_idea - cap, 0)
