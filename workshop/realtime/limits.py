"""What one connection, and one address, may send before the server stops listening.

Installed around python-socketio's Engine.IO handlers, so that a flood is counted and refused
where it arrives, in the connection's reading loop: before a greenlet, a Flask context or a
database lookup is spent on it. Per connection (a `Watch`):

- Every CONNECT and every event spends one of the connection's allowance (a burst of 60, then
  15 a second); past it an event is answered `rate_limited` without being read.
- Every refusal counts, whatever its code, also events before admission and packets that are
  no command; past 100 in ten seconds the connection is closed (domain/allowances.py).
- A connection is closed at its third refused connect. An address refused 50 times (then once
  a second) has its connects refused unread, the same `not_authenticated` any refusal gets;
  a connection closed for flooding counts as 10 refused connects of its address.
- Tupa takes no binary packets: a binary event's header or attachment, or a WebSocket frame
  that is no Engine.IO packet (an empty one, say), closes the connection before anything of it
  is kept.

An oversized long-polling POST is answered 413 before Engine.IO reads it (`BoundedPolling`).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from socketio import packet as sio

from ..domain.allowances import (
    REFUSED_CONNECTS_PER_ADDRESS,
    REFUSED_CONNECTS_PER_ADDRESS_PER_SECOND,
    REFUSED_CONNECTS_PER_CONNECTION,
    REFUSED_CONNECTS_PER_FLOOD,
    CommandAllowance,
    FloodWatch,
    KeyedAllowances,
    address_key,
)
from ..domain.workshops import LANGUAGES

log = logging.getLogger(__name__)

WATCH = "tupa.watch"  # where a connection's Watch is kept in its WSGI environ
ENGINE_IO_PACKET_TYPES = "0123456"  # open, close, ping, pong, message, upgrade, noop
_ACK_ID = re.compile(r"\d{1,18}")


@dataclass
class Watch:
    """One Engine.IO connection: what it may still send, and what it was refused lately."""

    eio_sid: str
    address: str
    allowance: CommandAllowance = field(default_factory=CommandAllowance)
    flood: FloodWatch = field(default_factory=FloodWatch)
    refused_connects: int = 0
    cut: bool = False
    limits: Limits | None = field(default=None, repr=False)  # the server's that watches it


class Limits:
    """The watches of this process's connections, the refused connects per address, and
    the hooks around the Socket.IO server that apply them."""

    def __init__(self, server: Any, connections: dict, refusal: Callable[[str, str], dict], *,
                 behind_proxy: bool = False, clock: Callable[[], float] = time.monotonic):
        self.server = server  # socketio.Server
        self.connections = connections  # sid -> handlers.Connection, for the locale
        self.refusal = refusal  # (code, locale) -> the refusal a handler would answer
        self.behind_proxy = behind_proxy
        self.clock = clock
        self.watches: dict[str, Watch] = {}
        self.addresses = KeyedAllowances(
            (REFUSED_CONNECTS_PER_ADDRESS, REFUSED_CONNECTS_PER_ADDRESS_PER_SECOND))
        self._connect = server._handle_eio_connect
        self._disconnect = server._handle_eio_disconnect

    def install(self) -> None:
        """Put the hooks in front of the server's own Engine.IO handlers."""
        server, eio = self.server, self.server.eio
        # Both: Engine.IO calls its registered handlers, the test client the server's methods.
        server._handle_eio_connect = self.on_eio_connect
        server._handle_eio_message = self.on_eio_message
        server._handle_eio_disconnect = self.on_eio_disconnect
        eio.on("connect", self.on_eio_connect)
        eio.on("message", self.on_eio_message)
        eio.on("disconnect", self.on_eio_disconnect)
        websocket = (eio._async or {}).get("websocket")
        if websocket is not None:
            eio._async = {**eio._async, "websocket": _packets_only(websocket)}

    # Engine.IO's events -------------------------------------------------------------------

    def on_eio_connect(self, eio_sid: str, environ: dict) -> Any:
        watch = self.watches.get(eio_sid)
        if watch is None:
            watch = self.watches[eio_sid] = Watch(eio_sid, self._address(environ), limits=self)
        environ[WATCH] = watch
        return self._connect(eio_sid, environ)

    def on_eio_disconnect(self, eio_sid: str, reason: Any = None) -> None:
        watch = self.watches.pop(eio_sid, None)
        if watch is not None:
            watch.cut = True
        self._disconnect(eio_sid, reason)

    def on_eio_message(self, eio_sid: str, data: str | bytes) -> None:
        """One Socket.IO packet: refused here, or handed to the server once decoded."""
        watch = self.watches.get(eio_sid)
        if watch is None or watch.cut:
            return  # a connection already closed: what it still sends is not read
        if not isinstance(data, str) or data[:1] in (str(sio.BINARY_EVENT),
                                                     str(sio.BINARY_ACK)):
            # Tupa sends and takes no binary: nothing of it is kept, and the connection goes.
            self.cut(watch, "a binary packet")
            return
        kind, now = data[:1], self.clock()
        if kind == str(sio.EVENT):
            self._event(watch, data, now)
        elif kind == str(sio.CONNECT):
            self._connect_packet(watch, data, now)
        elif kind == str(sio.DISCONNECT):
            decoded = self._decode(watch, data, now)
            if decoded is not None:
                self.server._handle_disconnect(eio_sid, decoded.namespace,
                                               self.server.reason.CLIENT_DISCONNECT)
        else:
            # ACK (the server asks for none), CONNECT_ERROR (a server's packet), or no packet.
            self.refuse(watch, now)

    # Counting ------------------------------------------------------------------------------

    def refuse(self, watch: Watch, now: float) -> bool:
        """Count one refusal; True when it was one too many and the connection is closed."""
        if watch.flood.refuse(now):
            if watch.address:
                # An address whose sockets keep flooding gets its connects refused unread.
                self.addresses.take(watch.address, now, REFUSED_CONNECTS_PER_FLOOD)
            self.cut(watch, "a flood")
            return True
        return False

    def cut(self, watch: Watch, why: str) -> None:
        """Close the connection now, without waiting for what it has not read yet."""
        if watch.cut:
            return
        watch.cut = True
        log.info("closing connection %s from %s: %s", watch.eio_sid, watch.address, why)
        eio = self.server.eio
        socket = eio.sockets.get(watch.eio_sid)
        if socket is None:
            # Not an Engine.IO socket of this server (the test client): end its Socket.IO side.
            self.on_eio_disconnect(watch.eio_sid, self.server.reason.SERVER_DISCONNECT)
            return
        # wait=False: a long-polling client may never come back for what is queued.
        socket.close(wait=False, reason=eio.reason.SERVER_DISCONNECT)
        eio.sockets.pop(watch.eio_sid, None)

    # Packets ---------------------------------------------------------------------------------

    def _event(self, watch: Watch, data: str, now: float) -> None:
        sid = self._admitted(watch)
        if sid is None:
            self.refuse(watch, now)  # an event before admission: nobody to answer
            return
        if not watch.allowance.take(now):
            ack_id = _ack_id(data)
            if not self.refuse(watch, now) and ack_id is not None:
                connection = self.connections.get(sid)
                answer = self.refusal("rate_limited", connection.locale if connection else "en")
                self.server._send_packet(watch.eio_sid, self.server.packet_class(
                    sio.ACK, namespace="/", id=ack_id, data=[answer]))
            return
        decoded = self._decode(watch, data, now)
        if decoded is None:
            return
        event = decoded.data
        if (decoded.namespace not in (None, "/") or not isinstance(event, list) or not event
                or not isinstance(event[0], str)):
            self.refuse(watch, now)  # not an event of any command
            return
        self.server._handle_event(watch.eio_sid, decoded.namespace, decoded.id, event)

    def _connect_packet(self, watch: Watch, data: str, now: float) -> None:
        decoded = self._decode(watch, data, now)
        if decoded is None:
            return
        if (not watch.allowance.take(now) or self._admitted(watch) is not None
                or (watch.address and not self.addresses.has_left(watch.address, now))):
            # Refused unread: too many connects here, or this connection is in already.
            self._refuse_connect(watch, decoded, now)
            return
        self.server._handle_connect(watch.eio_sid, decoded.namespace, decoded.data)
        if self._admitted(watch) is None:
            if watch.address:
                self.addresses.take(watch.address, now)
            self._connect_refused(watch, now)

    def _refuse_connect(self, watch: Watch, decoded: sio.Packet, now: float) -> None:
        auth = decoded.data if isinstance(decoded.data, dict) else {}
        lang = auth.get("lang") if auth.get("lang") in LANGUAGES else "en"
        error = self.refusal("not_authenticated", lang)["error"]
        self.server._send_packet(watch.eio_sid, self.server.packet_class(
            sio.CONNECT_ERROR, data={"message": error["code"], "data": error},
            namespace=decoded.namespace or "/"))
        self._connect_refused(watch, now)

    def _connect_refused(self, watch: Watch, now: float) -> None:
        watch.refused_connects += 1
        if not self.refuse(watch, now) and \
                watch.refused_connects >= REFUSED_CONNECTS_PER_CONNECTION:
            self.cut(watch, "refused connects")

    def _decode(self, watch: Watch, data: str, now: float) -> sio.Packet | None:
        try:
            return self.server.packet_class(encoded_packet=data)
        except ValueError:  # JSON that is not, a type that is none, an id too long...
            self.refuse(watch, now)
            return None

    def _admitted(self, watch: Watch) -> str | None:
        manager = self.server.manager
        sid = manager.sid_from_eio_sid(watch.eio_sid, "/")
        return sid if sid is not None and manager.is_connected(sid, "/") else None

    def _address(self, environ: dict) -> str:
        # No address at all only in Flask-SocketIO's test client: then none is counted.
        address = environ.get("REMOTE_ADDR")
        if self.behind_proxy:
            # As ProxyFix(x_for=1) reads it for the pages: the one proxy's last entry.
            forwarded = environ.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
            address = forwarded or address
        return address_key(address) if address else ""


class BoundedPolling:
    """WSGI: a long-polling POST to the socket path over the size limit is refused with 413.

    Engine.IO would refuse it too, but then close the session waiting until a GET takes what
    is queued for it, which may never come: the POST hung.
    """

    def __init__(self, wsgi_app: Callable, eio: Any, path: str = "/socket.io"):
        self.wsgi_app = wsgi_app
        self.eio = eio
        self.path = path

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        if (environ.get("REQUEST_METHOD") == "POST"
                and environ.get("PATH_INFO", "").startswith(self.path)):
            length = environ.get("CONTENT_LENGTH") or "0"
            if not length.isdigit() or int(length) > self.eio.max_http_buffer_size:
                self._close(environ.get("QUERY_STRING", ""))
                start_response("413 Payload Too Large", [("Content-Type", "text/plain"),
                                                         ("Content-Length", "17")])
                return [b"Payload Too Large"]
        return self.wsgi_app(environ, start_response)

    def _close(self, query: str) -> None:
        sid = (parse_qs(query).get("sid") or [None])[0]
        socket = self.eio.sockets.pop(sid, None) if sid else None
        if socket is not None:
            socket.close(wait=False, reason=self.eio.reason.TRANSPORT_ERROR)


def refused(environ: dict) -> None:
    """A handler refused this connection something: count it where the connection is watched."""
    watch = environ.get(WATCH)
    if watch is not None and watch.limits is not None and not watch.cut:
        watch.limits.refuse(watch, watch.limits.clock())


def _ack_id(data: str) -> int | None:
    """The acknowledgement id of an EVENT packet, read without decoding its JSON."""
    rest = data[1:]
    if rest.startswith("/"):
        comma = rest.find(",")
        rest = "" if comma < 0 else rest[comma + 1:]
    found = _ACK_ID.match(rest)
    return int(found.group()) if found else None


def _packets_only(websocket_class: Callable) -> Callable:
    """Engine.IO's WebSocket transport, where a frame that is no Engine.IO text packet (an
    empty one, a binary one) reads as a CLOSE packet: Engine.IO's own decoding would raise
    outside its error handling, and the server wrote an HTTP 500 into the open socket. Once
    the socket is closed, nothing more is read from it."""

    def transport(handler: Callable, server: Any) -> Any:
        owner = getattr(handler, "__self__", None)  # the Engine.IO socket it serves

        def checked(ws: Any) -> Any:
            wait = ws.wait

            def next_packet() -> Any:
                if owner is not None and owner.closed:
                    # Closed by the server (a flood cut): stop reading what is still buffered.
                    return "1" if owner.upgrading else None
                data = wait()
                if data is None or (isinstance(data, str) and data[:1]
                                    and data[0] in ENGINE_IO_PACKET_TYPES):
                    return data
                return "1"  # CLOSE

            ws.wait = next_packet
            return handler(ws)

        return websocket_class(checked, server)

    return transport
