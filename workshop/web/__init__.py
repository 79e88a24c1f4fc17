"""HTTP pages and downloads: the one table of URLs, what every page knows, and error pages."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..extensions import db
from ..languages import LANGUAGE_NAMES, LANGUAGES
from . import boards, facilitators, participants, personal_data, vendor
from .join_throttle import JoinThrottle

# Other pages and the browser code rely on these exact URLs and endpoint names.
ROUTES = (
    ("/", "home", participants.home, ("GET",)),
    ("/join", "join", participants.join, ("GET", "POST")),
    ("/w/<code>", "workshop_entry", participants.entry, ("GET",)),
    ("/w/<code>/join", "join_workshop", participants.join_workshop, ("GET", "POST")),
    ("/setup/<token>", "setup", facilitators.setup, ("GET", "POST")),
    ("/signin", "signin", facilitators.signin, ("GET", "POST")),
    ("/signout", "signout", facilitators.signout, ("POST",)),
    ("/workshops", "workshops", facilitators.workshop_list, ("GET",)),
    ("/workshops/new", "workshop_new", facilitators.new_workshop, ("GET", "POST")),
    ("/workshops/<int:workshop_id>", "board", boards.board, ("GET",)),
    ("/workshops/<int:workshop_id>/present", "presenter", boards.presenter, ("GET",)),
    ("/workshops/<int:workshop_id>/qr.svg", "qr", boards.qr, ("GET",)),
    ("/workshops/<int:workshop_id>/export.csv", "export_csv", boards.export_csv, ("GET",)),
    ("/workshops/<int:workshop_id>/export.json", "export_json", boards.export_json, ("GET",)),
    ("/workshops/<int:workshop_id>/erase", "erase_workshop", personal_data.erase_workshop,
     ("GET", "POST")),
    ("/workshops/<int:workshop_id>/participants", "participant_list",
     personal_data.participant_list, ("GET",)),
    ("/workshops/<int:workshop_id>/participants/<int:participant_id>/erase",
     "erase_participant", personal_data.erase_participant, ("GET", "POST")),
    ("/vendor/<name>", "vendor", vendor.browser_library, ("GET",)),
)

ERROR_PAGES = {
    400: (_l("Something was wrong with the request"),
          _l("The page could not handle what was sent. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You are not allowed to open this page.")),
    404: (_l("Page not found"), _l("There is nothing at this address.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    500: (_l("Something went wrong"),
          _l("Something went wrong on the server. Please try again.")),
}


def register(app: Flask) -> None:
    """Add the pages, the values every template sees, and the error pages to the app."""
    for rule, endpoint, view, methods in ROUTES:
        app.add_url_rule(rule, endpoint, view, methods=list(methods))
    # Wrong join codes are counted per app (so per process), in memory; see join_throttle.
    app.extensions[participants.THROTTLE] = JoinThrottle()
    app.context_processor(page_context)
    app.register_error_handler(CSRFError, csrf_refused)
    app.register_error_handler(HTTPException, http_error)


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
        "signed_in_facilitator": facilitators.current_facilitator(),
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


def http_error(error: HTTPException):
    """Every other HTTP error as a plain page in the person's language."""
    if error.code is None or error.code < 400:
        return error
    if error.code >= 500:
        # A failed statement leaves the transaction unusable; the page itself needs the database.
        db.session.rollback()
    heading, message = ERROR_PAGES.get(error.code, ERROR_PAGES[400 if error.code < 500 else 500])
    return render_template("error.html", heading=heading, message=message), error.code
