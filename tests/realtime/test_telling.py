"""Telling rooms: a quiet room hears at once, a busy one in frames a window apart, in order;
the facilitators' counts are recounted once for many changes."""

from __future__ import annotations

import pytest

from workshop.domain.protocol import COUNTS, Fact
from workshop.realtime.counts import Counts
from workshop.realtime.telling import Teller, room_window


class Room:
    """A clock the test moves by hand, and the frames the teller sent, when."""

    def __init__(self, window: float = 0.05):
        self.now = 100.0
        self.frames: list[tuple[float, str, list[dict]]] = []
        self.later: list[tuple] = []
        self.broken = False
        self.teller = Teller(self.send, lambda _room: window, self.start, self.sleep,
                             clock=lambda: self.now)

    def send(self, room: str, facts: list[dict]) -> None:
        if self.broken:
            raise ConnectionError("message queue down")
        self.frames.append((self.now, room, facts))

    def start(self, task, *args) -> None:
        self.later.append((task, args))

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def run_waiting(self) -> None:
        waiting, self.later = self.later, []
        for task, args in waiting:
            task(*args)


def fact(name: str, seq: int | None, **payload) -> dict:
    return {"name": name, "payload": {"seq": seq, **payload}}


def test_a_quiet_room_hears_at_once():
    room = Room()
    room.teller.tell("workshop:1", [fact("idea.posted", 1)])
    assert room.frames == [(100.0, "workshop:1", [fact("idea.posted", 1)])]
    assert room.later == []


def test_a_busy_room_hears_the_rest_together_one_window_later():
    room = Room()
    room.teller.tell("workshop:1", [fact("idea.posted", 1)])
    room.now += 0.01
    room.teller.tell("workshop:1", [fact("idea.posted", 2)])
    room.teller.tell("workshop:1", [fact("idea.posted", 3)])
    assert len(room.frames) == 1 and len(room.later) == 1
    room.run_waiting()
    assert room.frames[1] == (100.05, "workshop:1", [fact("idea.posted", 2),
                                                      fact("idea.posted", 3)])


def test_rooms_do_not_wait_for_each_other():
    room = Room()
    room.teller.tell("workshop:1", [fact("idea.posted", 1)])
    room.teller.tell("workshop:2", [fact("idea.posted", 1)])
    assert [r for _, r, _ in room.frames] == ["workshop:1", "workshop:2"]


def test_facts_committed_in_one_order_and_told_in_the_other_go_out_in_sequence():
    room = Room()
    room.teller.tell("workshop:1", [fact("idea.posted", 1)])
    room.teller.tell("workshop:1", [fact("idea.posted", 3)])
    room.teller.tell("workshop:1", [fact("idea.posted", 2)])
    room.run_waiting()
    assert [f["payload"]["seq"] for f in room.frames[1][2]] == [2, 3]


def test_after_a_quiet_window_the_next_fact_goes_at_once_again():
    room = Room()
    room.teller.tell("workshop:1", [fact("idea.posted", 1)])
    room.now += 0.05
    room.teller.tell("workshop:1", [fact("idea.posted", 2)])
    assert len(room.frames) == 2 and room.later == []


def test_without_a_window_every_fact_goes_at_once():
    room = Room(window=0)
    for seq in (1, 2, 3):
        room.teller.tell("workshop:1", [fact("idea.posted", seq)])
    assert len(room.frames) == 3 and room.later == []


def test_a_frame_that_cannot_be_sent_is_logged_and_the_room_goes_on(caplog):
    room = Room()
    room.teller.tell("workshop:1", [fact("idea.posted", 1)])
    room.teller.tell("workshop:1", [fact("idea.posted", 2)])
    room.broken = True
    room.run_waiting()
    assert "could not tell workshop:1" in caplog.text
    room.broken = False
    room.now += 1
    room.teller.tell("workshop:1", [fact("idea.posted", 3)])
    assert room.frames[-1][2] == [fact("idea.posted", 3)]


class Recounting:
    """Counts with a hand-run scheduler, counting a number the test changes."""

    def __init__(self, app, window: float = 0.05):
        self.value = 0
        self.counted: list[int] = []
        self.told: list[Fact] = []
        self.later: list[tuple] = []
        self.during_count = None  # a change made while a count is under way
        recounts = dict.fromkeys(COUNTS, self.count)
        self.counts = Counts(app, recounts, self.told.extend,
                                   window, lambda task, *args: self.later.append((task, args)),
                                   lambda _seconds: None)

    def count(self, _session, _workshop_id) -> dict:
        if self.during_count:
            change, self.during_count = self.during_count, None
            change()
        self.counted.append(self.value)
        return {"votes_cast": self.value}

    def run_waiting(self) -> None:
        while self.later:
            task, args = self.later.pop(0)
            task(*args)


def test_many_changes_make_one_count_of_the_last_value(app):
    room = Recounting(app)
    for value in (1, 2, 3):
        room.value = value
        room.counts.due("votes.progressed", 7)
    assert len(room.later) == 1
    room.run_waiting()
    assert room.counted == [3]
    assert [(f.name, f.workshop_id, f.payload) for f in room.told] == [
        ("votes.progressed", 7, {"votes_cast": 3})]


def test_a_change_during_a_count_is_counted_again_afterwards(app):
    room = Recounting(app)
    room.counts.due("votes.progressed", 7)

    def vote_lands_meanwhile():
        room.value = 9
        room.counts.due("votes.progressed", 7)

    room.value = 8
    room.during_count = vote_lands_meanwhile
    room.run_waiting()
    # The first count may have read before the vote: the board ends on the count after it.
    assert room.told[-1].payload == {"votes_cast": 9}
    assert len(room.counted) == 2


def test_a_failing_count_is_logged_and_the_next_change_counts_again(app, caplog):
    room = Recounting(app)
    room.during_count = lambda: 1 / 0
    room.counts.due("votes.progressed", 7)
    room.run_waiting()
    assert "could not recount votes.progressed of workshop 7" in caplog.text
    room.value = 4
    room.counts.due("votes.progressed", 7)
    room.run_waiting()
    assert room.told[-1].payload == {"votes_cast": 4}


def test_without_a_window_each_change_is_counted_and_told_at_once(app):
    room = Recounting(app, window=0)
    with app.app_context():
        room.value = 5
        room.counts.due("votes.progressed", 7)
    assert room.later == [] and room.told[-1].payload == {"votes_cast": 5}


def test_a_big_room_gets_fewer_fuller_frames():
    assert room_window(0.05, 30) == room_window(0.05, 500) == 0.05
    assert room_window(0.05, 1000) == pytest.approx(0.1)
    assert room_window(0, 1000) == 0  # the test suite's "at once" stays at once
