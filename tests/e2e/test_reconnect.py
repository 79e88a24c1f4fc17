"""A phone that drops off and comes back catches up from its snapshot, and loses nothing."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from workshop.models import Vote

pytestmark = pytest.mark.e2e


def test_a_participant_who_reconnects_gets_everything_they_missed(tupa):
    workshop = tupa.workshop()
    board = tupa.board(workshop)
    token = tupa.join(workshop, "city", nickname="Aino")
    phone = tupa.phone(workshop, token)
    first = phone.sync()
    own = phone.ok("idea.post", {"key": "mine", "text": "Hiljaiset kadut öisin"})["idea"]
    other = tupa.phone(workshop, tupa.join(workshop, "company"))
    other.sync()

    # The board counts both, then is told the phone left: one of the two is online again.
    board.wait_for("presence.changed", where=lambda p: p["online"] == 2)
    ones_before = len([p for p in board.facts("presence.changed") if p["online"] == 1])
    phone.close()
    board.wait_for("presence.changed", ones_before + 1, where=lambda p: p["online"] == 1)

    # Meanwhile: another idea, one hidden, a cluster, and voting opens.
    seen = other.ok("idea.post", {"key": "a", "text": "Valoisat pyörätiet"})["idea"]
    hidden = other.ok("idea.post", {"key": "b", "text": "Something to hide"})["idea"]
    board.ok("idea.hide", {"idea_id": hidden["id"]})
    cluster = board.ok("cluster.create", {"key": "c1", "name": "Liikenne"})["cluster"]
    board.ok("cluster.move_idea", {"idea_id": seen["id"], "cluster_id": cluster["id"],
                                   "position": 0})
    board.ok("phase.set", {"phase": "voting"})
    board.wait_for("phase.changed")  # a busy room hears it up to a moment after the answer
    last_seq = max(p["seq"] for name, p in board.received if p and p.get("seq") is not None)

    back = tupa.phone(workshop, token)
    snapshot = back.sync()

    assert snapshot["seq"] == last_seq > first["seq"]
    assert snapshot["workshop"]["phase"] == "voting"
    assert [(i["id"], i["text"]) for i in snapshot["ideas"]] == [
        (own["id"], "Hiljaiset kadut öisin"), (seen["id"], "Valoisat pyörätiet")]
    assert [(c["id"], c["name"], c["idea_ids"]) for c in snapshot["clusters"]] == [
        (cluster["id"], "Liikenne", [seen["id"]])]
    assert snapshot["results"] is None
    me = snapshot["me"]
    assert (me["participant_id"], me["nickname"]) == (first["me"]["participant_id"], "Aino")
    assert (me["votes"], me["votes_left"]) == ([], workshop.vote_budget)
    assert board.sync()["presence"]["online"] == 2

    # A vote sent just as the line drops is sent again on return, and stored once.
    back.client.emit("vote.cast", {"key": "v1", "idea_id": seen["id"]})
    back.close()
    again = tupa.phone(workshop, token)
    assert again.ok("vote.cast", {"key": "v1", "idea_id": seen["id"]}) == {
        "vote": {"key": "v1", "idea_id": seen["id"]}, "votes_left": workshop.vote_budget - 1}
    with tupa.server.database() as session:
        assert session.execute(
            select(func.count()).select_from(Vote).where(
                Vote.participant_id == me["participant_id"])
        ).scalar_one() == 1

    # Away again while the results are revealed: the snapshot carries them.
    again.close()
    board.ok("phase.set", {"phase": "results"})
    final = tupa.phone(workshop, token).sync()
    assert final["workshop"]["phase"] == "results"
    assert final["me"]["votes"] == [{"key": "v1", "idea_id": seen["id"]}]
    assert {r["idea_id"]: r["votes"] for r in final["results"]} == {
        own["id"]: 0, seen["id"]: 1}


def test_a_facilitator_who_reconnects_sees_who_is_online(tupa):
    workshop = tupa.workshop()
    board = tupa.board(workshop)
    phones = [tupa.phone(workshop, tupa.join(workshop, kind)) for kind in ("city", "research")]
    board.close()
    phones[0].close()
    phones[1].ok("idea.post", {"key": "x", "text": "Kun lauta oli poissa"})

    back = tupa.board(workshop)
    snapshot = back.sync()

    assert snapshot["me"] == {"role": "facilitator"}
    assert [i["text"] for i in snapshot["ideas"]] == ["Kun lauta oli poissa"]
    # The phone's goodbye may still be on its way; the count settles within the wait.
    settled = _settled(back, lambda s: s["presence"]["online"] == 1)
    assert settled["presence"]["by_organisation_type"]["research"] == 1
    assert settled["presence"]["joined"] == 2


def _settled(screen, ready, timeout: float = 10.0) -> dict:
    """Sync until the snapshot satisfies `ready` (bounded), for state settled asynchronously."""
    deadline = time.monotonic() + timeout
    while True:
        snapshot = screen.sync()
        if ready(snapshot) or time.monotonic() > deadline:
            assert ready(snapshot), snapshot
            return snapshot
        time.sleep(0.05)
