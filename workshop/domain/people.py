"""Who takes part: participants without accounts, described only as far as they choose."""

from __future__ import annotations

from enum import StrEnum

NICKNAME_MAX_LENGTH = 40
ORGANISATION_NAME_MAX_LENGTH = 120


class OrganisationType(StrEnum):
    """Which side of the table a participant comes from."""

    CITY = "city"
    COMPANY = "company"
    RESEARCH = "research"
    CITIZEN = "citizen"
    OTHER = "other"


class Role(StrEnum):
    """Which side of the workshop a person acts from."""

    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
