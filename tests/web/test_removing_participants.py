"""Removing a participant from the participants page: the list's dialog posts whether their
ideas stay or go; their phones hang up, the room hears of ideas that went, the list says so."""

from __future__ import annotations

from arrange import command, csrf, facts, signed_in

from workshop.extensions import socketio


def list_page(desk, workshop) -> str:
    page = desk.get(f"/workshops/{workshop.id}/participants")
    assert page.status_code == 200
    return page.text


def remove(desk, workshop, person, ideas: str, token: str | None = None):
    token = token or csrf(list_page(desk, workshop))
    return desk.post(f"/workshops/{workshop.id}/participants/{person.id}/remove",
                     data={"csrf_token": token, "ideas": ideas})


def test_removing_with_their_ideas_hangs_up_and_takes_the_ideas_off_every_screen(
        app, make_facilitator, make_workshop, make_participant, add_idea, participant_socket):
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator)
    gone, gone_token = make_participant(workshop, nickname="Aino")
    stays, stays_token = make_participant(workshop, nickname="Bertil")
    gone_idea = add_idea(gone, "Benches at stops")
    add_idea(stays, "More benches")
    phone = participant_socket(workshop, gone_token)
    neighbour = participant_socket(workshop, stays_token)
    facts(neighbour)
    desk = signed_in(app, facilitator)
    assert 'aria-label="Remove from the workshop: Aino"' in list_page(desk, workshop)

    answer = remove(desk, workshop, gone, "go")

    assert answer.status_code == 302
    assert not phone.is_connected() and neighbour.is_connected()
    assert [p["idea_id"] for _, p in facts(neighbour, "idea.deleted")] == [gone_idea]
    texts = [idea["text"] for idea in command(neighbour, "workshop.sync")["data"]["ideas"]]
    assert texts == ["More benches"]
    after = desk.get(answer.headers["Location"]).text
    assert "Aino was removed from the workshop with their ideas." in after
    # Her row says so and offers no second removal; Bertil's still does.
    assert 'aria-label="Remove from the workshop: Aino"' not in after
    assert 'aria-label="Remove from the workshop: Bertil"' in after
    assert ">Removed<" in after
    again = socketio.test_client(app, auth={"workshop_id": workshop.id, "token": gone_token})
    assert not again.is_connected()


def test_their_ideas_stay_when_the_dialog_says_so(
        app, make_facilitator, make_workshop, make_participant, add_idea, participant_socket):
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator)
    gone, gone_token = make_participant(workshop, nickname="Aino")
    _, stays_token = make_participant(workshop)
    add_idea(gone, "Benches at stops")
    phone = participant_socket(workshop, gone_token)
    neighbour = participant_socket(workshop, stays_token)
    desk = signed_in(app, facilitator)

    answer = remove(desk, workshop, gone, "stay")

    assert answer.status_code == 302
    assert not phone.is_connected()
    texts = [idea["text"] for idea in command(neighbour, "workshop.sync")["data"]["ideas"]]
    assert texts == ["Benches at stops"]
    assert "Aino was removed from the workshop. Their ideas stay." in desk.get(
        answer.headers["Location"]).text


def test_a_stranger_an_unclear_answer_or_a_missing_csrf_token_removes_no_one(
        app, make_facilitator, make_workshop, make_participant, participant_socket):
    owner = make_facilitator()
    workshop = make_workshop(owner)
    person, token = make_participant(workshop)
    phone = participant_socket(workshop, token)
    stranger = signed_in(app, make_facilitator())
    address = f"/workshops/{workshop.id}/participants/{person.id}/remove"
    desk = signed_in(app, owner)

    strangers = stranger.post(address, data={"csrf_token": csrf(stranger.get("/workshops").text),
                                             "ideas": "go"})
    unclear = remove(desk, workshop, person, "maybe")
    unsigned = desk.post(address, data={"ideas": "go"})

    assert (strangers.status_code, unclear.status_code, unsigned.status_code) == (404, 400, 400)
    assert phone.is_connected()
    assert 'aria-label="Remove from the workshop: Participant 1"' in list_page(desk, workshop)
