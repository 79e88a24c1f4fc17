"""The load generator: N phones in one workshop, in one asyncio process of its own.

Each phone is one aiohttp websocket speaking Engine.IO v4 / Socket.IO v5 frames by hand
("40{auth}" to connect, "42<id>[name, payload]" for a command, "43<id>[answer]" back, "3"
for every "2" ping). A python-socketio AsyncClient per phone costs several times more CPU
per message and saturates before the server does; raw frames leave the server to be the
bottleneck, and the generator measures its own CPU and event-loop lag to show that it was.

    python load.py PLAN.json RESULT.json

It prints "load" when the load starts and "settled" when it has been answered, so that
run.py can profile the server over just that part.

PLAN (written by run.py): {"url", "server_pid", "phones": [auth, ...], "scenario": {...},
"join_concurrency", "drain_timeout"}. The scenario is either {"kind": "ideas",
"ideas_per_phone", "duration"} or {"kind": "votes", "votes_per_phone", "window",
"idea_ids"}. Only the plan's URL (127.0.0.1) is contacted; every wait has a deadline.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import sys
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

CONNECT_TIMEOUT = 30.0  # one phone's websocket, handshake and first sync
ANSWER_TIMEOUT = 60.0  # the longest any command may wait for its acknowledgement
CLOSE_TIMEOUT = 60.0  # every phone hanging up at once
LAG_TICK = 0.01  # how often the loop checks on itself
FILLER = ("so that the square by the library is lit at night, has benches out of the wind, "
          "and the bus stop tells when the next one comes")


def percentile(values, share: float) -> float | None:
    """The value below which `share` of the values lie (nearest rank); None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def spread(values) -> dict:
    """p50, p99 and max of latencies in seconds, given in milliseconds."""
    def ms(value):
        return None if value is None else round(value * 1000, 1)
    return {"count": len(values), "p50_ms": ms(percentile(values, 0.50)),
            "p99_ms": ms(percentile(values, 0.99)), "max_ms": ms(max(values, default=None))}


@dataclass
class ServerProcess:
    """The server under load, read from /proc: memory now and at its peak, CPU time used."""

    pid: int

    def memory_kb(self) -> dict:
        """VmRSS and VmHWM (peak RSS) in kB."""
        fields = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0])
        return fields

    def cpu_seconds(self) -> float:
        """User plus system CPU time the process has used so far."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        # The command name is in parentheses and may hold spaces: count fields after it.
        after = stat[stat.rindex(")") + 2:].split()
        utime, stime = int(after[11]), int(after[12])
        return (utime + stime) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time all processors of the machine have spent busy so far, in seconds."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU time this generator has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Tally:
    """Everything measured, shared by all phones of the run (one event loop, no locks)."""

    phones: int
    sent_at: dict[str, float] = field(default_factory=dict)  # idea key -> when it was sent
    join_latency: array = field(default_factory=lambda: array("d"))
    join_failures: Counter = field(default_factory=Counter)
    ack_latency: dict[str, array] = field(default_factory=dict)
    answered: Counter = field(default_factory=Counter)  # (command, "ok" or error code)
    unanswered: Counter = field(default_factory=Counter)
    fanout_latency: array = field(default_factory=lambda: array("d"))
    deliveries: int = 0  # idea.posted received by a phone other than the author
    out_of_order: int = 0  # a fact whose seq was not above the last one that phone saw
    unknown_ideas: int = 0  # idea.posted for a key this run never sent
    send_failures: int = 0
    first_send: float | None = None
    last_answer: float | None = None

    def answer(self, command: str, sent: float, reply: dict) -> None:
        """Note one acknowledgement and how long it took."""
        now = time.monotonic()
        self.ack_latency.setdefault(command, array("d")).append(now - sent)
        outcome = "ok" if reply.get("ok") else reply.get("error", {}).get("code", "?")
        self.answered[(command, outcome)] += 1
        self.last_answer = now


class Phone:
    """One participant's phone: a websocket, its pending acknowledgements, what it has seen."""

    def __init__(self, tally: Tally, index: int, auth: dict):
        self.tally = tally
        self.index = index
        self.auth = auth
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.pending: dict[int, tuple[str, float, asyncio.Future | None]] = {}
        self.next_id = 0
        self.last_seq = 0
        self.reader: asyncio.Task | None = None
        self.joined = False  # connected and synced: from then on it is a phone in the room

    async def connect(self, http: aiohttp.ClientSession, url: str, origin: str) -> None:
        """Open the websocket, pass the Socket.IO connect, and sync as every screen does."""
        started = time.monotonic()
        self.ws = await http.ws_connect(url, origin=origin, compress=0, autoping=True,
                                        max_msg_size=16 * 1024 * 1024)
        opening = await self.ws.receive_str()
        if not opening.startswith("0"):
            raise ConnectionError(f"expected an Engine.IO open packet, got {opening[:80]!r}")
        await self.ws.send_str("40" + json.dumps(self.auth))
        while True:  # bounded by the caller's timeout
            reply = await self.ws.receive_str()
            if reply.startswith("40"):
                break
            if reply.startswith("44"):
                raise ConnectionRefusedError(reply[2:200])
            if reply == "2":
                await self.ws.send_str("3")
        self.reader = asyncio.create_task(self._read())
        answer = await self.call("workshop.sync", {})
        if not answer.get("ok"):
            raise ConnectionError(f"workshop.sync refused: {answer}")
        self.tally.join_latency.append(time.monotonic() - started)
        self.joined = True

    async def send(self, command: str, payload: dict,
                   waiter: asyncio.Future | None = None) -> None:
        """Send a command now; its acknowledgement is timed when it comes."""
        self.next_id += 1
        sent = time.monotonic()
        self.pending[self.next_id] = (command, sent, waiter)
        frame = f"42{self.next_id}" + json.dumps([command, payload], separators=(",", ":"))
        if self.tally.first_send is None:
            self.tally.first_send = sent
        try:
            await self.ws.send_str(frame)
        except (ConnectionError, RuntimeError):
            # A closed socket: the command stays pending and is counted as unanswered.
            self.tally.send_failures += 1

    async def call(self, command: str, payload: dict) -> dict:
        """Send a command and wait (bounded) for its acknowledgement."""
        waiter = asyncio.get_running_loop().create_future()
        await self.send(command, payload, waiter)
        return await asyncio.wait_for(waiter, ANSWER_TIMEOUT)

    async def _read(self) -> None:
        async for message in self.ws:
            if message.type is not aiohttp.WSMsgType.TEXT:
                break
            data = message.data
            if data.startswith('42["facts"'):
                self._facts(data)
            elif data.startswith('42["idea.posted"'):
                self._idea_posted(data)
            elif data.startswith("43"):
                self._acknowledged(data)
            elif data == "2":
                await self.ws.send_str("3")
            # Other facts (phase.changed, clusters.changed) are not measured here.

    def _acknowledged(self, data: str) -> None:
        bracket = data.index("[")
        command, sent, waiter = self.pending.pop(int(data[2:bracket]))
        reply = json.loads(data[bracket:])[0]
        self.tally.answer(command, sent, reply)
        if waiter is not None and not waiter.done():
            waiter.set_result(reply)

    def _facts(self, data: str) -> None:
        # Tupa's frames: one or more facts, [name, payload] pairs in sequence order.
        now = time.monotonic()
        for fact in json.loads(data[2:])[1]:
            if fact["name"] == "idea.posted":
                payload = fact["payload"]
                self._delivered(now, payload["seq"], payload["idea"]["text"])

    def _idea_posted(self, data: str) -> None:
        # The bare server's frames, hundreds of thousands of them: find the two numbers
        # instead of parsing JSON.
        now = time.monotonic()
        at = data.index('"seq":') + 6
        self._delivered(now, int(data[at:data.index(",", at)]), data)

    def _delivered(self, now: float, seq: int, text: str) -> None:
        if seq <= self.last_seq:
            self.tally.out_of_order += 1
        self.last_seq = max(seq, self.last_seq)
        marker = text.find("#k=")
        key = text[marker + 3:text.index("#", marker + 3)] if marker >= 0 else ""
        if int(key.partition(".")[0] or -1) == self.index:
            return  # the author's own echo is not fan-out
        sent = self.tally.sent_at.get(key)
        if sent is None:
            self.tally.unknown_ideas += 1
            return
        self.tally.deliveries += 1
        self.tally.fanout_latency.append(now - sent)

    def unanswered(self) -> Counter:
        """Commands still waiting for an acknowledgement, by name."""
        return Counter(command for command, _sent, _waiter in self.pending.values())

    async def close(self) -> None:
        """Hang up (Socket.IO disconnect, then the websocket)."""
        if self.ws is not None and not self.ws.closed:
            try:
                await self.ws.send_str("41")
            except (ConnectionError, RuntimeError):
                pass
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


class LoopLag:
    """How late the event loop wakes up: if the generator is the bottleneck, this shows it."""

    def __init__(self):
        self.lag = array("d")
        self.task: asyncio.Task | None = None

    async def _watch(self, until: float) -> None:
        while time.monotonic() < until:
            planned = time.monotonic() + LAG_TICK
            await asyncio.sleep(LAG_TICK)
            self.lag.append(max(time.monotonic() - planned, 0.0))

    def start(self, longest: float) -> None:
        """Watch until stopped, or for `longest` seconds at most."""
        self.task = asyncio.create_task(self._watch(time.monotonic() + longest))

    def stop(self) -> dict:
        """Stop watching; the lag's spread."""
        if self.task is not None:
            self.task.cancel()
        return spread(self.lag)


async def join_all(phones: list[Phone], http, url: str, origin: str, concurrency: int,
                   tally: Tally) -> float:
    """Connect every phone, `concurrency` at a time; the seconds it took for all of them."""
    gate = asyncio.Semaphore(concurrency)

    async def join(phone: Phone) -> None:
        async with gate:
            try:
                await asyncio.wait_for(phone.connect(http, url, origin), CONNECT_TIMEOUT)
            except Exception as error:  # every failure is counted and reported, not raised
                tally.join_failures[type(error).__name__] += 1

    started = time.monotonic()
    await asyncio.gather(*(join(phone) for phone in phones))
    return time.monotonic() - started


async def post_ideas(phones: list[Phone], tally: Tally, ideas_per_phone: int,
                     duration: float) -> None:
    """Every phone posts its ideas evenly over the duration, each phone at its own offset."""
    period = duration / ideas_per_phone
    start = time.monotonic() + 0.5
    randomness = random.Random(7)  # noqa: S311  (a schedule, not a secret)

    async def post(phone: Phone, offset: float) -> None:
        for n in range(ideas_per_phone):
            await asyncio.sleep(max(0.0, start + (n + offset) * period - time.monotonic()))
            key = f"{phone.index}.{n}"
            tally.sent_at[key] = time.monotonic()
            await phone.send("idea.post", {"key": key, "text": f"#k={key}# {FILLER}"})

    await asyncio.gather(*(post(p, randomness.random()) for p in phones))


async def cast_votes(phones: list[Phone], votes_per_phone: int, window: float,
                     idea_ids: list[int]) -> None:
    """Each phone taps all its votes at once, at a random moment within the window."""
    start = time.monotonic() + 0.5
    randomness = random.Random(11)  # noqa: S311  (a schedule, not a secret)

    async def tap(phone: Phone, offset: float) -> None:
        await asyncio.sleep(max(0.0, start + offset * window - time.monotonic()))
        for n in range(votes_per_phone):
            idea_id = idea_ids[(phone.index + n) % len(idea_ids)]
            await phone.send("vote.cast", {"key": f"v{phone.index}.{n}", "idea_id": idea_id})

    await asyncio.gather(*(tap(p, randomness.random()) for p in phones))


async def settle(phones: list[Phone], tally: Tally, expected_deliveries, timeout: float) -> float:
    """Wait until every acknowledgement and delivery is in, or the timeout; seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        waiting = any(phone.pending for phone in phones)
        if not waiting and tally.deliveries >= expected_deliveries():
            break
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def run(plan: dict) -> dict:
    """Join, load, settle, measure, hang up; the figures as a dictionary."""
    scenario = plan["scenario"]
    server = ServerProcess(plan["server_pid"])
    tally = Tally(len(plan["phones"]))
    phones = [Phone(tally, index, auth) for index, auth in enumerate(plan["phones"])]
    parts = urlsplit(plan["url"])
    socket_url = f"ws://{parts.netloc}/socket.io/?EIO=4&transport=websocket"
    origin = f"{parts.scheme}://{parts.netloc}"
    idle = server.memory_kb()

    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(connector=connector, trust_env=False) as http:
        join_seconds = await join_all(phones, http, socket_url, origin,
                                      plan["join_concurrency"], tally)
        connected = [phone for phone in phones if phone.joined]
        await asyncio.sleep(1.0)  # let the joins' garbage go before reading memory
        joined = server.memory_kb()
        tally.first_send = None
        tally.ack_latency.clear()
        tally.answered.clear()

        lag = LoopLag()
        busy = scenario.get("duration", scenario.get("window", 0)) + plan["drain_timeout"] + 5
        lag.start(busy)
        print("load", flush=True)  # run.py profiles the server from here ...
        server_cpu, own_cpu, busy_cpu = server.cpu_seconds(), own_cpu_seconds(), \
            machine_busy_seconds()
        started = time.monotonic()
        if scenario["kind"] == "ideas":
            await post_ideas(connected, tally, scenario["ideas_per_phone"], scenario["duration"])

            def expected():
                return tally.answered[("idea.post", "ok")] * (len(connected) - 1)
        else:
            await cast_votes(connected, scenario["votes_per_phone"], scenario["window"],
                             scenario["idea_ids"])

            def expected():
                return 0
        load_seconds = time.monotonic() - started
        drain_seconds = await settle(connected, tally, expected, plan["drain_timeout"])
        print("settled", flush=True)  # ... to here: the joins and hang-ups are not in it
        elapsed = time.monotonic() - started
        server_cpu = server.cpu_seconds() - server_cpu
        own_cpu = own_cpu_seconds() - own_cpu
        busy_cpu = machine_busy_seconds() - busy_cpu
        loop_lag = lag.stop()
        finished = server.memory_kb()
        for phone in connected:
            tally.unanswered.update(phone.unanswered())

        # Everyone leaving at once is a load of its own (a presence change per phone).
        hanging_up = time.monotonic()
        try:
            await asyncio.wait_for(
                asyncio.gather(*(phone.close() for phone in phones), return_exceptions=True),
                CLOSE_TIMEOUT)
            hang_up_seconds = round(time.monotonic() - hanging_up, 2)
        except TimeoutError:
            hang_up_seconds = None

    answered_ok = {command: tally.answered[(command, "ok")] for command in tally.ack_latency}
    votes_ok = tally.answered[("vote.cast", "ok")]
    vote_span = ((tally.last_answer - tally.first_send)
                 if votes_ok and tally.first_send and tally.last_answer else None)
    return {
        "phones": len(phones),
        "connected": len(connected),
        "scenario": scenario | {"idea_ids": len(scenario.get("idea_ids", []))},
        "join": {"all_seconds": round(join_seconds, 2), **spread(tally.join_latency),
                 "failures": dict(tally.join_failures)},
        "acks": {command: spread(latencies) for command, latencies in tally.ack_latency.items()},
        "answered": {f"{c} {o}": n for (c, o), n in sorted(tally.answered.items())},
        "answered_ok": answered_ok,
        "unanswered": dict(tally.unanswered),
        "send_failures": tally.send_failures,
        "fanout": {**spread(tally.fanout_latency), "delivered": tally.deliveries,
                   "expected": expected(), "lost": max(expected() - tally.deliveries, 0),
                   "out_of_order": tally.out_of_order, "unknown": tally.unknown_ideas},
        "votes_per_second": round(votes_ok / vote_span, 1) if vote_span else None,
        "seconds": {"load": round(load_seconds, 2), "drain": round(drain_seconds, 2),
                    "total": round(elapsed, 2), "hang_up": hang_up_seconds},
        "server": {
            "rss_idle_kb": idle.get("VmRSS"), "rss_connected_kb": joined.get("VmRSS"),
            "rss_end_kb": finished.get("VmRSS"), "rss_peak_kb": finished.get("VmHWM"),
            "kb_per_connection": (round((joined["VmRSS"] - idle["VmRSS"]) / len(connected), 1)
                                  if connected else None),
            "cpu_percent": round(100 * server_cpu / elapsed, 1),
        },
        "generator": {"cpu_percent": round(100 * own_cpu / elapsed, 1), "loop_lag": loop_lag,
                      "event_loop": type(asyncio.get_running_loop()).__module__},
        # Whatever else ran on the machine meanwhile (a database, other people's tests), in
        # percent of one CPU: high values mean the figures were taken on a shared machine.
        "others_cpu_percent": round(100 * (busy_cpu - server_cpu - own_cpu) / elapsed, 1),
    }


def _raise_open_file_limit() -> None:
    # Every phone is a socket; the default soft limit of 1,024 would stop at a thousand.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main() -> None:
    """Read the plan, run it, write the figures."""
    plan_path, result_path = sys.argv[1], sys.argv[2]
    plan = json.loads(Path(plan_path).read_text())
    if urlsplit(plan["url"]).hostname != "127.0.0.1":
        sys.exit("the load generator only talks to 127.0.0.1")
    _raise_open_file_limit()
    try:
        # uvloop halves the generator's own CPU per message; plain asyncio also works.
        import uvloop
    except ImportError:
        result = asyncio.run(run(plan))
    else:
        result = uvloop.run(run(plan))
    Path(result_path).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
