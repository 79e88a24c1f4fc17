"""The real server (run.py on eventlet) in a subprocess, and the screens that talk to it.

`server` starts Tupa once per database (SQLite always, PostgreSQL when TEST_DATABASE_URL is
set) and is shared by the end-to-end and browser tests. `tupa` is what a test holds: it seeds
facilitators, workshops and participants, signs facilitators in over HTTP, and opens
python-socketio connections that record every fact they receive. Only 127.0.0.1 is contacted,
and every wait is bounded.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import socketio
from arrange import PASSWORD
from conftest import fresh_postgresql_url
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from workshop import models
from workshop.config import database_url
from workshop.database import tune_engine
from workshop.domain.agenda import phase_of_kind
from workshop.services import agenda, facilitators, workshops

REPOSITORY = Path(__file__).resolve().parents[2]
DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
START_TIMEOUT = 30.0
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WAIT = 15.0  # seconds any one fact or acknowledgement may take before a test fails


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _local_http() -> requests.Session:
    """An HTTP session that never goes through a proxy: only 127.0.0.1 is ever contacted."""
    http = requests.Session()
    http.trust_env = False
    return http


@dataclass
class RunningServer:
    """One `python run.py` process, its database, and where its output goes."""

    kind: str  # "sqlite" or "postgresql"
    url: str
    database_url: str
    env: dict[str, str]
    process: subprocess.Popen
    stderr_path: Path
    engine: Engine

    def stderr(self, since: int = 0) -> str:
        """What the server wrote to stderr, from a byte offset on."""
        with self.stderr_path.open("rb") as log:
            log.seek(since)
            return log.read().decode("utf-8", "replace")

    def stderr_size(self) -> int:
        """How far the server's stderr has grown, to read only what a test caused."""
        return self.stderr_path.stat().st_size

    @contextlib.contextmanager
    def database(self) -> Iterator[Session]:
        """A session on the server's database from the test process; commits on success."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session
            session.commit()

    def kill(self) -> None:
        """SIGKILL the server, as a power cut or the OOM killer would: no goodbye to anyone."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def restart(self) -> None:
        """Start run.py again on the same port and database, once the last one has ended."""
        _stop(self.process)
        self.process = _spawn(self.env, self.stderr_path.parent, "ab")
        _wait_until_serving(self.process, self.url, self.stderr_path)


def _wait_until_serving(process: subprocess.Popen, url: str, stderr_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with _local_http() as http:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                answer = http.get(f"{url}/socket.io/?EIO=4&transport=polling", timeout=1)
                if answer.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
    state = f"exited with {process.returncode}" if process.poll() is not None else "timed out"
    pytest.fail(f"run.py did not start ({state}); its stderr:\n"
                f"{stderr_path.read_text(errors='replace')[-6000:]}", pytrace=False)


def _die_with_the_tests() -> None:
    """In the server's process: on Linux, be sent SIGTERM when the test runner dies.

    A test run killed hard would otherwise leave run.py serving, holding its port and its
    database connections, until someone finds it.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def start_server(kind: str, instance: Path) -> Iterator[RunningServer]:
    """Run Tupa (run.py, eventlet, migrations on start) on a fresh database until the block ends.

    `kind` is "sqlite" (a file in `instance`) or "postgresql" (a schema of its own in
    TEST_DATABASE_URL). The shared `server` fixture uses this; a test that kills its server
    starts its own here.
    """
    drop_schema = None
    if kind == "sqlite":
        url = f"sqlite:///{instance / 'tupa.db'}"
    else:
        url, drop_schema = fresh_postgresql_url(os.environ["TEST_DATABASE_URL"])
    port = _free_port()
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("TUPA_", "SOCKETIO_")) and key not in {"DATABASE_URL", "SECRET_KEY"}
    }
    env.update(
        HOST="127.0.0.1",
        PORT=str(port),
        TUPA_INSTANCE_DIR=str(instance),
        SECRET_KEY=secrets.token_urlsafe(32),
        TUPA_SERVER_ID=f"e2e-{uuid.uuid4().hex[:12]}",
        DATABASE_URL=url,
        PYTHONUNBUFFERED="1",
    )
    process = _spawn(env, instance, "wb")
    engine = create_engine(database_url(url))
    tune_engine(engine)  # the same locking and busy timeout on SQLite as the server's
    base = f"http://127.0.0.1:{port}"
    running = RunningServer(kind, base, url, env, process, instance / "server.err", engine)
    try:
        _wait_until_serving(process, base, running.stderr_path)
        yield running
    finally:
        _stop(running.process)
        engine.dispose()
        if drop_schema:
            drop_schema()


def _spawn(env: dict[str, str], instance: Path, mode: str) -> subprocess.Popen:
    stdout_path, stderr_path = instance / "server.out", instance / "server.err"
    with stdout_path.open(mode) as out, stderr_path.open(mode) as err:
        return subprocess.Popen([sys.executable, "run.py"], cwd=REPOSITORY, env=env,
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                preexec_fn=_die_with_the_tests)



@contextlib.contextmanager
def another_server(kind: str, url: str, instance: Path,
                   **settings: str) -> Iterator[RunningServer]:
    """One more run.py on a free port, on a database the caller made (and drops); stopped after.

    `settings` are extra environment variables, e.g. SOCKETIO_MESSAGE_QUEUE, TUPA_SERVER_ID,
    or a SECRET_KEY shared with another process so that a sign-in holds on both.
    """
    instance.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("TUPA_", "SOCKETIO_")) and key not in {"DATABASE_URL", "SECRET_KEY"}
    }
    env.update(HOST="127.0.0.1", PORT=str(port), TUPA_INSTANCE_DIR=str(instance),
               SECRET_KEY=secrets.token_urlsafe(32), DATABASE_URL=url, PYTHONUNBUFFERED="1",
               TUPA_SERVER_ID=f"e2e-{uuid.uuid4().hex[:12]}")
    env.update(settings)
    process = _spawn(env, instance, "wb")
    engine = create_engine(database_url(url))
    tune_engine(engine)
    running = RunningServer(kind, f"http://127.0.0.1:{port}", url, env, process,
                            instance / "server.err", engine)
    try:
        _wait_until_serving(process, running.url, running.stderr_path)
        yield running
    finally:
        _stop(running.process)
        engine.dispose()

@pytest.fixture(scope="session", params=DATABASES)
def server(request, tmp_path_factory) -> Iterator[RunningServer]:
    """Tupa running for real (run.py, eventlet, migrations on start) on a fresh database."""
    with start_server(request.param, tmp_path_factory.mktemp(f"tupa-{request.param}")) as running:
        yield running


class Screen:
    """One Socket.IO connection to the server, keeping every fact it is told, in order."""

    def __init__(self, url: str, auth: dict, cookie: str | None = None):
        self.auth = auth
        self.received: list[tuple[str, dict]] = []
        self._arrival = threading.Condition()
        self.client = socketio.Client(reconnection=False, http_session=_local_http())
        self.client.on("facts", self._record)
        headers = {"Cookie": cookie} if cookie else {}
        self.client.connect(url, auth=auth, headers=headers, transports=["websocket"],
                            wait_timeout=WAIT)

    def _record(self, frame: list[dict]) -> None:
        with self._arrival:
            self.received.extend((fact["name"], fact["payload"]) for fact in frame)
            self._arrival.notify_all()

    def call(self, name: str, payload: dict | None = None) -> dict:
        """Send a command and return its acknowledgement."""
        return self.client.call(name, {} if payload is None else payload, timeout=WAIT)

    def ok(self, name: str, payload: dict | None = None) -> dict:
        """Send a command that must succeed; its data."""
        answer = self.call(name, payload)
        assert answer["ok"], f"{name} {payload!r} was refused: {answer!r}"
        return answer["data"]

    def sync(self) -> dict:
        """The workshop snapshot, as every screen asks for it after (re)connecting."""
        return self.ok("workshop.sync")

    def facts(self, name: str) -> list[dict]:
        """The payloads of the facts of one name received so far."""
        with self._arrival:
            return [payload for fact, payload in self.received if fact == name]

    def names(self) -> set[str]:
        """Every fact name received so far."""
        with self._arrival:
            return {fact for fact, _ in self.received}

    def wait_for(self, name: str, count: int = 1, timeout: float = WAIT,
                 where=lambda payload: True) -> list[dict]:
        """Wait until `count` facts of a name (and matching `where`) arrived; return them all."""
        deadline = time.monotonic() + timeout
        with self._arrival:
            while True:
                matching = [p for f, p in self.received if f == name and where(p)]
                if len(matching) >= count:
                    return matching
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"waited {timeout}s for {count} x {name}, got {len(matching)}; "
                                f"received: {[f for f, _ in self.received][-20:]}")
                self._arrival.wait(left)

    def close(self) -> None:
        """Hang up; waits (bounded) until the server saw it."""
        if self.client.connected:
            self.client.disconnect()


def at_once(sends: list[tuple[Screen, str, dict]], timeout: float = WAIT) -> list[dict]:
    """Send many commands without waiting in between, as fast taps do; their answers in order.

    The server handles every incoming event in its own greenlet, so these really race there.
    """
    answers: list[dict | None] = [None] * len(sends)
    arrival = threading.Condition()

    def keeper(index: int):
        def keep(answer: dict) -> None:
            with arrival:
                answers[index] = answer
                arrival.notify_all()
        return keep

    for index, (screen, name, payload) in enumerate(sends):
        screen.client.emit(name, payload, callback=keeper(index))
    with arrival:
        if not arrival.wait_for(lambda: None not in answers, timeout):
            missing = sum(answer is None for answer in answers)
            pytest.fail(f"{missing} of {len(sends)} commands got no answer in {timeout}s")
    return answers


@dataclass
class Facilitator:
    """A facilitator account seeded in the database, and its HTTP session once signed in."""

    id: int
    name: str
    http: requests.Session | None = None


@dataclass
class Workshop:
    """A workshop as the tests refer to it."""

    id: int
    join_code: str
    facilitator: Facilitator
    vote_budget: int
    votes_per_idea: int


@dataclass
class Tupa:
    """A test's handle on the running server: seeds rows, signs in, opens screens."""

    server: RunningServer
    screens: list[Screen] = field(default_factory=list)
    browsers: list[requests.Session] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def facilitator(self) -> Facilitator:
        """A new facilitator account (password PASSWORD), not signed in yet."""
        name = f"facilitator-{uuid.uuid4().hex[:10]}"
        with self.server.database() as session:
            account = facilitators.create_facilitator(session, name, PASSWORD)
            return Facilitator(account.id, name)

    def sign_in(self, facilitator: Facilitator) -> requests.Session:
        """Sign in through the sign-in page, as a browser would; keeps the session cookie."""
        http = self.visitor()
        form = http.get(f"{self.url}/signin", timeout=WAIT)
        assert form.status_code == 200, form.text[:500]
        answer = http.post(f"{self.url}/signin", timeout=WAIT, allow_redirects=False, data={
            "name": facilitator.name, "password": PASSWORD, "csrf_token": csrf_token(form.text),
        })
        assert answer.status_code in (302, 303), (answer.status_code, answer.text[:500])
        assert http.cookies.get("tupa_session"), "signing in set no session cookie"
        facilitator.http = http
        return http

    def workshop(self, facilitator: Facilitator | None = None, *, vote_budget: int = 5,
                 votes_per_idea: int | None = None, phase: str = "posting",
                 language: str = "en") -> Workshop:
        """A new workshop of a (new, signed-in) facilitator, in a given phase."""
        if facilitator is None:
            facilitator = self.facilitator()
            self.sign_in(facilitator)
        with self.server.database() as session:
            account = session.get(models.Facilitator, facilitator.id)
            row, _ = workshops.create_workshop(
                session, account, title="Hiljaisempi kaupunki", question="How might we ...?",
                vote_budget=vote_budget, votes_per_idea=votes_per_idea, language=language,
            )
            # Straight to the first activity in that phase, as if the facilitator went there.
            activity = next(a for a in agenda.activities_of(session, row.id)
                            if phase_of_kind(a.kind).value == phase)
            row.current_activity_id, row.phase = activity.id, phase
            session.flush()
            return Workshop(row.id, row.join_code, facilitator, row.vote_budget,
                            row.votes_per_idea)

    def join(self, workshop: Workshop, organisation_type: str = "city", nickname: str = "",
             organisation_name: str = "") -> str:
        """Join through the join page, as a phone would; returns the token its cookie keeps."""
        http = self.visitor()
        form = http.get(f"{self.url}/w/{workshop.join_code}", timeout=WAIT)
        assert form.status_code == 200, form.text[:500]
        answer = http.post(
            f"{self.url}/w/{workshop.join_code}/join", timeout=WAIT, allow_redirects=False,
            data={"nickname": nickname, "organisation_type": organisation_type,
                  "organisation_name": organisation_name, "csrf_token": csrf_token(form.text)},
        )
        assert answer.status_code in (302, 303), (answer.status_code, answer.text[:500])
        token = http.cookies.get(f"tupa_p_{workshop.id}")
        assert token, "joining set no participant cookie"
        return token

    def workshop_through_page(self, facilitator: Facilitator, *, title: str, question: str,
                              vote_budget: int, votes_per_idea: int | None,
                              language: str = "en") -> Workshop:
        """Create a workshop with the facilitator's form; its id comes from the redirect."""
        http = facilitator.http
        assert http is not None, "sign the facilitator in first"
        form = http.get(f"{self.url}/workshops/new", timeout=WAIT)
        assert form.status_code == 200, form.text[:500]
        answer = http.post(f"{self.url}/workshops/new", timeout=WAIT, allow_redirects=False, data={
            "title": title, "question": question, "vote_budget": str(vote_budget),
            "votes_per_idea": "" if votes_per_idea is None else str(votes_per_idea),
            "language": language, "csrf_token": csrf_token(form.text),
        })
        assert answer.status_code in (302, 303), (answer.status_code, answer.text[:500])
        workshop_id = int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
        with self.server.database() as session:
            row = session.get(models.Workshop, workshop_id)
            assert row.facilitator_id == facilitator.id
            return Workshop(row.id, row.join_code, facilitator, row.vote_budget,
                            row.votes_per_idea)

    def phone(self, workshop: Workshop, token: str, lang: str = "en") -> Screen:
        """A participant's connection, identified by their token."""
        return self._open({"workshop_id": workshop.id, "token": token, "lang": lang})

    def board(self, workshop: Workshop, lang: str = "en") -> Screen:
        """The facilitator's connection, identified by their signed-in session cookie."""
        http = workshop.facilitator.http
        assert http is not None, "sign the facilitator in first"
        cookie = f"tupa_session={http.cookies.get('tupa_session')}"
        return self._open({"workshop_id": workshop.id, "lang": lang}, cookie)

    def visitor(self) -> requests.Session:
        """A fresh HTTP session, like a browser that has never been here: no cookies yet."""
        http = _local_http()
        self.browsers.append(http)
        return http

    def _open(self, auth: dict, cookie: str | None = None) -> Screen:
        screen = Screen(self.url, auth, cookie)
        self.screens.append(screen)
        return screen

    def close_all(self) -> None:
        """Hang up every screen and HTTP session this test opened."""
        for screen in self.screens:
            with contextlib.suppress(Exception):
                screen.close()
        for http in self.browsers:
            http.close()


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    marker = 'name="csrf_token"'
    at = html.find(marker)
    assert at >= 0, "the page has no csrf_token field"
    tag_start = html.rfind("<", 0, at)
    tag = html[tag_start:html.find(">", at) + 1]
    value_at = tag.find('value="') + len('value="')
    return tag[value_at:tag.find('"', value_at)]


@pytest.fixture
def tupa(server) -> Iterator[Tupa]:
    """The running server for one test; fails the test if the server logged a traceback."""
    if server.process.poll() is not None:
        pytest.fail(f"the server has exited; its stderr:\n{server.stderr()[-6000:]}",
                    pytrace=False)
    since = server.stderr_size()
    handle = Tupa(server)
    yield handle
    handle.close_all()
    written = server.stderr(since)
    if "Traceback" in written:
        pytest.fail(f"the server logged an error during this test:\n{written[-6000:]}",
                    pytrace=False)
