"""Socket.IO handlers: identify on connect, then parse -> command path -> answer.

Handlers hold no rules: who may do what is the command path's (commands.py), committing and
telling is wiring.Realtime.perform's. Rooms are chosen by the server (rooms.py).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request, session
from flask_babel import force_locale
from flask_socketio import ConnectionRefusedError, SocketIO, join_room, leave_room

from ..domain.errors import DomainError
from ..domain.text import well_formed
from ..domain.workshops import LANGUAGES
from ..extensions import db, socketio
from ..languages import message_for
from ..models import Participant, Workshop
from ..services import facilitators, presence
from ..services.access import Actor, facilitated_workshop
from ..services.participants import participant_by_token
from . import commands, limits
from .commands import is_id
from .rooms import facilitators_room, table_room, workshop_room
from .transactions import Work
from .wiring import realtime, wire

log = logging.getLogger(__name__)


@dataclass
class Connection:
    """Who an open socket belongs to, settled once at connect, and the language it reads.

    What it may send, and how often it was refused, is counted before a handler runs
    (limits.py); handlers only report their refusals there.
    """

    actor: Actor
    locale: str
    table_id: int | None = None  # the table whose room the socket is in


def on_connect(auth: Any = None) -> dict | None:
    """Admit a participant by token, or one of the workshop's facilitators by signed-in session."""
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
    parts = realtime()
    lang = auth.get("lang")
    parts.connections[request.sid] = Connection(
        actor, lang if lang in LANGUAGES else workshop.language)
    join_room(workshop_room(workshop.id))
    if actor.is_facilitator:
        join_room(facilitators_room(workshop.id))
        db.session.rollback()
        return
    # Read when the token was checked: no statement of its own.
    _sit(parts.connections[request.sid], db.session.get(Participant, actor.participant_id)
         .table_id)
    sid, server = request.sid, current_app.config["SERVER_NAME_FOR_PRESENCE"]
    # Arrivals and departures commit on their own, beside the writer's batches: batched,
    # the vote burst after a join storm answered its slowest taps later (performance.md).
    arrived = parts.perform(Work("presence.arrive", lambda s: presence.arrive(
        s, sid, server, workshop.id, actor.participant_id)), batched=False)
    if arrived.refusal is not None:
        # Erased between the token's check and now.
        parts.connections.pop(sid, None)
        _refuse(auth)


def on_disconnect(*_reason: Any) -> dict | None:
    """Forget the connection and tell the facilitators who is still here."""
    if _sent_as_an_event():
        return on_unknown_event("disconnect")
    parts = realtime()
    parts.connections.pop(request.sid, None)
    sid = request.sid
    parts.perform(Work("presence.leave", lambda s: presence.leave(s, sid)), batched=False)


def on_command(name: str, *args: Any) -> dict:
    """Run one command and answer through the acknowledgement."""
    # The connection's allowance was spent before this handler ran (limits.py).
    connection = realtime().connections.get(request.sid)
    if connection is None:
        return _refused("not_authenticated", "en")
    locale = connection.locale
    if len(args) > 1:
        return _refused("invalid_payload", locale)
    payload = args[0] if args else None
    outcome = realtime().perform(commands.work(name, connection.actor, payload))
    if outcome.refusal:
        return _refused(outcome.refusal.code, locale, outcome.refusal.details)
    if outcome.failure:
        return _refusal(outcome.failure, locale)  # the server's fault, not the sender's
    result = outcome.result
    if name == "workshop.sync" and isinstance(result, dict) and "table_id" in result.get("me", {}):
        # A snapshot says where the phone sits now: its socket hears that table's facts. A
        # phone moved to another table syncs for this (seats.changed), on whichever process
        # holds its socket.
        _sit(connection, result["me"]["table_id"])
    if isinstance(result, dict) and "sockets" in result:
        # A removed participant's phones: closed once the removal is committed, and their
        # socket ids are nobody's business.
        result = {k: v for k, v in result.items() if k != "sockets"}
        realtime().hang_up(outcome.result["sockets"])
    return {"ok": True, "data": result}


def _sit(connection: Connection, table_id: int | None) -> None:
    if connection.table_id == table_id:
        return
    workshop_id = connection.actor.workshop_id
    if connection.table_id is not None:
        leave_room(table_room(workshop_id, connection.table_id))
    if table_id is not None:
        join_room(table_room(workshop_id, table_id))
    connection.table_id = table_id


def on_unknown_event(name: str, *_args: Any) -> dict:
    """Any event that is not a command gets a plain refusal, counted like any other."""
    connection = realtime().connections.get(request.sid)
    locale = connection.locale if connection else "en"
    return _refused("unknown_command", locale, {"command": str(name)[:80]})


def register(server: SocketIO, app: Flask) -> None:
    """Build this process's realtime parts and bind the handlers to the Socket.IO server."""
    wire(server, app)
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
    if isinstance(token, str) and not well_formed(token):
        return None  # a lone surrogate: no token, and no text a database could take
    if token is not None:
        participant = participant_by_token(db.session, token)
        if participant is None or participant.workshop_id != workshop.id:
            return None
        return Actor(workshop_id=workshop.id, participant_id=participant.id)
    # The same sign-in as the pages': ended by signing out anywhere (its session epoch).
    facilitator = facilitators.signed_in(
        db.session, session.get("facilitator_id"), session.get("facilitator_epoch"))
    if facilitator is None:
        return None
    actor = Actor(workshop_id=workshop.id, facilitator_id=facilitator.id)
    try:
        facilitated_workshop(db.session, actor)  # its owner or an invited co-facilitator
    except DomainError:
        return None
    return actor


def _refused(code: str, locale: str, details: dict | None = None) -> dict:
    # Every refusal counts toward the connection's flood limit: past it, the server hangs up.
    limits.refused(request.environ)
    return _refusal(code, locale, details)


def _refusal(code: str, locale: str, details: dict | None = None) -> dict:
    message = _message(code, locale, tuple(sorted((details or {}).items())))
    return {"ok": False, "error": {"code": code, "message": message, **(details or {})}}


@functools.lru_cache(maxsize=1024)
def _message(code: str, locale: str, details: tuple) -> str:
    # Cached: a flood of refusals must not cost a catalogue look-up each.
    with force_locale(locale):
        return message_for(code, dict(details))
