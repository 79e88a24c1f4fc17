"""The facilitator's workshop screens: board, projector view, QR code and the exports."""

from __future__ import annotations

import io

import segno
from flask import Response, g, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..client_messages import client_messages, page_settings
from ..domain.codes import format_join_code
from ..extensions import db
from ..models import Workshop
from ..reports.formats import export_filename, ideas_csv, workshop_json
from ..reports.gather import workshop_export
from ..services.access import Actor
from .facilitators import current_facilitator, own_workshop, signin_required
from .participants import browser_participant, join_url

# Words only the board's script says, next to the ones every page shares.
BOARD_MESSAGES = {
    "joins_open": _l("New participants can join."),
    "joins_locked": _l("Closed to new participants. Those already in stay in."),
    "joins_locked_now": _l("The workshop is now closed to new participants."),
    "joins_open_now": _l("New participants can join again."),
}

# Words only the projector's script says.
PRESENTER_MESSAGES = {
    "joins_closed": _l("This workshop is closed to new participants."),
}


@signin_required
def board(workshop_id: int):
    """The facilitator's live board of one of their workshops."""
    workshop = own_workshop(workshop_id)
    page_data = _facilitator_page_data(workshop, "facilitator")
    page_data["messages"].update({key: str(text) for key, text in BOARD_MESSAGES.items()})
    return render_template("board.html", workshop=workshop, page_data=page_data,
                           joins_state=BOARD_MESSAGES[
                               "joins_locked" if workshop.joins_locked else "joins_open"])


@signin_required
def presenter(workshop_id: int):
    """The read-only projector view: join code and QR (or that joins are closed), ideas, results."""
    workshop = own_workshop(workshop_id)
    page_data = _facilitator_page_data(workshop, "presenter")
    page_data["messages"].update({key: str(text) for key, text in PRESENTER_MESSAGES.items()})
    return render_template("presenter.html", workshop=workshop, page_data=page_data)


def _facilitator_page_data(workshop: Workshop, role: str) -> dict:
    return {
        "role": role,
        "workshop_id": workshop.id,
        "lang": str(get_locale()),
        "messages": client_messages(),
        "settings": page_settings(),
        "join_code": format_join_code(workshop.join_code),
        "join_url": join_url(workshop),
        "qr_url": url_for("qr", workshop_id=workshop.id),
        "export_csv_url": url_for("export_csv", workshop_id=workshop.id),
        "export_json_url": url_for("export_json", workshop_id=workshop.id),
        "presenter_url": url_for("presenter", workshop_id=workshop.id),
        "board_url": url_for("board", workshop_id=workshop.id),
    }


def qr(workshop_id: int):
    """The join link as a QR code in SVG, drawn on the server: no outside service needed."""
    workshop = db.session.get(Workshop, workshop_id)
    # Its participants may show it to a neighbour; other facilitators learn nothing.
    if workshop is None or browser_participant(workshop)[0] is None:
        return _facilitator_qr(workshop_id)
    return _qr_response(workshop)


@signin_required
def _facilitator_qr(workshop_id: int):
    return _qr_response(own_workshop(workshop_id))


def _qr_response(workshop: Workshop) -> Response:
    g.workshop_language = workshop.language
    buffer = io.BytesIO()
    segno.make(join_url(workshop), error="m").save(
        buffer, kind="svg", scale=10, border=2, xmldecl=False, svgclass="join-qr",
        title=_("QR code: join the workshop at %(url)s", url=join_url(workshop)),
    )
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@signin_required
def export_csv(workshop_id: int):
    """One row per idea, for a spreadsheet."""
    return _download(workshop_id, "csv", ideas_csv, "text/csv; charset=utf-8")


@signin_required
def export_json(workshop_id: int):
    """Everything of the workshop, pseudonymised, for programs."""
    return _download(workshop_id, "json", workshop_json, "application/json; charset=utf-8")


def _download(workshop_id: int, extension: str, writer, content_type: str) -> Response:
    workshop = own_workshop(workshop_id)
    export, _ = workshop_export(
        db.session, Actor(workshop.id, facilitator_id=current_facilitator().id))
    response = Response(writer(export), content_type=content_type)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{export_filename(export, extension)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response

