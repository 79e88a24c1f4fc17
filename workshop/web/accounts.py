"""The facilitator's pages: the one-time set-up link, signing in and out, their workshops."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ..client_messages import PHASE_NAMES
from ..domain.codes import format_join_code
from ..domain.errors import DomainError
from ..domain.text import clean_text
from ..domain.votes import DEFAULT_VOTE_BUDGET, MAX_VOTE_BUDGET, check_vote_settings
from ..domain.workshops import QUESTION_MAX_LENGTH, TITLE_MAX_LENGTH
from ..extensions import db
from ..languages import LANGUAGE_NAMES, LANGUAGES, message_for
from ..models import Facilitator, Workshop
from ..services import facilitators, workshops
from ..services.access import Actor, facilitated_workshop

WRONG_SIGN_IN = _l("Wrong name or password.")
PASSWORDS_DIFFER = _l("The two passwords are not the same.")
BUDGET_NOT_VALID = _l("The vote budget must be a whole number from 1 to %(max)s.")
CAP_NOT_A_NUMBER = _l("Give a whole number, or leave this empty to allow the whole budget.")
LANGUAGE_NOT_VALID = _l("Please choose one of the languages.")


def current_facilitator() -> Facilitator | None:
    """The facilitator this browser is signed in as, or None."""
    if "facilitator" not in g:
        facilitator_id = session.get("facilitator_id")
        g.facilitator = (db.session.get(Facilitator, facilitator_id)
                         if isinstance(facilitator_id, int) else None)
    return g.facilitator


def signin_required(view):
    """Send a browser that is not signed in to the sign-in page, and back here afterwards."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if current_facilitator() is None:
            return redirect(url_for("signin", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return guarded


def own_workshop(workshop_id: int) -> Workshop:
    """The signed-in facilitator's workshop; anyone else's is as unknown as a missing one.

    Read-only: a page or a download built from it never holds up the room's posts and votes.
    """
    actor = Actor(workshop_id=workshop_id, facilitator_id=current_facilitator().id)
    try:
        workshop = facilitated_workshop(db.session, actor)
    except DomainError:
        abort(404)
    # Its own language applies on its pages unless the person chose another one.
    g.workshop_language = workshop.language
    return workshop


def local_target(target: str | None) -> str:
    """Where to go after signing in: only a path on this site, else the workshop list."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("workshops")


def _sign_in(facilitator: Facilitator) -> None:
    # A fresh session on sign-in, so nothing planted before survives; the language stays.
    language = session.get("lang")
    session.clear()
    if language in LANGUAGES:
        session["lang"] = language
    session["facilitator_id"] = facilitator.id
    session.permanent = True


def setup(token: str):
    """The first facilitator picks a name and password through the one-time link."""
    if not facilitators.setup_token_valid(db.session, token):
        return _setup_link_used()
    errors: dict[str, str] = {}
    name = request.form.get("name", "")
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("password_again", ""):
            errors["password_again"] = str(PASSWORDS_DIFFER)
        else:
            try:
                facilitator = facilitators.redeem_setup_token(db.session, token, name, password)
            except DomainError as error:
                db.session.rollback()
                if error.code == "setup_link_used":
                    return _setup_link_used()
                field = "password" if error.code == "password_too_short" else "name"
                errors[field] = message_for(error.code, error.details)
            else:
                db.session.commit()
                _sign_in(facilitator)
                return redirect(url_for("workshops"))
    return render_template("setup.html", token=token, name=name, errors=errors,
                           min_password_length=facilitators.MIN_PASSWORD_LENGTH,
                           ), 400 if errors else 200


def _setup_link_used():
    return render_template("error.html", heading=_l("Set-up link not valid"),
                           message=message_for("setup_link_used", {})), 404


def signin():
    """Sign in with name and password; a wrong one of either gets the same one message."""
    target = local_target(request.values.get("next"))
    if request.method == "GET" and current_facilitator() is not None:
        return redirect(target)
    error = None
    name = request.form.get("name", "")
    if request.method == "POST":
        facilitator = facilitators.authenticate(db.session, name, request.form.get("password", ""))
        if facilitator is not None:
            _sign_in(facilitator)
            return redirect(target)
        error = str(WRONG_SIGN_IN)
    return render_template("signin.html", name=name, next=target, error=error
                           ), 400 if error else 200


def signout():
    """Sign out; the chosen language is kept."""
    language = session.get("lang")
    session.clear()
    if language in LANGUAGES:
        session["lang"] = language
    return redirect(url_for("home"))


@signin_required
def workshop_list():
    """The signed-in facilitator's workshops, newest first."""
    return render_template(
        "workshops.html",
        workshops=workshops.workshops_of(db.session, current_facilitator()),
        phase_names=PHASE_NAMES,
        format_join_code=format_join_code,
    )


@signin_required
def new_workshop():
    """Create a workshop: title, question, votes and language; then open its board."""
    form = {
        "title": request.form.get("title", ""),
        "question": request.form.get("question", ""),
        "vote_budget": request.form.get("vote_budget", str(DEFAULT_VOTE_BUDGET)),
        "votes_per_idea": request.form.get("votes_per_idea", ""),
        "language": request.form.get("language", str(get_locale())),
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _check_workshop_form(form)
        if not errors:
            try:
                workshop = workshops.create_workshop(
                    db.session, current_facilitator(), title=form["title"],
                    question=form["question"], vote_budget=_whole_number(form["vote_budget"]),
                    votes_per_idea=_whole_number(form["votes_per_idea"]),
                    language=form["language"],
                )
            except DomainError as error:
                # The form was checked above; what is left is nothing a field can fix.
                db.session.rollback()
                errors = {error.details.get("field", "form"): message_for(error.code,
                                                                          error.details)}
            else:
                db.session.commit()
                return redirect(url_for("board", workshop_id=workshop.id))
    return render_template(
        "workshop_new.html", form=form, errors=errors, languages=LANGUAGE_NAMES,
        max_vote_budget=MAX_VOTE_BUDGET,
    ), 400 if errors else 200


def _check_workshop_form(form: dict) -> dict[str, str]:
    # Every field at once, by the domain's own rules, so one round trip shows every mistake.
    errors = {}
    for field, max_length in (("title", TITLE_MAX_LENGTH), ("question", QUESTION_MAX_LENGTH)):
        try:
            clean_text(form[field], max_length=max_length, required=True, field_name=field)
        except DomainError as error:
            errors[field] = message_for(error.code, error.details)
    budget = _whole_number(form["vote_budget"])
    cap = _whole_number(form["votes_per_idea"])
    if budget is None or not _vote_settings_valid(budget, None):
        errors["vote_budget"] = str(BUDGET_NOT_VALID) % {"max": MAX_VOTE_BUDGET}
    if form["votes_per_idea"].strip() and cap is None:
        errors["votes_per_idea"] = str(CAP_NOT_A_NUMBER)
    elif "vote_budget" not in errors and not _vote_settings_valid(budget, cap):
        errors.setdefault("votes_per_idea", message_for("invalid_vote_settings", {}))
    if form["language"] not in LANGUAGES:
        errors["language"] = str(LANGUAGE_NOT_VALID)
    return errors


def _whole_number(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdecimal() else None


def _vote_settings_valid(budget: int, cap: int | None) -> bool:
    try:
        check_vote_settings(budget, cap)
    except DomainError:
        return False
    return True
