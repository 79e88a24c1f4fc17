"""The timer over sockets: a change reaches every phone, and the timekeeper tells once that
time is up (workshop/realtime/timekeeper.py)."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from arrange import as_facilitator, command, facts

from workshop.extensions import db
from workshop.models import Activity, Workshop, utcnow
from workshop.realtime.timekeeper import Timekeeper
from workshop.realtime.wiring import realtime
from workshop.services import timer


def started_long_ago(app, workshop, seconds=60):
    """A timer whose deadline has already passed, as after a server was down."""
    with app.app_context():
        timer.start_timer(db.session, as_facilitator(workshop), seconds,
                          now=utcnow() - timedelta(seconds=seconds + 1))
        db.session.commit()


def keeper(app, **kwargs) -> Timekeeper:
    parts = realtime(app)
    return Timekeeper(app, parts.perform, kwargs.pop("start", lambda *_: None),
                      kwargs.pop("sleep", time.sleep), **kwargs)


def test_a_timer_started_on_the_board_reaches_a_participant_s_phone(
        make_workshop, make_participant, participant_socket, facilitator_socket):
    workshop = make_workshop()
    _, token = make_participant(workshop)
    phone = participant_socket(workshop, token)
    board = facilitator_socket(workshop)
    command(phone, "workshop.sync")
    phone.get_received()

    answer = command(board, "timer.start", {"seconds": 90})

    assert answer["ok"], answer
    [(_, payload)] = facts(phone, "timer.changed")
    assert payload["timer"]["deadline"] == answer["data"]["timer"]["deadline"]
    assert payload["timer"]["state"] == "running" and payload["seq"] is not None


def test_a_phone_s_sync_carries_the_server_s_clock_and_the_timer(
        make_workshop, make_participant, participant_socket, facilitator_socket):
    workshop = make_workshop()
    _, token = make_participant(workshop)
    started = command(facilitator_socket(workshop), "timer.start", {"seconds": 90})["data"]
    phone = participant_socket(workshop, token)

    before = utcnow()
    snapshot = command(phone, "workshop.sync")["data"]
    caught_up = command(phone, "workshop.sync", {"since": snapshot["seq"]})["data"]

    assert snapshot["timer"]["activity_id"] == started["activity_id"]
    assert snapshot["timer"]["timer"]["deadline"] == started["timer"]["deadline"]
    for answer in (snapshot, caught_up):
        told = answer["server_now"]
        assert told.endswith("Z")
        assert abs((timer_moment(told) - before).total_seconds()) < 5


def timer_moment(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_the_timekeeper_tells_time_up_once(app, make_workshop, make_participant,
                                           participant_socket):
    workshop = make_workshop()
    _, token = make_participant(workshop)
    phone = participant_socket(workshop, token)
    started_long_ago(app, workshop)
    phone.get_received()
    watch = keeper(app)

    assert watch.look() == 1
    assert watch.look() == 0

    [(_, payload)] = facts(phone, "timer.changed")
    assert payload["timer"]["state"] == "ended" and payload["timer"]["time_up"] is True


def test_a_running_timer_is_not_told_until_its_deadline(app, make_workshop, make_participant,
                                                        participant_socket):
    workshop = make_workshop()
    _, token = make_participant(workshop)
    phone = participant_socket(workshop, token)
    with app.app_context():
        timer.start_timer(db.session, as_facilitator(workshop), 60)
        db.session.commit()
    phone.get_received()

    assert keeper(app).look() == 0
    assert facts(phone, "timer.changed") == []


def test_the_watch_outlives_a_failing_database_and_stops_when_told(app, make_workshop,
                                                                   monkeypatch):
    workshop = make_workshop()
    started_long_ago(app, workshop)
    threads, looks = [], []
    real_due = timer.due_timers

    def flaky_due(session, now, since=None, **kwargs):
        looks.append(now)
        if len(looks) == 1:
            raise ConnectionError("database away")
        return real_due(session, now, since, **kwargs)

    def start(task):
        threads.append(threading.Thread(target=task, daemon=True))
        threads[-1].start()

    monkeypatch.setattr(timer, "due_timers", flaky_due)
    watch = keeper(app, start=start, interval=0.01)
    watch.start()
    watch.start()  # a second start adds no second watch
    told = None
    give_up = time.monotonic() + 10
    while told is None and time.monotonic() < give_up:
        time.sleep(0.05)
        told = time_up_at(app, workshop)
    watch.stop()
    threads[0].join(timeout=5)

    assert len(threads) == 1
    assert told is not None, "the watch never told the timer once the database was back"
    assert len(looks) >= 2
    assert not threads[0].is_alive()


def time_up_at(app, workshop):
    with app.app_context():
        current = db.session.get(Workshop, workshop.id)
        marked = db.session.get(Activity, current.current_activity_id).time_up_at
        db.session.rollback()
        return marked
