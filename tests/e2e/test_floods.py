"""Floods and malformed frames against the real server (run.py, eventlet), on raw sockets.

Each flood comes from an address of its own on the loopback (127.0.0.2, 127.0.0.3 ...), as a
script elsewhere would, while the quiet participant whose round trip is measured talks from
127.0.0.1. Only 127.0.0.x is contacted; every loop is bounded in count and in time.
"""

from __future__ import annotations

import contextlib
import json
import socket
import statistics
import threading
import time
from pathlib import Path

import pytest
import websocket

from .conftest import WAIT, _local_http

pytestmark = pytest.mark.e2e

FLOOD_SECONDS = 5.0  # how long one flood is kept up while the quiet phones are timed
QUIET_INTERVAL = 0.05  # seconds between two round trips of the quiet phones
CONNECT_FLOOD = 2_000  # CONNECT packets with made-up tokens, per raw socket
EVENT_FLOOD = 10_000  # unknown events, per admitted raw socket


def raw_socket(url: str, source: str = "127.0.0.1") -> websocket.WebSocket:
    """A raw Engine.IO WebSocket from `source`, past its open packet."""
    port = int(url.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT,
                                    source_address=(source, 0))
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", socket=sock,
        origin=url, timeout=WAIT)
    ws.raw = sock  # websocket-client leaves a socket it was given open: hang_up closes it
    opened = ws.recv()
    assert opened.startswith("0{"), opened
    return ws


def hang_up(ws: websocket.WebSocket) -> None:
    """Close a raw socket, whatever state the server left it in."""
    with contextlib.suppress(Exception):
        ws.close(timeout=0.2)
    ws.raw.close()


def send_all(ws: websocket.WebSocket, frames, deadline: float) -> int:
    """Send frames until done, the deadline, or the server hung up; how many went."""
    sent = 0
    for frame in frames:
        if time.monotonic() > deadline:
            break
        try:
            if isinstance(frame, bytes):
                ws.send_binary(frame)
            else:
                ws.send(frame)
        except (OSError, websocket.WebSocketException):
            break
        sent += 1
    return sent


def read_until_closed(ws: websocket.WebSocket, timeout: float = WAIT) -> tuple[list[str], bool]:
    """Every text frame the server sends until it closes (True) or the timeout (False)."""
    frames: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ws.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            frame = ws.recv()
        except websocket.WebSocketTimeoutException:
            break
        except (OSError, websocket.WebSocketException):
            return frames, True
        if frame in ("", b""):
            return frames, True
        frames.append(frame)
    return frames, False


def admitted(url: str, workshop, token: str, source: str) -> websocket.WebSocket:
    """A raw socket admitted into the workshop with a real token."""
    ws = raw_socket(url, source)
    ws.send("40" + json.dumps({"workshop_id": workshop.id, "token": token}))
    answer = ws.recv()
    if not answer.startswith("40{"):
        hang_up(ws)
        raise AssertionError(f"not admitted: {answer}")
    return ws


def resident_memory_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98]


# Malformed frames and requests


def test_an_empty_websocket_frame_closes_that_connection_without_an_http_answer(tupa):
    workshop = tupa.workshop()
    other = tupa.phone(workshop, tupa.join(workshop))
    ws = raw_socket(tupa.url)

    ws.send("")
    received = b""
    ws.sock.settimeout(5)
    with contextlib.suppress(OSError):
        while chunk := ws.sock.recv(4096):
            received += chunk
    hang_up(ws)

    assert b"HTTP/1.1" not in received, received[:200]
    assert other.sync()["me"]["role"] == "participant"


def test_a_polling_post_over_64_kb_is_refused_at_once(tupa):
    polling = f"{tupa.url}/socket.io/?EIO=4&transport=polling"
    with _local_http() as http:
        opened = http.get(polling, timeout=WAIT)
        sid = json.loads(opened.text[1:])["sid"]
        started = time.monotonic()
        answer = http.post(f"{polling}&sid={sid}", data="4" + "x" * 70_000, timeout=WAIT)
        elapsed = time.monotonic() - started
        after = http.get(f"{polling}&sid={sid}", timeout=WAIT)
        small = http.get(polling, timeout=WAIT)
        small_sid = json.loads(small.text[1:])["sid"]
        posted = http.post(f"{polling}&sid={small_sid}", data="4" + "x" * 60_000, timeout=WAIT)

    assert answer.status_code == 413 and elapsed < 5, (answer.status_code, elapsed)
    assert after.status_code == 400  # the session is closed
    assert posted.status_code == 200


def test_a_binary_event_is_refused_before_its_attachments_are_kept(tupa):
    workshop = tupa.workshop()
    token = tupa.join(workshop)
    other = tupa.phone(workshop, tupa.join(workshop))
    pid = tupa.server.process.pid
    before = resident_memory_kb(pid)
    ws = admitted(tupa.url, workshop, token, "127.0.0.1")
    header = '45999999-["idea.post",{"_placeholder":true,"num":0}]'

    sent = send_all(ws, [header] + [b"\x00" * 60_000] * 2_000, time.monotonic() + WAIT)
    _frames, closed = read_until_closed(ws)
    hang_up(ws)
    grown = resident_memory_kb(pid) - before

    print(f"\nbinary event header and {sent - 1} frames of 60 kB sent before the hang-up; "
          f"the server grew by {grown / 1024:.1f} MB")
    assert closed
    assert grown < 30 * 1024
    assert other.ok("idea.post", {"key": "after", "text": "Still here"})["idea"]["id"]


# Floods: each is cut, and a quiet phone elsewhere hardly notices


def test_a_connect_flood_on_one_socket_is_cut_after_three_refusals(tupa):
    workshop = tupa.workshop()
    ws = raw_socket(tupa.url, "127.0.0.4")
    frames = ["40" + json.dumps({"workshop_id": workshop.id, "token": f"made-up-{n:06d}" * 3})
              for n in range(CONNECT_FLOOD)]

    send_all(ws, frames, time.monotonic() + WAIT)
    answers, closed = read_until_closed(ws)
    hang_up(ws)

    refusals = [a for a in answers if a.startswith("44")]
    assert closed
    assert len(refusals) == 3, answers[:10]
    assert json.loads(refusals[0][2:])["data"]["code"] == "not_authenticated"


def test_an_unknown_event_flood_is_cut_after_a_hundred_refusals(tupa):
    workshop = tupa.workshop()
    ws = admitted(tupa.url, workshop, tupa.join(workshop), "127.0.0.5")
    frames = [f'42{n}["no.such.command",{{}}]' for n in range(EVENT_FLOOD)]

    send_all(ws, frames, time.monotonic() + WAIT)
    answers, closed = read_until_closed(ws)
    hang_up(ws)

    acks = [a for a in answers if a.startswith("43")]
    codes = [json.loads(a[a.index("["):])[0]["error"]["code"] for a in acks]
    assert closed
    # Cut at the 101st refusal, without waiting for answers not yet sent (how many arrive
    # varies); events already handed to their handlers by then are still answered.
    assert len(codes) <= 200, len(codes)
    assert set(codes) <= {"unknown_command", "rate_limited"}
    if len(codes) > 60:  # past the burst, the allowance must have said no
        assert "rate_limited" in codes


def _connect_flood(url: str, workshop, source: str, until: float) -> int:
    sockets = 0
    for _attempt in range(500):
        if time.monotonic() >= until:
            break
        try:
            ws = raw_socket(url, source)
        except (OSError, websocket.WebSocketException):
            continue
        sockets += 1
        frames = ("40" + json.dumps({"workshop_id": workshop.id, "token": f"made-up-{n:06d}x"})
                  for n in range(CONNECT_FLOOD))
        send_all(ws, frames, until)
        read_until_closed(ws, timeout=max(min(until - time.monotonic(), 2.0), 0.1))
        hang_up(ws)
    return sockets


def _event_flood(url: str, workshop, token: str, source: str, until: float) -> int:
    sockets = 0
    for _attempt in range(2_000):
        if time.monotonic() >= until:
            break
        try:
            ws = admitted(url, workshop, token, source)
        except (OSError, AssertionError, websocket.WebSocketException):
            continue  # refused: past a few cuts the address's connects are refused unread
        sockets += 1
        frames = (f'42{n}["no.such.command",{{}}]' for n in range(EVENT_FLOOD))
        send_all(ws, frames, until)
        read_until_closed(ws, timeout=max(min(until - time.monotonic(), 2.0), 0.1))
        hang_up(ws)
    return sockets


def _timed_round_trips(screens: list, until: float, most: int = 1_000) -> list[float]:
    """Round trips of workshop.sync, taken in turns by quiet phones, one every 50 ms: each
    phone asks a few times a second, as a person's phone does, never near its allowance."""
    samples = []
    while time.monotonic() < until and len(samples) < most:
        screen = screens[len(samples) % len(screens)]
        started = time.perf_counter()
        answer = screen.call("workshop.sync")
        assert answer["ok"], answer
        took = time.perf_counter() - started
        samples.append(took * 1000)
        time.sleep(max(QUIET_INTERVAL - took, 0))
    return samples


def test_a_quiet_participant_hardly_notices_one_address_flooding(tupa):
    workshop = tupa.workshop()
    quiet = [tupa.phone(workshop, tupa.join(workshop)) for _ in range(3)]
    flooder_token = tupa.join(workshop)
    figures = {"no flood": _timed_round_trips(quiet, time.monotonic() + FLOOD_SECONDS)}
    floods = {
        "connect flood": lambda until: _connect_flood(tupa.url, workshop, "127.0.0.2", until),
        "unknown-event flood": lambda until: _event_flood(
            tupa.url, workshop, flooder_token, "127.0.0.3", until),
    }
    sockets = {}
    for name, flood in floods.items():
        until = time.monotonic() + FLOOD_SECONDS
        done: list[int] = []
        flooding = threading.Thread(target=lambda f=flood, u=until, d=done: d.append(f(u)))
        flooding.start()
        time.sleep(0.2)  # let the flood get going
        figures[name] = _timed_round_trips(quiet, until)
        flooding.join(FLOOD_SECONDS + WAIT)
        sockets[name] = done[0] if done else 0

    print()
    for name, samples in figures.items():
        print(f"{name}: {len(samples)} round trips of the quiet phones, median "
              f"{statistics.median(samples):.1f} ms, p99 {p99(samples):.1f} ms, "
              f"max {max(samples):.1f} ms"
              + (f"; {sockets[name]} of the flooder's sockets were served" if name in sockets
                 else ""))
    # Generous, so that a busy CI machine passes: what it guards against is the seconds-long
    # stalls these floods caused (2.4-4.1 s); the figures go in docs/performance.md.
    for name in floods:
        assert p99(figures[name]) <= 1000, name
    assert all(screen.sync()["me"]["role"] == "participant" for screen in quiet)
