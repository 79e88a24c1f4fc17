"""Downloads of a workshop for its facilitator: its ideas as CSV, everything as JSON.

Built from a read-only gathering (no row lock), so a download never holds up the room.
"""

from __future__ import annotations

from flask import Blueprint, Response

from ..extensions import db
from ..offload import offload
from ..reports.formats import export_filename, ideas_csv, workshop_json
from ..reports.gather import workshop_export
from ..services.access import Actor
from .signed_in import current_facilitator, own_workshop, signin_required

bp = Blueprint("downloads", __name__, url_prefix="/workshops")


@bp.get("/<int:workshop_id>/export.csv")
@signin_required
def export_csv(workshop_id: int):
    """One row per idea, for a spreadsheet."""
    return _download(workshop_id, "csv", ideas_csv, "text/csv; charset=utf-8")


@bp.get("/<int:workshop_id>/export.json")
@signin_required
def export_json(workshop_id: int):
    """Everything of the workshop, pseudonymised, for programs."""
    return _download(workshop_id, "json", workshop_json, "application/json; charset=utf-8")


def _download(workshop_id: int, extension: str, writer, content_type: str) -> Response:
    workshop = own_workshop(workshop_id)
    export, _ = workshop_export(
        db.session, Actor(workshop.id, facilitator_id=current_facilitator().id))
    # Writing a large workshop out is pure CPU: off the event loop, the room goes on meanwhile.
    response = Response(offload()(writer, export), content_type=content_type)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{export_filename(export, extension)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
