"""Pure writers of a workshop's export: CSV for spreadsheets, JSON for programs.

They take the plain data reports/gather.py gathers and import nothing of the framework, so a
new format is one more function here.
"""

from __future__ import annotations

import csv
import io
import json

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
)

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: str) -> str:
    """A cell a spreadsheet shows as text and never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def ideas_csv(export: dict) -> bytes:
    """One row per idea, UTF-8 with a byte order mark so that Excel shows ä, ö and å."""
    authors = {person["pseudonym"]: person for person in export["participants"]}
    cluster_names = {cluster["id"]: cluster["name"] for cluster in export["clusters"]}
    questions = {activity["id"]: activity["prompt"] for activity in export["agenda"]}
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
        "participants": export["participants"],
        "ideas": export["ideas"],
        "clusters": export["clusters"],
        "votes": export["votes"],
        "audit_log": export["audit_log"],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def export_filename(export: dict, extension: str) -> str:
    """tupa-<code>-<date>.<extension>, the date being the day of the export (UTC)."""
    return f"tupa-{export['workshop']['join_code']}-{export['exported_at'][:10]}.{extension}"
