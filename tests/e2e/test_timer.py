"""A timer outlives the server: killed with -9 and started again on the same database, the
deadline is where it was, and when it passes the room is told once that time is up."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import select

from workshop import models

from .conftest import DATABASES, RunningServer, Tupa, start_server

pytestmark = pytest.mark.e2e

TIMER_SECONDS = 8


@pytest.fixture(params=DATABASES)
def own_server(request, tmp_path) -> Iterator[RunningServer]:
    """A server of this test's own, which it may kill."""
    with start_server(request.param, tmp_path) as running:
        yield running


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_timer_outlives_kill_9_and_time_up_is_told_once(own_server):
    server = own_server
    tupa = Tupa(server)
    try:
        workshop = tupa.workshop(phase="posting")
        token = tupa.join(workshop)
        board = tupa.board(workshop)
        started = board.ok("timer.start", {"seconds": TIMER_SECONDS})
        deadline = started["timer"]["deadline"]

        server.kill()
        server.restart()
        tupa.close_all()

        phone = tupa.phone(workshop, token)
        snapshot = phone.sync()
        assert snapshot["timer"]["timer"]["deadline"] == deadline
        assert snapshot["timer"]["activity_id"] == started["activity_id"]
        assert snapshot["timer"]["timer"]["state"] in {"running", "ended"}
        # The phone's clock and the server's are one here: what it was told is now, give or take.
        assert abs((moment(snapshot["server_now"]) - models.utcnow()).total_seconds()) < 2

        ended = phone.wait_for("timer.changed", timeout=TIMER_SECONDS + 10,
                               where=lambda payload: payload["timer"]["time_up"])
        heard_at = models.utcnow()
        # Three more looks of the timekeeper, at least: nothing more is told.
        time.sleep(2)

        assert len(phone.facts("timer.changed")) == 1
        assert ended[0]["timer"]["deadline"] == deadline
        assert ended[0]["timer"]["state"] == "ended"
        assert heard_at >= moment(deadline)
        with server.database() as session:
            rows = session.execute(select(models.AuditEntry).where(
                models.AuditEntry.workshop_id == workshop.id,
                models.AuditEntry.command == "timer.expire")).scalars().all()
            activity = session.get(models.Activity, started["activity_id"])
            assert len(rows) == 1 and rows[0].facilitator_id is None
            assert activity.time_up_at is not None
    finally:
        tupa.close_all()
