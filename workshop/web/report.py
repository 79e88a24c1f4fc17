"""A workshop's report for its facilitators: a printable page, and the same page as PDF.

The PDF is a job: the facilitator's click starts it (POST), the page asks how far it is
(a small JSON status: gathering, drawing the charts, laying out the pages, ready or failed)
and then offers the download. The gathering reads the database in a background task, the
page is rendered in the offload thread, and WeasyPrint lays it out in the worker process
(workshop/worker.py): the event loop, and every phone, goes on meanwhile.

Jobs live in this server process's memory, one per workshop, the finished PDF kept for an
hour: a restart forgets them (the facilitator clicks again), and with several server
processes the status is asked of the process that holds the job, as Socket.IO's sticky
sessions already require.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    copy_current_request_context,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..client_messages import KIND_NAMES, ORGANISATION_TYPE_NAMES, OUTCOME_NAMES
from ..database import read_only
from ..extensions import db, socketio
from ..offload import offload
from ..reports.formats import export_filename
from ..reports.pdf import available
from ..reports.report import gather_report, shape_report
from ..services.access import Actor
from ..worker import WorkerError, worker
from .signed_in import current_facilitator, own_workshop, signin_required

bp = Blueprint("report", __name__, url_prefix="/workshops")
log = logging.getLogger(__name__)

# What the facilitator reads while the PDF is made, step by step.
STEPS = {
    "idle": "",
    "gathering": _l("Gathering the workshop's data..."),
    "drawing": _l("Drawing the charts..."),
    "laying_out": _l("Laying out the pages..."),
    "ready": _l("The PDF is ready."),
    "failed": _l("The PDF could not be made. Please try again."),
}
RUNNING = {"gathering", "drawing", "laying_out"}
KEPT_SECONDS = 3600
JOBS = "tupa.pdf_jobs"


@dataclass
class PdfJob:
    """One workshop's PDF, being made or made."""

    workshop_id: int
    state: str = "gathering"
    pdf: bytes | None = None
    filename: str = "report.pdf"
    error: str = ""
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    seconds: dict = field(default_factory=dict)  # step -> how long it took


class PdfJobs:
    """The PDF jobs of this server process, by workshop."""

    def __init__(self) -> None:
        self._jobs: dict[int, PdfJob] = {}
        self._lock = threading.Lock()

    def get(self, workshop_id: int) -> PdfJob | None:
        """The workshop's job, unless its PDF has been kept long enough."""
        job = self._jobs.get(workshop_id)
        if job and job.finished and time.monotonic() - job.finished > KEPT_SECONDS:
            self._jobs.pop(workshop_id, None)
            return None
        return job

    def start(self, app: Flask, workshop_id: int, facilitator_id: int) -> PdfJob:
        """Start making the workshop's PDF, unless it is being made already: then that job."""
        with self._lock:
            job = self.get(workshop_id)
            if job is not None and job.state in RUNNING:
                return job
            job = self._jobs[workshop_id] = PdfJob(workshop_id)
        socketio.start_background_task(_make_pdf, app, job, facilitator_id)
        return job


def jobs(app: Flask | None = None) -> PdfJobs:
    """This app's PDF jobs."""
    app = app or current_app
    return app.extensions.setdefault(JOBS, PdfJobs())


@bp.get("/<int:workshop_id>/report")
@signin_required
def report_page(workshop_id: int):
    """The report as a page, to read, print, or have made into a PDF."""
    workshop = own_workshop(workshop_id)
    data = gather_report(db.session, Actor(workshop.id, facilitator_id=current_facilitator().id))
    job = jobs().get(workshop.id)
    if available() and not worker().started:
        # Whoever opens the report may want its PDF: the worker starts (about two seconds of
        # imports) while they read, not after they click.
        socketio.start_background_task(_warm_up, current_app._get_current_object())
    page = {"workshop_id": workshop.id, "pdf_available": available(), "pdf_job": _status(job)}
    # Shaping and rendering a large workshop is CPU: off the event loop, in this request's
    # context (its form's CSRF token goes into this browser's session).
    html = offload()(copy_current_request_context(_render), data, for_pdf=False, page=page)
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:workshop_id>/report.pdf")
@signin_required
def pdf_start(workshop_id: int):
    """Start making the PDF (a second click while it is made changes nothing)."""
    workshop = own_workshop(workshop_id)
    if available():
        job = jobs().start(current_app._get_current_object(), workshop.id,
                           current_facilitator().id)
    else:
        job = PdfJob(workshop.id, state="failed", error="unavailable")
    if request.accept_mimetypes.best == "application/json":
        return jsonify(_status(job)), 202
    return redirect(url_for("report.report_page", workshop_id=workshop.id, _anchor="pdf"))


@bp.get("/<int:workshop_id>/report.pdf/status")
@signin_required
def pdf_status(workshop_id: int):
    """How far the workshop's PDF is, for the report page's progress line."""
    workshop = own_workshop(workshop_id)
    response = jsonify(_status(jobs().get(workshop.id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:workshop_id>/report.pdf")
@signin_required
def pdf_download(workshop_id: int):
    """The PDF once made; before that, the report page where it is made."""
    workshop = own_workshop(workshop_id)
    job = jobs().get(workshop.id)
    if job is None or job.state != "ready":
        return redirect(url_for("report.report_page", workshop_id=workshop.id, _anchor="pdf"))
    response = Response(job.pdf, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _status(job: PdfJob | None) -> dict:
    state = job.state if job is not None else "idle"
    message = str(STEPS[state])
    if job is not None and job.error == "unavailable":
        message = _("A PDF cannot be made on this server: WeasyPrint or its Pango libraries "
                    "are not installed.")
    answer = {"state": state, "message": message}
    if state == "ready":
        answer["download_url"] = url_for("report.pdf_download", workshop_id=job.workshop_id)
        answer["size"] = len(job.pdf or b"")
    return answer


def _render_in_context(app: Flask, data: dict, *, for_pdf: bool, page: dict) -> str:
    """report.html in the workshop's language, with a request context of its own.

    It runs in the offload thread (or a background task), where no request is current.
    """
    with app.test_request_context():
        return _render(data, for_pdf=for_pdf, page=page)


def _render(data: dict, *, for_pdf: bool, page: dict) -> str:
    with force_locale(data["export"]["workshop"]["language"]):
        report = shape_report(
            data, _,
            {key: str(name) for key, name in ORGANISATION_TYPE_NAMES.items()},
            {key: str(name) for key, name in KIND_NAMES.items()},
            {key: str(name) for key, name in OUTCOME_NAMES.items()})
        return render_template("report.html", report=report, for_pdf=for_pdf, **page)


@cache
def _stylesheet(static_folder: str) -> str:
    return (Path(static_folder) / "css" / "report.css").read_text(encoding="utf-8")


def _warm_up(app: Flask) -> None:
    with app.app_context():
        try:
            worker(app).run("report.warm_up")
        except WorkerError as error:
            log.warning("the PDF worker could not start: %s", error)


def _make_pdf(app: Flask, job: PdfJob, facilitator_id: int) -> None:
    """The job itself: gather, render, lay out; each step's state shown as it comes."""
    mark = time.monotonic()

    def step(name: str) -> None:
        nonlocal mark
        now = time.monotonic()
        job.seconds[job.state] = round(now - mark, 3)
        job.state, mark = name, now

    try:
        with app.app_context():
            try:
                read_only(db.session())
                data = gather_report(db.session, Actor(job.workshop_id,
                                                       facilitator_id=facilitator_id))
            finally:
                db.session.remove()
            step("drawing")
            html = offload()(_render_in_context, app, data, for_pdf=True, page={})
            step("laying_out")
            pdf = worker(app).run("report.pdf", html, _stylesheet(app.static_folder))
            job.filename = export_filename(data["export"], "pdf")
        job.pdf = pdf
        step("ready")
    except WorkerError as error:
        log.warning("the PDF of workshop %s could not be made: %s", job.workshop_id, error)
        job.error = str(error)
        step("failed")
    except Exception:
        log.exception("the PDF of workshop %s could not be made", job.workshop_id)
        job.error = "error"
        step("failed")
    finally:
        job.finished = time.monotonic()
