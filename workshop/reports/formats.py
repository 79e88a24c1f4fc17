"""Pure writers of a workshop's export: CSV for spreadsheets, JSON for programs.

They take the plain data reports/gather.py gathers and import nothing of the framework, so a
new format is one more function here. docs/exports.md lists every column and field.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from .labels import Words
from .zones import zone_of

SCHEMA_VERSION = 1

# Stable, language-independent column names: scripts and spreadsheets refer to them.
CSV_COLUMNS = (
    "idea_id",
    "text",
    "cluster",
    "votes",
    "organisation_type",
    "organisation_name",
    "posted_at",
    "hidden",
    "question",
    # Added with issue 9, at the end so that scripts reading by position keep working.
    "table",
    "entered_on_behalf",
    "entered_by",
    "hand_votes",
    "total_votes",
)

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: str) -> str:
    """A cell a spreadsheet shows as text and never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def entered_by_code(idea: dict) -> str:
    """Who typed a paper note in, for programs: "facilitator:3", "participant:p5" or ""."""
    who = idea.get("entered_by") or {}
    if "facilitator" in who:
        return f"facilitator:{who['facilitator']}"
    if "participant" in who:
        return f"participant:{who['participant']}"
    return ""


def table_names(export: dict) -> dict[int, str]:
    """Each table's name by its id; an export from before tables has none."""
    return {table["id"]: table["name"] for table in export.get("tables", [])}


def ideas_csv(export: dict) -> bytes:
    """One row per idea, UTF-8 with a byte order mark so that Excel shows ä, ö and å."""
    authors = {person["pseudonym"]: person for person in export["participants"]}
    cluster_names = {cluster["id"]: cluster["name"] for cluster in export["clusters"]}
    questions = {activity["id"]: activity["prompt"] for activity in export["agenda"]}
    tables = table_names(export)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for idea in export["ideas"]:
        author = authors.get(idea["participant"], {})
        writer.writerow([
            idea["id"],
            inert(idea["text"]),
            inert(cluster_names.get(idea["cluster_id"], "")),
            "" if idea["votes"] is None else idea["votes"],
            inert(author.get("organisation_type", "")),
            inert(author.get("organisation_name", "")),
            idea["created_at"],
            "true" if idea["hidden"] else "false",
            inert(questions.get(idea["activity_id"], "")),
            inert(tables.get(idea.get("table_id"), "")),
            "true" if idea.get("entered_on_behalf") else "false",
            entered_by_code(idea),
            "" if idea.get("hands") is None else idea["hands"],
            "" if idea.get("total") is None else idea["total"],
        ])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def workshop_json(export: dict) -> bytes:
    """The whole export as UTF-8 JSON, stamped with the schema version readers check."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "exported_at": export["exported_at"],
        "workshop": export["workshop"],
        "votes_hidden_until_reveal": export["votes_hidden_until_reveal"],
        "agenda": export["agenda"],
        # Added with issue 9; a reader of an older file finds none.
        "tables": export.get("tables", []),
        "participants": export["participants"],
        "ideas": export["ideas"],
        "clusters": export["clusters"],
        "votes": export["votes"],
        # Added with issue 9: hands counted in the room, apart from the phones' votes.
        "hand_tallies": export.get("hand_tallies", []),
        # Added with issue 11; a reader of an older file finds none.
        "decisions": export.get("decisions", []),
        "audit_log": export["audit_log"],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def export_filename(export: dict, extension: str) -> str:
    """tupa-<code>-<date>.<extension>, the date being the day of the export (UTC)."""
    return f"tupa-{export['workshop']['join_code']}-{export['exported_at'][:10]}.{extension}"


# The CSV for Excel ---------------------------------------------------------------------------

# How each language's Excel reads a time typed into a cell (fi: 2.12.2026 14.05).
EXCEL_TIME_FORMATS = {"fi": "{d.day}.{d.month}.{d.year} {d.hour:02}.{d.minute:02}",
                      "sv": "{d:%Y-%m-%d %H:%M}", "en": "{d:%Y-%m-%d %H:%M}"}
# Where Excel's list separator is ";" its decimal separator is ",": Finnish and Swedish.
DECIMAL_COMMA = {"fi", "sv"}


def excel_number(value: int | float | None, language: str) -> str:
    """A number as that language's Excel reads it: 12,5 in Finnish and Swedish, 12.5 in English."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:.4f}".rstrip("0")
        return text.replace(".", ",") if language in DECIMAL_COMMA else text
    return str(int(value))


def excel_time(stamp: str, zone_name: str, language: str) -> str:
    """An export's ISO timestamp as the room's wall clock, in the form that language's Excel
    takes for a date and time."""
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(zone_of(zone_name))
    return EXCEL_TIME_FORMATS.get(language, EXCEL_TIME_FORMATS["en"]).format(d=local)


def ideas_excel_csv(export: dict, language: str) -> bytes:
    """The ideas CSV for a person opening it in Excel: `;`-separated, UTF-8 with a byte order
    mark, column names and words in `language`, times in the workshop's time zone.

    The same rows as ideas_csv, which stays as it is for programs."""
    words = Words(language)
    language = words.language
    zone_name = export["workshop"].get("time_zone", "")
    authors = {person["pseudonym"]: person for person in export["participants"]}
    cluster_names = {cluster["id"]: cluster["name"] for cluster in export["clusters"]}
    questions = {activity["id"]: activity["prompt"] for activity in export["agenda"]}
    tables = table_names(export)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([words("idea_id"), words("idea"), words("cluster"), words("phone_votes"),
                     words("organisation_type"), words("organisation_name"),
                     f"{words('posted_at')} ({zone_of(zone_name)})", words("hidden"),
                     words("question"), words("table"), words("entered_on_behalf"),
                     words("entered_by"), words("hand_votes"), words("total_votes")])
    for idea in export["ideas"]:
        author = authors.get(idea["participant"], {})
        writer.writerow([
            idea["id"],
            inert(idea["text"]),
            inert(cluster_names.get(idea["cluster_id"], "")),
            excel_number(idea["votes"], language),
            inert(words.type(author.get("organisation_type", ""))),
            inert(author.get("organisation_name", "")),
            excel_time(idea["created_at"], zone_name, language),
            words.yes_no(idea["hidden"]),
            inert(questions.get(idea["activity_id"], "")),
            inert(tables.get(idea.get("table_id"), "")),
            words.yes_no(idea.get("entered_on_behalf", False)),
            words.entered_by(idea),
            excel_number(idea.get("hands"), language),
            excel_number(idea.get("total"), language),
        ])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
