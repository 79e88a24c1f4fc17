"""`make bench`'s report case: a phone's round trip while a 500-idea workshop's PDF is made.

One Tupa server (run.py, eventlet). Workshop A is after its results with 500 ideas, 150
participants' votes and decisions; workshop B is voting, with one phone in it. The phone
taps vote.cast and vote.retract in turn (one command in flight at a time) and each
acknowledgement is timed: first for a while with nothing else going on, then while the
facilitator of A has its PDF made, once with the worker process starting cold and then warm.
The PDF's seconds are those the facilitator waits: from the click (POST) until the status
says "ready".

    python tests/benchmarks/report_pdf.py [--quick] [--databases sqlite,postgresql]

run.py runs it as the "report-pdf" case. Only 127.0.0.1 is contacted; every wait has a
deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

BENCHMARKS = Path(__file__).resolve().parent
REPOSITORY = BENCHMARKS.parents[1]
sys.path.insert(0, str(BENCHMARKS))

from load import percentile  # noqa: E402

from run import database, serving, wait_for_quiet  # noqa: E402

PASSWORD = "report benchmark password"
IDEAS = 500
TAP_GAP = 0.1  # between an acknowledgement and the next tap: under the 15 a second allowed
DEADLINE = 120.0

# Run with the tree's own code (PYTHONPATH), like seed.py: the rows fit that tree's schema.
SEED = """
import json, os, sys
sys.path.insert(0, os.path.join(os.getcwd(), "tests"))
sys.path.insert(0, os.path.join(os.getcwd(), "tests", "benchmarks"))
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from workshop.config import database_url
from workshop.database import tune_engine
from workshop.services import facilitators, workshops
from reports.report_seed import fill
from seed import seed

url, ideas, password = os.environ["DATABASE_URL"], int(sys.argv[1]), sys.argv[2]
engine = create_engine(database_url(url))
tune_engine(engine)
with Session(engine, expire_on_commit=False) as session:
    account = facilitators.create_facilitator(session, "report-bench", password)
    workshop, _ = workshops.create_workshop(
        session, account, title="Raportin mittaus: 500 ideaa", question="Miten voisimme ...?",
        vote_budget=5, votes_per_idea=None, language="fi")
    fill(session, workshop.id, ideas=ideas, people_per_type=50, clusters=25,
         text="Idea {n}: penkit, katokset ja valaistus pysäkeille, jotta odottaminen on mukavaa")
    session.commit()
    report_id = workshop.id
engine.dispose()
voting = seed(url, 1, 20, "voting")
print(json.dumps({"report_workshop": report_id, "phone_workshop": voting["workshop_id"],
                  "token": voting["tokens"][0], "idea_ids": voting["idea_ids"]}))
"""


def _seed(tree: Path, url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(tree)}
    answer = subprocess.run([sys.executable, "-c", SEED, str(IDEAS), PASSWORD], env=env,
                            cwd=tree, capture_output=True, text=True, timeout=600, check=False)
    if answer.returncode:
        raise RuntimeError(f"seeding failed:\n{answer.stderr[-4000:]}")
    return json.loads(answer.stdout.strip().splitlines()[-1])


class Tapper:
    """The phone: one vote.cast or vote.retract in flight at a time, each answer timed."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, idea_id: int):
        self.ws, self.idea_id = ws, idea_id
        self.number = 0
        self.waiting: asyncio.Future | None = None
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            if message.type is not aiohttp.WSMsgType.TEXT:
                break
            if message.data == "2":
                await self.ws.send_str("3")
            elif message.data.startswith("43") and self.waiting and not self.waiting.done():
                self.waiting.set_result(message.data)

    async def tap(self) -> float:
        """One command and its acknowledgement: the round trip in seconds."""
        self.number += 1
        command = "vote.cast" if self.number % 2 else "vote.retract"
        payload = {"key": "bench-tap"}
        if command == "vote.cast":
            payload["idea_id"] = self.idea_id
        self.waiting = asyncio.get_running_loop().create_future()
        started = time.monotonic()
        await self.ws.send_str(f"42{self.number}" + json.dumps([command, payload]))
        answer = await asyncio.wait_for(self.waiting, 30)
        if '"ok":true' not in answer.replace(" ", ""):
            raise RuntimeError(f"{command} refused: {answer[:200]}")
        return time.monotonic() - started

    async def taps_until(self, done: asyncio.Event | float) -> list[float]:
        """Tap until the event is set, or for that many seconds."""
        until = time.monotonic() + done if isinstance(done, float) else None
        seen = []
        while not (done.is_set() if until is None else time.monotonic() >= until):
            seen.append(await self.tap())
            await asyncio.sleep(TAP_GAP)
        return seen


async def _phone(http, base: str, seeded: dict) -> Tapper:
    host = base.split("//", 1)[1]
    ws = await http.ws_connect(f"ws://{host}/socket.io/?EIO=4&transport=websocket",
                               origin=base, compress=0)
    if not (await ws.receive_str()).startswith("0"):
        raise ConnectionError("no Engine.IO open packet")
    await ws.send_str("40" + json.dumps({"workshop_id": seeded["phone_workshop"],
                                         "token": seeded["token"], "lang": "fi"}))
    while not (reply := await ws.receive_str()).startswith("40"):
        if reply.startswith("44"):
            raise ConnectionRefusedError(reply[:200])
    return Tapper(ws, seeded["idea_ids"][0])


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


async def _facilitator(http, base: str) -> None:
    async with http.get(f"{base}/signin") as page:
        token = _token(await page.text())
    async with http.post(f"{base}/signin", data={"name": "report-bench", "password": PASSWORD,
                                                 "csrf_token": token},
                         allow_redirects=False) as answer:
        if answer.status != 302:
            raise RuntimeError(f"sign-in failed: {answer.status}")


async def _make_pdf(http, base: str, workshop_id: int, done: asyncio.Event) -> dict:
    """Click "Make a PDF" and follow the status until it is ready: the seconds, the steps."""
    try:
        async with http.get(f"{base}/workshops/{workshop_id}/report") as page:
            token = _token(await page.text())
        started = time.monotonic()
        steps = []
        async with http.post(f"{base}/workshops/{workshop_id}/report.pdf",
                             data={"csrf_token": token},
                             headers={"Accept": "application/json"}) as answer:
            status = await answer.json()
        while status["state"] not in ("ready", "failed"):
            if time.monotonic() - started > DEADLINE:
                raise RuntimeError("the PDF took too long")
            if not steps or steps[-1] != status["state"]:
                steps.append(status["state"])
            await asyncio.sleep(0.05)
            async with http.get(f"{base}/workshops/{workshop_id}/report.pdf/status") as answer:
                status = await answer.json()
        seconds = time.monotonic() - started
        if status["state"] != "ready":
            raise RuntimeError(f"the PDF failed: {status}")
        async with http.get(f"{base}{status['download_url']}") as answer:
            pdf = await answer.read()
        return {"seconds": round(seconds, 2), "steps": steps, "bytes": len(pdf)}
    finally:
        done.set()


async def _download(http, base: str, workshop_id: int, name: str, done: asyncio.Event) -> dict:
    """Download one of the workshop's files: the seconds until the last byte, and its size."""
    try:
        started = time.monotonic()
        async with http.get(f"{base}/workshops/{workshop_id}/{name}") as answer:
            if answer.status != 200:
                raise RuntimeError(f"{name}: {answer.status}")
            body = await answer.read()
        return {"seconds": round(time.monotonic() - started, 2), "bytes": len(body)}
    finally:
        done.set()


def _spread(values: list[float]) -> dict:
    def ms(value):
        return None if value is None else round(value * 1000, 1)
    return {"taps": len(values), "p50_ms": ms(percentile(values, 0.5)),
            "p99_ms": ms(percentile(values, 0.99)), "max_ms": ms(max(values, default=None))}


async def measure(base: str, seeded: dict, quick: bool) -> dict:
    """Round trips alone, then during a cold and during warm PDF builds."""
    connector = aiohttp.TCPConnector(limit=0)
    jar = aiohttp.CookieJar(unsafe=True)  # 127.0.0.1 is an IP address: keep its cookies
    async with aiohttp.ClientSession(connector=connector, cookie_jar=jar,
                                     trust_env=False) as http:
        await _facilitator(http, base)
        phone = await _phone(http, base, seeded)
        await phone.taps_until(1.0)  # warm the phone's path up first
        result = {"alone": _spread(await phone.taps_until(3.0 if quick else 10.0)),
                  "pdfs": []}
        for build in range(1 if quick else 3):
            done = asyncio.Event()
            making = asyncio.create_task(_make_pdf(http, base, seeded["report_workshop"], done))
            taps = await phone.taps_until(done)
            pdf = await making
            result["pdfs"].append({"worker": "cold" if build == 0 else "warm", **pdf,
                                   "round_trips": _spread(taps)})
        # The workbook is written in a thread (openpyxl holds the GIL as WeasyPrint does):
        # what a phone feels of it is measured here too.
        result["downloads"] = []
        for name in ("export.xlsx", "export.json"):
            done = asyncio.Event()
            fetching = asyncio.create_task(
                _download(http, base, seeded["report_workshop"], name, done))
            taps = await phone.taps_until(done)
            result["downloads"].append({"file": name, **await fetching,
                                        "round_trips": _spread(taps)})
        phone.reader.cancel()
        await phone.ws.close()
    return result


def one_case(kind: str, tree: Path, workdir: Path, postgresql_url: str | None,
             quick: bool) -> dict:
    """Start a server on a fresh database, seed it, measure; the figures."""
    workdir.mkdir(parents=True, exist_ok=True)
    with database(kind, workdir, postgresql_url) as url, \
            serving("tupa", tree, url, workdir, {}) as (_process, base, log):
        seeded = _seed(tree, url)
        result = asyncio.run(asyncio.wait_for(measure(base, seeded, quick), 600))
        result["server_tracebacks"] = log.read_text(errors="replace").count("Traceback")
    return result


def report(kind: str, result: dict) -> str:
    """The case as Markdown."""
    lines = [f"### {kind}: report-pdf ({IDEAS} ideas, 150 voters; a phone voting in another "
             "workshop)", "",
             "| while | made in | round trips | p50 | p99 | max |",
             "|---|---:|---:|---:|---:|---:|"]
    alone = result["alone"]
    lines.append(f"| nothing else | | {alone['taps']} | {alone['p50_ms']} ms | "
                 f"{alone['p99_ms']} ms | {alone['max_ms']} ms |")
    for pdf in result["pdfs"]:
        trips = pdf["round_trips"]
        lines.append(f"| PDF, worker {pdf['worker']} | {pdf['seconds']} s | {trips['taps']} | "
                     f"{trips['p50_ms']} ms | {trips['p99_ms']} ms | {trips['max_ms']} ms |")
    for download in result["downloads"]:
        trips = download["round_trips"]
        lines.append(f"| {download['file']} downloaded | {download['seconds']} s | "
                     f"{trips['taps']} | {trips['p50_ms']} ms | {trips['p99_ms']} ms | "
                     f"{trips['max_ms']} ms |")
    lines += ["", f"PDF size {result['pdfs'][0]['bytes'] // 1024} kB; steps seen: "
              f"{', '.join(result['pdfs'][0]['steps'])}; server tracebacks: "
              f"{result['server_tracebacks']}", ""]
    return "\n".join(lines)


def main() -> None:
    """Run the case on the chosen databases and print it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--databases", default="sqlite")
    parser.add_argument("--postgresql-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--tree", type=Path, default=REPOSITORY)
    parser.add_argument("--quiet-wait", type=float, default=120.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tupa-report-bench-") as scratch:
        for kind in args.databases.split(","):
            busy = wait_for_quiet(args.quiet_wait)
            result = one_case(kind, args.tree.resolve(), Path(scratch) / kind,
                              args.postgresql_url, args.quick)
            print(report(kind, result) + f"Machine busy before the run: {busy} % of a CPU\n")
            with contextlib.suppress(OSError):
                sys.stdout.flush()


if __name__ == "__main__":
    main()
