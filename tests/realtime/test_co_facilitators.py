"""Co-facilitators over the socket: an invited account's board runs the room with the owner's,
each hears what the other did; a removed one is refused; a stranger is not admitted."""

from __future__ import annotations

import pytest
from arrange import as_facilitator, command, facts

from workshop.extensions import db
from workshop.services import team


@pytest.fixture
def invited(app, make_workshop, make_facilitator):
    """Factory: a workshop and an account its owner has invited; returns (workshop, helper)."""

    def make(**settings):
        workshop = make_workshop(**settings)
        helper = make_facilitator("Helmi")
        with app.app_context():
            team.invite(db.session, as_facilitator(workshop), "Helmi")
            db.session.commit()
        return workshop, helper

    return make


def test_owner_and_co_facilitator_hear_each_others_changes(invited, facilitator_socket):
    workshop, helper = invited()
    owners_board = facilitator_socket(workshop)
    helpers_board = facilitator_socket(workshop, facilitator_id=helper.id)
    assert helpers_board.is_connected()

    moved = command(helpers_board, "phase.set", {"phase": "voting"})
    locked = command(owners_board, "workshop.lock_joins", {"locked": True})

    assert moved["ok"] and locked["ok"], (moved, locked)
    assert [p["phase"] for _, p in facts(owners_board, "phase.changed")] == ["voting"]
    assert [p["workshop"]["joins_locked"]
            for _, p in facts(helpers_board, "workshop.changed")] == [True]


def test_a_removed_co_facilitators_next_command_is_refused(app, invited, facilitator_socket):
    workshop, helper = invited()
    helpers_board = facilitator_socket(workshop, facilitator_id=helper.id)
    assert command(helpers_board, "workshop.lock_joins", {"locked": True})["ok"]

    with app.app_context():
        team.remove(db.session, as_facilitator(workshop), helper.id)
        db.session.commit()
    answer = command(helpers_board, "workshop.lock_joins", {"locked": False})

    assert answer["ok"] is False and answer["error"]["code"] == "forbidden"
    assert not facilitator_socket(workshop, facilitator_id=helper.id).is_connected()


def test_a_stranger_facilitator_is_not_admitted(invited, make_facilitator, facilitator_socket):
    workshop, _ = invited()
    stranger = make_facilitator("Vieras")

    assert not facilitator_socket(workshop, facilitator_id=stranger.id).is_connected()
