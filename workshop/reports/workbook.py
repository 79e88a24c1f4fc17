"""The workbook an organiser forwards to a steering group: one sheet per part of the outcome.

Pure (openpyxl and the standard library): it takes the plain data reports/gather.py gathers.
openpyxl's write-only mode streams each row to the file as it is made, so a 5,000-idea
workshop takes no more memory than a small one. Numbers are numbers and times are Excel
datetimes in the workshop's own time zone (Excel has no zones: the column's name says which);
every text a person typed is a text cell, so "=1+1" never runs as a formula.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from ..domain.people import OrganisationType
from .formats import table_names
from .labels import Words
from .standings import Standings, standings_of
from .zones import zone_of

TYPES = tuple(t.value for t in OrganisationType)
# Excel's limits: 31 characters for a sheet's name, 32,767 in a cell.
SHEET_NAME_MAX = 31
CELL_MAX = 32767

# How each language's Excel shows a date and a time (fi: 2.12.2026 14.05).
DATETIME_FORMATS = {"fi": "d.m.yyyy h.mm", "sv": "yyyy-mm-dd hh:mm", "en": "yyyy-mm-dd hh:mm"}
DATE_FORMATS = {"fi": "d.m.yyyy", "sv": "yyyy-mm-dd", "en": "yyyy-mm-dd"}
SHARE_FORMAT = "0.0%"
BOLD = Font(bold=True)


def workshop_workbook(export: dict, language: str) -> bytes:
    """One workshop's outcome as an XLSX file, its sheets and columns in `language`."""
    return _workbook([export], language, series=False)


def series_workbook(exports: list[dict], language: str) -> bytes:
    """Several workshops in one XLSX: the same sheets, each row led by its workshop."""
    return _workbook(exports, language, series=True)


@dataclass
class _Reading:
    """One export, indexed for the rows that name its ideas, clusters and people."""

    export: dict
    words: Words
    zone: ZoneInfo
    workshop: str = ""
    authors: dict[str, dict] = field(default_factory=dict)
    ideas: dict[int, dict] = field(default_factory=dict)
    clusters: dict[int, dict] = field(default_factory=dict)
    activities: dict[int, dict] = field(default_factory=dict)
    tables: dict[int, str] = field(default_factory=dict)
    idea_decisions: dict[int, dict] = field(default_factory=dict)
    cluster_decisions: dict[int, dict] = field(default_factory=dict)
    standings: Standings | None = None

    @classmethod
    def of(cls, export: dict, words: Words) -> _Reading:
        zone = zone_of(export["workshop"].get("time_zone", ""))
        created = _local(export["workshop"]["created_at"], zone)
        day = created.strftime("%-d.%-m.%Y" if words.language == "fi" else "%Y-%m-%d")
        decisions = export.get("decisions", [])
        return cls(
            export=export, words=words, zone=zone,
            workshop=f"{export['workshop']['title']} ({day})",
            authors={p["pseudonym"]: p for p in export["participants"]},
            ideas={i["id"]: i for i in export["ideas"]},
            clusters={c["id"]: c for c in export["clusters"]},
            activities={a["id"]: a for a in export["agenda"]},
            tables=table_names(export),
            idea_decisions={d["idea_id"]: d for d in decisions if d.get("idea_id") is not None},
            cluster_decisions={d["cluster_id"]: d for d in decisions
                               if d.get("cluster_id") is not None},
            standings=standings_of(export),
        )

    @property
    def hidden(self) -> bool:
        return self.standings is None

    def question(self, activity_id: int | None) -> str:
        return self.activities.get(activity_id, {}).get("prompt", "") or ""

    def by_type(self, idea_id: int) -> dict[str, int]:
        return self.standings.by_type(idea_id) if self.standings else {}


class _Sheet:
    """Rows of one sheet: text made safe, times made local, written as they come."""

    def __init__(self, book: Workbook, title: str, language: str) -> None:
        self.sheet = book.create_sheet(title[:SHEET_NAME_MAX])
        self.language = language
        # The header row stays in view while scrolling a long list.
        self.sheet.freeze_panes = "A2"

    def header(self, names: list[str]) -> None:
        self.width = len(names)
        cells = []
        for name in names:
            cell = WriteOnlyCell(self.sheet, _clean(name))
            cell.data_type = "s"
            cell.font = BOLD
            cells.append(cell)
        self.sheet.append(cells)

    def row(self, values: Iterable) -> None:
        self.sheet.append([self._cell(value) for value in values])

    def _cell(self, value):
        if isinstance(value, str):
            value = _clean(value)
            if not value:
                return None
            # openpyxl would store "=..." as a formula and "#N/A" as an error: keep them text.
            if value.startswith("=") or value in ERROR_CODES:
                cell = WriteOnlyCell(self.sheet, value)
                cell.data_type = "s"
                return cell
            return value
        if isinstance(value, datetime):
            cell = WriteOnlyCell(self.sheet, value)
            cell.number_format = DATETIME_FORMATS.get(self.language, DATETIME_FORMATS["en"])
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(self.sheet, value)
            cell.number_format = DATE_FORMATS.get(self.language, DATE_FORMATS["en"])
            return cell
        if isinstance(value, _Share):
            cell = WriteOnlyCell(self.sheet, value.value)
            cell.number_format = SHARE_FORMAT
            return cell
        return value


@dataclass(frozen=True)
class _Share:
    """A fraction shown as a percentage."""

    value: float


def _workbook(exports: list[dict], language: str, *, series: bool) -> bytes:
    words = Words(language)
    readings = [_Reading.of(export, words) for export in exports]
    zones = {str(reading.zone) for reading in readings}
    # One zone for every row: name it in the column; several: each row is its workshop's.
    zone_name = zones.pop() if len(zones) == 1 else ""
    book = Workbook(write_only=True)
    for title, header, rows in _SHEETS:
        sheet = _Sheet(book, words(title), words.language)
        lead = [words("workshop")] if series else []
        sheet.header(lead + header(words, zone_name))
        for reading in readings:
            for row in rows(reading):
                sheet.row(([reading.workshop] if series else []) + row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Ideas ---------------------------------------------------------------------------------------


def _ideas_header(words: Words, zone: str) -> list[str]:
    return [words("idea_id"), words("rank"), words("idea"), words("phone_votes"),
            words("hand_votes"), words("total_votes"),
            *(words("votes_of_type", type=words.type(t)) for t in TYPES),
            words("cluster"), words("question"), words("table"), words("author_type"),
            words("author_name"), words("entered_on_behalf"), words("entered_by"),
            words("decision"), _timed(words("posted_at"), zone), words("hidden")]


def _ideas_rows(reading: _Reading) -> Iterator[list]:
    words = reading.words
    ranks = reading.standings.ranks if reading.standings else {}
    ideas = sorted(reading.export["ideas"],
                   key=lambda i: (ranks.get(i["id"]) is None, ranks.get(i["id"], 0), i["id"]))
    for idea in ideas:
        author = reading.authors.get(idea["participant"], {})
        cluster = reading.clusters.get(idea["cluster_id"])
        decision = reading.idea_decisions.get(idea["id"])
        per_type = reading.by_type(idea["id"])
        yield [
            idea["id"], ranks.get(idea["id"]), idea["text"], idea["votes"],
            *_hands_and_total(reading, idea),
            *(None if reading.hidden else per_type.get(t, 0) for t in TYPES),
            cluster["name"] if cluster else "",
            reading.question(idea["activity_id"]),
            reading.tables.get(idea.get("table_id"), ""),
            words.type(author.get("organisation_type", "")),
            author.get("organisation_name", ""),
            words.yes_no(idea.get("entered_on_behalf", False)),
            words.entered_by(idea),
            words.outcome(decision["outcome"]) if decision else "",
            _local(idea["created_at"], reading.zone),
            words.yes_no(idea["hidden"]),
        ]


def _hands_and_total(reading: _Reading, idea: dict) -> list:
    if reading.hidden:
        return [None, None]
    # An export from before hand tallies: its total is its phone votes.
    hands = idea.get("hands") or 0
    return [hands, idea.get("total", (idea["votes"] or 0) + hands)]


# Clusters ------------------------------------------------------------------------------------


def _clusters_header(words: Words, zone: str) -> list[str]:
    return [words("cluster"), words("question"), words("position"), words("idea_count"),
            words("phone_votes"), words("hand_votes"), words("total_votes"),
            *(words("votes_of_type", type=words.type(t)) for t in TYPES),
            words("decision"), words("table")]


def _clusters_rows(reading: _Reading) -> Iterator[list]:
    words = reading.words
    # By the ideas' own cluster, so that the clusters, ungrouped and total rows add up.
    members: dict[int | None, list[dict]] = {}
    for idea in reading.export["ideas"]:
        key = idea["cluster_id"] if idea["cluster_id"] in reading.clusters else None
        members.setdefault(key, []).append(idea)

    def sums(ideas: list[dict]) -> list:
        if reading.hidden:
            return [len(ideas), None, None, None, *(None for _ in TYPES)]
        added = [_hands_and_total(reading, i) for i in ideas]
        return [len(ideas), sum(i["votes"] or 0 for i in ideas),
                sum(hands for hands, _ in added), sum(total for _, total in added),
                *(sum(reading.by_type(i["id"]).get(t, 0) for i in ideas) for t in TYPES)]

    for cluster in reading.export["clusters"]:
        activity = reading.activities.get(cluster.get("activity_id"))
        decision = reading.cluster_decisions.get(cluster["id"])
        yield [cluster["name"], activity.get("prompt", "") if activity else "",
               cluster["position"], *sums(members.get(cluster["id"], [])),
               words.outcome(decision["outcome"]) if decision else "",
               reading.tables.get(cluster.get("table_id"), "")]
    yield [words("not_grouped"), "", None, *sums(members.get(None, [])), "", ""]
    yield [words("total"), "", None, *sums(reading.export["ideas"]), "", ""]


# Votes by organisation type ------------------------------------------------------------------


def _by_type_header(words: Words, zone: str) -> list[str]:
    return [words("vote"), words("idea_id"), words("idea"), words("phone_votes"),
            *(words("votes_of_type", type=words.type(t)) for t in TYPES),
            *(words("share_of_type", type=words.type(t)) for t in TYPES),
            words("common_ground")]


def _by_type_rows(reading: _Reading) -> Iterator[list]:
    found = reading.standings
    if found is None:
        return
    blocks = [(reading.activities.get(v.activity_id, {}).get("title", ""), v)
              for v in found.per_vote]
    # One vote: its rows are all the votes. Several, or votes from before agendas: a total too.
    if len(blocks) != 1 or sum(found.per_vote[0].results.cast_by_type.values()) != sum(
            found.everything.results.cast_by_type.values()):
        blocks.append((reading.words("all_votes"), found.everything))
    for title, block in blocks:
        cast = block.results.cast_by_type
        common = set(block.common_ground)
        counted = sorted(block.results.per_idea.items(),
                         key=lambda item: (-sum(item[1].values()), item[0]))
        for idea_id, per_type in counted:
            idea = reading.ideas.get(idea_id, {})
            yield [title, idea_id, idea.get("text", ""), sum(per_type.values()),
                   *(per_type.get(t, 0) for t in TYPES),
                   *(_Share(per_type.get(t, 0) / cast[t]) if cast.get(t) else None
                     for t in TYPES),
                   reading.words.yes_no(idea_id in common)]


# Tables --------------------------------------------------------------------------------------


def _tables_header(words: Words, zone: str) -> list[str]:
    return [words("table"), words("position"),
            *(words("participants_of_type", type=words.type(t)) for t in TYPES),
            words("participants"), words("idea_count"), words("on_behalf_count")]


def _tables_rows(reading: _Reading) -> Iterator[list]:
    tables = reading.export.get("tables", [])
    if not tables:
        return
    # Stand-ins for paper notes are nobody: only people are counted.
    people = [p for p in reading.export["participants"] if not p.get("on_paper")]
    ideas = reading.export["ideas"]
    for table in tables:
        yield [table["name"], table["position"],
               *_seated_and_posted([p for p in people if p.get("table_id") == table["id"]],
                                   [i for i in ideas if i.get("table_id") == table["id"]])]
    # Those at no table (or at one since deleted), so that the rows add up to the total.
    known = {table["id"] for table in tables}
    yield [reading.words("no_table"), None,
           *_seated_and_posted([p for p in people if p.get("table_id") not in known],
                               [i for i in ideas if i.get("table_id") not in known])]
    yield [reading.words("total"), None, *_seated_and_posted(people, ideas)]


def _seated_and_posted(people: list[dict], ideas: list[dict]) -> list:
    return [*(sum(1 for p in people if p["organisation_type"] == t) for t in TYPES),
            len(people), len(ideas), sum(1 for i in ideas if i.get("entered_on_behalf"))]


# Decisions -----------------------------------------------------------------------------------


def _decisions_header(words: Words, zone: str) -> list[str]:
    return [words("decided_on"), words("idea_id"), words("idea"), words("outcome"),
            words("owner"), words("owner_type"), words("next_step"), words("due_on"),
            _timed(words("decided_at"), zone)]


def _decisions_rows(reading: _Reading) -> Iterator[list]:
    words = reading.words
    for decision in reading.export.get("decisions", []):
        if decision.get("idea_id") is not None:
            on, the_id = words("on_idea"), decision["idea_id"]
            name = reading.ideas.get(the_id, {}).get("text", "")
        else:
            on, the_id = words("on_cluster"), decision["cluster_id"]
            name = reading.clusters.get(the_id, {}).get("name", "")
        yield [on, the_id, name, words.outcome(decision["outcome"]), decision["owner_name"],
               words.type(decision["owner_type"]), decision["next_step"],
               date.fromisoformat(decision["due_on"]) if decision["due_on"] else None,
               _local(decision["updated_at"], reading.zone)]


# Agenda --------------------------------------------------------------------------------------


def _agenda_header(words: Words, zone: str) -> list[str]:
    return [words("position"), words("kind"), words("title"), words("prompt"),
            words("minutes"), words("closes_when_time_up"), words("private"),
            words("vote_budget"), words("votes_per_idea"), words("takes_from"),
            words("vote_clusters"), words("at_tables"), _timed(words("merged_at"), zone)]


def _agenda_rows(reading: _Reading) -> Iterator[list]:
    words = reading.words
    for activity in reading.export["agenda"]:
        seconds = activity.get("duration_seconds")
        source = reading.activities.get(activity.get("source_activity_id"))
        clusters = activity.get("cluster_ids")
        yield [activity["position"], words.kind(activity["kind"]), activity["title"],
               activity.get("prompt", ""),
               None if seconds is None else (seconds // 60 if seconds % 60 == 0
                                             else round(seconds / 60, 2)),
               words.yes_no(activity.get("closes_when_time_up", False)),
               words.yes_no(activity.get("private", False)),
               activity.get("vote_budget"), activity.get("votes_per_idea"),
               source["title"] if source else "",
               "; ".join(reading.clusters.get(c, {}).get("name", str(c)) for c in clusters)
               if clusters else "",
               words.yes_no(activity.get("at_tables", False)),
               _local(activity["merged_at"], reading.zone) if activity.get("merged_at")
               else None]


# Audit log -----------------------------------------------------------------------------------


def _audit_header(words: Words, zone: str) -> list[str]:
    return [_timed(words("at"), zone), words("who"), words("command"), words("objects"),
            words("before"), words("after")]


def _audit_rows(reading: _Reading) -> Iterator[list]:
    words = reading.words
    for entry in reading.export["audit_log"]:
        who = entry["who"]
        if "facilitator" in who:
            person = words("facilitator", id=who["facilitator"])
        elif who.get("clock"):
            person = words("clock")
        elif who.get("participant") == "erased":
            person = words("erased")
        else:
            person = who.get("participant", "")
        yield [_local(entry["at"], reading.zone), person, entry["command"],
               _json(entry["objects"]), _json(entry["before"]), _json(entry["after"])]


_SHEETS: tuple[tuple[str, Callable, Callable], ...] = (
    ("sheet_ideas", _ideas_header, _ideas_rows),
    ("sheet_clusters", _clusters_header, _clusters_rows),
    ("sheet_by_type", _by_type_header, _by_type_rows),
    ("sheet_tables", _tables_header, _tables_rows),
    ("sheet_decisions", _decisions_header, _decisions_rows),
    ("sheet_agenda", _agenda_header, _agenda_rows),
    ("sheet_audit", _audit_header, _audit_rows),
)


def _timed(name: str, zone: str) -> str:
    return f"{name} ({zone})" if zone else name


def _local(stamp: str, zone: ZoneInfo) -> datetime:
    """An export's ISO timestamp as the wall clock in the workshop's room showed it."""
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # To the minute's second: Excel keeps no microseconds and no zone.
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _clean(text: str) -> str:
    # Control characters make the file unreadable to Excel; a longer text is cut to what fits.
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:CELL_MAX]
