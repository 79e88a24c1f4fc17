"""Two server processes, one PostgreSQL, Redis between them: one workshop, wherever a phone lands.

Behind nginx without sticky sessions, two phones of one workshop may sit on different
processes. What one sends must reach the other, the vote budget must hold when one person's
taps land on both, and every board must count the same people online.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from conftest import fresh_postgresql_url

from .conftest import WAIT, Tupa, another_server, at_once, csrf_token
from .test_concurrency import BUDGET, TAPS, assert_exactly_the_budget, stored_votes

pytestmark = pytest.mark.e2e

MESSAGE_QUEUE = "redis://127.0.0.1:6379/7"
# Pub/sub ignores the database number above: only a channel of its own keeps this run's
# processes from hearing another run's (two developers, CI twice) on the same Redis.
RUN = uuid.uuid4().hex[:12]
CHANNEL = f"tupa-test-{RUN}"


def redis_or_skip() -> None:
    """Redis must answer where CI runs (it starts Redis with PostgreSQL); elsewhere, skip."""
    queue = redis.Redis.from_url(MESSAGE_QUEUE, socket_timeout=5)
    try:
        queue.ping()
    except redis.ConnectionError:
        if os.environ.get("TEST_DATABASE_URL"):
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    finally:
        queue.close()


@pytest.fixture(scope="module")
def processes(tmp_path_factory) -> Iterator[tuple[Tupa, Tupa]]:
    """Processes A and B: one PostgreSQL schema, one Redis, one SECRET_KEY, two server ids."""
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        pytest.skip("several processes need a shared PostgreSQL: set TEST_DATABASE_URL "
                    "(CI does); SQLite is one process's database")
    redis_or_skip()
    url, drop_schema = fresh_postgresql_url(base_url)
    instance = tmp_path_factory.mktemp("tupa-processes")
    shared = {"SOCKETIO_MESSAGE_QUEUE": MESSAGE_QUEUE, "TUPA_SOCKETIO_CHANNEL": CHANNEL,
              "SECRET_KEY": secrets.token_urlsafe(32)}
    try:
        # One after the other: A applies the migrations, B then finds the schema current.
        with another_server("postgresql", url, instance / "a", TUPA_SERVER_ID=f"a-{RUN}",
                            **shared) as a, \
             another_server("postgresql", url, instance / "b", TUPA_SERVER_ID=f"b-{RUN}",
                            **shared) as b:
            yield Tupa(a), Tupa(b)
    finally:
        drop_schema()


@pytest.fixture
def a_and_b(processes) -> Iterator[tuple[Tupa, Tupa]]:
    """Both processes for one test; fails it if either logged a traceback meanwhile."""
    for tupa in processes:
        if tupa.server.process.poll() is not None:
            pytest.fail(f"process {tupa.url} has exited; its stderr:\n"
                        f"{tupa.server.stderr()[-6000:]}", pytrace=False)
    since = [tupa.server.stderr_size() for tupa in processes]
    yield processes
    for tupa in processes:
        tupa.close_all()
        tupa.screens.clear()
        tupa.browsers.clear()
    for tupa, offset in zip(processes, since, strict=True):
        written = tupa.server.stderr(offset)
        if "Traceback" in written:
            pytest.fail(f"process {tupa.url} logged an error:\n{written[-6000:]}", pytrace=False)


def test_a_participant_on_one_process_sees_ideas_posted_on_the_other(a_and_b):
    a, b = a_and_b
    workshop = a.workshop()
    board = a.board(workshop)
    on_a = a.phone(workshop, a.join(workshop, "city"))
    on_b = b.phone(workshop, b.join(workshop, "company"))
    for screen in (board, on_a, on_b):
        screen.sync()

    from_b = on_b.ok("idea.post", {"key": "b1", "text": "Katuvalot syttymään askelista"})["idea"]
    from_a = on_a.ok("idea.post", {"key": "a1", "text": "Bänkar vid varje hållplats"})["idea"]

    expected = [from_b["id"], from_a["id"]]
    for screen in (board, on_a, on_b):
        told = screen.wait_for("idea.posted", 2)
        assert [p["idea"]["id"] for p in told] == expected
        # One sequence for the workshop, whichever process stamped the fact.
        assert [p["seq"] for p in told] == [1, 2]
    assert [p["idea"]["text"] for p in on_a.facts("idea.posted")] == [
        "Katuvalot syttymään askelista", "Bänkar vid varje hållplats"]
    assert [i["id"] for i in on_b.sync()["ideas"]] == expected


def test_the_vote_budget_holds_when_taps_land_on_both_processes(a_and_b):
    a, b = a_and_b
    workshop = a.workshop(vote_budget=BUDGET)
    board = b.board(workshop)
    author = a.phone(workshop, a.join(workshop, "research"))
    ideas = [author.ok("idea.post", {"key": f"k{n}", "text": f"Idea {n}"})["idea"]["id"]
             for n in range(3)]
    board.ok("phase.set", {"phase": "voting"})
    token = a.join(workshop)
    tabs = [a.phone(workshop, token), b.phone(workshop, token),
            a.phone(workshop, token), b.phone(workshop, token)]
    me = tabs[0].sync()["me"]
    assert me["votes_left"] == BUDGET

    answers = at_once([(tabs[n % 4], "vote.cast", {"key": f"tap-{n}", "idea_id": ideas[n % 3]})
                       for n in range(TAPS)])

    assert_exactly_the_budget(answers)
    assert stored_votes(a.server, me["participant_id"]) == BUDGET
    for tab in tabs:
        assert tab.sync()["me"]["votes_left"] == 0
    board.wait_for("votes.progressed", where=lambda p: p["votes_cast"] == BUDGET)


def test_every_board_counts_the_same_phones_online_across_processes(a_and_b):
    a, b = a_and_b
    workshop = a.workshop()
    boards = [a.board(workshop), b.board(workshop)]
    phones_on_a = [a.phone(workshop, a.join(workshop, "city")) for _ in range(3)]
    phones_on_b = [b.phone(workshop, b.join(workshop, kind)) for kind in ("company", "citizen")]
    everyone = len(phones_on_a) + len(phones_on_b)

    for board in boards:
        board.wait_for("presence.changed", where=lambda p: p["online"] == everyone)
    expected = {"online": everyone, "joined": everyone,
                "by_organisation_type": {"city": 3, "company": 1, "research": 0,
                                         "citizen": 1, "other": 0}}
    assert [board.sync()["presence"] for board in boards] == [expected, expected]

    # A count of everyone - 1 may have come while the phones were arriving: wait for a new one.
    def one_left(p: dict) -> bool:
        return p["online"] == everyone - 1

    before = [len([p for p in board.facts("presence.changed") if one_left(p)]) for board in boards]
    phones_on_b[0].close()
    for board, seen in zip(boards, before, strict=True):
        board.wait_for("presence.changed", seen + 1, where=one_left)
        presence = board.sync()["presence"]
        assert (presence["online"], presence["by_organisation_type"]["company"]) == (
            everyone - 1, 0)


def test_erasing_a_participant_closes_their_sockets_on_every_process(a_and_b):
    a, b = a_and_b
    workshop = a.workshop()
    token = a.join(workshop, "city", nickname="Aino")
    tabs = [a.phone(workshop, token), b.phone(workshop, token)]
    neighbour = b.phone(workshop, b.join(workshop, "company"))
    participant_id = tabs[0].sync()["me"]["participant_id"]
    address = f"{a.url}/workshops/{workshop.id}/participants/{participant_id}/erase"
    desk = workshop.facilitator.http

    confirm = desk.get(address, timeout=WAIT)
    erased = desk.post(address, data={"csrf_token": csrf_token(confirm.text)}, timeout=WAIT,
                       allow_redirects=False)

    assert erased.status_code == 302, erased.text[:500]
    deadline = time.monotonic() + WAIT
    while any(tab.client.connected for tab in tabs) and time.monotonic() < deadline:
        time.sleep(0.05)
    # The tab on A is closed by A itself; the one on B through Redis.
    assert [tab.client.connected for tab in tabs] == [False, False]
    assert neighbour.client.connected and neighbour.sync()["me"]["participant_id"]


def test_installations_on_one_redis_hear_only_their_own_channel(tmp_path):
    """Three installations, each with its own SQLite, so each has a workshop 1: the same room.

    `mine` and `twin` share a channel, and the twin's phone hearing the idea proves the rooms
    really collide on one Redis; `stranger`, on a channel of its own, must hear nothing.
    """
    redis_or_skip()
    channels = {"mine": f"{CHANNEL}-x", "twin": f"{CHANNEL}-x", "stranger": f"{CHANNEL}-y"}
    with contextlib.ExitStack() as stack:
        servers = {}
        for name, channel in channels.items():
            instance = tmp_path / name
            servers[name] = Tupa(stack.enter_context(another_server(
                "sqlite", f"sqlite:///{instance / 'tupa.db'}", instance,
                SOCKETIO_MESSAGE_QUEUE=MESSAGE_QUEUE, TUPA_SOCKETIO_CHANNEL=channel)))
            stack.callback(servers[name].close_all)
        workshops = {name: tupa.workshop() for name, tupa in servers.items()}
        assert len({w.id for w in workshops.values()}) == 1, "the rooms must share a name"
        phones = {name: tupa.phone(workshops[name], tupa.join(workshops[name]))
                  for name, tupa in servers.items()}
        for phone in phones.values():
            phone.sync()

        mine = phones["mine"].ok("idea.post", {"key": "m1", "text": "Vain omalle kanavalle"})
        heard = phones["twin"].wait_for("idea.posted")
        assert [p["idea"]["text"] for p in heard] == [mine["idea"]["text"]]
        # Had the stranger been listening, it would have heard it when the twin did; its own
        # idea, one round trip later, must be all it was told.
        own = phones["stranger"].ok("idea.post", {"key": "s1", "text": "Oma idea"})
        told = phones["stranger"].wait_for("idea.posted")
        assert [p["idea"]["text"] for p in told] == [own["idea"]["text"]]
        for tupa in servers.values():
            assert "Traceback" not in tupa.server.stderr()
