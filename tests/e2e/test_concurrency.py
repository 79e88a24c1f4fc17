"""Racing commands against the real server: fast taps, several tabs, one key sent thrice.

Every command here is sent without waiting for the one before, so the server's greenlets
run them at the same time; the database, not the client, must keep the rules.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from workshop.models import Idea, Vote

from .conftest import at_once

pytestmark = pytest.mark.e2e

TAPS = 20
BUDGET = 5


@pytest.fixture
def voting(tupa):
    """A workshop with budget 5 and three posted ideas, now open for voting; and its board."""
    workshop = tupa.workshop(vote_budget=BUDGET)
    board = tupa.board(workshop)
    author = tupa.phone(workshop, tupa.join(workshop, "research"))
    ideas = [author.ok("idea.post", {"key": f"k{n}", "text": f"Idea {n}"})["idea"]["id"]
             for n in range(3)]
    board.ok("phase.set", {"phase": "voting"})
    return workshop, board, ideas


def stored_votes(server, participant_id: int) -> int:
    """Vote rows of one participant, counted in the database itself."""
    with server.database() as session:
        return session.execute(
            select(func.count()).select_from(Vote).where(Vote.participant_id == participant_id)
        ).scalar_one()


def assert_exactly_the_budget(answers: list[dict]) -> None:
    accepted = [a for a in answers if a["ok"]]
    refused = [a for a in answers if not a["ok"]]
    assert len(accepted) == BUDGET, answers
    assert sorted(a["data"]["votes_left"] for a in accepted) == list(range(BUDGET))
    assert {a["error"]["code"] for a in refused} == {"vote_budget_spent"}
    assert len(refused) == TAPS - BUDGET


def test_twenty_fast_taps_on_one_connection_store_exactly_the_budget(tupa, voting):
    workshop, board, ideas = voting
    phone = tupa.phone(workshop, tupa.join(workshop))
    me = phone.sync()["me"]
    assert me["votes_left"] == BUDGET

    answers = at_once([(phone, "vote.cast", {"key": f"tap-{n}", "idea_id": ideas[0]})
                       for n in range(TAPS)])

    assert_exactly_the_budget(answers)
    assert stored_votes(tupa.server, me["participant_id"]) == BUDGET
    assert phone.sync()["me"]["votes_left"] == 0
    board.wait_for("votes.progressed", where=lambda p: p["votes_cast"] == BUDGET)
    assert all(p["votes_cast"] <= BUDGET for p in board.facts("votes.progressed"))


def test_twenty_taps_from_four_tabs_at_once_store_exactly_the_budget(tupa, voting):
    workshop, _board, ideas = voting
    token = tupa.join(workshop)
    tabs = [tupa.phone(workshop, token) for _ in range(4)]
    me = tabs[0].sync()["me"]

    answers = at_once([(tabs[n % 4], "vote.cast", {"key": f"tab-{n}", "idea_id": ideas[n % 3]})
                       for n in range(TAPS)])

    assert_exactly_the_budget(answers)
    assert stored_votes(tupa.server, me["participant_id"]) == BUDGET
    for tab in tabs:
        assert tab.sync()["me"]["votes_left"] == 0


def test_one_vote_sent_three_times_at_once_is_stored_once(tupa, voting):
    workshop, _board, ideas = voting
    token = tupa.join(workshop)
    tabs = [tupa.phone(workshop, token) for _ in range(3)]
    me = tabs[0].sync()["me"]

    answers = at_once([(tab, "vote.cast", {"key": "same", "idea_id": ideas[1]}) for tab in tabs])

    assert [a["data"] for a in answers] == [
        {"vote": {"key": "same", "idea_id": ideas[1]}, "votes_left": BUDGET - 1}] * 3
    assert stored_votes(tupa.server, me["participant_id"]) == 1


def test_one_idea_posted_three_times_at_once_is_stored_and_told_once(tupa):
    workshop = tupa.workshop()
    board = tupa.board(workshop)
    observer = tupa.phone(workshop, tupa.join(workshop, "citizen"))
    token = tupa.join(workshop, "company")
    tabs = [tupa.phone(workshop, token) for _ in range(3)]

    answers = at_once([(tab, "idea.post", {"key": "once", "text": "Penkit joka pysäkille"})
                       for tab in tabs])

    assert all(a["ok"] for a in answers), answers
    idea_ids = {a["data"]["idea"]["id"] for a in answers}
    assert len(idea_ids) == 1
    with tupa.server.database() as session:
        rows = session.execute(
            select(Idea.id).where(Idea.workshop_id == workshop.id, Idea.client_key == "once")
        ).scalars().all()
    assert rows == list(idea_ids)
    # A later idea is told after any duplicate would have been: facts keep their order on
    # one connection, and a fact goes out before its command's acknowledgement.
    later = tabs[0].ok("idea.post", {"key": "later", "text": "Later"})["idea"]["id"]
    for screen in (observer, board):
        screen.wait_for("idea.posted", where=lambda p: p["idea"]["id"] == later)
        assert [p["idea"]["id"] for p in screen.facts("idea.posted")] == [*idea_ids, later]
    assert sorted(p["seq"] for p in board.facts("idea.posted")) == [1, 2]


def test_one_cluster_created_from_two_boards_at_once_is_stored_once(tupa):
    workshop = tupa.workshop()
    boards = [tupa.board(workshop), tupa.board(workshop)]

    answers = at_once([(board, "cluster.create", {"key": "c", "name": "Valo"})
                       for board in boards])

    assert answers[0] == answers[1] and answers[0]["ok"], answers
    assert len(boards[0].sync()["clusters"]) == 1


def test_twenty_phones_connecting_at_once_are_all_counted_online(tupa):
    workshop = tupa.workshop()
    board = tupa.board(workshop)
    tokens = [tupa.join(workshop) for _ in range(TAPS)]
    start = threading.Barrier(TAPS)

    def connect(token):
        start.wait(timeout=10)
        return tupa.phone(workshop, token)

    with ThreadPoolExecutor(max_workers=TAPS) as pool:
        list(pool.map(connect, tokens))

    # The board is recounted after the arrivals (workshop/realtime/counts.py): it need not see
    # 1, 2, ... 19, but it never sees more than came, and it ends on all 20.
    board.wait_for("presence.changed", where=lambda p: p["online"] == TAPS)
    counts = [p["online"] for p in board.facts("presence.changed")]
    assert all(1 <= n <= TAPS for n in counts) and counts[-1] == TAPS
    assert board.sync()["presence"]["online"] == TAPS
