"""Removing a participant (participant.remove) closes their sockets once it is committed, and
their token opens no socket again; the board's answer carries no socket ids."""

from __future__ import annotations

from arrange import command

from workshop.extensions import socketio


def test_a_removed_participants_sockets_are_closed_and_stay_closed(
        app, make_workshop, make_participant, participant_socket, facilitator_socket):
    workshop = make_workshop(phase="posting")
    gone, gone_token = make_participant(workshop)
    _, stays_token = make_participant(workshop)
    tabs = [participant_socket(workshop, gone_token) for _ in range(2)]
    neighbour = participant_socket(workshop, stays_token)
    board = facilitator_socket(workshop)
    assert all(client.is_connected() for client in (*tabs, neighbour, board))

    answer = command(board, "participant.remove",
                     {"participant_id": gone.id, "remove_ideas": False})

    assert answer == {"ok": True, "data": {"participant_id": gone.id, "removed": True}}
    assert [tab.is_connected() for tab in tabs] == [False, False]
    assert neighbour.is_connected() and board.is_connected()
    assert command(neighbour, "idea.post", {"key": "k", "text": "Still here"})["ok"]
    again = socketio.test_client(app, auth={"workshop_id": workshop.id, "token": gone_token})
    assert not again.is_connected()


def test_a_participant_cannot_remove_anyone(app, make_workshop, make_participant,
                                            participant_socket):
    workshop = make_workshop()
    other, _ = make_participant(workshop)
    _, token = make_participant(workshop)
    phone = participant_socket(workshop, token)

    answer = command(phone, "participant.remove", {"participant_id": other.id,
                                                   "remove_ideas": True})

    assert answer["ok"] is False and answer["error"]["code"] == "forbidden"
