"""Downloads of a workshop for its facilitator: its ideas as CSV (for programs, and for Excel),
everything as JSON, and the outcome as an Excel workbook.

Built from a read-only gathering (no row lock), so a download never holds up the room.
"""

from __future__ import annotations

from flask import Blueprint, Response

from ..extensions import db
from ..offload import offload
from ..reports.formats import export_filename, ideas_csv, ideas_excel_csv, workshop_json
from ..reports.gather import workshop_export
from ..services.access import Actor
from ..worker import worker
from .signed_in import current_facilitator, own_workshop, signin_required

bp = Blueprint("downloads", __name__, url_prefix="/workshops")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/<int:workshop_id>/export.csv")
@signin_required
def export_csv(workshop_id: int):
    """One row per idea, for a spreadsheet."""
    return _download(workshop_id, "csv", ideas_csv, "text/csv; charset=utf-8")


@bp.get("/<int:workshop_id>/export-excel.csv")
@signin_required
def export_excel_csv(workshop_id: int):
    """The same rows for Excel: `;`-separated, in the workshop's language and time zone."""
    return _download(workshop_id, "excel.csv", ideas_excel_csv, "text/csv; charset=utf-8",
                     in_language=True)


@bp.get("/<int:workshop_id>/export.json")
@signin_required
def export_json(workshop_id: int):
    """Everything of the workshop, pseudonymised, for programs."""
    return _download(workshop_id, "json", workshop_json, "application/json; charset=utf-8")


@bp.get("/<int:workshop_id>/export.xlsx")
@signin_required
def export_xlsx(workshop_id: int):
    """The outcome as an Excel workbook, a sheet per part, in the workshop's language."""
    return _download(workshop_id, "xlsx", "export.xlsx", XLSX, in_language=True)


def _download(workshop_id: int, extension: str, writer, content_type: str, *,
              in_language: bool = False) -> Response:
    workshop = own_workshop(workshop_id)
    export, _ = workshop_export(
        db.session, Actor(workshop.id, facilitator_id=current_facilitator().id))
    # The workshop's language, not the facilitator's: the file goes to the room's organisers.
    arguments = (export, workshop.language) if in_language else (export,)
    response = Response(_written(writer, *arguments), content_type=content_type)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{export_filename(export, extension)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _written(writer, *arguments) -> bytes:
    """Writing a large workshop out is pure CPU: never on the event loop. A writer named by its
    job runs in the worker process: openpyxl holds the GIL for seconds on 5,000 ideas, and a
    thread would still slow every phone (docs/performance.md)."""
    if isinstance(writer, str):
        return worker().run(writer, *arguments)
    return offload()(writer, *arguments)
