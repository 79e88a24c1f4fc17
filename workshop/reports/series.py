"""A series of workshops side by side: each one's status, who took part, its top ideas; and the
whole series as one JSON document, every idea tagged with its workshop.

Pure: built from the exports reports/gather.py gathers, so the counts shown are the ones the
files hold, and what the files hide until the reveal (votes) stays hidden here too.
"""

from __future__ import annotations

import json
from collections import Counter

from ..domain.people import OrganisationType
from .formats import SCHEMA_VERSION, workshop_json

TOP_IDEAS = 5
SERIES_FORMAT = "tupa-series"


def overview(export: dict) -> dict:
    """One workshop of the series: where it is, who took part by type, its top ideas.

    Top ideas only once the results are revealed, as in every file: counts reach nobody
    before. Hidden ideas, and those of a private brainstorm not yet revealed, are left out.
    """
    workshop = export["workshop"]
    agenda = {activity["id"]: activity for activity in export["agenda"]}
    current = agenda.get(workshop["current_activity_id"])
    # Stand-ins for paper notes are authors, not people: nobody to count.
    people = [p for p in export["participants"] if not p.get("on_paper")]
    types = Counter(person["organisation_type"] for person in people)
    revealed = not export["votes_hidden_until_reveal"]
    held = {a["id"] for a in export["agenda"] if a["private"] and not a["revealed"]}
    # Ranked by phone votes and hands together, as every screen ranks (docs/results.md).
    ranked = sorted(
        (idea for idea in export["ideas"]
         if not idea["hidden"] and idea["activity_id"] not in held and _total(idea)),
        key=lambda idea: (-_total(idea), idea["id"]))
    return {
        "id": workshop["id"],
        "title": workshop["title"],
        "created_at": workshop["created_at"],
        "phase": workshop["phase"],
        "current_activity": None if current is None else {
            "kind": current["kind"], "title": current["title"]},
        "participants": len(people),
        "by_type": {t.value: types.get(t.value, 0) for t in OrganisationType},
        "results_revealed": revealed,
        "top_ideas": [{"text": idea["text"], "votes": idea["votes"],
                       "hands": idea.get("hands") or 0, "total": _total(idea)}
                      for idea in ranked[:TOP_IDEAS]] if revealed else [],
    }


def _total(idea: dict) -> int:
    # An export from before hand tallies has no total: its phone votes are all its votes.
    return idea.get("total", idea["votes"]) or 0


def by_type_in_all(overviews: list[dict]) -> dict[str, int]:
    """Participants of the whole series by organisation type."""
    return {t.value: sum(o["by_type"][t.value] for o in overviews) for t in OrganisationType}


def series_document(series: dict, exports: list[dict], exported_at: str) -> dict:
    """The series as one document: each workshop's own export, and every idea once more in one
    list, tagged with its workshop, to compare across cities."""
    documents = [json.loads(workshop_json(export)) for export in exports]
    return {
        "format": SERIES_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": exported_at,
        "series": series,
        "workshops": documents,
        "ideas": [
            {"workshop_id": document["workshop"]["id"],
             "workshop_title": document["workshop"]["title"], **idea}
            for document in documents for idea in document["ideas"]
        ],
    }


def series_json(series: dict, exports: list[dict], exported_at: str) -> bytes:
    """The series document as UTF-8 JSON."""
    return json.dumps(series_document(series, exports, exported_at), ensure_ascii=False,
                      indent=2).encode("utf-8")
