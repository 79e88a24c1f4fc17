"""Sign-in and accounts: the one-time set-up link, signing in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from ..domain.errors import DomainError
from ..extensions import db
from ..languages import LANGUAGES, message_for
from ..models import Facilitator
from ..services import facilitators
from .forms import SetupForm, SignInForm, first_errors
from .signed_in import current_facilitator

bp = Blueprint("accounts", __name__)

WRONG_SIGN_IN = _l("Wrong name or password.")


def local_target(target: str | None) -> str:
    """Where to go after signing in: only a path on this site, else the workshop list."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("workshops.index")


def _sign_in(facilitator: Facilitator) -> None:
    # A fresh session on sign-in, so nothing planted before survives; the language stays.
    language = session.get("lang")
    session.clear()
    if language in LANGUAGES:
        session["lang"] = language
    session["facilitator_id"] = facilitator.id
    session.permanent = True


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    """The first facilitator picks a name and password through the one-time link."""
    if not facilitators.setup_token_valid(db.session, token):
        return _setup_link_used()
    form = SetupForm()
    errors: dict[str, str] = {}
    if form.is_submitted():
        if not form.validate():
            errors = first_errors(form)
        else:
            try:
                facilitator = facilitators.redeem_setup_token(
                    db.session, token, form.name.data, form.password.data)
            except DomainError as error:
                db.session.rollback()
                if error.code == "setup_link_used":
                    return _setup_link_used()
                field = "password" if error.code == "password_too_short" else "name"
                errors[field] = message_for(error.code, error.details)
            else:
                db.session.commit()
                _sign_in(facilitator)
                return redirect(url_for("workshops.index"))
    return render_template("setup.html", token=token, name=form.name.data, errors=errors,
                           min_password_length=facilitators.MIN_PASSWORD_LENGTH,
                           ), 400 if errors else 200


def _setup_link_used():
    return render_template("error.html", heading=_l("Set-up link not valid"),
                           message=message_for("setup_link_used", {})), 404


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    """Sign in with name and password; a wrong one of either gets the same one message."""
    # `next` comes in the link (GET) and again in the form's hidden field (POST).
    target = local_target(request.values.get("next"))
    if request.method == "GET" and current_facilitator() is not None:
        return redirect(target)
    form = SignInForm()
    error = None
    if form.is_submitted():
        facilitator = facilitators.authenticate(db.session, form.name.data, form.password.data)
        if facilitator is not None:
            _sign_in(facilitator)
            return redirect(target)
        error = str(WRONG_SIGN_IN)
    return render_template("signin.html", name=form.name.data, next=target, error=error
                           ), 400 if error else 200


@bp.route("/signout", methods=["POST"])
def signout():
    """Sign out; the chosen language is kept."""
    language = session.get("lang")
    session.clear()
    if language in LANGUAGES:
        session["lang"] = language
    return redirect(url_for("participants.home"))
