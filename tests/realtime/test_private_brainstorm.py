"""A private brainstorm over sockets: another participant's phone hears nothing of an idea
until the reveal; the facilitators' screens hear it, and a count."""

from __future__ import annotations

import json

from arrange import as_facilitator, command, facts

from workshop.extensions import db
from workshop.services import agenda


def _private_brainstorm(app, workshop):
    with app.app_context():
        agenda.update_activity(db.session, as_facilitator(workshop),
                               workshop.current_activity_id, settings={"private": True})
        db.session.commit()


def test_only_the_facilitators_hear_of_a_private_idea_until_the_reveal(
        app, make_workshop, make_participant, participant_socket, facilitator_socket):
    workshop = make_workshop(phase="posting")
    _private_brainstorm(app, workshop)
    _, aino_token = make_participant(workshop, organisation_type="city")
    _, bert_token = make_participant(workshop, organisation_type="company")
    aino = participant_socket(workshop, aino_token)
    bert = participant_socket(workshop, bert_token)
    board = facilitator_socket(workshop)
    for client in (aino, bert, board):
        client.get_received()

    answer = command(aino, "idea.post", {"key": "k1", "text": "Benches in the shade"})

    assert answer["ok"] and answer["data"]["idea"]["text"] == "Benches in the shade"
    idea_id = answer["data"]["idea"]["id"]
    assert facts(bert) == []
    assert facts(aino) == []  # the answer carried it
    heard = dict(facts(board))
    assert heard["idea.posted"]["idea"]["id"] == idea_id
    assert heard["idea.posted"]["seq"] is None
    counts = {c["activity_id"]: c for c in heard["ideas.counted"]["counts"]}
    assert counts[workshop.current_activity_id]["total"] == 1
    assert counts[workshop.current_activity_id]["by_organisation_type"]["city"] == 1

    synced = command(bert, "workshop.sync", {})
    assert "Benches" not in json.dumps(synced) and idea_id not in [
        i["id"] for i in synced["data"]["ideas"]]

    revealed = command(board, "brainstorm.reveal", {"activity_id": workshop.current_activity_id})

    assert revealed["ok"] and revealed["data"]["activity"]["revealed"] is True
    for client in (aino, bert, board):
        told = facts(client, "ideas.revealed")
        assert len(told) == 1
        assert [i["text"] for i in told[0][1]["ideas"]] == ["Benches in the shade"]
        assert told[0][1]["seq"] == synced["data"]["seq"] + 1

    again = command(board, "brainstorm.reveal", {"activity_id": workshop.current_activity_id})
    assert again["ok"]
    assert all(facts(client) == [] for client in (aino, bert, board))


def test_a_participant_may_not_reveal(app, make_workshop, make_participant, participant_socket):
    workshop = make_workshop(phase="posting")
    _private_brainstorm(app, workshop)
    _, token = make_participant(workshop)
    phone = participant_socket(workshop, token)

    answer = command(phone, "brainstorm.reveal", {"activity_id": workshop.current_activity_id})

    assert answer["ok"] is False and answer["error"]["code"] == "forbidden"
