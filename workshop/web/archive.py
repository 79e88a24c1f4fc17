"""Archiving a workshop and taking it out of the archive; restoring one from its JSON export.

A restored file is read whole, with limits, off the event loop (reports/restore.py), and
written in one transaction: what is wrong is said above the file field, with the place in
the file (“ideas[3].text”), in the person's language; nothing is kept unless all is right.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from ..domain.errors import DomainError
from ..extensions import csrf
from ..languages import message_for
from ..offload import offload
from ..realtime.transactions import Work
from ..realtime.wiring import realtime
from ..reports.restore import MAX_EXPORT_BYTES, read_export
from ..services import archive, restore
from ..services.access import Actor
from .forms import ExportFileForm
from .signed_in import current_facilitator, own_workshop, signin_required

bp = Blueprint("archive", __name__, url_prefix="/workshops")

# Room for the form's other fields and the multipart boundaries around the file itself.
_REQUEST_LIMIT = MAX_EXPORT_BYTES + 16 * 1024

# What is wrong with an export, by the problem reports/restore.py names.
PROBLEMS = {
    "too_large": _l("The file is larger than %(max_mb)s MB."),
    "not_json": _l("The file is not JSON text. Please choose a workshop's JSON export from "
                   "Tupa."),
    "bad_number": _l("The file holds NaN, Infinity or a number too large, which JSON does not "
                     "allow."),
    "duplicate_key": _l("The file has an object with the same key twice."),
    "too_deep": _l("The file nests deeper than %(max)s levels."),
    "too_many_containers": _l("The file holds more than %(max)s objects and lists."),
    "not_an_export": _l("This is not a Tupa workshop export: it has no “schema_version”."),
    "unknown_version": _l("The file is in version %(version)s of the export format; this "
                          "Tupa reads version %(reads)s."),
    "missing": _l("missing."),
    "unknown_field": _l("not part of a workshop export."),
    "not_object": _l("must be an object in braces { }."),
    "not_list": _l("must be a list in brackets [ ]."),
    "not_text": _l("must be text."),
    "not_number": _l("must be a whole number."),
    "not_boolean": _l("must be true or false."),
    "not_id": _l("must be an id: a whole number from 1."),
    "too_long": _l("too long: at most %(max_length)s characters."),
    "too_many": _l("more than %(max)s entries."),
    "empty": _l("empty."),
    "bad_text": _l("holds characters that cannot be stored."),
    "out_of_range": _l("must be from %(min)s to %(max)s."),
    "unknown_value": _l("“%(value)s” is not a value Tupa knows."),
    "duplicate": _l("used twice (%(value)s)."),
    "dangling": _l("names %(value)s, which is nowhere in the file."),
    "mismatch": _l("disagrees with %(other)s."),
    "out_of_order": _l("not in the order Tupa writes."),
    "not_time": _l("must be a time with its time zone, such as 2026-03-14T09:30:00+00:00."),
    "not_date": _l("must be a date, such as 2026-05-01."),
}
NO_FILE = _l("Please choose a workshop's JSON export first.")
RESTORED = _l("“%(title)s” was restored. It is archived: read it here, or unarchive it to "
              "change it.")
ARCHIVED = _l("“%(title)s” is archived: it can be read, not changed. It is listed under "
              "Archived.")
UNARCHIVED = _l("“%(title)s” is no longer archived.")


@bp.post("/<int:workshop_id>/archive")
@signin_required
def archive_workshop(workshop_id: int):
    """Archive a workshop one runs: read-only, and listed apart."""
    return _filed(workshop_id, "workshop.archive", archive.archive_workshop, ARCHIVED)


@bp.post("/<int:workshop_id>/unarchive")
@signin_required
def unarchive_workshop(workshop_id: int):
    """Take a workshop out of the archive."""
    return _filed(workshop_id, "workshop.unarchive", archive.unarchive_workshop, UNARCHIVED)


def _filed(workshop_id: int, name: str, use_case, said):
    workshop = own_workshop(workshop_id)
    actor = Actor(workshop.id, facilitator_id=current_facilitator().id)
    title = workshop.title
    outcome = realtime().perform(Work(name, lambda session: use_case(session, actor)))
    if outcome.failure:
        abort(503)
    if outcome.refusal is not None:
        abort(404)
    flash(str(said) % {"title": title})
    if request.form.get("next") == "board":
        return redirect(url_for("workshops.board", workshop_id=workshop.id))
    return redirect(url_for("workshops.index"))


@bp.post("/restore")
@csrf.exempt  # checked in the view, once the size limit is in place
@signin_required
def restore_workshop():
    """Restore a workshop from its JSON export, as a new archived workshop of one's own."""
    from .workshops import workshop_list_page

    # Before the body is read: a file too large is refused without being read whole.
    request.max_content_length = _REQUEST_LIMIT
    try:
        csrf.protect()
    except RequestEntityTooLarge:
        return workshop_list_page({"restore": problem_of(DomainError(
            "invalid_export", "too large", problem="too_large", where="",
            max_mb=MAX_EXPORT_BYTES // (1024 * 1024)))}, 413)
    upload = ExportFileForm().file.data
    if not upload or not upload.filename:
        return workshop_list_page({"restore": str(NO_FILE)}, 400)
    raw = upload.read(MAX_EXPORT_BYTES + 1)
    try:
        # Parsing and checking a few MB is CPU work: off the event loop.
        restorable = offload()(read_export, raw)
    except DomainError as error:
        return workshop_list_page({"restore": problem_of(error)}, 400)
    facilitator = current_facilitator()
    outcome = realtime().perform(Work("workshop.restore", lambda session: (
        restore.restore_workshop(session, facilitator, restorable))))
    if outcome.failure:
        abort(503)
    if outcome.refusal is not None:
        return workshop_list_page({"restore": problem_of(outcome.refusal)}, 400)
    flash(str(RESTORED) % {"title": outcome.result.title})
    return redirect(url_for("workshops.board", workshop_id=outcome.result.id))


def problem_of(error: DomainError) -> str:
    """What is wrong with an export, and where, in the person's language."""
    if error.code != "invalid_export":
        return message_for(error.code, error.details)
    template = PROBLEMS.get(error.details.get("problem"))
    try:
        problem = str(template) % error.details if template else message_for(error.code, {})
    except (KeyError, TypeError, ValueError):
        problem = message_for(error.code, {})
    where = error.details.get("where")
    return f"{where}: {problem}" if where else problem


def refused_page_change(error: DomainError):
    """A page's change an archived workshop refuses: 409, with the message (others: 404)."""
    if error.code == "archived":
        abort(409, description=message_for("archived", {}))
    abort(404)

