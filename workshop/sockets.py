"""Socket.IO handlers: identify on connect, then parse -> service -> commit -> broadcast.

Rooms are chosen here, never by the client: `workshop:<id>` for everyone in a workshop and
`workshop:<id>:facilitators` for its facilitators.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, request, session
from flask_babel import force_locale
from flask_socketio import ConnectionRefusedError, SocketIO, disconnect, join_room

from . import commands, transactions
from .commands import is_id
from .domain import Audience, CommandAllowance, Fact, FloodWatch
from .extensions import db, socketio
from .languages import LANGUAGES, message_for
from .models import Participant, Workshop
from .services import presence, votes
from .services.access import Actor
from .services.participants import participant_by_token
from .summaries import Summaries
from .telling import Teller, room_window

log = logging.getLogger(__name__)


@dataclass
class Connection:
    """Who an open socket belongs to, settled once at connect, and the language it reads."""

    actor: Actor
    locale: str
    allowance: CommandAllowance = field(default_factory=CommandAllowance)
    flood: FloodWatch = field(default_factory=FloodWatch)


# Per process: a socket lives on exactly one process, and its identity is re-derived from the
# database on every reconnect, so this is never the only copy of anything.
connections: dict[str, Connection] = {}


def workshop_room(workshop_id: int) -> str:
    return f"workshop:{workshop_id}"


def facilitators_room(workshop_id: int) -> str:
    return f"workshop:{workshop_id}:facilitators"


def broadcast(facts: list[Fact]) -> None:
    """The one place that tells clients what happened: each fact to its audience's room.

    The facilitators' counts are not told as they come but recounted (workshop/summaries.py).
    """
    summaries = current_app.extensions["tupa.summaries"]
    news = []
    for fact in facts:
        if summaries.handles(fact.name):
            summaries.due(fact.name, fact.workshop_id)
        else:
            news.append(fact)
    _tell(news)


def _tell(facts: list[Fact]) -> None:
    by_room: dict[str, list[dict]] = {}
    for fact in facts:
        room = (facilitators_room(fact.workshop_id) if fact.audience is Audience.FACILITATORS
                else workshop_room(fact.workshop_id))
        by_room.setdefault(room, []).append(
            {"name": fact.name, "payload": {"seq": fact.sequence, **fact.payload}})
    teller = current_app.extensions["tupa.teller"]
    for room, told in by_room.items():
        teller.tell(room, told)


def _send_frame(room: str, facts: list[dict]) -> None:
    socketio.emit("facts", facts, to=room)


def on_connect(auth: Any = None) -> dict | None:
    """Admit a participant by token, or the workshop's own facilitator by signed-in session."""
    if _sent_as_an_event():
        return on_unknown_event("connect")
    workshop_id = auth.get("workshop_id") if isinstance(auth, dict) else None
    if not is_id(workshop_id):
        _refuse(auth)
    workshop = db.session.get(Workshop, workshop_id)
    actor = _identify(auth, workshop)
    if actor is None:
        db.session.rollback()
        _refuse(auth)
    lang = auth.get("lang")
    connections[request.sid] = Connection(actor, lang if lang in LANGUAGES else workshop.language)
    join_room(workshop_room(workshop.id))
    facts = []
    if actor.is_facilitator:
        join_room(facilitators_room(workshop.id))
    else:
        participant = db.session.get(Participant, actor.participant_id)
        facts = presence.arrive(db.session, request.sid,
                                current_app.config["SERVER_NAME_FOR_PRESENCE"], participant)
    db.session.commit()
    broadcast(facts)


def on_disconnect(*_reason: Any) -> dict | None:
    """Forget the connection and tell the facilitators who is still here."""
    if _sent_as_an_event():
        return on_unknown_event("disconnect")
    connections.pop(request.sid, None)
    facts = presence.leave(db.session, request.sid)
    db.session.commit()
    broadcast(facts)


def on_command(name: str, *args: Any) -> dict:
    """Run one command and answer through the acknowledgement."""
    connection = connections.get(request.sid)
    if connection is None:
        return _refusal("not_authenticated", "en")
    locale = connection.locale
    now = time.monotonic()
    if not connection.allowance.take(now):
        if connection.flood.refuse(now):
            # A person never gets here: stop spending the event loop on a script.
            disconnect()
        return _refusal("rate_limited", locale)
    if len(args) > 1:
        return _refusal("invalid_payload", locale)
    payload = args[0] if args else None
    batcher = current_app.extensions.get("tupa.batcher")
    if batcher is not None:
        outcome = batcher.run(name, connection.actor, payload)  # the writer broadcasts
    else:
        outcome = transactions.run_alone(name, connection.actor, payload)
        broadcast(outcome.facts)
    if outcome.refusal:
        return _refusal(outcome.refusal.code, locale, outcome.refusal.details)
    if outcome.failure:
        return _refusal(outcome.failure, locale)
    return {"ok": True, "data": outcome.result}


def on_unknown_event(name: str, *_args: Any) -> dict:
    """Any event that is not a command gets a plain refusal, and the connection stays."""
    connection = connections.get(request.sid)
    locale = connection.locale if connection else "en"
    return _refusal("unknown_command", locale, {"command": str(name)[:80]})


def register(server: SocketIO, app: Flask) -> None:
    """Bind the handlers to the Socket.IO server; on SQLite, commands share transactions."""
    window = app.config["FACT_WINDOW"]

    def window_for(room: str) -> float:
        # Only this process's phones: each process sends to its own.
        return room_window(window, len(server.server.manager.rooms.get("/", {}).get(room, ())))

    app.extensions["tupa.teller"] = Teller(
        _send_frame, window_for, server.start_background_task, server.sleep)
    app.extensions["tupa.summaries"] = Summaries(
        app, {"presence.changed": presence.presence_payload, "votes.progressed": votes.progress},
        _tell, window, server.start_background_task, server.sleep)
    if app.config["BATCH_WRITES"]:
        app.extensions["tupa.batcher"] = transactions.Batcher(
            app, server.start_background_task, broadcast)
    server.on_event("connect", on_connect)
    server.on_event("disconnect", on_disconnect)
    for name in commands.REGISTRY:
        server.on_event(name, _handler_for(name))
    server.on_event("*", on_unknown_event)


def _handler_for(name: str):
    def handler(*args: Any) -> dict:
        return on_command(name, *args)

    handler.__name__ = f"on_{name.replace('.', '_')}"
    return handler


def _refuse(auth: Any) -> None:
    # The browser's connect_error gets err.message == the code and err.data with both; the
    # same answer whether the workshop, the token or the sign-in was wrong.
    lang = auth.get("lang") if isinstance(auth, dict) else None
    refusal = _refusal("not_authenticated", lang if lang in LANGUAGES else "en")["error"]
    raise ConnectionRefusedError(refusal["code"], refusal)


def _sent_as_an_event() -> bool:
    # A client may emit an event named "connect" or "disconnect"; python-socketio hands it to
    # the same handler. A real (dis)connect is still pending while its handler runs.
    return socketio.server.manager.is_connected(request.sid, request.namespace or "/")


def _identify(auth: dict, workshop: Workshop | None) -> Actor | None:
    if workshop is None:
        return None
    token = auth.get("token")
    if token is not None:
        participant = participant_by_token(db.session, token)
        if participant is None or participant.workshop_id != workshop.id:
            return None
        return Actor(workshop_id=workshop.id, participant_id=participant.id)
    facilitator_id = session.get("facilitator_id")
    if facilitator_id is None or facilitator_id != workshop.facilitator_id:
        return None
    return Actor(workshop_id=workshop.id, facilitator_id=facilitator_id)


def _refusal(code: str, locale: str, details: dict | None = None) -> dict:
    message = _message(code, locale, tuple(sorted((details or {}).items())))
    return {"ok": False, "error": {"code": code, "message": message, **(details or {})}}


@functools.lru_cache(maxsize=1024)
def _message(code: str, locale: str, details: tuple) -> str:
    # Cached: a flood of refusals must not cost a catalogue look-up each.
    with force_locale(locale):
        return message_for(code, dict(details))
