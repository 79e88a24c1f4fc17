"""What the room decided to do with an idea or a cluster after the results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from .errors import DomainError
from .people import ORGANISATION_NAME_MAX_LENGTH, OrganisationType
from .text import clean_text

NEXT_STEP_MAX_LENGTH = 500

# A due date outside these is a slip of the keyboard (0026 for 2026), not a plan.
EARLIEST_DUE_ON = date(2000, 1, 1)
LATEST_DUE_ON = date(2099, 12, 31)


class Outcome(StrEnum):
    """What happens to an idea or a cluster next."""

    PILOT = "pilot"
    INVESTIGATE = "investigate"
    PARK = "park"
    ALREADY_DONE = "already_done"


@dataclass(frozen=True)
class DecisionFields:
    """A decision's own words, checked: what, by whom, the next step and by when."""

    outcome: Outcome
    owner_name: str
    owner_type: str  # "" when not given, else an OrganisationType
    next_step: str
    due_on: date | None


def check_decision(outcome: Any, owner_name: Any, owner_type: Any, next_step: Any,
                   due_on: Any) -> DecisionFields:
    """The decision's fields trimmed and checked, or DomainError naming the field at fault.

    `due_on` is an ISO date (YYYY-MM-DD) or None; `owner_type` "" or None means not given.
    """
    if outcome not in {o.value for o in Outcome}:
        raise DomainError("invalid_decision", "unknown outcome", field="outcome")
    if owner_type is None:
        owner_type = ""
    if owner_type != "" and owner_type not in {t.value for t in OrganisationType}:
        raise DomainError("invalid_decision", "unknown organisation type", field="owner_type")
    return DecisionFields(
        outcome=Outcome(outcome),
        owner_name=clean_text(owner_name, max_length=ORGANISATION_NAME_MAX_LENGTH,
                              required=False, field_name="owner_name"),
        owner_type=owner_type,
        next_step=clean_text(next_step, max_length=NEXT_STEP_MAX_LENGTH, required=False,
                             field_name="next_step"),
        due_on=parse_due_on(due_on),
    )


def parse_due_on(value: Any) -> date | None:
    """An ISO calendar date (exactly YYYY-MM-DD) within a sane range, or None for none."""
    if value is None or value == "":
        return None
    # fromisoformat also takes 20261231 and week dates: a client sends the one plain form.
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise DomainError("invalid_decision", "due_on must be a date YYYY-MM-DD", field="due_on")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise DomainError("invalid_decision", "due_on is no date", field="due_on") from None
    if not EARLIEST_DUE_ON <= parsed <= LATEST_DUE_ON:
        raise DomainError("invalid_decision", "due_on is out of range", field="due_on")
    return parsed
