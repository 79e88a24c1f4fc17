"""Tables over sockets: a phone hears its own table's ideas only, numbered by its table; a
phone moved to another table follows it after its sync; the merge reaches every phone."""

from __future__ import annotations

from arrange import as_facilitator, command, facts

from workshop.extensions import db
from workshop.services import agenda


def _room_at_tables(app, workshop, make_participant):
    """Two tables of one phone each, at a brainstorm at tables; returns tables and tokens."""
    board = as_facilitator(workshop)
    with app.app_context():
        agenda.update_activity(db.session, board, workshop.current_activity_id,
                               settings={"at_tables": True})
        db.session.commit()
    people = [make_participant(workshop, organisation_type=kind) for kind in ("city", "company")]
    return people


def test_a_phone_hears_its_own_tables_ideas_only_until_the_merge(
        app, make_workshop, make_participant, participant_socket, facilitator_socket):
    workshop = make_workshop(phase="posting")
    (aino, aino_token), (bert, bert_token) = _room_at_tables(app, workshop, make_participant)
    board = facilitator_socket(workshop)
    tables = [command(board, "table.create", {"key": f"t{n}", "name": f"Table {n}"})
              ["data"]["table"]["id"] for n in (1, 2)]
    for person, table in ((aino, tables[0]), (bert, tables[1])):
        assert command(board, "table.seat", {"participant_id": person.id,
                                             "table_id": table})["ok"]
    # Connected after seating: the connect puts each socket in its table's room.
    phone_a = participant_socket(workshop, aino_token)
    phone_b = participant_socket(workshop, bert_token)
    phone_a_too = participant_socket(workshop, aino_token)  # a second tab, same table
    for client in (phone_a, phone_b, phone_a_too, board):
        client.get_received()

    posted = command(phone_a, "idea.post", {"key": "k1", "text": "Shade at table one"})

    assert posted["ok"]
    assert facts(phone_b) == []
    heard = dict(facts(phone_a_too))
    assert heard["idea.posted"]["idea"]["text"] == "Shade at table one"
    assert heard["idea.posted"]["tseq"] == 1 and "seq" not in heard["idea.posted"]
    assert dict(facts(board))["idea.posted"]["seq"] is None

    merged = command(board, "brainstorm.merge", {"activity_id": workshop.current_activity_id})

    assert merged["ok"]
    told = facts(phone_b, "ideas.revealed")
    assert [i["text"] for i in told[0][1]["ideas"]] == ["Shade at table one"]
    assert told[0][1]["ideas"][0]["table_id"] == tables[0]


def test_a_moved_phone_follows_its_table_after_its_sync(
        app, make_workshop, make_participant, participant_socket, facilitator_socket):
    workshop = make_workshop(phase="posting")
    (aino, aino_token), (bert, bert_token) = _room_at_tables(app, workshop, make_participant)
    board = facilitator_socket(workshop)
    tables = [command(board, "table.create", {"key": f"t{n}", "name": f"Table {n}"})
              ["data"]["table"]["id"] for n in (1, 2)]
    command(board, "table.seat", {"participant_id": aino.id, "table_id": tables[0]})
    command(board, "table.seat", {"participant_id": bert.id, "table_id": tables[1]})
    phone_a = participant_socket(workshop, aino_token)
    phone_b = participant_socket(workshop, bert_token)
    for client in (phone_a, phone_b, board):
        client.get_received()

    command(board, "table.seat", {"participant_id": aino.id, "table_id": tables[1]})
    moved = dict(facts(phone_a))["seats.changed"]
    assert moved["participant_ids"] == [aino.id] and "seats" not in moved
    synced = command(phone_a, "workshop.sync", {})
    assert synced["data"]["me"]["table_id"] == tables[1]
    phone_a.get_received()
    command(phone_b, "idea.post", {"key": "k2", "text": "Table two's idea"})

    assert [f[1]["idea"]["text"] for f in facts(phone_a, "idea.posted")] == ["Table two's idea"]


def test_a_participant_chooses_a_table_from_the_phone(
        app, make_workshop, make_participant, participant_socket, facilitator_socket):
    workshop = make_workshop(phase="lobby")
    _, token = make_participant(workshop)
    board = facilitator_socket(workshop)
    table = command(board, "table.create", {"key": "t", "name": "Window"})["data"]["table"]["id"]
    phone = participant_socket(workshop, token)

    refused = command(phone, "table.choose", {"table_id": table})
    command(board, "tables.set_choice", {"open": True})
    chosen = command(phone, "table.choose", {"table_id": table})

    assert refused["ok"] is False and refused["error"]["code"] == "seating_closed"
    assert refused["error"]["message"]  # words a person reads
    assert chosen == {"ok": True, "data": {"table_id": table}}
