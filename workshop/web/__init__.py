"""HTTP pages and downloads, a blueprint per area; what every page knows; the error pages.

The areas: accounts (set-up link, sign in and out), facilitators (the accounts, for an
administrator), workshops (list, new, board, projector, QR), team (a workshop's facilitators),
methods (one's own methods: import, export, save a workshop's agenda as one),
participants (front door, join, their page), results (the public results page), downloads
(exports), report (the printable report and its PDF), personal_data (who joined, erasing),
vendor (browser libraries), archive (archiving, restoring from a JSON export), series (a
series of workshops for its organiser). Their forms are declared once, in forms.py.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from flask import Flask, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from ..database import read_only
from ..extensions import db
from ..languages import LANGUAGE_NAMES, LANGUAGES
from ..worker import WorkerError
from . import (
    accounts,
    archive,
    audit,
    downloads,
    facilitators,
    methods,
    participants,
    personal_data,
    report,
    results,
    series,
    team,
    vendor,
    workshops,
)
from .signed_in import current_facilitator

log = logging.getLogger(__name__)

# Each area's URLs stay what they were; other pages and the browser code rely on them.
BLUEPRINTS = (accounts.bp, workshops.bp, participants.bp, downloads.bp, personal_data.bp,
              audit.bp, vendor.bp, facilitators.bp, team.bp, methods.bp, results.bp,
              report.bp, archive.bp, series.bp)

ERROR_PAGES = {
    400: (_l("Something was wrong with the request"),
          _l("The page could not handle what was sent. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You are not allowed to open this page.")),
    404: (_l("Page not found"), _l("There is nothing at this address.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    # The one conflict a page meets: a change to an archived workshop.
    409: (_l("The workshop is archived"),
          _l("An archived workshop can be read, not changed. Unarchive it on its board to "
             "change it.")),
    500: (_l("Something went wrong"),
          _l("Something went wrong on the server. Please try again.")),
}


def register(app: Flask) -> None:
    """Add the pages, the values every template sees, and the error pages to the app."""
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    # On the app, not a blueprint: every page has them, and so has an address no area knows.
    app.before_request(reading_reads_only)
    app.context_processor(page_context)
    app.register_error_handler(CSRFError, csrf_refused)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(WorkerError, worker_failed)


def reading_reads_only() -> None:
    """A GET only reads: its transaction takes no write lock (see database.read_only)."""
    if request.method in ("GET", "HEAD") and request.endpoint not in _NO_DATABASE:
        read_only(db.session())


# Files served as they are: they never touch the database.
_NO_DATABASE = {"static", "vendor.browser_library", None}


def page_context() -> dict:
    """What base.html needs on every page: the language, its switcher, who is signed in."""
    current = str(get_locale())
    return {
        "current_locale": current,
        "language_links": [
            {"code": code, "name": LANGUAGE_NAMES[code], "url": _url_in(code),
             "current": code == current}
            for code in LANGUAGES
        ],
        "signed_in_facilitator": current_facilitator(),
    }


def _url_in(language: str) -> str:
    # The same page with ?lang=...; other query arguments stay as they were.
    arguments = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return f"{request.path}?{urlencode([*arguments, ('lang', language)])}"


def csrf_refused(error: CSRFError):
    """A form without a valid CSRF token: refused, with a hint that reloading helps."""
    return render_template(
        "error.html",
        heading=_l("The form could not be sent"),
        message=_l("The form had expired or came from another site. "
                   "Please reload the page and try again."),
    ), 400


def worker_failed(error: WorkerError):
    """A file the worker process could not make (it is started afresh for the next one)."""
    log.error("worker job failed: %s", error)
    return http_error(ServiceUnavailable())


def http_error(error: HTTPException):
    """Every other HTTP error as a plain page in the person's language."""
    if error.code is None or error.code < 400:
        return error
    if error.code >= 500:
        # A failed statement leaves the transaction unusable; the page itself needs the database.
        db.session.rollback()
    heading, message = ERROR_PAGES.get(error.code, ERROR_PAGES[400 if error.code < 500 else 500])
    return render_template("error.html", heading=heading, message=message), error.code
