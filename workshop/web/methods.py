"""A facilitator's methods: their list, importing and exporting a method file, deleting one,
and saving a workshop's agenda as a method.

A method file is checked whole before anything is kept (domain/methods.py); what is wrong is
said next to the file field, in the person's language, with the activity it is in.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from ..domain.errors import DomainError
from ..domain.methods import BUILT_IN, MAX_FILE_BYTES, built_in, file_name, read_method
from ..extensions import csrf, db
from ..languages import LANGUAGE_NAMES, message_for
from ..realtime.transactions import Work
from ..realtime.wiring import realtime
from ..services import methods
from ..services.access import Actor
from .forms import (
    SINGLE_QUESTION,
    MethodFileForm,
    MethodNameForm,
    WorkshopForm,
    first_errors,
)
from .signed_in import current_facilitator, own_workshop, signin_required

bp = Blueprint("methods", __name__, url_prefix="/methods")

# Room for the form's other fields and the multipart boundaries around the file itself.
_REQUEST_LIMIT = MAX_FILE_BYTES + 16 * 1024

# What is wrong with a method file, by the problem domain/methods.py names.
PROBLEMS = {
    "too_large": _l("The file is larger than %(max_kb)s KB."),
    "not_json": _l("The file is not JSON text. Please choose a method file exported from "
                   "Tupa."),
    "not_a_method": _l("This is not a Tupa method file: it has no “format”: "
                       "“tupa-method”."),
    "unknown_version": _l("The file is in version %(version)s of the method format; this "
                          "Tupa reads version %(reads)s."),
    "unknown_field": _l("“%(field)s” is not part of a method file."),
    "missing": _l("“%(field)s” is missing."),
    "not_text": _l("“%(field)s” must be text."),
    "not_number": _l("“%(field)s” must be a whole number."),
    "not_boolean": _l("“%(field)s” must be true or false."),
    "not_object": _l("“%(field)s” must be an object in braces { }."),
    "not_list": _l("“%(field)s” must be a list in brackets [ ]."),
    "empty": _l("“%(field)s” is empty."),
    "too_long": _l("“%(field)s” is longer than %(max_length)s characters."),
    "bad_text": _l("“%(field)s” holds characters that cannot be stored."),
    "unknown_language": _l("“language” must be one of %(languages)s."),
    "no_activities": _l("A method needs at least one activity."),
    "too_many_activities": _l("A method has at most %(max)s activities."),
    "unknown_kind": _l("the kind “%(value)s” is unknown; the kinds are %(kinds)s."),
    "no_question": _l("a brainstorm needs its question in “prompt”."),
    "duration_range": _l("“duration_seconds” must be from 1 to %(max)s, or null."),
    "cannot_close": _l("time cannot close a %(kind)s, only a brainstorm or a vote."),
    "unknown_setting": _l("a %(kind)s takes no setting “%(setting)s”."),
    "vote_settings": _l("“vote_budget” must be from 1 to %(max)s, and “votes_per_idea” from "
                        "1 to the budget, or null."),
    "source_not_earlier": _l("“source” must be the index of an earlier activity (0 is the "
                             "first one), or null."),
    "source_wrong_kind": _l("“source” points to activity %(source)s, a %(found)s; a %(kind)s "
                            "takes from a %(expected)s. (0 is the first activity.)"),
    "invalid_value": _l("“%(field)s” has a value Tupa cannot use."),
}
IN_ACTIVITY = _l("Activity %(number)s: %(problem)s")
NO_FILE = _l("Please choose a method file first.")


@bp.get("", endpoint="index")
@signin_required
def method_list():
    """The facilitator's own methods, Tupa's methods to download, and importing a file."""
    return _page(MethodFileForm(), {})


@bp.post("/import")
@csrf.exempt  # checked in the view, once the size limit is in place
@signin_required
def import_method():
    """Import a method file: kept as one's own method only if all of it is right."""
    # Before the body is read: a file too large is refused without being read whole.
    request.max_content_length = _REQUEST_LIMIT
    try:
        csrf.protect()
    except RequestEntityTooLarge:
        return _page(MethodFileForm(formdata=None), {"file": _file_problem(DomainError(
            "invalid_method", "too large", problem="too_large",
            max_kb=MAX_FILE_BYTES // 1024, activity=None))}, 413)
    form = MethodFileForm()
    upload = form.file.data
    if not upload or not upload.filename:
        return _page(form, {"file": str(NO_FILE)}, 400)
    raw = upload.read(MAX_FILE_BYTES + 1)
    facilitator = current_facilitator()
    outcome = realtime().perform(Work("method.import", lambda session: (
        methods.import_template(session, facilitator, raw))))
    if outcome.failure:
        abort(503)
    if outcome.refusal is not None:
        return _page(form, {"file": _file_problem(outcome.refusal)}, 400)
    flash(_("“%(name)s” is now one of your methods.", name=outcome.result.name))
    return redirect(url_for("methods.index"))


@bp.get("/<int:template_id>/method.json")
@signin_required
def export_method(template_id: int):
    """One's own method as its file, to share with another city's Tupa."""
    try:
        data = methods.template_file(db.session, current_facilitator(), template_id)
    except DomainError:
        abort(404)
    return _download(data)


@bp.get("/built-in/<method_id>.json")
@signin_required
def export_built_in(method_id: str):
    """One of Tupa's methods as its file, in the language of the page, to adapt and import."""
    try:
        data = methods.built_in_method_file(method_id, str(get_locale()))
    except DomainError:
        abort(404)
    return _download(data)


@bp.post("/<int:template_id>/delete")
@signin_required
def delete_method(template_id: int):
    """Delete one's own method; workshops started from it keep their agendas."""
    facilitator = current_facilitator()
    try:
        name = methods.own_template(db.session, facilitator, template_id).name
    except DomainError:
        abort(404)
    outcome = realtime().perform(Work("method.delete", lambda session: (
        methods.delete_template(session, facilitator, template_id))))
    if outcome.failure:
        abort(503)
    if outcome.refusal is not None:
        abort(404)
    flash(_("The method “%(name)s” was deleted.", name=name))
    return redirect(url_for("methods.index"))


@bp.post("/from-workshop/<int:workshop_id>")
@signin_required
def save_workshop_method(workshop_id: int):
    """Save a workshop's agenda as it stands as one of the facilitator's own methods."""
    workshop = own_workshop(workshop_id)
    form = MethodNameForm()
    errors = {} if form.validate() else first_errors(form)
    if not errors:
        actor = Actor(workshop.id, facilitator_id=current_facilitator().id)
        outcome = realtime().perform(Work("method.save", lambda session: (
            methods.save_workshop_as_template(session, actor, form.name.data))))
        if outcome.failure:
            abort(503)
        if outcome.refusal is None:
            flash(_("The agenda of “%(workshop)s” is now your method “%(name)s”.",
                    workshop=workshop.title, name=outcome.result.name))
            return redirect(url_for("methods.index"))
        errors = {"name": _file_problem(outcome.refusal)}
    return render_template("methods_save.html", workshop=workshop, form=form,
                           errors=errors), 400


def _page(form: MethodFileForm, errors: dict[str, str], status: int = 200):
    facilitator = current_facilitator()
    own = [(template, read_method(template.body))
           for template in methods.templates_of(db.session, facilitator)]
    language = str(get_locale())
    return render_template(
        "methods.html", form=form, errors=errors, own=own,
        built_ins=[(method_id, built_in(method_id, language)) for method_id in BUILT_IN],
        languages=LANGUAGE_NAMES, max_kb=MAX_FILE_BYTES // 1024,
    ), status


def _file_problem(error: DomainError) -> str:
    """What is wrong with a method file, and where, in the person's language."""
    if error.code != "invalid_method":
        return message_for(error.code, error.details)
    template = PROBLEMS.get(error.details.get("problem"), _l("This method file cannot be used."))
    try:
        problem = str(template) % error.details
    except (KeyError, TypeError, ValueError):
        problem = message_for(error.code, error.details)
    number = error.details.get("activity")
    if number is None:
        return problem
    return str(IN_ACTIVITY) % {"number": number, "problem": problem}


def _download(data: dict) -> Response:
    name = file_name(read_method(data))
    response = Response(json.dumps(data, ensure_ascii=False, indent=2) + "\n",
                        content_type="application/json; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def method_choices() -> list[methods.MethodChoice]:
    """The methods the new-workshop form offers, Tupa's in the language of the page."""
    return methods.method_choices(db.session, current_facilitator(), str(get_locale()))


def chosen_agenda(session, facilitator, form: WorkshopForm):
    """The agenda of the method the new-workshop form chose, or None for the single question."""
    if form.method.data == SINGLE_QUESTION:
        return None
    return methods.agenda_of(session, facilitator, form.method.data, form.language.data,
                             form.question.data or "")
