"""Erasing a participant, or a workshop, closes the erased people's open sockets.

Through Flask-SocketIO's test client, on SQLite and (with TEST_DATABASE_URL) PostgreSQL. The
same across processes, through Redis, is in tests/e2e/test_processes.py.
"""

from __future__ import annotations

from arrange import command, csrf, facts, signed_in
from sqlalchemy import func, select

from workshop.extensions import db, socketio
from workshop.models import Presence


def erase(desk, address: str) -> None:
    """Confirm an erasure on its page, as the facilitator does."""
    confirm = desk.get(address)
    assert confirm.status_code == 200
    assert desk.post(address, data={"csrf_token": csrf(confirm.text)}).status_code == 302


def open_presence(app) -> int:
    with app.app_context():
        count = db.session.execute(select(func.count()).select_from(Presence)).scalar_one()
        db.session.rollback()
        return count


def test_erasing_a_participant_closes_their_sockets_and_no_one_elses(
        app, make_facilitator, make_workshop, make_participant, participant_socket,
        facilitator_socket):
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator)
    gone, gone_token = make_participant(workshop, nickname="Aino")
    _, stays_token = make_participant(workshop)
    tabs = [participant_socket(workshop, gone_token) for _ in range(2)]
    neighbour = participant_socket(workshop, stays_token)
    board = facilitator_socket(workshop)
    assert all(client.is_connected() for client in (*tabs, neighbour, board))
    assert open_presence(app) == 3
    facts(board)

    erase(signed_in(app, facilitator),
          f"/workshops/{workshop.id}/participants/{gone.id}/erase")

    assert [tab.is_connected() for tab in tabs] == [False, False]
    assert neighbour.is_connected() and board.is_connected()
    assert command(neighbour, "workshop.sync")["ok"]
    assert open_presence(app) == 1
    # The board counts the one left, online and joined.
    counted = [payload for _, payload in facts(board, "presence.changed")]
    assert counted and (counted[-1]["online"], counted[-1]["joined"]) == (1, 1)
    # Reconnecting with the erased token is refused: the phone is sent to the join page.
    again = socketio.test_client(app, auth={"workshop_id": workshop.id, "token": gone_token})
    assert not again.is_connected()


def test_erasing_a_workshop_closes_every_participant_socket(
        app, make_facilitator, make_workshop, make_participant, participant_socket):
    facilitator = make_facilitator()
    doomed = make_workshop(facilitator)
    kept = make_workshop(facilitator)
    doomed_phones = [participant_socket(doomed, make_participant(doomed)[1]) for _ in range(2)]
    kept_phone = participant_socket(kept, make_participant(kept)[1])

    erase(signed_in(app, facilitator), f"/workshops/{doomed.id}/erase")

    assert [phone.is_connected() for phone in doomed_phones] == [False, False]
    assert kept_phone.is_connected()
    assert open_presence(app) == 1


def test_a_refused_erasure_closes_nothing(
        app, make_facilitator, make_workshop, make_participant, participant_socket):
    owner = make_facilitator()
    workshop = make_workshop(owner)
    person, token = make_participant(workshop)
    phone = participant_socket(workshop, token)
    stranger = signed_in(app, make_facilitator())
    page = stranger.get("/workshops")

    answer = stranger.post(f"/workshops/{workshop.id}/participants/{person.id}/erase",
                           data={"csrf_token": csrf(page.text)})

    assert answer.status_code == 404
    assert phone.is_connected()
    assert open_presence(app) == 1
