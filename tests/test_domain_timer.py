"""An activity's timer (workshop/domain/timer.py): pure, no app, no database."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshop.domain.agenda import MAX_DURATION_SECONDS
from workshop.domain.errors import DomainError
from workshop.domain.timer import Timer, TimerState, closes_at

T0 = datetime(2025, 3, 1, 9, 0, 0, 123456, tzinfo=UTC)
T0_MS = T0.replace(microsecond=123000)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@contextmanager
def refused(code: str):
    """Expect a DomainError with this code."""
    with pytest.raises(DomainError) as info:
        yield info
    assert info.value.code == code, info.value.message


def test_a_new_timer_is_idle_with_nothing_left():
    timer = Timer(300)
    assert timer.state(T0) is TimerState.IDLE
    assert timer.left_ms(T0) is None


def test_starting_sets_a_deadline_to_the_millisecond_and_counts_down():
    timer = Timer(None).start(300, T0)
    assert timer.deadline == T0_MS + timedelta(seconds=300)
    assert timer.duration_seconds == 300
    assert timer.state(at(10)) is TimerState.RUNNING
    assert timer.left_ms(at(100)) == 199_999  # .123 to .123456: floored


def test_starting_without_seconds_takes_the_planned_length():
    assert Timer(120).start(None, T0).deadline == T0_MS + timedelta(seconds=120)


def test_starting_without_seconds_or_a_planned_length_is_refused():
    with refused("no_duration"):
        Timer(None).start(None, T0)


@pytest.mark.parametrize("seconds", [0, -5, MAX_DURATION_SECONDS + 1, 1.5, "60", True])
def test_starting_for_no_time_too_long_or_not_whole_seconds_is_refused(seconds):
    with refused("invalid_payload"):
        Timer(None).start(seconds, T0)


def test_the_same_start_sent_again_while_running_changes_nothing():
    running = Timer(None).start(300, T0)
    assert running.start(300, at(20)) == running
    assert running.start(None, at(20)) == running


def test_a_start_with_another_length_starts_afresh():
    running = Timer(None).start(300, T0)
    again = running.start(600, at(20))
    assert again.deadline == at(20).replace(microsecond=123000) + timedelta(seconds=600)
    assert again.duration_seconds == 600


def test_a_start_after_time_ran_out_runs_again():
    ended = Timer(None).start(60, T0)
    assert ended.state(at(61)) is TimerState.ENDED
    assert ended.start(60, at(61)).state(at(62)) is TimerState.RUNNING


def test_time_runs_out_at_the_deadline_and_never_goes_below_nothing():
    timer = Timer(None).start(60, T0)
    assert timer.state(timer.deadline) is TimerState.ENDED
    assert timer.left_ms(at(500)) == 0


def test_pausing_keeps_what_is_left_and_resuming_counts_down_from_it():
    paused = Timer(None).start(300, T0).pause(at(100))
    assert paused.state(at(1000)) is TimerState.PAUSED
    assert paused.deadline is None
    assert paused.left_ms(at(1000)) == 200_000
    resumed = paused.resume(at(1000))
    assert resumed.remaining_ms is None
    assert resumed.deadline == T0_MS + timedelta(seconds=1200)
    assert resumed.state(at(1199)) is TimerState.RUNNING
    assert resumed.state(at(1200)) is TimerState.ENDED


@pytest.mark.parametrize("timer", [
    Timer(300),  # idle
    Timer(300, remaining_ms=5000),  # paused
    Timer(300, deadline=at(-1)),  # ended
])
def test_pausing_anything_but_a_running_timer_changes_nothing(timer):
    assert timer.pause(T0) == timer


@pytest.mark.parametrize("timer", [
    Timer(300),  # idle
    Timer(300).start(300, T0),  # running
    Timer(300, deadline=at(-1)),  # ended
])
def test_resuming_anything_but_a_paused_timer_changes_nothing(timer):
    assert timer.resume(at(10)) == timer


def test_a_minute_more_or_less_moves_a_running_deadline():
    running = Timer(None).start(300, T0)
    assert running.adjust(60, at(10)).deadline == running.deadline + timedelta(seconds=60)
    assert running.adjust(-60, at(10)).deadline == running.deadline - timedelta(seconds=60)


def test_a_minute_more_or_less_changes_what_a_paused_timer_has_left():
    paused = Timer(300, remaining_ms=90_000)
    assert paused.adjust(60, T0).remaining_ms == 150_000
    assert paused.adjust(-60, T0).remaining_ms == 30_000


def test_taking_more_than_is_left_ends_the_timer_now():
    running = Timer(None).start(30, T0)
    ended = running.adjust(-60, at(10))
    assert ended.deadline == at(10).replace(microsecond=123000)
    assert ended.state(at(10)) is TimerState.ENDED
    paused = Timer(300, remaining_ms=30_000).adjust(-60, T0)
    assert paused.state(T0) is TimerState.ENDED
    assert paused.remaining_ms is None


def test_adding_time_after_it_ran_out_runs_the_timer_again():
    ended = Timer(60, deadline=at(-5))
    again = ended.adjust(60, T0)
    assert again.state(T0) is TimerState.RUNNING
    assert 59_000 < again.left_ms(T0) <= 60_000
    assert ended.adjust(-60, T0) == ended


def test_an_idle_timer_has_nothing_to_adjust():
    assert Timer(300).adjust(60, T0) == Timer(300)


def test_adding_time_never_leaves_more_than_the_longest_activity():
    running = Timer(None).start(MAX_DURATION_SECONDS - 30, T0)
    assert running.adjust(60, T0).left_ms(T0_MS) == MAX_DURATION_SECONDS * 1000


@pytest.mark.parametrize("seconds", [0, 3601, -3601, 10**9, 0.5, None, "60", False])
def test_an_adjustment_of_nothing_too_much_or_not_whole_seconds_is_refused(seconds):
    with refused("invalid_payload"):
        Timer(None).start(300, T0).adjust(seconds, at(1))


def test_stopping_forgets_the_deadline_and_what_was_left_but_not_the_planned_length():
    for timer in (Timer(None).start(300, T0), Timer(300, remaining_ms=10)):
        assert timer.stop() == Timer(300)
        assert timer.stop().stop() == Timer(300)


def test_a_timer_never_holds_a_deadline_and_time_left_at_once():
    with pytest.raises(ValueError):
        Timer(60, deadline=T0, remaining_ms=1)


def test_only_a_timer_set_to_close_input_closes_it_and_only_while_it_has_a_deadline():
    running = Timer(None).start(60, T0)
    assert closes_at(running, True) == running.deadline
    assert closes_at(running, False) is None
    assert closes_at(running.pause(at(1)), True) is None
    assert closes_at(running.stop(), True) is None
    ended = Timer(60, deadline=at(-1))
    assert closes_at(ended, True) == ended.deadline


@given(st.lists(st.tuples(st.sampled_from(["start", "pause", "resume", "adjust", "stop"]),
                          st.integers(-3600, 3600), st.integers(0, 600)), max_size=30))
def test_whatever_the_facilitator_does_the_time_left_stays_within_bounds(steps):
    timer, now = Timer(300), T0
    for action, seconds, wait in steps:
        now += timedelta(seconds=wait)
        try:
            if action == "start":
                timer = timer.start(seconds if seconds > 0 else None, now)
            elif action == "adjust":
                timer = timer.adjust(seconds, now)
            elif action == "stop":
                timer = timer.stop()
            else:
                timer = getattr(timer, action)(now)
        except DomainError as error:
            assert error.code == "invalid_payload" and seconds == 0
        left = timer.left_ms(now)
        assert left is None or 0 <= left <= MAX_DURATION_SECONDS * 1000
        assert not (timer.deadline and timer.remaining_ms is not None)
