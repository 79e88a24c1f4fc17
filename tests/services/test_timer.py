"""The current activity's timer (workshop/services/timer.py): the facilitator's commands,
input closed when time is up, and time up told exactly once."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from arrange import as_facilitator, as_participant, names, refused
from sqlalchemy import select

from workshop.domain.agenda import MAX_DURATION_SECONDS
from workshop.extensions import db
from workshop.models import Activity, AuditEntry, Workshop, utcnow
from workshop.realtime import commands
from workshop.services import agenda, audit, snapshot, timer

NOW = utcnow().replace(microsecond=250000)


def at(seconds: float):
    return NOW + timedelta(seconds=seconds)


def current(session, workshop) -> Activity:
    workshop = session.get(Workshop, workshop.id, populate_existing=True)
    return session.get(Activity, workshop.current_activity_id, populate_existing=True)


def closing_when_time_is_up(app, workshop) -> None:
    with app.app_context():
        activity = current(db.session, workshop)
        activity.closes_when_time_up = True
        db.session.commit()


def audit_rows(session, workshop, command):
    return [e for e in audit.entries_of(session, as_facilitator(workshop))[0]
            if e["command"] == command]


def test_starting_tells_the_room_the_deadline_as_a_fact(session, make_workshop):
    workshop = make_workshop()

    answer, facts = timer.start_timer(session, as_facilitator(workshop), 300, now=NOW)

    activity = current(session, workshop)
    assert activity.timer_deadline == at(300)
    assert activity.timer_remaining_ms is None
    assert answer == {"activity_id": activity.id, "timer": {
        "state": "running", "deadline": timer.moment(at(300)), "remaining_ms": 300_000,
        "duration_seconds": 300, "closes_when_time_up": False, "time_up": False}}
    assert answer["timer"]["deadline"].endswith(".250Z")
    assert names(facts) == ["timer.changed"] and facts[0].payload == answer
    assert facts[0].sequence is not None


def test_a_start_without_seconds_takes_the_planned_length_or_says_there_is_none(
        session, make_workshop):
    workshop = make_workshop()
    facilitator = as_facilitator(workshop)
    with refused("no_duration"):
        timer.start_timer(session, facilitator, None, now=NOW)
    current(session, workshop).duration_seconds = 120

    answer, _ = timer.start_timer(session, facilitator, None, now=NOW)

    assert answer["timer"]["deadline"] == timer.moment(at(120))


@pytest.mark.parametrize("seconds", [0, -1, MAX_DURATION_SECONDS + 1])
def test_a_start_for_no_time_or_too_long_is_refused(session, make_workshop, seconds):
    with refused("invalid_payload"):
        timer.start_timer(session, as_facilitator(make_workshop()), seconds, now=NOW)


def test_a_start_sent_again_changes_nothing_and_writes_no_second_row(session, make_workshop):
    workshop = make_workshop()
    facilitator = as_facilitator(workshop)
    first, _ = timer.start_timer(session, facilitator, 300, now=NOW)

    again, facts = timer.start_timer(session, facilitator, 300, now=at(4))

    assert facts == []
    assert again["timer"]["deadline"] == first["timer"]["deadline"]
    assert len(audit_rows(session, workshop, "timer.start")) == 1


def test_pause_keeps_the_time_left_and_resume_counts_on_from_it(session, make_workshop):
    workshop = make_workshop()
    facilitator = as_facilitator(workshop)
    timer.start_timer(session, facilitator, 300, now=NOW)

    paused, facts = timer.pause_timer(session, facilitator, now=at(100))
    _, paused_again = timer.pause_timer(session, facilitator, now=at(150))
    resumed, resumed_facts = timer.resume_timer(session, facilitator, now=at(500))
    _, resumed_again = timer.resume_timer(session, facilitator, now=at(501))

    assert paused["timer"] | {} == {**paused["timer"], "state": "paused", "deadline": None,
                                    "remaining_ms": 200_000}
    assert names(facts) == ["timer.changed"] and paused_again == []
    assert resumed["timer"]["state"] == "running"
    assert resumed["timer"]["deadline"] == timer.moment(at(700))
    assert names(resumed_facts) == ["timer.changed"] and resumed_again == []
    rows = audit_rows(session, workshop, "timer.pause")
    assert rows[0]["before"]["state"] == "running"
    assert rows[0]["after"] == {"state": "paused", "deadline": None, "remaining_ms": 200_000,
                                "duration_seconds": 300}


def test_a_minute_more_or_less_moves_the_deadline(session, make_workshop):
    workshop = make_workshop()
    facilitator = as_facilitator(workshop)
    timer.start_timer(session, facilitator, 300, now=NOW)

    more, _ = timer.adjust_timer(session, facilitator, 60, now=at(10))
    less, _ = timer.adjust_timer(session, facilitator, -60, now=at(20))
    less_again, _ = timer.adjust_timer(session, facilitator, -60, now=at(30))

    assert more["timer"]["deadline"] == timer.moment(at(360))
    assert less["timer"]["deadline"] == timer.moment(at(300))
    assert less_again["timer"]["deadline"] == timer.moment(at(240))
    assert [row["after"]["deadline"] for row in audit_rows(session, workshop, "timer.adjust")] \
        == [timer.moment(at(s)) for s in (360, 300, 240)]


def test_an_adjustment_sent_again_with_its_key_moves_the_deadline_once(session, make_workshop):
    workshop = make_workshop()
    facilitator = as_facilitator(workshop)
    timer.start_timer(session, facilitator, 300, now=NOW)

    first, facts = timer.adjust_timer(session, facilitator, 60, "k1", now=at(10))
    again, no_facts = timer.adjust_timer(session, facilitator, 60, "k1", now=at(12))
    other, _ = timer.adjust_timer(session, facilitator, 60, "k2", now=at(14))

    assert names(facts) == ["timer.changed"] and no_facts == []
    assert again["timer"]["deadline"] == first["timer"]["deadline"] == timer.moment(at(360))
    assert other["timer"]["deadline"] == timer.moment(at(420))


@pytest.mark.parametrize("seconds", [0, 3601, -3601])
def test_an_adjustment_of_nothing_or_more_than_an_hour_is_refused(session, make_workshop,
                                                                  seconds):
    workshop = make_workshop()
    timer.start_timer(session, as_facilitator(workshop), 300, now=NOW)
    with refused("invalid_payload"):
        timer.adjust_timer(session, as_facilitator(workshop), seconds, now=at(1))


def test_taking_away_more_than_is_left_ends_it_now_and_it_is_told_only_then(
        session, make_workshop):
    workshop = make_workshop()
    facilitator = as_facilitator(workshop)
    timer.start_timer(session, facilitator, 30, now=NOW)

    ended, facts = timer.adjust_timer(session, facilitator, -60, now=at(10))

    assert ended["timer"]["state"] == "ended" and ended["timer"]["time_up"] is True
    assert ended["timer"]["deadline"] == timer.moment(at(10))
    assert names(facts) == ["timer.changed"]
    # The timekeeper finds nothing left to tell.
    assert timer.expire_timers(session, at(11)) == []


def test_stopping_takes_the_timer_away(session, make_workshop):
    workshop = make_workshop()
    facilitator = as_facilitator(workshop)
    timer.start_timer(session, facilitator, 300, now=NOW)

    stopped, facts = timer.stop_timer(session, facilitator, now=at(5))
    _, no_facts = timer.stop_timer(session, facilitator, now=at(6))

    assert stopped["timer"] == {"state": "idle", "deadline": None, "remaining_ms": None,
                                "duration_seconds": 300, "closes_when_time_up": False,
                                "time_up": False}
    assert names(facts) == ["timer.changed"] and no_facts == []
    assert timer.expire_timers(session, at(1000)) == []


def test_pausing_resuming_or_adjusting_an_idle_timer_changes_nothing(session, make_workshop):
    workshop = make_workshop()
    facilitator = as_facilitator(workshop)
    for change in (timer.pause_timer, timer.resume_timer, timer.stop_timer):
        assert change(session, facilitator, now=NOW)[1] == []
    assert timer.adjust_timer(session, facilitator, 60, now=NOW)[1] == []
    assert session.execute(select(AuditEntry).where(
        AuditEntry.command.like("timer.%"))).first() is None


@pytest.mark.parametrize("phase", ["lobby", "posting", "grouping", "voting", "results"])
def test_the_facilitator_runs_the_timer_in_every_phase(session, make_workshop, phase):
    workshop = make_workshop(phase=phase)
    answer, _ = commands.run("timer.start", session, as_facilitator(workshop), {"seconds": 60})
    assert answer["timer"]["state"] == "running"
    assert answer["activity_id"] == session.get(Workshop, workshop.id).current_activity_id


@pytest.mark.parametrize(("name", "payload"), [
    ("timer.start", {"seconds": 60}), ("timer.pause", {}), ("timer.resume", {}),
    ("timer.adjust", {"seconds": 60}), ("timer.stop", {})])
def test_a_participant_cannot_touch_the_timer(session, make_workshop, make_participant, name,
                                              payload):
    workshop = make_workshop()
    participant, _ = make_participant(workshop)
    with refused("forbidden"):
        commands.run(name, session, as_participant(participant), payload)


def test_the_workshop_closes_input_at_the_deadline_only_when_the_activity_says_so(
        app, session, make_workshop):
    workshop = make_workshop()
    facilitator = as_facilitator(workshop)
    timer.start_timer(session, facilitator, 300, now=NOW)
    assert session.get(Workshop, workshop.id).closes_at is None
    session.commit()
    closing_when_time_is_up(app, workshop)

    timer.adjust_timer(session, facilitator, 60, now=at(1))
    assert session.get(Workshop, workshop.id).closes_at == at(360)
    timer.pause_timer(session, facilitator, now=at(2))
    assert session.get(Workshop, workshop.id).closes_at is None
    timer.resume_timer(session, facilitator, now=at(3))
    assert session.get(Workshop, workshop.id).closes_at == at(361)
    timer.stop_timer(session, facilitator, now=at(4))
    assert session.get(Workshop, workshop.id).closes_at is None


def test_once_time_is_up_a_participant_s_post_is_refused_with_posting_closed(
        app, session, make_workshop, make_participant):
    workshop = make_workshop(phase="posting")
    participant, _ = make_participant(workshop)
    closing_when_time_is_up(app, workshop)
    started = utcnow()
    timer.start_timer(session, as_facilitator(workshop), 60, now=started)
    session.commit()
    commands.run("idea.post", session, as_participant(participant),
                 {"key": "before", "text": "In time"})
    session.commit()

    # The same timer, a minute and more later: its deadline has passed.
    timer.adjust_timer(session, as_facilitator(workshop), -60, now=utcnow())
    session.commit()
    with refused("posting_closed"):
        commands.run("idea.post", session, as_participant(participant),
                     {"key": "after", "text": "Too late"})


def test_time_up_does_not_close_input_unless_the_activity_says_so(
        session, make_workshop, make_participant):
    workshop = make_workshop(phase="posting")
    participant, _ = make_participant(workshop)
    timer.start_timer(session, as_facilitator(workshop), 60, now=utcnow() - timedelta(hours=1))
    session.commit()

    answer, _ = commands.run("idea.post", session, as_participant(participant),
                             {"key": "late", "text": "Still welcome"})

    assert answer["idea"]["text"] == "Still welcome"


def test_a_timer_that_ran_out_is_told_once_with_an_audit_row_by_the_clock(
        app, session, make_workshop):
    workshop = make_workshop(phase="posting")
    closing_when_time_is_up(app, workshop)
    timer.start_timer(session, as_facilitator(workshop), 60, now=NOW)
    session.commit()

    assert timer.expire_timers(session, at(59)) == []
    facts = timer.expire_timers(session, at(61))
    again = timer.expire_timers(session, at(62))
    session.commit()

    assert names(facts) == ["timer.changed"] and again == []
    payload = facts[0].payload["timer"]
    assert payload["state"] == "ended" and payload["time_up"] is True
    assert payload["closes_when_time_up"] is True
    assert current(session, workshop).time_up_at == at(61)
    [row] = audit_rows(session, workshop, "timer.expire")
    assert row["who"] == {"clock": True}
    assert row["after"] == {"deadline": timer.moment(at(60)), "closes_input": True}


def test_a_timer_given_more_time_before_the_timekeeper_looked_is_not_told(
        session, make_workshop):
    workshop = make_workshop()
    facilitator = as_facilitator(workshop)
    timer.start_timer(session, facilitator, 60, now=NOW)
    due = timer.due_timers(session, at(61))

    timer.adjust_timer(session, facilitator, 60, now=at(61))

    assert due and timer.expire_timers(session, at(61), due) == []


def test_a_timer_that_runs_again_is_told_again_when_it_runs_out(session, make_workshop):
    workshop = make_workshop()
    facilitator = as_facilitator(workshop)
    timer.start_timer(session, facilitator, 60, now=NOW)
    assert len(timer.expire_timers(session, at(61))) == 1

    again, _ = timer.adjust_timer(session, facilitator, 60, now=at(70))

    assert again["timer"]["state"] == "running" and current(session, workshop).time_up_at is None
    assert len(timer.expire_timers(session, at(131))) == 1


def test_an_activity_keeps_its_timer_and_going_back_to_it_tells_it_and_closes_input_again(
        app, session, make_workshop):
    workshop = make_workshop(phase="posting")
    closing_when_time_is_up(app, workshop)
    facilitator = as_facilitator(workshop)
    started, _ = timer.start_timer(session, facilitator, 300, now=NOW)
    brainstorm = started["activity_id"]
    other = next(a.id for a in agenda.activities_of(session, workshop.id) if a.id != brainstorm)

    agenda.go_to(session, facilitator, other)
    assert session.get(Workshop, workshop.id).closes_at is None
    _, facts = agenda.go_to(session, facilitator, brainstorm)

    [told] = [f for f in facts if f.name == "phase.changed"]
    assert told.payload["activity"]["timer"]["deadline"] == started["timer"]["deadline"]
    assert session.get(Workshop, workshop.id).closes_at == at(300)


def test_the_snapshot_carries_the_current_timer_and_the_server_s_clock(session, make_workshop):
    workshop = make_workshop()
    started, _ = timer.start_timer(session, as_facilitator(workshop), 300, now=NOW)

    snap, _ = snapshot.sync(session, as_facilitator(workshop))

    assert snap["timer"]["activity_id"] == started["activity_id"]
    assert snap["timer"]["timer"]["deadline"] == started["timer"]["deadline"]
    assert snap["server_now"].endswith("Z")


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_two_processes_racing_tell_time_up_exactly_once(app, make_workshop):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the race is PostgreSQL's; SQLite has one writer")
    racers = 4
    for _round in range(5):
        workshops = [make_workshop() for _ in range(3)]
        with app.app_context():
            for workshop in workshops:
                timer.start_timer(db.session, as_facilitator(workshop), 60, now=NOW)
            db.session.commit()
        start = threading.Barrier(racers, timeout=30)

        def sweep(_n, start=start):
            with app.app_context():
                due = timer.due_timers(db.session, at(61))
                db.session.commit()
                start.wait()  # every racer has seen all three due before any marks one
                facts = timer.expire_timers(db.session, at(61), due)
                db.session.commit()
                return [fact.workshop_id for fact in facts]

        with ThreadPoolExecutor(max_workers=racers) as pool:
            told = [w for facts in pool.map(sweep, range(racers)) for w in facts]

        assert sorted(told) == sorted(w.id for w in workshops)
        with app.app_context():
            rows = db.session.execute(select(AuditEntry.workshop_id).where(
                AuditEntry.command == "timer.expire")).scalars().all()
            assert sorted(set(rows) & {w.id for w in workshops}) == sorted(told)
            assert len([r for r in rows if r in told]) == 3
