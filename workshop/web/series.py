"""Series of workshops for their organiser: the list of one's series, each series' page with
its workshops side by side, and the whole series as one JSON file and one workbook; choosing
a workshop's series on its board or when it is made.

Everything shown is read from the workshops' exports (reports/gather.py, then
reports/series.py): counts stay hidden until each workshop's reveal, as in its files.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ..client_messages import KIND_NAMES, ORGANISATION_TYPE_NAMES, PHASE_NAMES
from ..domain.errors import DomainError
from ..domain.series import SERIES_NAME_MAX_LENGTH
from ..extensions import db
from ..languages import message_for
from ..models import Facilitator, Series, Workshop, utcnow
from ..offload import offload
from ..realtime.transactions import Work
from ..realtime.wiring import realtime
from ..reports import series as series_report
from ..reports.gather import workshop_export
from ..services import series as series_service
from ..services.access import Actor
from ..worker import worker
from .forms import SeriesChoiceForm, SeriesNameForm, first_errors
from .signed_in import current_facilitator, own_workshop, signin_required

bp = Blueprint("series", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CREATED = _l("The series “%(name)s” was created. Put workshops into it from their boards.")
RENAMED = _l("The series is now called “%(name)s”.")
DELETED = _l("The series “%(name)s” was deleted. Its workshops stay, in no series.")
FILED = _l("“%(title)s” is now in the series “%(name)s”.")
UNFILED = _l("“%(title)s” is in no series now.")
NO_SUCH_SERIES = _l("Please choose one of your series.")


@bp.app_context_processor
def series_context() -> dict:
    """Every template may offer the signed-in facilitator's series to choose from."""
    return {"series_choices": _choices}


def _choices(workshop: Workshop | None = None) -> list[Series]:
    """One's own series; with a workshop, its series too if it is another's, so that saving
    the board's choice never takes it out of a series unasked."""
    facilitator = current_facilitator()
    own = series_service.series_of(db.session, facilitator) if facilitator else []
    if workshop is not None and workshop.series_id is not None \
            and workshop.series_id not in {s.id for s in own}:
        current = db.session.get(Series, workshop.series_id)
        own = [current, *own] if current is not None else own
    return own


@bp.get("/series")
@signin_required
def series_list():
    """One's series, and a form for a new one."""
    return _list_page(SeriesNameForm(formdata=None), {})


@bp.post("/series")
@signin_required
def create_series():
    """Make a new series; then its page."""
    form = SeriesNameForm()
    errors = {} if form.validate() else first_errors(form)
    if errors:
        return _list_page(form, errors, 400)
    facilitator = current_facilitator()
    outcome = realtime().perform(Work("series.create", lambda session: (
        series_service.create_series(session, facilitator, form.name.data))))
    if outcome.failure:
        abort(503)
    if outcome.refusal is not None:
        return _list_page(form, {"name": message_for(outcome.refusal.code,
                                                     outcome.refusal.details)}, 400)
    flash(str(CREATED) % {"name": outcome.result.name})
    return redirect(url_for("series.series_page", series_id=outcome.result.id))


@bp.get("/series/<int:series_id>")
@signin_required
def series_page(series_id: int):
    """The organiser's page of one series: its workshops side by side."""
    return _series_page(series_id, SeriesNameForm(formdata=None), {})


@bp.post("/series/<int:series_id>/rename")
@signin_required
def rename_series(series_id: int):
    """Give the series another name."""
    facilitator = current_facilitator()
    _readable(facilitator, series_id)
    form = SeriesNameForm()
    errors = {} if form.validate() else first_errors(form)
    if errors:
        return _series_page(series_id, form, errors, 400)
    outcome = realtime().perform(Work("series.rename", lambda session: (
        series_service.rename_series(session, facilitator, series_id, form.name.data))))
    if outcome.failure:
        abort(503)
    if outcome.refusal is not None:
        abort(404)
    flash(str(RENAMED) % {"name": outcome.result.name})
    return redirect(url_for("series.series_page", series_id=series_id))


@bp.post("/series/<int:series_id>/delete")
@signin_required
def delete_series(series_id: int):
    """Delete the series; its workshops stay."""
    facilitator = current_facilitator()
    _readable(facilitator, series_id)
    outcome = realtime().perform(Work("series.delete", lambda session: (
        series_service.delete_series(session, facilitator, series_id))))
    if outcome.failure:
        abort(503)
    if outcome.refusal is not None:
        abort(404)
    flash(str(DELETED) % {"name": outcome.result["name"]})
    return redirect(url_for("series.series_list"))


@bp.get("/series/<int:series_id>/series.json")
@signin_required
def series_json(series_id: int):
    """The whole series as one JSON file: each workshop's export, every idea tagged."""
    series, exports = _exports(series_id)
    body = offload()(series_report.series_json, _described(series), exports,
                     utcnow().isoformat())
    return _attachment(body, "application/json; charset=utf-8", series, "json")


@bp.get("/series/<int:series_id>/series.xlsx")
@signin_required
def series_xlsx(series_id: int):
    """The whole series as one workbook, in the language of the page."""
    _series, exports = _exports(series_id)
    # openpyxl holds the GIL for seconds on a large series: in the worker process, not a thread.
    body = worker().run("series.xlsx", exports, str(get_locale()))
    return _attachment(body, XLSX, _series, "xlsx")


@bp.post("/workshops/<int:workshop_id>/series")
@signin_required
def file_workshop(workshop_id: int):
    """Put the workshop into one of one's series, or take it out; back to its board."""
    workshop = own_workshop(workshop_id)
    form = SeriesChoiceForm()
    if not form.validate():
        abort(400)
    facilitator = current_facilitator()
    chosen = _series_id(form.series.data)
    actor = Actor(workshop.id, facilitator_id=facilitator.id)
    outcome = realtime().perform(Work("workshop.series", lambda session: (
        series_service.set_workshop_series(session, actor, facilitator, chosen))))
    if outcome.failure:
        abort(503)
    if outcome.refusal is not None:
        flash(str(NO_SUCH_SERIES))
        return redirect(url_for("workshops.board", workshop_id=workshop.id) + "#filing-heading")
    if chosen is None:
        flash(str(UNFILED) % {"title": workshop.title})
    else:
        flash(str(FILED) % {"title": workshop.title,
                            "name": db.session.get(Series, chosen).name})
    return redirect(url_for("workshops.board", workshop_id=workshop.id) + "#filing-heading")


def filed(session, facilitator: Facilitator, typed: str,
          created: tuple[Workshop, list]) -> tuple[Workshop, list]:
    """A workshop just made, put into the series chosen on the new-workshop form."""
    workshop, facts = created
    chosen = _series_id(typed)
    if chosen is not None:
        try:
            series_service.set_workshop_series(
                session, Actor(workshop.id, facilitator_id=facilitator.id), facilitator, chosen)
        except DomainError as error:
            raise DomainError("not_found", "no such series", field="series") from error
    return workshop, facts


def _series_id(typed: str | None) -> int | None:
    text = (typed or "").strip()
    if not text:
        return None
    if not text.isdecimal() or len(text) > 10:
        return -1  # no series has it: refused as unknown
    return int(text)


def _readable(facilitator: Facilitator, series_id: int) -> Series:
    try:
        return series_service.readable_series(db.session, facilitator, series_id)
    except DomainError:
        abort(404)


def _exports(series_id: int) -> tuple[Series, list[dict]]:
    facilitator = current_facilitator()
    series = _readable(facilitator, series_id)
    shown, _hidden = series_service.workshops_in(db.session, facilitator, series)
    return series, [_export_of(facilitator, workshop) for workshop in shown]


def _export_of(facilitator: Facilitator, workshop: Workshop) -> dict:
    # An administrator reads a workshop of the series they do not run as its owner would.
    reader = facilitator.id if not facilitator.is_admin else workshop.facilitator_id
    export, _ = workshop_export(db.session, Actor(workshop.id, facilitator_id=reader))
    return export


def _described(series: Series) -> dict:
    return {"id": series.id, "name": series.name, "created_at": series.created_at.isoformat()}


def _attachment(body: bytes, content_type: str, series: Series, extension: str) -> Response:
    response = Response(body, content_type=content_type)
    day = utcnow().date().isoformat()
    response.headers["Content-Disposition"] = (
        f'attachment; filename="tupa-series-{series.id}-{day}.{extension}"')
    response.headers["Cache-Control"] = "no-store"
    return response


def _list_page(form: SeriesNameForm, errors: dict[str, str], status: int = 200):
    facilitator = current_facilitator()
    own = series_service.series_of(db.session, facilitator)
    counts = {s.id: len(series_service.workshops_in(db.session, facilitator, s)[0])
              for s in own}
    return render_template("series.html", form=form, errors=errors, own=own, counts=counts,
                           max_length=SERIES_NAME_MAX_LENGTH), status


def _series_page(series_id: int, form: SeriesNameForm, errors: dict[str, str],
                 status: int = 200):
    facilitator = current_facilitator()
    series = _readable(facilitator, series_id)
    shown, hidden = series_service.workshops_in(db.session, facilitator, series)
    rows = []
    for workshop in shown:
        overview = series_report.overview(_export_of(facilitator, workshop))
        rows.append({**overview, "archived": workshop.archived_at is not None,
                     "restored": workshop.restored_at is not None})
    if request.method == "GET":
        form.name.data = series.name
    return render_template(
        "series_page.html", series=series, rows=rows, hidden=hidden, form=form, errors=errors,
        in_all=series_report.by_type_in_all(rows), phase_names=PHASE_NAMES,
        kind_names=KIND_NAMES, type_names=ORGANISATION_TYPE_NAMES,
        max_length=SERIES_NAME_MAX_LENGTH,
    ), status
