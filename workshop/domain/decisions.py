"""What the room decided to do with an idea or a cluster after the results."""

from __future__ import annotations

from enum import StrEnum

NEXT_STEP_MAX_LENGTH = 500


class Outcome(StrEnum):
    """What happens to an idea or a cluster next."""

    PILOT = "pilot"
    INVESTIGATE = "investigate"
    PARK = "park"
    ALREADY_DONE = "already_done"
