"""The current activity's timer: the facilitator's commands, and telling once that time is up.

The stored deadline is the timer; nothing counts down on the server. A change sets the
activity's timer columns and the workshop's closes_at together, under the workshop's lock,
so a participant's post or vote is checked against the deadline it is held to
(domain/phases.py `Room`). Telling the room that time ran out is the timekeeper's
(realtime/timekeeper.py), through expire_timers: whichever process first marks the
activity tells it, so it is told exactly once however many processes watch.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..domain.errors import DomainError
from ..domain.protocol import Fact
from ..domain.timer import Timer, TimerState, closes_at
from ..models import Activity, AuditEntry, Workshop, utcnow
from . import audit
from .access import Actor, workshop_for_change
from .sequence import stamp

# A re-sent adjustment is found among this many of the workshop's last audit rows: a re-send
# comes seconds (an outbox after a reconnect: minutes) after the first, not hundreds of
# changes later.
CHANGES_REMEMBERED = 50
# Timers marked as run out per sweep, so one sweep never holds the writer for long.
MOST_PER_SWEEP = 100

Transition = Callable[[Timer, datetime], Timer]


def start_timer(session: Session, actor: Actor, seconds: int | None, *,
                now: datetime | None = None) -> tuple[dict, list[Fact]]:
    """Run the current activity's timer for `seconds`, or for its planned length (None).

    The length it runs for becomes the activity's planned length. Starting a running timer
    with the length it runs for changes nothing: a re-sent start gives no extra time.
    """
    return _change(session, actor, "timer.start", lambda t, at: t.start(seconds, at), now)


def pause_timer(session: Session, actor: Actor, *,
                now: datetime | None = None) -> tuple[dict, list[Fact]]:
    """Stop the countdown and keep the time left; input it would close stays open meanwhile."""
    return _change(session, actor, "timer.pause", Timer.pause, now)


def resume_timer(session: Session, actor: Actor, *,
                 now: datetime | None = None) -> tuple[dict, list[Fact]]:
    """Count down again from the time that was left."""
    return _change(session, actor, "timer.resume", Timer.resume, now)


def adjust_timer(session: Session, actor: Actor, seconds: int, key: str | None = None, *,
                 now: datetime | None = None) -> tuple[dict, list[Fact]]:
    """Give the room more time, or less: `seconds` either way, whole seconds.

    Unlike the other commands, one adjustment sent twice would move the deadline twice; a
    client key makes the second one change nothing.
    """
    return _change(session, actor, "timer.adjust", lambda t, at: t.adjust(seconds, at), now,
                   key=key)


def stop_timer(session: Session, actor: Actor, *,
               now: datetime | None = None) -> tuple[dict, list[Fact]]:
    """Take the timer away: nothing counts down, and input is no longer closed by time."""
    return _change(session, actor, "timer.stop", lambda t, _at: t.stop(), now)


def timer_of(activity: Activity) -> Timer:
    """An activity's timer as its row stores it."""
    return Timer(activity.duration_seconds, activity.timer_deadline, activity.timer_remaining_ms)


def timer_payload(activity: Activity, now: datetime) -> dict:
    """An activity's timer as every screen counts down from it.

    The deadline is the fact; `state` and `remaining_ms` are as they stood at `now`, for a
    screen that has not yet measured its clock against the server's.
    """
    timer = timer_of(activity)
    state = timer.state(now)
    return {
        "state": state.value,
        "deadline": moment(timer.deadline) if timer.deadline is not None else None,
        "remaining_ms": timer.left_ms(now),
        "duration_seconds": activity.duration_seconds,
        "closes_when_time_up": activity.closes_when_time_up,
        "time_up": state is TimerState.ENDED,
    }


def timer_changed(activity: Activity, now: datetime) -> dict:
    """The payload of `timer.changed`, and the answer to every timer command."""
    return {"activity_id": activity.id, "timer": timer_payload(activity, now)}


def moment(when: datetime) -> str:
    """A moment as the protocol writes it: ISO 8601 in UTC, to the millisecond, with Z."""
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def due_timers(session: Session, now: datetime, since: datetime | None = None,
               limit: int = MOST_PER_SWEEP) -> list[int]:
    """Activities whose deadline passed by `now` (after `since`, if given) and nobody told yet.

    One read on the deadline's index, soonest first. Every timer that ever ran out keeps its
    deadline, so a watcher that looks often passes `since` to read only the latest ones.
    """
    query = select(Activity.id).where(Activity.timer_deadline <= now,
                                      Activity.time_up_at.is_(None))
    if since is not None:
        query = query.where(Activity.timer_deadline > since)
    return list(session.execute(query.order_by(Activity.timer_deadline).limit(limit)).scalars())


def expire_timers(session: Session, now: datetime,
                  activity_ids: list[int] | None = None) -> list[Fact]:
    """Mark timers that ran out by `now` and tell each room, once whoever else is looking.

    Each is marked by one UPDATE that only a timer still unmarked and still past its
    deadline matches: of two processes racing, one changes the row and tells; the other
    changes nothing and tells nothing. A facilitator who added time meanwhile wins too:
    the deadline no longer matches.
    """
    facts: list[Fact] = []
    for activity_id in activity_ids if activity_ids is not None else due_timers(session, now):
        workshop_id = session.execute(select(Activity.workshop_id)
                                      .where(Activity.id == activity_id)).scalar_one_or_none()
        if workshop_id is None:
            continue
        # The workshop's row first, as every writer takes it (access.workshop_for_change):
        # the fact's number needs it, and the other order could deadlock with a facilitator.
        session.execute(select(Workshop.id).where(Workshop.id == workshop_id)
                        .with_for_update(key_share=True))
        marked = session.execute(
            update(Activity).where(Activity.id == activity_id, Activity.time_up_at.is_(None),
                                   Activity.timer_deadline <= now)
            .values(time_up_at=now).execution_options(synchronize_session=False)
        ).rowcount
        if marked != 1:
            continue
        activity = session.execute(select(Activity).where(Activity.id == activity_id)
                                   .execution_options(populate_existing=True)).scalar_one()
        audit.record_by_clock(session, workshop_id, "timer.expire",
                              {"activity_id": activity.id},
                              after={"deadline": moment(activity.timer_deadline),
                                     "closes_input": activity.closes_when_time_up})
        facts += stamp(session, [Fact("timer.changed", workshop_id,
                                      timer_changed(activity, now))])
    return facts


def snapshot_part(session: Session, actor: Actor, workshop: Workshop) -> dict:
    """The current activity's timer, as `timer.changed` tells it; None before any activity."""
    activity = (session.get(Activity, workshop.current_activity_id)
                if workshop.current_activity_id is not None else None)
    return {"timer": timer_changed(activity, utcnow()) if activity is not None else None}


def _change(session: Session, actor: Actor, command: str, transition: Transition,
            now: datetime | None, *, key: str | None = None) -> tuple[dict, list[Fact]]:
    now = now or utcnow()
    workshop = workshop_for_change(session, actor)
    activity = _current_activity(session, workshop)
    if key is not None and _adjusted_with(session, workshop.id, key):
        return timer_changed(activity, now), []
    before = timer_of(activity)
    after = transition(before, now)
    if after == before:
        return timer_changed(activity, now), []
    objects = {"activity_id": activity.id} if key is None else {"activity_id": activity.id,
                                                               "key": key}
    audit.record(session, actor, command, objects,
                 before=_described(before, now), after=_described(after, now))
    activity.duration_seconds = after.duration_seconds
    activity.timer_deadline = after.deadline
    activity.timer_remaining_ms = after.remaining_ms
    # Marked only while time is up: a timer that runs again is told again when it runs out,
    # and one ended here is told by this change, not once more by the timekeeper.
    ended = after.state(now) is TimerState.ENDED
    activity.time_up_at = (activity.time_up_at or now) if ended else None
    workshop.closes_at = closes_at(after, activity.closes_when_time_up)
    session.flush()
    answer = timer_changed(activity, now)
    return answer, stamp(session, [Fact("timer.changed", workshop.id, answer)])


def _current_activity(session: Session, workshop: Workshop) -> Activity:
    if workshop.current_activity_id is None:
        raise DomainError("not_found", "the room is at no activity")
    # FOR NO KEY UPDATE: ideas and votes that only refer to the activity still go ahead,
    # while the timekeeper's mark waits for this change (or this change for the mark).
    return session.execute(
        select(Activity).where(Activity.id == workshop.current_activity_id)
        .with_for_update(key_share=True).execution_options(populate_existing=True)
    ).scalar_one()


def _adjusted_with(session: Session, workshop_id: int, key: str) -> bool:
    # The audit row of an adjustment keeps its key; the workshop's lock is held, so no
    # other adjustment can come in between this look and the change.
    recent = session.execute(
        select(AuditEntry.command, AuditEntry.objects).where(AuditEntry.workshop_id == workshop_id)
        .order_by(AuditEntry.id.desc()).limit(CHANGES_REMEMBERED)
    ).all()
    return any(command == "timer.adjust" and isinstance(objects, dict)
               and objects.get("key") == key for command, objects in recent)


def _described(timer: Timer, now: datetime) -> dict:
    return {
        "state": timer.state(now).value,
        "deadline": moment(timer.deadline) if timer.deadline is not None else None,
        "remaining_ms": timer.remaining_ms,
        "duration_seconds": timer.duration_seconds,
    }
