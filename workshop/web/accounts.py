"""Sign-in and accounts: the one-time set-up link, signing in and out.

Passwords are hashed through the app's offload (workshop/offload.py): off the event loop
under eventlet. Wrong passwords are throttled per name and per address (signin_throttle.py).
A sign-in lasts while the account's session epoch is the one in the cookie; signing out moves
it on, which ends the account's sessions on every browser.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l

from ..database import read_only
from ..domain.errors import DomainError
from ..domain.tokens import token_digest
from ..extensions import db
from ..languages import LANGUAGES, message_for
from ..models import Facilitator
from ..offload import offload
from ..realtime.transactions import Work
from ..realtime.wiring import realtime
from ..services import facilitators
from .forms import SetupForm, SignInForm, first_errors
from .signed_in import EPOCH, FACILITATOR, current_facilitator
from .signin_throttle import RETRY_AFTER, SignInThrottle, name_key

bp = Blueprint("accounts", __name__)

WRONG_SIGN_IN = _l("Wrong name or password.")
# Where the app keeps its SignInThrottle.
THROTTLE = "tupa.signin_throttle"
# The names this browser has signed in as (digests): their own limit does not hold it back.
KNOWN_NAMES = "signed_in_as"
MOST_KNOWN_NAMES = 5


def _add_throttle(state) -> None:
    # Wrong passwords are counted per app (so per process), in memory; see signin_throttle.
    state.app.extensions[THROTTLE] = SignInThrottle()


bp.record_once(_add_throttle)


def local_target(target: str | None) -> str:
    """Where to go after signing in: only a path on this site, else the workshop list."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("workshops.index")


def _sign_in(facilitator: Facilitator) -> None:
    # A fresh session on sign-in, so nothing planted before survives; the language stays.
    known = [_name_digest(facilitator.name)] + [
        digest for digest in _known_names() if digest != _name_digest(facilitator.name)]
    _start_afresh()
    session[FACILITATOR] = facilitator.id
    session[EPOCH] = facilitator.session_epoch
    session[KNOWN_NAMES] = known[:MOST_KNOWN_NAMES]
    session.permanent = True


def _start_afresh() -> None:
    # Only the language and the names signed in as before outlive a sign-in or sign-out.
    language, known = session.get("lang"), _known_names()
    session.clear()
    if language in LANGUAGES:
        session["lang"] = language
    if known:
        session[KNOWN_NAMES] = known
        session.permanent = True


def _known_names() -> list[str]:
    known = session.get(KNOWN_NAMES)
    if not isinstance(known, list):
        return []
    return [digest for digest in known if isinstance(digest, str)][:MOST_KNOWN_NAMES]


def _name_digest(name: str | None) -> str:
    # A digest, not the name: the cookie is signed, not secret.
    return token_digest(name_key(name))[:16]


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
                    db.session, token, form.name.data, form.password.data, offload=offload())
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
        name, address = form.name.data or "", request.remote_addr
        throttle: SignInThrottle = current_app.extensions[THROTTLE]
        known = _name_digest(name) in _known_names()
        if not throttle.allows(name, address, known_browser=known):
            # The same answer for every name, existing or not; no password is checked.
            return _too_many_attempts(target)
        # Signing in only reads: on SQLite it holds no write lock while the hash is computed.
        read_only(db.session())
        facilitator = facilitators.authenticate(
            db.session, name, form.password.data or "", offload=offload())
        if facilitator is not None:
            _sign_in(facilitator)
            return redirect(target)
        throttle.failed(name, address, known_browser=known)
        error = str(WRONG_SIGN_IN)
    return render_template("signin.html", name=form.name.data, next=target, error=error
                           ), 400 if error else 200


def _too_many_attempts(target: str) -> Response:
    # Not even the typed name is repeated: the page is the same whatever was typed.
    response = current_app.make_response((render_template(
        "signin.html", name="", next=target, error=message_for("too_many_attempts", {})),
        429))
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


@bp.route("/signout", methods=["POST"])
def signout():
    """Sign out, on every browser this account is signed in on; the language is kept."""
    facilitator = current_facilitator()
    if facilitator is not None:
        facilitator_id = facilitator.id
        realtime().perform(Work("facilitator.sign_out", lambda s: facilitators.end_sessions(
            s, facilitator_id)))
        # This process's open boards and projectors of the account close too.
        parts = realtime()
        parts.hang_up([sid for sid, connection in list(parts.connections.items())
                       if connection.actor.facilitator_id == facilitator_id])
    _start_afresh()
    return redirect(url_for("participants.home"))
