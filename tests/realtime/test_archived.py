"""An archived workshop over the socket: reading goes on, every change is refused `archived`
with the person's words, and nothing is told."""

from __future__ import annotations

from arrange import as_facilitator, command, facts

from workshop.extensions import db
from workshop.services import archive


def test_an_archived_workshop_answers_archived_in_the_persons_language(
        app, make_workshop, make_participant, participant_socket, facilitator_socket):
    workshop = make_workshop(phase="posting")
    _person, token = make_participant(workshop)
    phone = participant_socket(workshop, token, lang="fi")
    board = facilitator_socket(workshop)
    with app.app_context():
        archive.archive_workshop(db.session, as_facilitator(workshop))
        db.session.commit()
    phone.get_received()
    board.get_received()

    posted = command(phone, "idea.post", {"key": "k1", "text": "Penkit"})
    paused = command(board, "workshop.pause_input", {"paused": True})
    synced = command(phone, "workshop.sync", {})

    assert posted == {"ok": False, "error": {
        "code": "archived",
        "message": "Tämä työpaja on arkistoitu: sitä voi lukea, mutta ei muuttaa."}}
    assert paused["ok"] is False and paused["error"]["code"] == "archived"
    assert paused["error"]["message"] == "This workshop is archived: it can be read, not changed."
    assert synced["ok"] is True
    assert facts(phone) == [] and facts(board) == []
