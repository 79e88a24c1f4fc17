"""Decisions over the socket: the board marks one, phones hear of it only while the results are
public, and a phone's snapshot agrees with what it heard."""

from __future__ import annotations

from arrange import command, facts


def test_phones_hear_decisions_only_while_results_are_public(
        make_workshop, make_participant, add_idea, facilitator_socket, participant_socket):
    workshop = make_workshop(phase="results")
    person, token = make_participant(workshop)
    idea_id = add_idea(person, "Benches at every stop")
    board = facilitator_socket(workshop)
    phone = participant_socket(workshop, token)
    facts(board), facts(phone)

    marked = command(board, "decision.set", {
        "idea_id": idea_id, "outcome": "pilot", "owner_name": "City of Espoo",
        "owner_type": "city", "next_step": "Five stops first", "due_on": "2027-03-31"})

    assert marked["ok"], marked
    [(_, told)] = facts(phone, "decision.changed")
    assert told["decision"] == marked["data"]["decision"] and told["seq"] is not None
    assert facts(board, "decision.changed")

    hidden = command(board, "workshop.set_results_public", {"public": False})
    assert hidden == {"ok": True, "data": {"results_public": False}}
    [(_, withdrawn)] = facts(phone, "decisions.changed")
    assert (withdrawn["results_public"], withdrawn["decisions"]) == (False, [])

    command(board, "decision.set", {"idea_id": idea_id, "outcome": "park"})
    assert facts(phone, "decision.changed") == []
    assert [p["decision"]["outcome"] for _, p in facts(board, "decision.changed")] == ["park"]
    synced = command(phone, "workshop.sync", {})
    assert (synced["data"]["decisions"], synced["data"]["results_public"]) == ([], False)

    command(board, "workshop.set_results_public", {"public": True})
    [(_, shown)] = facts(phone, "decisions.changed")
    assert [d["outcome"] for d in shown["decisions"]] == ["park"]

    cleared = command(board, "decision.clear", {"idea_id": idea_id})
    assert cleared == {"ok": True, "data": {"idea_id": idea_id, "cleared": True}}
    assert [p["decision"] for _, p in facts(phone, "decision.changed")] == [None]


def test_a_phone_cannot_decide_and_bad_decisions_come_back_with_their_code(
        make_workshop, make_participant, add_idea, facilitator_socket, participant_socket):
    workshop = make_workshop(phase="results")
    person, token = make_participant(workshop)
    idea_id = add_idea(person)
    board = facilitator_socket(workshop)
    phone = participant_socket(workshop, token)

    refused = command(phone, "decision.set", {"idea_id": idea_id, "outcome": "pilot"})
    assert refused["error"]["code"] == "forbidden"
    refused = command(phone, "workshop.set_results_public", {"public": False})
    assert refused["error"]["code"] == "forbidden"
    bad_date = command(board, "decision.set",
                       {"idea_id": idea_id, "outcome": "pilot", "due_on": "31.3.2027"})
    assert bad_date["error"]["code"] == "invalid_decision"
    assert bad_date["error"]["field"] == "due_on"
    assert bad_date["error"]["message"]
    neither = command(board, "decision.set", {"outcome": "pilot"})
    assert neither["error"]["code"] == "invalid_payload"
    assert command(board, "decision.clear", None)["error"]["code"] == "invalid_payload"
    assert facts(phone, "decision.changed") == []
