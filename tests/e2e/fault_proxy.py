"""A TCP proxy on 127.0.0.1 that stands between phones and the server and breaks the network.

It forwards bytes unchanged, so WebSockets pass through it, and on command it does what a
crowded Wi-Fi does: holds bytes back for a while, closes connections (FIN), resets them (RST)
and refuses new ones. It runs its own asyncio loop in one thread, so cutting a connection
never races a thread blocked on the same socket. Choices come from a seeded random
generator; which connection a cut lands on still depends on timing.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass

CHUNK = 65536


@dataclass(eq=False)
class Link:
    """One phone's connection through the proxy, and the proxy's own connection upstream."""

    towards_phone: asyncio.StreamWriter
    towards_server: asyncio.StreamWriter
    ended: bool = False


@dataclass
class Damage:
    """What the proxy did, to show that a test really met the faults it claims to survive."""

    accepted: int = 0
    refused: int = 0
    cut: int = 0
    reset: int = 0
    delayed_chunks: int = 0


class FaultProxy:
    """Forward 127.0.0.1:<port> to the server's port, with faults switched on and off at will."""

    def __init__(self, upstream_port: int, seed: int):
        self.upstream_port = upstream_port
        self.random = random.Random(seed)
        self.damage = Damage()
        self.links: set[Link] = set()
        # While these are set, every chunk waits up to `most_delay` seconds (order is kept),
        # and that share of new connections is reset as soon as it is accepted.
        self.most_delay = 0.0
        self.refuse_share = 0.0
        self._loop = asyncio.new_event_loop()
        self._listener: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy",
                                        daemon=True)
        self._thread.start()
        self._listener = self._call(self._listen())
        self.port = self._listener.sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        """Where phones connect instead of the server."""
        return f"http://127.0.0.1:{self.port}"

    def disturb(self, *, most_delay: float, refuse_share: float) -> None:
        """Delay every chunk up to `most_delay` s and refuse that share of new connections."""
        self._call(self._set(most_delay, refuse_share))

    def heal(self) -> None:
        """The network is good again: no delays, no refusals; live connections stay."""
        self._call(self._set(0.0, 0.0))

    def break_one(self) -> str | None:
        """Cut or reset one live connection, chosen at random; what was done, or None."""
        return self._call(self._break_one())

    def drop_all(self, *, abruptly: bool = True) -> int:
        """Every live connection at once (reset, or closed if not `abruptly`); how many."""
        return self._call(self._drop_all(abruptly))

    def live_links(self) -> int:
        """How many phones are connected through the proxy right now."""
        return self._call(self._count())

    def rampage(self, seconds: float, *, most_delay: float = 0.05, refuse_share: float = 0.2,
                pause: tuple[float, float] = (0.05, 0.25)) -> None:
        """For `seconds`: delays and refusals on, connections broken now and then; then heal."""
        self.disturb(most_delay=most_delay, refuse_share=refuse_share)
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                self.break_one()
                time.sleep(self.random.uniform(*pause))
        finally:
            self.heal()

    def close(self) -> None:
        """Drop every connection, stop listening and end the proxy's thread."""
        if self._loop.is_closed():
            return
        with contextlib.suppress(Exception):
            self._call(self._shut_down())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    # Everything below runs on the proxy's own loop.

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    async def _listen(self) -> asyncio.Server:
        return await asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=1024)

    async def _set(self, most_delay: float, refuse_share: float) -> None:
        self.most_delay, self.refuse_share = most_delay, refuse_share

    async def _count(self) -> int:
        return len(self.links)

    async def _serve(self, from_phone: asyncio.StreamReader,
                     to_phone: asyncio.StreamWriter) -> None:
        link = None
        try:
            if self.refuse_share and self.random.random() < self.refuse_share:
                self.damage.refused += 1
                return
            try:
                from_server, to_server = await asyncio.open_connection("127.0.0.1",
                                                                       self.upstream_port)
            except OSError:
                return  # the server is down: the phone sees a reset, as it would directly
            self.damage.accepted += 1
            link = Link(to_phone, to_server)
            self.links.add(link)
            # Each connection draws from its own generator, seeded from the proxy's, so its
            # delays do not depend on how the other connections interleave.
            delays = random.Random(self.random.random())
            await asyncio.gather(self._pipe(from_phone, to_server, link, delays),
                                 self._pipe(from_server, to_phone, link, delays))
        except asyncio.CancelledError:
            # Only close() cancels; ending quietly spares asyncio's stream callback (3.11) from
            # reporting the cancellation as an error.
            pass
        finally:
            if link is not None:
                self._end(link, abruptly=False)
            elif not to_phone.is_closing():
                _reset(to_phone)

    async def _pipe(self, source: asyncio.StreamReader, target: asyncio.StreamWriter,
                    link: Link, delays: random.Random) -> None:
        try:
            while not link.ended:
                chunk = await source.read(CHUNK)
                if not chunk:
                    break
                if self.most_delay:
                    # Sleeping here holds back the next chunks too: bytes stay in order.
                    self.damage.delayed_chunks += 1
                    await asyncio.sleep(delays.uniform(0, self.most_delay))
                if link.ended:
                    break
                target.write(chunk)
                await target.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._end(link, abruptly=False)

    async def _break_one(self) -> str | None:
        live = sorted((link for link in self.links if not link.ended), key=id)
        if not live:
            return None
        link = self.random.choice(live)
        abruptly = self.random.random() < 0.5
        self._end(link, abruptly=abruptly)
        if abruptly:
            self.damage.reset += 1
        else:
            self.damage.cut += 1
        return "reset" if abruptly else "cut"

    async def _drop_all(self, abruptly: bool) -> int:
        live = [link for link in self.links if not link.ended]
        for link in live:
            self._end(link, abruptly=abruptly)
        if abruptly:
            self.damage.reset += len(live)
        else:
            self.damage.cut += len(live)
        return len(live)

    def _end(self, link: Link, *, abruptly: bool) -> None:
        if link.ended:
            return
        link.ended = True
        self.links.discard(link)
        for writer in (link.towards_phone, link.towards_server):
            if abruptly:
                _reset(writer)
            else:
                writer.close()

    async def _shut_down(self) -> None:
        for link in list(self.links):
            self._end(link, abruptly=False)
        if self._listener is not None:
            self._listener.close()
        # No pipe may outlive the loop: a task left pending would be destroyed with a warning.
        pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if self._listener is not None:
            await self._listener.wait_closed()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with SO_LINGER 0: the kernel answers with RST instead of a polite FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()

