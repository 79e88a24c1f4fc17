"""Ideas and clusters: what an idea's text may be, and who sees which idea."""

from __future__ import annotations

from typing import Any

from .text import clean_text

IDEA_MAX_LENGTH = 500
CLUSTER_NAME_MAX_LENGTH = 80


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
