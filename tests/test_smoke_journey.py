"""A short journey over the socket layer; the full suites live beside it."""

from conftest import command, facts


def test_a_posted_idea_reaches_the_facilitator_once(make_workshop, make_participant,
                                                      participant_socket, facilitator_socket):
    workshop = make_workshop()
    _, token = make_participant(workshop)
    board = facilitator_socket(workshop)
    phone = participant_socket(workshop, token)
    facts(board)

    first = command(phone, "idea.post", {"key": "k1", "text": "  Benches at every stop  "})
    again = command(phone, "idea.post", {"key": "k1", "text": "Benches at every stop"})

    assert first["ok"] and first["data"]["idea"]["text"] == "Benches at every stop"
    assert again["data"] == first["data"]
    posted = facts(board, "idea.posted")
    assert [p["idea"]["text"] for _, p in posted] == ["Benches at every stop"]


def test_a_phone_back_online_gets_only_what_it_missed(make_workshop, make_participant,
                                                      participant_socket, facilitator_socket):
    workshop = make_workshop()
    _, token = make_participant(workshop)
    _, other = make_participant(workshop)
    board = facilitator_socket(workshop)
    phone = participant_socket(workshop, token)
    seen = command(phone, "workshop.sync", {})["data"]["seq"]
    phone.disconnect()

    command(participant_socket(workshop, other), "idea.post", {"key": "a", "text": "Shade"})
    command(board, "phase.set", {"phase": "voting"})
    phone = participant_socket(workshop, token)
    caught_up = command(phone, "workshop.sync", {"since": seen})["data"]
    stale = command(phone, "workshop.sync", {"since": seen + 99})["data"]

    assert [m["name"] for m in caught_up["missed"]] == ["idea.posted", "phase.changed"]
    assert [m["payload"]["seq"] for m in caught_up["missed"]] == [seen + 1, seen + 2]
    assert caught_up["seq"] == seen + 2
    assert stale["workshop"]["phase"] == "voting" and "missed" not in stale
