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
