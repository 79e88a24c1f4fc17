"""`make bench`: Tupa and a bare Flask-SocketIO server under the same load, side by side.

For each database (SQLite always; PostgreSQL when TEST_DATABASE_URL or --postgresql-url is
given) and each scenario, it starts a fresh server (`python run.py`, one process, eventlet),
seeds a workshop, runs the load generator (load.py) in a process of its own, counts what
was stored, stops the server; then the same against bare_server.py. It prints the figures
as Markdown, each with its ratio to the bare server's, and checks the targets of issue 3.

    python tests/benchmarks/run.py [--quick] [--only ideas-300,votes-1000]
                                   [--databases sqlite,postgresql] [--tree PATH]
                                   [--output results.json] [--report results.md]

Only 127.0.0.1 is contacted. Every server and generator has a deadline and is stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import importlib
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from sqlalchemy import create_engine, text

BENCHMARKS = Path(__file__).resolve().parent
REPOSITORY = BENCHMARKS.parents[1]
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class Scenario:
    """One load: how many phones, what they do, and the target it is held to."""

    name: str
    phones: int
    load: dict
    # After the last command: how long acknowledgements and facts may still take to arrive.
    drain_timeout: float = 60.0
    join_concurrency: int = 50

    @property
    def seconds(self) -> float:
        """How long the load itself lasts."""
        return self.load.get("duration", self.load.get("window", 0))


IDEAS_TO_VOTE_ON = 20

FULL = [
    Scenario("ideas-300", 300, {"kind": "ideas", "ideas_per_phone": 10, "duration": 60}),
    Scenario("ideas-1000", 1000, {"kind": "ideas", "ideas_per_phone": 2, "duration": 60}),
    Scenario("votes-1000", 1000, {"kind": "votes", "votes_per_phone": 5, "window": 10}),
]
# The same rates as the full runs (50 and 33 ideas/s, 500 votes/s), held for less long.
QUICK = [
    Scenario("ideas-300", 300, {"kind": "ideas", "ideas_per_phone": 2, "duration": 12}),
    Scenario("ideas-1000", 1000, {"kind": "ideas", "ideas_per_phone": 1, "duration": 30}),
    Scenario("votes-1000", 300, {"kind": "votes", "votes_per_phone": 5, "window": 3}),
]


def _die_with_the_runner() -> None:
    # In the child: be sent SIGTERM if the benchmark runner is killed, not keep serving.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(process: subprocess.Popen, url: str, log: Path) -> None:
    # No proxy from the environment: only 127.0.0.1 is ever contacted.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError):
            with opener.open(f"{url}/socket.io/?EIO=4&transport=polling", timeout=1) as answer:
                if answer.status == 200:
                    return
        time.sleep(0.2)
    raise RuntimeError(f"the server at {url} did not start; its log:\n"
                       f"{log.read_text(errors='replace')[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


@contextlib.contextmanager
def database(kind: str, workdir: Path, postgresql_url: str | None):
    """A fresh, empty database for one server: an SQLite file, or a PostgreSQL schema."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    sys.path.insert(0, str(REPOSITORY / "tests"))
    from conftest import fresh_postgresql_url  # the tests' own: a schema, dropped after

    url, drop = fresh_postgresql_url(postgresql_url)
    try:
        yield url
    finally:
        drop()


@contextlib.contextmanager
def serving(server: str, tree: Path, url: str, workdir: Path, settings: dict[str, str]):
    """`python run.py` of the Tupa tree, or the bare server, on a free port; stopped after.

    `settings` are extra environment variables for Tupa (e.g. TUPA_BATCH_WRITES=1).
    """
    port = _free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TUPA_", "SOCKETIO_"))
           and key not in {"DATABASE_URL", "SECRET_KEY", "PYTHONPATH"}}
    env.update(HOST="127.0.0.1", PORT=str(port), DATABASE_URL=url, PYTHONUNBUFFERED="1",
               TUPA_INSTANCE_DIR=str(workdir), SECRET_KEY=secrets.token_urlsafe(32),
               TUPA_SERVER_ID=f"bench-{port}")
    if server == "tupa":
        command, cwd = [sys.executable, "run.py"], tree
        env.update(settings)
    else:
        command, cwd = [sys.executable, str(BENCHMARKS / "bare_server.py")], REPOSITORY
        env["PYTHONPATH"] = str(REPOSITORY)
    log = workdir / f"{server}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   preexec_fn=_die_with_the_runner)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_serving(process, base, log)
        yield process, base, log
    finally:
        _stop(process)


def seed(tree: Path, url: str, scenario: Scenario) -> dict:
    """Participants (and ideas to vote on) through the tree's own services, in a subprocess."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(tree)}
    voting = scenario.load["kind"] == "votes"
    answer = subprocess.run(
        [sys.executable, str(BENCHMARKS / "seed.py"), str(scenario.phones),
         str(IDEAS_TO_VOTE_ON if voting else 0), "voting" if voting else "posting"],
        env=env, cwd=tree, capture_output=True, text=True, timeout=300, check=False)
    if answer.returncode:
        raise RuntimeError(f"seeding failed:\n{answer.stderr[-4000:]}")
    return json.loads(answer.stdout)


def stored(server: str, url: str, workshop_id: int) -> dict:
    """Ideas and votes the server's database holds for the workshop after the run."""
    from workshop.config import database_url

    tables = {"tupa": ("idea", "vote"), "bare": ("bench_idea", "bench_vote")}[server]
    engine = create_engine(database_url(url))
    try:
        with engine.connect() as connection:
            counts = [connection.execute(
                text(f"SELECT count(*) FROM {table} WHERE workshop_id = :w"),  # noqa: S608
                {"w": workshop_id}).scalar_one() for table in tables]
    finally:
        engine.dispose()
    return {"ideas": counts[0], "votes": counts[1]}


class Profiler:
    """py-spy sampling the server between start() and stop(), into a flame graph (.svg),
    collapsed stacks (.txt) or a speedscope profile (.json), by the output's suffix.

    With --idle the hub waiting in epoll shows as idle time. py-spy pauses the server for each
    sample (without that, most samples of a busy eventlet process are lost), which slows it:
    take the figures from a run without --profile.
    """

    def __init__(self, pid: int, output: Path | None):
        self.pid, self.output, self.spy = pid, output, None

    def start(self) -> None:
        """Begin sampling, if an output was asked for."""
        if self.output is None or self.spy is not None:
            return
        fmt = {".txt": "raw", ".json": "speedscope"}.get(self.output.suffix, "flamegraph")
        py_spy = Path(sys.executable).with_name("py-spy")
        self.spy = subprocess.Popen(
            [str(py_spy) if py_spy.exists() else "py-spy", "record", "--pid", str(self.pid),
             "--idle", "--rate", "250", "--output", str(self.output),
             "--format", fmt],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_the_runner)

    def stop(self) -> None:
        """Stop sampling; py-spy writes its output when interrupted."""
        if self.spy is None:
            return
        self.spy.send_signal(signal.SIGINT)
        try:
            self.spy.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.spy.kill()
            self.spy.wait(timeout=STOP_TIMEOUT)
        self.spy = None


def drive(command: list[str], log: Path, deadline: float, profiler: Profiler) -> int:
    """Run the load generator; profile the server while it says the load is on."""
    with log.open("wb") as errors:
        generator = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors,
                                     stdin=subprocess.DEVNULL, preexec_fn=_die_with_the_runner)
    # Past the deadline the generator is killed, which also ends the reading below.
    watchdog = threading.Timer(deadline, generator.kill)
    watchdog.start()
    try:
        for line in generator.stdout:  # one line at the start of the load, one at its end
            if line.strip() == b"load":
                profiler.start()
            elif line.strip() == b"settled":
                profiler.stop()
        return generator.wait(timeout=STOP_TIMEOUT)
    finally:
        watchdog.cancel()
        profiler.stop()
        _stop(generator)
        generator.stdout.close()


def _machine_busy_seconds() -> float:
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(longest: float, threshold: float = 20.0) -> float:
    """Wait (at most `longest` s) until the machine is nearly idle; its busy % of one CPU.

    Other people's test runs on the same two cores would be measured as Tupa's latency.
    """
    deadline = time.monotonic() + longest
    while True:
        before, started = _machine_busy_seconds(), time.monotonic()
        time.sleep(2.0)
        busy = 100 * (_machine_busy_seconds() - before) / (time.monotonic() - started)
        if busy <= threshold or time.monotonic() >= deadline:
            return round(busy, 1)
        print(f"  the machine is busy ({busy:.0f}% of a CPU); waiting", file=sys.stderr,
              flush=True)
        time.sleep(8.0)


def one_case(server: str, kind: str, scenario: Scenario, tree: Path, workdir: Path,
             postgresql_url: str | None, flamegraph: Path | None = None,
             settings: dict[str, str] | None = None) -> dict:
    """One server, one database, one scenario: the generator's figures and what was stored."""
    workdir.mkdir(parents=True)
    with database(kind, workdir, postgresql_url) as url, \
            serving(server, tree, url, workdir, settings or {}) as (process, base, log):
        if server == "tupa":
            seeded = seed(tree, url, scenario)
            auths = [{"workshop_id": seeded["workshop_id"], "token": token, "lang": "en"}
                     for token in seeded["tokens"]]
            workshop_id, idea_ids = seeded["workshop_id"], seeded["idea_ids"]
        else:
            workshop_id, idea_ids = 1, list(range(1, IDEAS_TO_VOTE_ON + 1))
            auths = [{"workshop_id": workshop_id, "token": f"phone-{n}", "lang": "en"}
                     for n in range(scenario.phones)]
        load = scenario.load | ({"idea_ids": idea_ids} if scenario.load["kind"] == "votes"
                                else {})
        plan = {"url": base, "server_pid": process.pid, "phones": auths, "scenario": load,
                "join_concurrency": scenario.join_concurrency,
                "drain_timeout": scenario.drain_timeout}
        plan_path, result_path = workdir / "plan.json", workdir / "result.json"
        plan_path.write_text(json.dumps(plan))
        deadline = 120 + scenario.phones * 0.2 + scenario.seconds + scenario.drain_timeout
        generator_log = workdir / "generator.log"
        failed = drive([sys.executable, str(BENCHMARKS / "load.py"), str(plan_path),
                        str(result_path)], generator_log, deadline,
                       Profiler(process.pid, flamegraph))
        if failed:
            raise RuntimeError("the load generator failed:\n"
                               f"{generator_log.read_text(errors='replace')[-4000:]}")
        result = json.loads(result_path.read_text())
        result["stored"] = stored(server, url, workshop_id)
        written = log.read_text(errors="replace")
        result["server_errors"] = written.count("Traceback")
        if result["server_errors"]:
            # The first one names the cause; the rest are usually the same again.
            first = written.index("Traceback")
            result["first_server_error"] = written[max(0, first - 300):first + 4000]
    return result


def _ratio(mine, floor) -> str:
    if mine is None or floor in (None, 0):
        return ""
    return f"{mine / floor:.2f}x"


def _figure(value, unit: str = "") -> str:
    return "n/a" if value is None else f"{value}{unit}"


def _rows(scenario: Scenario, tupa: dict, bare: dict) -> list[tuple[str, str, str, str]]:
    command = "idea.post" if scenario.load["kind"] == "ideas" else "vote.cast"

    def both(pick, unit=""):
        mine, floor = pick(tupa), pick(bare)
        return _figure(mine, unit), _figure(floor, unit), _ratio(mine, floor)

    rows = [
        ("phones connected", f"{tupa['connected']}/{tupa['phones']}",
         f"{bare['connected']}/{bare['phones']}", ""),
        ("all phones joined in", *both(lambda r: r["join"]["all_seconds"], " s")),
        ("join p50", *both(lambda r: r["join"]["p50_ms"], " ms")),
        ("join p99", *both(lambda r: r["join"]["p99_ms"], " ms")),
        ("all phones hung up in", *both(lambda r: r["seconds"].get("hang_up"), " s")),
        (f"{command} ack p50", *both(lambda r: r["acks"].get(command, {}).get("p50_ms"), " ms")),
        (f"{command} ack p99", *both(lambda r: r["acks"].get(command, {}).get("p99_ms"), " ms")),
        (f"{command} ack max", *both(lambda r: r["acks"].get(command, {}).get("max_ms"), " ms")),
        (f"{command} acked ok", *both(lambda r: r["answered_ok"].get(command, 0))),
        ("unanswered", *both(lambda r: sum(r["unanswered"].values()))),
    ]
    if scenario.load["kind"] == "ideas":
        rows += [
            ("fan-out p50", *both(lambda r: r["fanout"]["p50_ms"], " ms")),
            ("fan-out p99", *both(lambda r: r["fanout"]["p99_ms"], " ms")),
            ("fan-out max", *both(lambda r: r["fanout"]["max_ms"], " ms")),
            ("deliveries / expected",
             f"{tupa['fanout']['delivered']}/{tupa['fanout']['expected']}",
             f"{bare['fanout']['delivered']}/{bare['fanout']['expected']}", ""),
            ("not delivered within the drain time", str(tupa["fanout"]["lost"]),
             str(bare["fanout"]["lost"]), ""),
            ("ideas stored", *both(lambda r: r["stored"]["ideas"])),
        ]
    else:
        rows += [
            ("votes offered per second", f"{_offered(scenario, tupa)}",
             f"{_offered(scenario, bare)}", ""),
            ("votes acked per second", *both(lambda r: r["votes_per_second"])),
            ("votes stored", *both(lambda r: r["stored"]["votes"])),
        ]
    rows += [
        ("server RSS idle", *both(lambda r: _mb(r["server"]["rss_idle_kb"]), " MB")),
        ("server RSS, all connected", *both(lambda r: _mb(r["server"]["rss_connected_kb"]),
                                            " MB")),
        ("server RSS peak", *both(lambda r: _mb(r["server"]["rss_peak_kb"]), " MB")),
        ("memory per connection", *both(lambda r: r["server"]["kb_per_connection"], " kB")),
        ("server CPU during load", *both(lambda r: r["server"]["cpu_percent"], " %")),
        ("generator CPU during load", *both(lambda r: r["generator"]["cpu_percent"], " %")),
        ("generator loop lag p99", *both(lambda r: r["generator"]["loop_lag"]["p99_ms"], " ms")),
        ("other processes' CPU (PostgreSQL, anything else)",
         *both(lambda r: r["others_cpu_percent"], " %")),
        ("machine busy before the run", *both(lambda r: r["background_cpu_percent"], " %")),
        ("server tracebacks", str(tupa["server_errors"]), str(bare["server_errors"]), ""),
    ]
    return rows


def _offered(scenario: Scenario, result: dict) -> float:
    return round(result["connected"] * scenario.load["votes_per_phone"] / scenario.seconds, 1)


def _mb(kb):
    return None if kb is None else round(kb / 1024, 1)


def targets(scenario: Scenario, tupa: dict, bare: dict) -> list[tuple[str, bool, str]]:
    """Issue 3's targets for this scenario: (target, met, what was seen)."""
    checks = []
    if scenario.load["kind"] == "ideas":
        # An idea refused with server_error or server_busy was not stored: it counts as lost
        # as much as one never answered or never delivered to another phone.
        sent = tupa["connected"] * scenario.load["ideas_per_phone"]
        refused = sent - tupa["answered_ok"].get("idea.post", 0)
        undelivered = tupa["fanout"]["lost"]
        checks.append(("0 lost", not refused and not undelivered
                       and tupa["connected"] == tupa["phones"],
                       f"{refused} of {sent} ideas not stored and acknowledged "
                       f"({tupa['answered']}, unanswered {tupa['unanswered']}), "
                       f"{undelivered} deliveries missing, "
                       f"{tupa['connected']}/{tupa['phones']} connected"))
        p99 = tupa["fanout"]["p99_ms"]
        checks.append(("fan-out p99 <= 150 ms", p99 is not None and p99 <= 150, f"{p99} ms"))
        if scenario.phones >= 1000:
            floor = bare["fanout"]["p99_ms"]
            ratio = p99 / floor if p99 is not None and floor else None
            checks.append(("fan-out p99 <= 1.3x bare", ratio is not None and ratio <= 1.3,
                           f"{ratio:.2f}x ({p99} vs {floor} ms)" if ratio else "n/a"))
    else:
        expected = tupa["connected"] * scenario.load["votes_per_phone"]
        acked = tupa["answered_ok"].get("vote.cast", 0)
        checks.append(("all votes acked", acked == expected and not tupa["unanswered"],
                       f"{acked}/{expected} acked ok, {tupa['answered']}"))
        p99 = tupa["acks"].get("vote.cast", {}).get("p99_ms")
        checks.append(("vote ack p99 <= 200 ms", p99 is not None and p99 <= 200, f"{p99} ms"))
    return checks


def machine() -> dict:
    """What the figures were measured on."""
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "?")
    memory = next(line.split(":", 1)[1].strip() for line in
                  Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    versions = {name: metadata.version(name) for name in
                ("eventlet", "Flask-SocketIO", "python-socketio", "python-engineio",
                 "SQLAlchemy", "psycopg2-binary", "aiohttp")}
    return {"cpus": os.cpu_count(), "cpu": model, "memory": memory,
            "kernel": platform.release(), "python": platform.python_version(), **versions}


def _tree_version(tree: Path) -> str:
    # A `git archive` export has no .git; whoever exports it writes the commit into .commit.
    stamp = tree / ".commit"
    if stamp.exists():
        return stamp.read_text().strip()[:12] + " (exported)"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=tree,
                                capture_output=True, text=True, timeout=10, check=True)
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                 cwd=tree, capture_output=True, text=True, timeout=10,
                                 check=True)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit.stdout.strip() + (" + uncommitted changes" if changed.stdout.strip() else "")


def report(results: list[dict], header: dict) -> str:
    """The whole run as Markdown: the machine, then a table and the targets per case."""
    lines = [f"Run {header['started']} ({'quick' if header['quick'] else 'full'}), "
             f"Tupa tree {header['tree']} at {header['tree_version']}",
             f"Command: `{header['command']}`", "",
             "Machine: " + ", ".join(f"{k} {v}" for k, v in header["machine"].items()), ""]
    for case in results:
        scenario = case["scenario"]
        lines += [f"### {case['database']}: {scenario.name} ({scenario.phones} phones, "
                  f"{_describe(scenario)})", ""]
        if "error" in case:
            lines += [f"Failed: {case['error']}", ""]
            continue
        lines += ["| figure | Tupa | bare | Tupa / bare |", "|---|---:|---:|---:|"]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in
                  _rows(scenario, case["tupa"], case["bare"])]
        lines += [""] + [f"- target {name}: **{'met' if met else 'MISSED'}** ({seen})"
                         for name, met, seen in case["targets"]] + [""]
        for server in ("tupa", "bare"):
            if error := case[server].get("first_server_error"):
                lines += [f"First error in the {server} server's log:", "", "```",
                          error.strip()[-1500:], "```", ""]
    return "\n".join(lines)


def render(saved: dict) -> str:
    """The report of an earlier run, from its --output file, with today's target checks."""
    cases = []
    for case in saved["cases"]:
        case = {**case, "scenario": Scenario(**case["scenario"])}
        if {"tupa", "bare"} <= case.keys():
            case["targets"] = targets(case["scenario"], case["tupa"], case["bare"])
        cases.append(case)
    return report([c for c in cases if "error" in c or "targets" in c], saved["header"])


def _describe(scenario: Scenario) -> str:
    load = scenario.load
    if load["kind"] == "ideas":
        return f"{load['ideas_per_phone']} ideas each over {load['duration']} s"
    return f"{load['votes_per_phone']} votes each within {load['window']} s"


def main() -> None:
    """Run the chosen scenarios on the chosen databases, Tupa and bare; print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the short development variant")
    parser.add_argument("--only", default="",
                        help="comma-separated scenario names (report-pdf: the report's case, "
                             "tables: 300 phones at 30 tables)")
    parser.add_argument("--databases", default="",
                        help="sqlite,postgresql (default: both when a PostgreSQL URL is known)")
    parser.add_argument("--postgresql-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--tree", type=Path, default=REPOSITORY,
                        help="the Tupa checkout whose run.py is measured")
    parser.add_argument("--servers", default="tupa,bare")
    parser.add_argument("--output", type=Path, help="write every figure as JSON here")
    parser.add_argument("--report", type=Path, help="write the Markdown report here too")
    parser.add_argument("--quiet-wait", type=float, default=300.0,
                        help="seconds to wait, before each case, for the machine to be idle")
    parser.add_argument("--keep", type=Path,
                        help="keep each case's server log, plan and database in this directory")
    parser.add_argument("--profile", type=Path,
                        help="a directory for py-spy flame graphs of each server under load")
    parser.add_argument("--profile-format", choices=["svg", "txt", "json"], default="svg",
                        help="flame graph, collapsed stacks, or speedscope")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for the Tupa server, e.g. "
                             "TUPA_BATCH_WRITES=1 (repeatable)")
    parser.add_argument("--render", type=Path,
                        help="print the report of an earlier --output file; run nothing")
    args = parser.parse_args()
    if args.render:
        print(render(json.loads(args.render.read_text())))
        return
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)

    kinds = ([k for k in args.databases.split(",") if k] or
             ["sqlite"] + (["postgresql"] if args.postgresql_url else []))
    if "postgresql" in kinds and not args.postgresql_url:
        parser.error("postgresql needs --postgresql-url or TEST_DATABASE_URL")
    scenarios = [s for s in (QUICK if args.quick else FULL)
                 if not args.only or s.name in args.only.split(",")]
    servers = args.servers.split(",")
    settings = dict(pair.split("=", 1) for pair in args.set)
    tree = args.tree.resolve()
    header = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick,
              "tree": str(tree), "tree_version": _tree_version(tree), "machine": machine(),
              "command": " ".join([Path(sys.executable).name, *sys.argv]),
              "settings": settings}

    results = []
    with contextlib.ExitStack() as cleanup:
        if args.keep:
            scratch = str(args.keep / header["started"].replace(":", ""))
        else:
            scratch = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="tupa-bench-"))
        for kind in kinds:
            for scenario in scenarios:
                case = {"database": kind, "scenario": scenario}
                for server in servers:
                    print(f"{kind} {scenario.name} {server} ...", file=sys.stderr, flush=True)
                    name = f"{kind}-{scenario.name}-{server}"
                    flamegraph = (args.profile / f"{name}.{args.profile_format}"
                                  if args.profile else None)
                    background = wait_for_quiet(args.quiet_wait)
                    try:
                        case[server] = one_case(server, kind, scenario, tree,
                                                Path(scratch) / name, args.postgresql_url,
                                                flamegraph, settings)
                    except (RuntimeError, subprocess.TimeoutExpired) as error:
                        case["error"] = f"{server}: {error}"
                        continue
                    case[server]["background_cpu_percent"] = background
                if {"tupa", "bare"} <= case.keys():
                    case["targets"] = targets(scenario, case["tupa"], case["bare"])
                results.append(case)

    text_report = report([c for c in results if "error" in c or "targets" in c], header)
    # Cases with their own server: a phone's round trip while a 500-idea PDF is made
    # (report_pdf.py); 300 phones at 30 tables, then the same phones as one room (tables.py).
    for name, module in (("report-pdf", "report_pdf"), ("tables", "tables")):
        if args.only and name not in args.only.split(","):
            continue
        case_module = importlib.import_module(module)
        for kind in kinds:
            print(f"{kind} {name} ...", file=sys.stderr, flush=True)
            busy = wait_for_quiet(args.quiet_wait)
            try:
                case = case_module.one_case(kind, tree, Path(tempfile.mkdtemp(
                    prefix=f"tupa-{name}-bench-")), args.postgresql_url, args.quick)
                text_report += "\n\n" + case_module.report(kind, case) + \
                    f"Machine busy before the run: {busy} % of a CPU\n"
            except (RuntimeError, OSError, TimeoutError, subprocess.TimeoutExpired) as error:
                text_report += f"\n\n### {kind}: {name}\n\nFailed: {error}\n"
    print(text_report)
    if args.report:
        args.report.write_text(text_report + "\n")
    if args.output:
        serialisable = [{**c, "scenario": c["scenario"].__dict__} for c in results]
        args.output.write_text(json.dumps({"header": header, "cases": serialisable}, indent=2))


if __name__ == "__main__":
    main()
