"""The words of the workbook and of the CSV for Excel, in the workshop's own language.

They come from the app's catalogues (workshop/translations), read with the standard library's
gettext and an explicit language: the writers stay free of Flask, and they run off the event
loop, in a thread that has no request and no app context to take a locale from. N_ only marks
a string for `pybabel extract` (one of its default keywords); the words are looked up when a
file is written.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from ..domain.agenda import ActivityKind
from ..domain.decisions import Outcome
from ..domain.people import OrganisationType
from ..domain.workshops import LANGUAGES

CATALOGUES = Path(__file__).resolve().parent.parent / "translations"


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for a marker)
    """Mark a message for extraction; it is translated when a file is written."""
    return message


WORDS = {
    # Sheets.
    "sheet_ideas": N_("Ideas"),
    "sheet_clusters": N_("Clusters"),
    "sheet_by_type": N_("Votes by organisation type"),
    "sheet_decisions": N_("Decisions"),
    "sheet_agenda": N_("Agenda"),
    "sheet_audit": N_("Audit log"),
    "sheet_tables": N_("Tables"),
    # Columns.
    "workshop": N_("Workshop"),
    "idea_id": N_("Idea id"),
    "idea": N_("Idea"),
    "rank": N_("Rank"),
    "votes": N_("Votes"),
    "votes_of_type": N_("Votes: %(type)s"),
    "share_of_type": N_("Share of the votes of %(type)s"),
    "cluster": N_("Cluster"),
    "question": N_("The question"),
    "author_type": N_("Author's organisation type"),
    "author_name": N_("Author's organisation"),
    "decision": N_("Decision"),
    "posted_at": N_("Posted at"),
    "hidden": N_("Hidden"),
    "position": N_("Position"),
    "idea_count": N_("Ideas in it"),
    "vote": N_("Vote"),
    "common_ground": N_("Common ground"),
    "decided_on": N_("Decided on"),
    "outcome": N_("Outcome"),
    "owner": N_("Taken forward by"),
    "owner_type": N_("Their organisation type"),
    "next_step": N_("Next step"),
    "due_on": N_("Due"),
    "decided_at": N_("Decided at"),
    "kind": N_("Activity"),
    "title": N_("Title"),
    "prompt": N_("Question or instructions"),
    "minutes": N_("Planned minutes"),
    "closes_when_time_up": N_("Input closes when time is up"),
    "private": N_("Private brainstorm"),
    "vote_budget": N_("Votes per participant"),
    "votes_per_idea": N_("Most votes on one idea"),
    "takes_from": N_("Takes the ideas of"),
    "vote_clusters": N_("Only these clusters"),
    "at": N_("When"),
    "who": N_("Who"),
    "command": N_("Command"),
    "objects": N_("On what"),
    "before": N_("Before"),
    "after": N_("After"),
    "organisation_name": N_("Organisation"),
    "organisation_type": N_("Organisation type"),
    "table": N_("Table"),
    "entered_on_behalf": N_("Entered on behalf"),
    "entered_by": N_("Entered by"),
    "phone_votes": N_("Phone votes"),
    "hand_votes": N_("Hand votes"),
    "total_votes": N_("Total (phones and hands)"),
    "participants": N_("Participants"),
    "participants_of_type": N_("Participants: %(type)s"),
    "on_behalf_count": N_("Of them entered on behalf"),
    "at_tables": N_("At tables"),
    "merged_at": N_("Merged into the plenary"),
    # Cell words.
    "yes": N_("Yes"),
    "no": N_("No"),
    "not_grouped": N_("Not grouped"),
    "total": N_("Total"),
    "all_votes": N_("All votes"),
    "on_idea": N_("Idea"),
    "on_cluster": N_("Cluster"),
    "facilitator": N_("Facilitator %(id)s"),
    "host": N_("Table host %(pseudonym)s"),
    "no_table": N_("Not at a table"),
    "clock": N_("The timer"),
    "erased": N_("Erased participant"),
}

ORGANISATION_TYPES = {
    OrganisationType.CITY.value: N_("City or municipality"),
    OrganisationType.COMPANY.value: N_("Company"),
    OrganisationType.RESEARCH.value: N_("Research or education"),
    OrganisationType.CITIZEN.value: N_("Resident or citizen"),
    OrganisationType.OTHER.value: N_("Other"),
}

OUTCOMES = {
    Outcome.PILOT.value: N_("Take forward as a pilot"),
    Outcome.INVESTIGATE.value: N_("Investigate"),
    Outcome.PARK.value: N_("Park"),
    Outcome.ALREADY_DONE.value: N_("Already being done"),
}

KINDS = {
    ActivityKind.WELCOME.value: N_("Welcome"),
    ActivityKind.BRAINSTORM.value: N_("Brainstorm"),
    ActivityKind.GROUP.value: N_("Grouping"),
    ActivityKind.VOTE.value: N_("Dot vote"),
    ActivityKind.RESULTS.value: N_("Results"),
    ActivityKind.DISCUSSION.value: N_("Discussion or break"),
}


class Words:
    """The exports' words in one language: `words("idea")`, `words.type("city")`, ..."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else LANGUAGES[0]
        self._catalogue = _catalogue(self.language)

    def __call__(self, key: str, **values: object) -> str:
        """The word or column name under `key`, with %(name)s filled from `values`."""
        text = self._catalogue.gettext(WORDS[key])
        return text % values if values else text

    def type(self, value: str) -> str:
        """An organisation type in words; '' stays ''."""
        return self._catalogue.gettext(ORGANISATION_TYPES[value]) if value in ORGANISATION_TYPES \
            else value

    def outcome(self, value: str) -> str:
        """A decision's outcome in words."""
        return self._catalogue.gettext(OUTCOMES[value]) if value in OUTCOMES else value

    def kind(self, value: str) -> str:
        """An activity's kind in words."""
        return self._catalogue.gettext(KINDS[value]) if value in KINDS else value

    def yes_no(self, value: bool) -> str:
        """Yes or No."""
        return self("yes") if value else self("no")

    def entered_by(self, idea: dict) -> str:
        """Who typed a paper note in: "Facilitator 3", "Table host p5", or ""."""
        who = idea.get("entered_by") or {}
        if "facilitator" in who:
            return self("facilitator", id=who["facilitator"])
        if "participant" in who:
            return self("host", pseudonym=who["participant"])
        return ""


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation("messages", localedir=CATALOGUES, languages=[language],
                               fallback=True)
