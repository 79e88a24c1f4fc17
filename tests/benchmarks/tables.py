"""`make bench`'s tables case: 300 phones at 30 tables of 10, then the same phones as one room.

One Tupa server (run.py, eventlet). One workshop: 300 participants seated at 30 tables of 10
(organisation types mixed), a brainstorm at tables and after it a brainstorm of the whole
room, and the facilitator's board connected. Every phone joins (socket, connect, sync: the
sync seats its socket in its table's room), then

1. **tables**: the brainstorm at tables runs; each phone posts at a human pace, one idea
   in every 15 s (10 s with --quick) at a random moment of it. An idea is told to its
   table's phones (and the board) only.
2. **room**: the board goes on to the whole-room brainstorm (activity.go) and the same
   phones post on the same schedule; every idea is told to every phone.

For each part: the fan-out latency of each posted idea to the other phones that hear it
(p50/p95/p99/max, from sending it to each phone's frame), the deliveries against those
expected, and per phone the frames and idea.posted facts it received, with every idea a
phone heard checked against the author's table (a table's fact reaches only that table's
phones: ideas heard from another table must be 0). Issue 9's target: the table fan-out p99
no worse than the whole room's.

    python tests/benchmarks/tables.py [--quick] [--databases sqlite,postgresql] [--room-first]

(--room-first runs the whole room's part first, to see what the order of the parts costs.)

run.py runs it as the "tables" case. Only 127.0.0.1 is contacted; every wait has a deadline.
The phones speak raw Engine.IO / Socket.IO frames, as load.py's do (its Phone is reused).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

BENCHMARKS = Path(__file__).resolve().parent
REPOSITORY = BENCHMARKS.parents[1]
sys.path.insert(0, str(BENCHMARKS))

from load import (  # noqa: E402
    FILLER,
    Phone,
    ServerProcess,
    Tally,
    join_all,
    own_cpu_seconds,
    percentile,
)

from run import database, serving, wait_for_quiet  # noqa: E402

PASSWORD = "tables benchmark password"
TABLES, PER_TABLE = 30, 10
# A person thinks, types and sends: an idea every 15 s (full) or 10 s (quick) per phone,
# 20-30 ideas a second from the room.
FULL = {"ideas_per_phone": 4, "duration": 60.0}
QUICK = {"ideas_per_phone": 2, "duration": 20.0}
DRAIN = 30.0  # after the last idea: how long acknowledgements and facts may still take
QUIET = 3.0  # between the parts: the activity change told, the room at rest
DEADLINE = 600.0

# Run with the tree's own code (PYTHONPATH), like seed.py: the rows fit that tree's schema.
SEED = """
import json, os, sys
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from workshop.config import database_url
from workshop.database import tune_engine
from workshop.models import Participant
from workshop.services import agenda, facilitators, participants, tables, workshops
from workshop.services.access import Actor

url, table_count, per_table, password = (os.environ["DATABASE_URL"], int(sys.argv[1]),
                                         int(sys.argv[2]), sys.argv[3])
kinds = ["city", "company", "research", "other"]
engine = create_engine(database_url(url))
tune_engine(engine)
with Session(engine, expire_on_commit=False) as session:
    account = facilitators.create_facilitator(session, "tables-bench", password)
    workshop, _ = workshops.create_workshop(
        session, account, title="Pöydät", question="How might we ...?", vote_budget=5,
        votes_per_idea=None, language="en")
    facilitator = Actor(workshop_id=workshop.id, facilitator_id=account.id)
    tokens = {}
    for n in range(table_count * per_table):
        (person, token), _ = participants.join(
            session, workshop.id, nickname=f"phone {n}", organisation_type=kinds[n % 4],
            organisation_name="")
        tokens[person.id] = token
    for n in range(table_count):
        tables.create_table(session, facilitator, f"t{n}", f"Table {n + 1}")
    tables.assign(session, facilitator, everyone=True)
    at_tables = next(a for a in agenda.activities_of(session, workshop.id)
                     if a.kind == "brainstorm")
    agenda.update_activity(session, facilitator, at_tables.id,
                           settings={"at_tables": True})
    room, _ = agenda.add_activity(session, facilitator, "room", "brainstorm", "Whole room",
                                  prompt="How might we ...?")
    agenda.go_to(session, facilitator, at_tables.id)
    session.commit()
    seats = dict(session.execute(select(Participant.id, Participant.table_id).where(
        Participant.workshop_id == workshop.id, Participant.on_paper.is_(False))).all())
    print(json.dumps({
        "workshop_id": workshop.id,
        "phones": [{"token": token, "table_id": seats[pid]} for pid, token in tokens.items()],
        "tables": at_tables.id, "room": room["activity"]["id"]}))
engine.dispose()
"""


def _seed(tree: Path, url: str, tables: int, per_table: int) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(tree)}
    answer = subprocess.run([sys.executable, "-c", SEED, str(tables), str(per_table), PASSWORD],
                            env=env, cwd=tree, capture_output=True, text=True, timeout=600,
                            check=False)
    if answer.returncode:
        raise RuntimeError(f"seeding failed:\n{answer.stderr[-4000:]}")
    return json.loads(answer.stdout.strip().splitlines()[-1])


@dataclass
class Part:
    """What one part (tables or room) measured, shared by all phones (one event loop)."""

    name: str
    sent_at: dict[str, float] = field(default_factory=dict)  # idea key -> when it was sent
    stored: set[str] = field(default_factory=set)  # idea keys acknowledged ok
    author_table: dict[str, int] = field(default_factory=dict)  # idea key -> author's table
    fanout: array = field(default_factory=lambda: array("d"))
    deliveries: int = 0  # idea.posted received by a phone other than its author
    from_other_tables: int = 0  # ... by a phone at another table than the author's
    unknown: int = 0  # idea.posted of a key this part never sent
    gaps: int = 0  # a phone's fact number (tseq or seq) jumped over one it never heard
    frames: Counter = field(default_factory=Counter)  # phone index -> facts frames
    heard: Counter = field(default_factory=Counter)  # phone index -> idea.posted facts
    hearers: dict[str, set] = field(default_factory=dict)  # idea key -> phones that heard it


class SeatedPhone(Phone):
    """load.py's phone, seated at a table, counting what it hears for the part under way."""

    part: Part | None = None  # the part under way, for every phone at once

    def __init__(self, tally: Tally, index: int, auth: dict, table_id: int):
        super().__init__(tally, index, auth)
        self.table_id = table_id
        self.numbers: dict[str, int] = {}  # "seq" / "tseq" -> the last one heard

    def _facts(self, data: str) -> None:
        now = time.monotonic()
        part = SeatedPhone.part if self.index >= 0 else None  # the board is not measured
        facts = json.loads(data[2:])[1]
        if part is not None:
            part.frames[self.index] += 1
        for fact in facts:
            payload = fact["payload"]
            for number in ("seq", "tseq"):
                if isinstance(payload.get(number), int):
                    last = self.numbers.get(number)
                    if last is not None and part is not None and payload[number] > last + 1:
                        part.gaps += 1
                    self.numbers[number] = max(payload[number], last or 0)
            if fact["name"] == "idea.posted" and part is not None:
                self._heard(part, now, payload["idea"]["text"])

    def _heard(self, part: Part, now: float, text: str) -> None:
        found = re.search(r"#k=([^#]+)#", text)
        key = found.group(1) if found else ""
        sent = part.sent_at.get(key)
        if sent is None:
            part.unknown += 1
            return
        part.heard[self.index] += 1
        part.hearers.setdefault(key, set()).add(self.index)
        if int(key.split(".")[1]) == self.index:
            return  # the author's own echo is not fan-out
        part.deliveries += 1
        part.fanout.append(now - sent)
        if part.name == "tables" and part.author_table[key] != self.table_id:
            part.from_other_tables += 1


async def _post(phones: list[SeatedPhone], part: Part, ideas_per_phone: int,
                duration: float, seed: int) -> None:
    """Every phone posts one idea in each period of the duration, at a random moment of it.

    No two phones are made to post together: the room posts evenly, as people typing do.
    """
    period = duration / ideas_per_phone
    start = time.monotonic() + 0.5
    randomness = random.Random(seed)  # noqa: S311  (a schedule, not a secret)

    async def post(phone: SeatedPhone, moments: list[float]) -> None:
        for n, moment in enumerate(moments):
            await asyncio.sleep(max(0.0, start + (n + moment) * period - time.monotonic()))
            key = f"{part.name}.{phone.index}.{n}"
            part.sent_at[key] = time.monotonic()
            part.author_table[key] = phone.table_id
            answered = asyncio.get_running_loop().create_future()
            answered.add_done_callback(
                lambda done, key=key: done.result().get("ok") and part.stored.add(key))
            await phone.send("idea.post", {"key": key, "text": f"#k={key}# {FILLER}"},
                             answered)

    await asyncio.gather(*(post(phone, [randomness.random() for _ in range(ideas_per_phone)])
                           for phone in phones))


def _expected(part: Part, phones: list[SeatedPhone]) -> int:
    """Deliveries due: each stored idea to every other phone of the room, or of its table."""
    if part.name == "room":
        return len(part.stored) * (len(phones) - 1)
    at_table = Counter(phone.table_id for phone in phones)
    return sum(at_table[part.author_table[key]] - 1 for key in part.stored)


async def _settle(phones: list[SeatedPhone], part: Part, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not any(phone.pending for phone in phones) and \
                part.deliveries >= _expected(part, phones):
            break
        await asyncio.sleep(0.05)
    return time.monotonic() - started


def _spread(values) -> dict:
    def ms(share):
        value = percentile(values, share)
        return None if value is None else round(value * 1000, 1)
    return {"count": len(values), "p50_ms": ms(0.5), "p95_ms": ms(0.95), "p99_ms": ms(0.99),
            "max_ms": None if not values else round(max(values) * 1000, 1)}


def _per_phone(counts: Counter, phones: list[SeatedPhone]) -> dict:
    values = [counts[phone.index] for phone in phones]
    return {"min": min(values), "median": statistics.median(values), "max": max(values),
            "total": sum(values)}


async def _signed_in(http: aiohttp.ClientSession, base: str) -> None:
    async with http.get(f"{base}/signin") as page:
        token = re.search(r'name="csrf_token" value="([^"]+)"', await page.text()).group(1)
    async with http.post(f"{base}/signin", data={"name": "tables-bench", "password": PASSWORD,
                                                 "csrf_token": token},
                         allow_redirects=False) as answer:
        if answer.status != 302:
            raise RuntimeError(f"sign-in failed: {answer.status}")


async def _part(name: str, phones: list[SeatedPhone], tally: Tally, load: dict,
                server: ServerProcess, seed: int) -> dict:
    """One part: post, settle, and what it measured."""
    part = Part(name)
    SeatedPhone.part = part
    tally.ack_latency.clear()
    tally.answered.clear()
    server_cpu, own_cpu, started = server.cpu_seconds(), own_cpu_seconds(), time.monotonic()
    await _post(phones, part, load["ideas_per_phone"], load["duration"], seed)
    drain = await _settle(phones, part, DRAIN)
    elapsed = time.monotonic() - started
    SeatedPhone.part = None
    table_of = {}
    for phone in phones:
        table_of.setdefault(phone.table_id, set()).add(phone.index)
    heard_by_exactly_their_table = sum(
        1 for key in part.stored
        if part.hearers.get(key, set()) == table_of[part.author_table[key]])
    return {
        "ideas_sent": len(part.sent_at), "ideas_acked_ok": len(part.stored),
        "refused": {f"{c} {o}": n for (c, o), n in tally.answered.items() if o != "ok"},
        "unanswered": sum(len(p.pending) for p in phones),
        "ack": _spread(tally.ack_latency.get("idea.post", [])),
        "fanout": _spread(part.fanout),
        "delivered": part.deliveries, "expected": _expected(part, phones),
        "from_other_tables": part.from_other_tables, "unknown": part.unknown,
        "gaps": part.gaps,
        "ideas_heard_by_exactly_their_table": (heard_by_exactly_their_table
                                               if name == "tables" else None),
        "frames_per_phone": _per_phone(part.frames, phones),
        "ideas_heard_per_phone": _per_phone(part.heard, phones),
        "seconds": {"load": round(elapsed - drain, 2), "drain": round(drain, 2)},
        "server_cpu_percent": round(100 * (server.cpu_seconds() - server_cpu) / elapsed, 1),
        "generator_cpu_percent": round(100 * (own_cpu_seconds() - own_cpu) / elapsed, 1),
    }


async def measure(base: str, server_pid: int, seeded: dict, quick: bool,
                  room_first: bool = False) -> dict:
    """Join the phones and the board; the tables part, then the room part (or the other
    way round)."""
    load = QUICK if quick else FULL
    tally = Tally(len(seeded["phones"]))
    phones = [SeatedPhone(tally, index, {"workshop_id": seeded["workshop_id"],
                                          "token": phone["token"], "lang": "en"},
                          phone["table_id"])
              for index, phone in enumerate(seeded["phones"])]
    parts = urlsplit(base)
    socket_url = f"ws://{parts.netloc}/socket.io/?EIO=4&transport=websocket"
    server = ServerProcess(server_pid)
    jar = aiohttp.CookieJar(unsafe=True)  # 127.0.0.1 is an IP address: keep its cookies
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=jar,
                                     trust_env=False) as http:
        await _signed_in(http, base)
        board = SeatedPhone(Tally(1), -1, {"workshop_id": seeded["workshop_id"], "lang": "en"},
                            None)
        await join_all([board], http, socket_url, base, 1, board.tally)
        if not board.joined:
            raise RuntimeError(f"the board could not join: {dict(board.tally.join_failures)}")
        join_seconds = await join_all(phones, http, socket_url, base, 50, tally)
        joined = [phone for phone in phones if phone.joined]
        await asyncio.sleep(QUIET)
        result = {"phones": len(phones), "connected": len(joined),
                  "join_seconds": round(join_seconds, 2),
                  "join_failures": dict(tally.join_failures),
                  "tables": len({phone.table_id for phone in joined}),
                  "per_table": sorted(Counter(p.table_id for p in joined).values())}
        order = [("whole_room", "room"), ("at_tables", "tables")] if room_first else \
            [("at_tables", "tables"), ("whole_room", "room")]
        for figures, name in order:
            moved = await board.call("activity.go", {"activity_id": seeded[name]})
            if not moved.get("ok"):
                raise RuntimeError(f"activity.go refused: {moved}")
            await asyncio.sleep(QUIET)
            # The same schedule in both parts: only where the ideas are told differs.
            result[figures] = await _part(name, joined, tally, load, server, 7)
        result["order"] = [name for _figures, name in order]
        await asyncio.gather(*(phone.close() for phone in [*phones, board]),
                             return_exceptions=True)
    return result


def one_case(kind: str, tree: Path, workdir: Path, postgresql_url: str | None,
             quick: bool, room_first: bool = False) -> dict:
    """Start a server on a fresh database, seed it, measure; the figures."""
    workdir.mkdir(parents=True, exist_ok=True)
    with database(kind, workdir, postgresql_url) as url, \
            serving("tupa", tree, url, workdir, {}) as (process, base, log):
        seeded = _seed(tree, url, TABLES, PER_TABLE)
        run = measure(base, process.pid, seeded, quick, room_first)
        try:
            import uvloop
        except ImportError:
            result = asyncio.run(asyncio.wait_for(run, DEADLINE))
        else:
            result = uvloop.run(asyncio.wait_for(run, DEADLINE))
        written = log.read_text(errors="replace")
        result["server_tracebacks"] = written.count("Traceback")
        if result["server_tracebacks"]:
            first = written.index("Traceback")
            result["first_server_error"] = written[max(0, first - 300):first + 3000]
    result["load"] = QUICK if quick else FULL
    return result


def _met(result: dict) -> tuple[bool, str]:
    tables, room = result["at_tables"], result["whole_room"]
    p99, floor = tables["fanout"]["p99_ms"], room["fanout"]["p99_ms"]
    met = p99 is not None and floor is not None and p99 <= floor
    return met, f"{p99} ms at tables, {floor} ms in the whole room"


def report(kind: str, result: dict) -> str:
    """The case as Markdown."""
    load = result["load"]
    tables, room = result["at_tables"], result["whole_room"]
    lines = [f"### {kind}: tables ({result['phones']} phones at {TABLES} tables of "
             f"{PER_TABLE}, {load['ideas_per_phone']} ideas each over {load['duration']:g} s; "
             f"parts in the order {', then '.join(result['order'])})", "",
             f"Connected {result['connected']}/{result['phones']} in "
             f"{result['join_seconds']} s, at {result['tables']} tables "
             f"({min(result['per_table'])}-{max(result['per_table'])} a table).", "",
             "| figure | at tables | whole room |", "|---|---:|---:|"]

    def row(label, pick, unit=""):
        lines.append(f"| {label} | {pick(tables)}{unit} | {pick(room)}{unit} |")

    row("ideas acked ok / sent", lambda p: f"{p['ideas_acked_ok']}/{p['ideas_sent']}")
    row("idea.post ack p50 / p99", lambda p: f"{p['ack']['p50_ms']} / {p['ack']['p99_ms']}",
        " ms")
    for share in ("p50", "p95", "p99", "max"):
        row(f"fan-out {share}", lambda p, s=share: p["fanout"][f"{s}_ms"], " ms")
    row("deliveries / expected", lambda p: f"{p['delivered']}/{p['expected']}")
    row("ideas heard from another table",
        lambda p: p["from_other_tables"] if p is tables else "–")
    row("frames per phone (min / median / max)",
        lambda p: "{min} / {median:g} / {max}".format(**p["frames_per_phone"]))
    row("idea.posted per phone (min / median / max)",
        lambda p: "{min} / {median:g} / {max}".format(**p["ideas_heard_per_phone"]))
    row("gaps in a phone's fact numbers", lambda p: p["gaps"])
    row("server CPU", lambda p: p["server_cpu_percent"], " %")
    row("generator CPU", lambda p: p["generator_cpu_percent"], " %")
    met, seen = _met(result)
    exact = tables["ideas_heard_by_exactly_their_table"]
    lines += ["", f"Ideas at tables heard by every phone of their table and no other: {exact} "
              f"of {tables['ideas_sent']}; server tracebacks: {result['server_tracebacks']}.",
              f"- target table fan-out p99 <= whole room's: **{'met' if met else 'MISSED'}** "
              f"({seen})", ""]
    if error := result.get("first_server_error"):
        lines += ["First error in the server's log:", "", "```", error.strip()[-1500:], "```",
                  ""]
    return "\n".join(lines)


def main() -> None:
    """Run the case on the chosen databases and print it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--databases", default="sqlite")
    parser.add_argument("--postgresql-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--tree", type=Path, default=REPOSITORY)
    parser.add_argument("--quiet-wait", type=float, default=120.0)
    parser.add_argument("--room-first", action="store_true",
                        help="the whole room's part first, then the tables'")
    parser.add_argument("--output", type=Path, help="append every figure as JSON lines here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tupa-tables-bench-") as scratch:
        for kind in args.databases.split(","):
            busy = wait_for_quiet(args.quiet_wait)
            result = one_case(kind, args.tree.resolve(), Path(scratch) / kind,
                              args.postgresql_url, args.quick, args.room_first)
            print(report(kind, result) + f"Machine busy before the run: {busy} % of a CPU\n")
            if args.output:
                with args.output.open("a") as output:
                    output.write(json.dumps({"database": kind, "busy": busy, **result}) + "\n")
            with contextlib.suppress(OSError):
                sys.stdout.flush()


if __name__ == "__main__":
    main()
