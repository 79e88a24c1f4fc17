"""The participant's way in: the home page's code form, the join form, their workshop page."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ..client_messages import ORGANISATION_TYPE_NAMES, client_messages, page_settings
from ..domain.codes import format_join_code, normalise_join_code
from ..domain.errors import DomainError
from ..domain.people import NICKNAME_MAX_LENGTH, ORGANISATION_NAME_MAX_LENGTH
from ..extensions import db
from ..languages import message_for
from ..models import Participant, Workshop
from ..realtime.transactions import Work
from ..realtime.wiring import realtime
from ..services import participants, workshops
from ..services.access import Actor, facilitated_workshop
from ..services.decisions import results_page_open
from .forms import CodeForm, JoinForm
from .join_throttle import RETRY_AFTER, JoinThrottle
from .signed_in import current_facilitator

bp = Blueprint("participants", __name__)

# One message for every wrong code: it must not tell whether a similar code exists.
NO_SUCH_WORKSHOP = _l("There is no workshop with that code. Please check the code and try again.")
CHOOSE_ORGANISATION_TYPE = _l("Please choose what kind of organisation you come from.")

PARTICIPANT_COOKIE_AGE = timedelta(days=180)
PARTICIPANT_COOKIE_PREFIX = "tupa_p_"
# Where the app keeps its JoinThrottle.
THROTTLE = "tupa.join_throttle"


def _add_throttle(state) -> None:
    # Wrong join codes are counted per app (so per process), in memory; see join_throttle.
    state.app.extensions[THROTTLE] = JoinThrottle()


bp.record_once(_add_throttle)


def participant_cookie(workshop_id: int) -> str:
    """The name of the cookie that keeps a browser's participant token for one workshop."""
    return f"{PARTICIPANT_COOKIE_PREFIX}{workshop_id}"


def browser_participant(workshop: Workshop) -> tuple[Participant, str] | tuple[None, None]:
    """The participant this browser already is in the workshop, with its token, if any."""
    token = request.cookies.get(participant_cookie(workshop.id))
    participant = participants.participant_by_token(db.session, token)
    if participant is None or participant.workshop_id != workshop.id:
        return None, None
    return participant, token


def join_url(workshop: Workshop) -> str:
    """The link people open to join: the public address if one is set, else this host."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")
    return f"{base}/w/{workshop.join_code}"


def live_page_data(workshop: Workshop, role: str, messages: dict | None = None) -> dict:
    """What every live page of a workshop (phone, board, projector) starts from.

    `messages` adds the words only that page's script says to the ones every page shares.
    """
    return {
        "role": role,
        "workshop_id": workshop.id,
        "lang": str(get_locale()),
        "messages": {**client_messages(),
                     **{key: str(text) for key, text in (messages or {}).items()}},
        "settings": page_settings(),
        "join_code": format_join_code(workshop.join_code),
        "join_url": join_url(workshop),
        "qr_url": url_for("workshops.qr", workshop_id=workshop.id),
    }


@bp.get("/")
def home():
    """The front door: type a join code, or go to the facilitator's sign-in."""
    return render_template("home.html")


@bp.route("/join", methods=["GET", "POST"])
def join():
    """A typed join code, in any case and with any spaces or dashes, opens its workshop."""
    if request.method == "GET":
        return redirect(url_for("participants.home"))
    workshop = workshop_by_typed_code(CodeForm().code.data)
    if not isinstance(workshop, Workshop):
        return workshop
    return redirect(url_for("participants.entry", code=workshop.join_code))


def workshop_by_typed_code(code: str) -> Workshop | tuple[str, int] | Response:
    """The workshop a code opens, or the page that says no: wrong code, or too many wrong.

    Wrong codes are counted per address and overall; past the limit no code is looked at
    (only a browser that joined the workshop before, or its facilitator, still gets in), so
    trying codes one after another is slowed to a few a second at most.
    """
    throttle: JoinThrottle = current_app.extensions[THROTTLE]
    if not throttle.allows(request.remote_addr):
        known = _known_to_this_browser(code)
        return known if known is not None else _too_many_attempts()
    workshop = workshops.workshop_by_code(db.session, code)
    if workshop is None:
        throttle.failed(request.remote_addr)
        return _no_such_workshop()
    return workshop


def _known_to_this_browser(code: str) -> Workshop | None:
    # A participant cookie is a 256-bit secret: it proves the browser was let in before, so it
    # tells a guesser nothing. Only a few cookies are looked at, however many are sent.
    wanted = normalise_join_code(code)
    tokens = [value for name, value in request.cookies.items()
              if name.startswith(PARTICIPANT_COOKIE_PREFIX)][:10]
    for token in tokens:
        participant = participants.participant_by_token(db.session, token)
        workshop = participant and db.session.get(Workshop, participant.workshop_id)
        if workshop is not None and workshop.join_code == wanted:
            return workshop
    facilitator = current_facilitator()
    if facilitator is not None:
        workshop = workshops.workshop_by_code(db.session, code)
        if workshop is not None and _facilitates(facilitator.id, workshop.id):
            return workshop
    return None


def _facilitates(facilitator_id: int, workshop_id: int) -> bool:
    # Its owner or an invited co-facilitator, by the one check every facilitator page uses.
    try:
        facilitated_workshop(db.session, Actor(workshop_id, facilitator_id=facilitator_id))
    except DomainError:
        return False
    return True


def _no_such_workshop():
    return render_template("home.html", error=str(NO_SUCH_WORKSHOP)), 404


def _too_many_attempts() -> Response:
    # The same page for every code, right or wrong: it must not tell which codes exist.
    response = current_app.make_response((render_template(
        "home.html", notice=message_for("too_many_attempts", {})), 429))
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


@bp.get("/w/<code>")
def entry(code: str):
    """The workshop page for a browser that has joined, else the join form."""
    workshop = workshop_by_typed_code(code)
    if not isinstance(workshop, Workshop):
        return workshop
    if code != workshop.join_code:
        return redirect(url_for("participants.entry", code=workshop.join_code))
    g.workshop_language = workshop.language
    participant, token = browser_participant(workshop)
    if participant is None:
        if workshop.joins_locked or workshop.archived_at is not None:
            return _joins_closed(workshop, status=200)
        return _join_form(workshop, JoinForm(), {})
    page_data = {**live_page_data(workshop, "participant"), "token": token}
    response = current_app.make_response(render_template(
        "participant.html", page_data=page_data, workshop=workshop, participant=participant,
    ))
    # The page carries the participant's token: no shared cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/w/<code>/join", methods=["GET", "POST"])
def join_workshop(code: str):
    """Join as a new participant; the browser keeps the token in a cookie for 180 days."""
    workshop = workshop_by_typed_code(code)
    if not isinstance(workshop, Workshop):
        return workshop
    if request.method == "GET":
        return redirect(url_for("participants.entry", code=workshop.join_code))
    g.workshop_language = workshop.language
    if browser_participant(workshop)[0] is not None:
        # A second tab or a double tap: this browser has joined already, stay one person.
        return redirect(url_for("participants.entry", code=workshop.join_code))
    form = JoinForm()
    workshop_id, language = workshop.id, str(get_locale())
    outcome = realtime().perform(Work("participant.join", lambda session: participants.join(
        session, workshop_id, nickname=form.nickname.data,
        organisation_type=form.organisation_type.data,
        organisation_name=form.organisation_name.data, language=language,
    )))
    if outcome.failure:
        abort(503)
    if outcome.refusal:
        error = outcome.refusal
        if error.code in ("joins_locked", "archived"):
            return _joins_closed(workshop)
        field = error.details.get("field", "organisation_type")
        message = (str(CHOOSE_ORGANISATION_TYPE) if field == "organisation_type"
                   else message_for(error.code, error.details))
        return _join_form(workshop, form, {field: message}), 400
    _participant, token = outcome.result
    response = redirect(url_for("participants.entry", code=workshop.join_code))
    response.set_cookie(
        participant_cookie(workshop.id), token, max_age=PARTICIPANT_COOKIE_AGE, path="/",
        httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def _join_form(workshop: Workshop, form: JoinForm, errors: dict):
    return render_template(
        "join.html", workshop=workshop, form=form, errors=errors,
        results_page_open=results_page_open(db.session, workshop),
        organisation_types=ORGANISATION_TYPE_NAMES,
        nickname_max_length=NICKNAME_MAX_LENGTH,
        organisation_name_max_length=ORGANISATION_NAME_MAX_LENGTH,
    )


def _joins_closed(workshop: Workshop, status: int = 403):
    # Said plainly, instead of a form that could only be refused. Opening the link is no
    # error (200); a join sent anyway is refused (403).
    return render_template("join.html", workshop=workshop, closed=True, errors={},
                           results_page_open=results_page_open(db.session, workshop)), status
