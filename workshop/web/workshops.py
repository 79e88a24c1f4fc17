"""The facilitator's workshops: their list, a new one, and each one's board, projector and QR."""

from __future__ import annotations

import io

import segno
from flask import Blueprint, Response, abort, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..client_messages import PHASE_NAMES
from ..domain.codes import format_join_code
from ..domain.votes import MAX_VOTE_BUDGET
from ..extensions import db
from ..languages import LANGUAGE_NAMES, message_for
from ..models import Workshop
from ..realtime.transactions import Work
from ..realtime.wiring import realtime
from ..reports.restore import MAX_EXPORT_BYTES
from ..services import team, workshops
from ..services.access import Actor
from .forms import WorkshopForm, first_errors
from .methods import chosen_agenda, method_choices
from .participants import browser_participant, join_url, live_page_data
from .series import filed
from .signed_in import current_facilitator, own_workshop, owns, signin_required

bp = Blueprint("workshops", __name__, url_prefix="/workshops")

# Words only the board's script says, next to the ones every page shares.
BOARD_MESSAGES = {
    "joins_open": _l("New participants can join."),
    "joins_locked": _l("Closed to new participants. Those already in stay in."),
    "joins_locked_now": _l("The workshop is now closed to new participants."),
    "joins_open_now": _l("New participants can join again."),
}

# Offered while typing a time zone; any other IANA name can be typed.
SUGGESTED_TIME_ZONES = ("Europe/Helsinki", "Europe/Mariehamn", "Europe/Stockholm", "Europe/Oslo",
                        "Europe/Copenhagen", "Atlantic/Reykjavik", "Europe/Tallinn",
                        "Europe/Riga", "Europe/Vilnius", "Europe/Berlin", "Europe/London", "UTC")

# Words only the projector's script says.
PRESENTER_MESSAGES = {
    "joins_closed": _l("This workshop is closed to new participants."),
}


@bp.get("", endpoint="index")
@signin_required
def workshop_list():
    """The signed-in facilitator's workshops, newest first; the archived ones apart."""
    return workshop_list_page()


def workshop_list_page(errors: dict[str, str] | None = None, status: int = 200):
    """The list page, with what is wrong with a file to restore (web/archive.py) if anything."""
    facilitator = current_facilitator()
    return render_template(
        "workshops.html",
        workshops=workshops.workshops_of(db.session, facilitator, archived=False),
        archived_workshops=workshops.workshops_of(db.session, facilitator, archived=True),
        phase_names=PHASE_NAMES,
        format_join_code=format_join_code,
        errors=errors or {},
        max_restore_mb=MAX_EXPORT_BYTES // (1024 * 1024),
    ), status


@bp.route("/new", methods=["GET", "POST"], endpoint="new")
@signin_required
def new_workshop():
    """Create a workshop: title, method or question, votes and language; then its board."""
    form = WorkshopForm()
    errors: dict[str, str] = {}
    if form.is_submitted():
        errors = {} if form.validate() else first_errors(form)
        if not errors:
            facilitator = current_facilitator()
            outcome = realtime().perform(Work("workshop.create", lambda session: filed(
                session, facilitator, form.series.data, workshops.create_workshop(
                    session, facilitator, title=form.title.data, question=form.question.data,
                    vote_budget=form.vote_budget.number,
                    votes_per_idea=form.votes_per_idea.number, language=form.language.data,
                    anonymous=form.anonymous.data, time_zone=form.time_zone.data,
                    agenda=chosen_agenda(session, facilitator, form)))))
            if outcome.failure:
                abort(503)
            if outcome.refusal is None:
                return redirect(url_for("workshops.board", workshop_id=outcome.result.id))
            # The form was checked above; what is left is nothing a field can fix.
            error = outcome.refusal
            errors = {error.details.get("field", "form"): message_for(error.code, error.details)}
    return render_template(
        "workshop_new.html", form=form, errors=errors, languages=LANGUAGE_NAMES,
        max_vote_budget=MAX_VOTE_BUDGET, method_choices=method_choices(),
        time_zones=SUGGESTED_TIME_ZONES,
    ), 400 if errors else 200


@bp.get("/<int:workshop_id>")
@signin_required
def board(workshop_id: int):
    """The live board of a workshop the facilitator owns or co-facilitates."""
    workshop = own_workshop(workshop_id)
    page_data = _facilitator_page_data(workshop, "facilitator", BOARD_MESSAGES)
    return render_template("board.html", workshop=workshop, page_data=page_data,
                           joins_state=BOARD_MESSAGES[
                               "joins_locked" if workshop.joins_locked else "joins_open"],
                           **_team_section(workshop))


@bp.get("/<int:workshop_id>/present")
@signin_required
def presenter(workshop_id: int):
    """The read-only projector view: join code and QR (or that joins are closed), ideas, results."""
    workshop = own_workshop(workshop_id)
    page_data = _facilitator_page_data(workshop, "presenter", PRESENTER_MESSAGES)
    return render_template("presenter.html", workshop=workshop, page_data=page_data)


def _team_section(workshop: Workshop) -> dict:
    # Who runs the workshop; only its owner is offered erasing it and changing who runs it.
    actor = Actor(workshop.id, facilitator_id=current_facilitator().id)
    return {"team": team.team_of(db.session, actor), "is_owner": owns(workshop)}


def _facilitator_page_data(workshop: Workshop, role: str, messages: dict) -> dict:
    return {
        **live_page_data(workshop, role, messages),
        "export_csv_url": url_for("downloads.export_csv", workshop_id=workshop.id),
        "export_json_url": url_for("downloads.export_json", workshop_id=workshop.id),
        "export_xlsx_url": url_for("downloads.export_xlsx", workshop_id=workshop.id),
        "export_excel_csv_url": url_for("downloads.export_excel_csv", workshop_id=workshop.id),
        "presenter_url": url_for("workshops.presenter", workshop_id=workshop.id),
        "board_url": url_for("workshops.board", workshop_id=workshop.id),
    }


@bp.get("/<int:workshop_id>/qr.svg")
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
