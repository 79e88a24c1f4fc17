"""The socket layer through Flask-SocketIO's test client: idempotency, isolation, bad input,
private votes, sequence numbers, presence and translated refusals.

Every test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from arrange import command, facts
from babel.messages.pofile import read_po
from flask_babel import force_locale
from sqlalchemy import select

import workshop
from workshop.extensions import db, socketio
from workshop.languages import ERROR_MESSAGES
from workshop.models import Activity, Cluster, Idea, Participant, Presence, Vote, Workshop

TRANSLATIONS = Path(workshop.__file__).parent / "translations"


def ok(ack: dict) -> Any:
    """The data of a successful acknowledgement."""
    assert ack["ok"] is True, ack
    return ack["data"]


def refusal(ack: dict) -> str:
    """The code of a refused command, after checking the refusal's shape."""
    assert ack["ok"] is False, ack
    assert set(ack) == {"ok", "error"}
    error = ack["error"]
    assert isinstance(error["code"], str) and error["code"] in ERROR_MESSAGES
    assert isinstance(error["message"], str) and error["message"]
    return error["code"]


def stored(app) -> dict:
    """Every row a command could change, read in a fresh session."""
    with app.app_context():
        rows = {
            model.__tablename__: [tuple(r) for r in db.session.execute(select(*columns)
                                                                          .order_by(columns[0]))]
            for model, columns in [
                (Workshop, [Workshop.id, Workshop.phase, Workshop.sequence,
                            Workshop.current_activity_id]),
                (Activity, [Activity.id, Activity.position, Activity.kind, Activity.title,
                            Activity.prompt, Activity.vote_budget]),
                (Idea, [Idea.id, Idea.text, Idea.hidden, Idea.cluster_id, Idea.position,
                        Idea.edited_at]),
                (Cluster, [Cluster.id, Cluster.name, Cluster.position]),
                (Vote, [Vote.id, Vote.participant_id, Vote.idea_id]),
                (Participant, [Participant.id]),
            ]
        }
        db.session.rollback()
        return rows


@dataclass
class Room:
    """A workshop with its facilitator's board and participants' phones, all connected."""

    workshop: Workshop
    board: Any
    phones: list
    tokens: list[str]
    idea_id: int
    cluster_id: int

    @property
    def everyone(self) -> list:
        return [self.board, *self.phones]

    def clear(self) -> None:
        """Forget the facts received so far."""
        for client in self.everyone:
            client.get_received()


@pytest.fixture
def make_room(make_workshop, make_participant, participant_socket, facilitator_socket):
    """Factory: a connected room with one idea (by the first phone) and one cluster."""

    def make(phase: str = "posting", people: int = 2, **settings) -> Room:
        workshop = make_workshop(**settings)
        board = facilitator_socket(workshop)
        tokens = [make_participant(workshop)[1] for _ in range(people)]
        phones = [participant_socket(workshop, token) for token in tokens]
        idea = ok(command(phones[0], "idea.post", {"key": "seed", "text": "Benches"}))["idea"]
        cluster = ok(command(board, "cluster.create", {"key": "seed", "name": "Waiting"}))
        if phase != "posting":
            ok(command(board, "phase.set", {"phase": phase}))
        room = Room(workshop, board, phones, tokens, idea["id"], cluster["cluster"]["id"])
        room.clear()
        return room

    return make


def connect(app, auth, http=None):
    """A raw test client, connected or not."""
    return socketio.test_client(app, auth=auth, flask_test_client=http)


# Idempotency: one key, one row, one broadcast.


def test_an_idea_sent_three_times_is_stored_and_told_once(app, make_room):
    room = make_room()
    sender = room.phones[0]

    acks = [command(sender, "idea.post", {"key": "k-1", "text": "Shade"}) for _ in range(3)]

    assert ok(acks[0])["idea"]["text"] == "Shade"
    assert acks[1] == acks[0] and acks[2] == acks[0]
    assert [i[1] for i in stored(app)["idea"]].count("Shade") == 1
    for client in room.everyone:
        assert [p["idea"]["text"] for _, p in facts(client, "idea.posted")] == ["Shade"]


def test_an_idea_sent_again_after_a_reconnect_is_stored_once(app, make_room, participant_socket):
    room = make_room()
    ack = command(room.phones[0], "idea.post", {"key": "outbox-1", "text": "Shade"})
    room.phones[0].disconnect()

    again = command(participant_socket(room.workshop, room.tokens[0]), "idea.post",
                    {"key": "outbox-1", "text": "Shade"})

    assert again == ack
    assert len(stored(app)["idea"]) == 2
    assert len(facts(room.board, "idea.posted")) == 1


def test_a_vote_sent_three_times_is_stored_and_told_once(app, make_room):
    room = make_room("voting")
    payload = {"key": "v-1", "idea_id": room.idea_id}

    acks = [command(room.phones[1], "vote.cast", payload) for _ in range(3)]

    assert ok(acks[0]) == {"vote": {"key": "v-1", "idea_id": room.idea_id}, "votes_left": 4}
    assert acks[1] == acks[0] and acks[2] == acks[0]
    assert len(stored(app)["vote"]) == 1
    assert [p for _, p in facts(room.board, "votes.progressed")] == [
        {"seq": None, "votes_cast": 1, "voters": 1}
    ]
    for phone in room.phones:
        assert facts(phone) == []


def test_a_cluster_sent_three_times_is_stored_and_told_once(app, make_room):
    room = make_room("grouping")

    acks = [command(room.board, "cluster.create", {"key": "c-1", "name": "Shelter"})
            for _ in range(3)]

    assert ok(acks[0])["cluster"]["name"] == "Shelter"
    assert acks[1] == acks[0] and acks[2] == acks[0]
    assert [c[1] for c in stored(app)["cluster"]] == ["Waiting", "Shelter"]
    for client in room.everyone:
        assert len(facts(client, "clusters.changed")) == 1


# Isolation between workshops and between roles.


def test_a_participant_token_opens_only_its_own_workshop(app, make_room):
    a = make_room()
    b = make_room()

    assert not connect(app, {"workshop_id": b.workshop.id, "token": a.tokens[0]}).is_connected()
    assert connect(app, {"workshop_id": a.workshop.id, "token": a.tokens[0]}).is_connected()


def test_a_facilitator_opens_only_their_own_workshops(app, make_room, facilitator_socket):
    a = make_room()
    b = make_room()

    intruder = facilitator_socket(b.workshop, facilitator_id=a.workshop.facilitator_id)

    assert not intruder.is_connected()
    assert facilitator_socket(b.workshop).is_connected()


def test_nobody_is_admitted_without_a_token_or_a_session(app, make_room):
    room = make_room()
    assert not connect(app, {"workshop_id": room.workshop.id}).is_connected()
    assert not connect(app, {"workshop_id": room.workshop.id, "token": None}).is_connected()


BAD_AUTH = [
    None,
    {},
    [1],
    "TOKEN",
    {"workshop_id": "ID-AS-TEXT", "token": "TOKEN"},
    {"workshop_id": 1.0, "token": "TOKEN"},
    {"workshop_id": None, "token": "TOKEN"},
    {"token": "TOKEN"},
    {"workshop_id": 999_999, "token": "TOKEN"},
    {"workshop_id": 2**40, "token": "TOKEN"},
    {"workshop_id": "ID", "token": ""},
    {"workshop_id": "ID", "token": 12345},
    {"workshop_id": "ID", "token": ["TOKEN"]},
    {"workshop_id": "ID", "token": {"token": "TOKEN"}},
    {"workshop_id": "ID", "token": "TOKEN-AND-MORE"},
    {"workshop_id": "ID", "token": "x" * 10_000},
    {"workshop_id": "ID", "token": "\ud800" * 30},
    {"workshop_id": "ID", "token": "\ud800", "lang": "\ud800"},
]


def test_a_bad_connect_payload_is_refused(app, make_room):
    room = make_room()
    real = {
        "ID": room.workshop.id,
        "ID-AS-TEXT": str(room.workshop.id),
        "TOKEN": room.tokens[0],
        "TOKEN-AND-MORE": room.tokens[0] + "x",
    }

    def fill(value):
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return real.get(value, value) if isinstance(value, str) else value

    before = stored(app)

    for auth in BAD_AUTH:
        assert not connect(app, fill(auth)).is_connected(), auth

    assert stored(app) == before
    for existing in room.everyone:
        assert facts(existing) == []
    assert ok(command(room.phones[0], "workshop.sync"))


@pytest.fixture
def workshop_one(app, make_facilitator, make_participant):
    """A workshop whose id is 1, the id `true` stands for in SQL; returns (workshop, token)."""
    owner = make_facilitator()
    with app.app_context():
        workshop = Workshop(id=1, facilitator_id=owner.id, title="One", question="How?",
                            join_code="ONE1ONE1", phase="posting", vote_budget=5,
                            votes_per_idea=5, language="en", sequence=0)
        db.session.add(workshop)
        db.session.commit()
    return workshop, make_participant(workshop)[1]


def test_true_is_no_workshop_id(app, workshop_one):
    workshop, token = workshop_one
    assert not connect(app, {"workshop_id": True, "token": token}).is_connected()


def test_an_id_beyond_64_bits_is_refused_without_an_error(app, make_room):
    room = make_room()
    assert not connect(app, {"workshop_id": 2**63, "token": room.tokens[0]}).is_connected()


def test_a_refused_connection_tells_the_client_why(app, make_room):
    room = make_room()
    client = connect(app, {"workshop_id": room.workshop.id, "token": "not-a-token" * 3})
    errors = []
    send = socketio.server._send_packet

    def spy(eio_sid, pkt):
        if pkt.packet_type == 4:  # CONNECT_ERROR
            errors.append(pkt.data)
        return send(eio_sid, pkt)

    socketio.server._send_packet = spy
    try:
        client.connect(auth={"workshop_id": room.workshop.id, "token": "not-a-token" * 3})
    finally:
        socketio.server._send_packet = send

    assert errors and errors[0]["message"] == "not_authenticated"
    assert errors[0]["data"]["code"] == "not_authenticated"


def test_ids_of_another_workshop_are_not_found_and_nothing_changes(app, make_room):
    a = make_room("voting")
    b = make_room("posting")
    before = stored(app)

    attempts = [
        (a.phones[0], "idea.edit", {"idea_id": b.idea_id, "text": "Mine now"}),
        (a.phones[0], "idea.delete", {"idea_id": b.idea_id}),
        (a.phones[0], "vote.cast", {"key": "v", "idea_id": b.idea_id}),
        (a.board, "idea.hide", {"idea_id": b.idea_id}),
        (a.board, "idea.show", {"idea_id": b.idea_id}),
        (a.board, "idea.delete", {"idea_id": b.idea_id}),
        (a.board, "cluster.rename", {"cluster_id": b.cluster_id, "name": "Mine"}),
        (a.board, "cluster.delete", {"cluster_id": b.cluster_id}),
        (a.board, "cluster.move_idea", {"idea_id": b.idea_id, "cluster_id": a.cluster_id,
                                        "position": 0}),
        (a.board, "cluster.move_idea", {"idea_id": a.idea_id, "cluster_id": b.cluster_id,
                                        "position": 0}),
    ]
    for client, name, payload in attempts:
        assert refusal(command(client, name, payload)) == "not_found", name

    assert stored(app) == before
    for client in a.everyone + b.everyone:
        assert facts(client) == []


FACILITATOR_COMMANDS = [
    ("idea.hide", lambda r: {"idea_id": r.idea_id}),
    ("idea.show", lambda r: {"idea_id": r.idea_id}),
    ("cluster.create", lambda r: {"key": "c", "name": "Mine"}),
    ("cluster.rename", lambda r: {"cluster_id": r.cluster_id, "name": "Mine"}),
    ("cluster.delete", lambda r: {"cluster_id": r.cluster_id}),
    ("cluster.move_idea", lambda r: {"idea_id": r.idea_id, "cluster_id": r.cluster_id,
                                     "position": 0}),
    ("phase.set", lambda r: {"phase": "results"}),
]


def test_a_participant_cannot_run_facilitator_commands(app, make_room):
    room = make_room()
    before = stored(app)

    for name, payload in FACILITATOR_COMMANDS:
        assert refusal(command(room.phones[0], name, payload(room))) == "forbidden", name

    assert stored(app) == before
    for client in room.everyone:
        assert facts(client) == []


PARTICIPANT_COMMANDS = [
    ("idea.post", lambda r: {"key": "k", "text": "From the front"}),
    ("vote.cast", lambda r: {"key": "v", "idea_id": r.idea_id}),
    ("vote.retract", lambda r: {"key": "v"}),
]


def test_a_facilitator_does_not_act_as_a_participant(app, make_room):
    room = make_room()
    before = stored(app)

    for name, payload in PARTICIPANT_COMMANDS:
        assert refusal(command(room.board, name, payload(room))) == "forbidden", name

    assert stored(app) == before


def test_what_happens_in_one_workshop_stays_there(make_room):
    a = make_room()
    b = make_room()

    ok(command(b.phones[0], "idea.post", {"key": "k", "text": "Only for B"}))
    ok(command(b.board, "cluster.create", {"key": "c", "name": "Only for B"}))
    ok(command(b.board, "phase.set", {"phase": "voting"}))
    ok(command(b.phones[1], "vote.cast", {"key": "v", "idea_id": b.idea_id}))

    for client in a.everyone:
        assert facts(client) == []
    snapshot = ok(command(a.phones[0], "workshop.sync"))
    assert [i["text"] for i in snapshot["ideas"]] == ["Benches"]
    assert [c["name"] for c in snapshot["clusters"]] == ["Waiting"]


# Bad input: a clear refusal, nothing stored, nobody told, and the connection keeps serving.

LONG = "x" * 10_000
BAD_INPUT = [
    # (who, event, args, expected code); "IDEA" and "CLUSTER" stand for the room's real ids.
    ("phone", "idea.post", [{}], "invalid_payload"),
    ("phone", "idea.post", [{"key": "k"}], "invalid_payload"),
    ("phone", "idea.post", [{"text": "An idea"}], "invalid_payload"),
    ("phone", "idea.post", [{"key": "k", "text": 5}], "invalid_payload"),
    ("phone", "idea.post", [{"key": "k", "text": None}], "invalid_payload"),
    ("phone", "idea.post", [{"key": "k", "text": ["An idea"]}], "invalid_payload"),
    ("phone", "idea.post", [{"key": "k", "text": {"html": "<b>"}}], "invalid_payload"),
    ("phone", "idea.post", [{"key": 5, "text": "An idea"}], "invalid_payload"),
    ("phone", "idea.post", [{"key": True, "text": "An idea"}], "invalid_payload"),
    ("phone", "idea.post", [{"key": "", "text": "An idea"}], "invalid_payload"),
    ("phone", "idea.post", [{"key": "k" * 65, "text": "An idea"}], "invalid_payload"),
    ("phone", "idea.post", [None], "invalid_payload"),
    ("phone", "idea.post", [], "invalid_payload"),
    ("phone", "idea.post", [["k", "An idea"]], "invalid_payload"),
    ("phone", "idea.post", ["An idea"], "invalid_payload"),
    ("phone", "idea.post", [42], "invalid_payload"),
    ("phone", "idea.post", [{"key": "k", "text": "An idea"}, "extra"], "invalid_payload"),
    ("phone", "idea.post", [{"key": "k", "text": "An idea"}, {"key": "k2"}], "invalid_payload"),
    ("phone", "idea.post", [{"key": "k", "text": ""}], "text_empty"),
    ("phone", "idea.post", [{"key": "k", "text": " \n\t "}], "text_empty"),
    ("phone", "idea.post", [{"key": "k", "text": LONG}], "text_too_long"),
    ("phone", "idea.post", [{"key": "k", "text": "x" * 501}], "text_too_long"),
    ("phone", "idea.post", [{"key": "k", "text": "nul\x00byte"}], "invalid_payload"),
    ("phone", "idea.edit", [{"idea_id": "IDEA-AS-TEXT", "text": "New"}], "invalid_payload"),
    ("phone", "idea.edit", [{"idea_id": True, "text": "New"}], "invalid_payload"),
    ("phone", "idea.edit", [{"idea_id": 1.5, "text": "New"}], "invalid_payload"),
    ("phone", "idea.edit", [{"idea_id": [1], "text": "New"}], "invalid_payload"),
    ("phone", "idea.edit", [{"idea_id": 2**31, "text": "New"}], "invalid_payload"),
    ("phone", "idea.edit", [{"idea_id": -(2**31), "text": "New"}], "invalid_payload"),
    ("phone", "idea.edit", [{"idea_id": "IDEA", "text": LONG}], "text_too_long"),
    ("phone", "idea.edit", [{"idea_id": "IDEA", "text": ""}], "text_empty"),
    ("phone", "idea.edit", [{"idea_id": 999_999, "text": "New"}], "not_found"),
    ("phone", "idea.delete", [{"idea_id": None}], "invalid_payload"),
    ("phone", "idea.delete", [{"idea_id": 0}], "not_found"),
    ("phone", "idea.delete", [{"idea_id": -1}], "not_found"),
    ("phone", "vote.cast", [{"key": "v", "idea_id": "IDEA-AS-TEXT"}], "invalid_payload"),
    ("phone", "vote.cast", [{"key": "v" * 65, "idea_id": "IDEA"}], "invalid_payload"),
    ("phone", "vote.cast", [{"key": "v", "idea_id": 999_999}], "not_found"),
    ("phone", "vote.retract", [{}], "invalid_payload"),
    ("phone", "vote.retract", [{"key": None}], "invalid_payload"),
    ("phone", "workshop.sync", [[1]], "invalid_payload"),
    ("phone", "workshop.sync", ["everything"], "invalid_payload"),
    ("phone", "workshop.sync", [{}, {}], "invalid_payload"),
    ("phone", "workshop.sync", [{"since": "3"}], "invalid_payload"),
    ("phone", "workshop.sync", [{"since": True}], "invalid_payload"),
    ("phone", "workshop.sync", [{"since": 1.5}], "invalid_payload"),
    ("board", "workshop.sync", [{"since": [1]}], "invalid_payload"),
    ("phone", "idea.vote", [{"idea_id": "IDEA"}], "unknown_command"),
    ("phone", "idea.posted", [{"idea": {"text": "fake"}}], "unknown_command"),
    ("phone", "IDEA.POST", [{"key": "k", "text": "An idea"}], "unknown_command"),
    ("phone", "x" * 1000, [], "unknown_command"),
    ("phone", "message", ["hello"], "unknown_command"),
    ("board", "cluster.create", [{"key": "c"}], "invalid_payload"),
    ("board", "cluster.create", [{"key": "c", "name": ""}], "text_empty"),
    ("board", "cluster.create", [{"key": "c", "name": "x" * 81}], "text_too_long"),
    ("board", "cluster.create", [{"key": "c" * 65, "name": "Mine"}], "invalid_payload"),
    ("board", "cluster.rename", [{"cluster_id": "CLUSTER-AS-TEXT", "name": "Mine"}],
     "invalid_payload"),
    ("board", "cluster.rename", [{"cluster_id": 999_999, "name": "Mine"}], "not_found"),
    ("board", "cluster.delete", [{"cluster_id": None}], "invalid_payload"),
    ("board", "cluster.delete", [{"cluster_id": 999_999}], "not_found"),
    ("board", "cluster.move_idea", [{"idea_id": "IDEA", "cluster_id": "CLUSTER"}],
     "invalid_payload"),
    ("board", "cluster.move_idea", [{"idea_id": "IDEA", "cluster_id": "x", "position": 0}],
     "invalid_payload"),
    ("board", "cluster.move_idea", [{"idea_id": "IDEA", "cluster_id": None, "position": None}],
     "invalid_payload"),
    ("board", "cluster.move_idea", [{"idea_id": "IDEA", "cluster_id": "CLUSTER",
                                     "position": -1}], "invalid_payload"),
    ("board", "cluster.move_idea", [{"idea_id": "IDEA", "cluster_id": "CLUSTER",
                                     "position": 0.5}], "invalid_payload"),
    ("board", "cluster.move_idea", [{"idea_id": 999_999, "cluster_id": "CLUSTER",
                                     "position": 0}], "not_found"),
    ("board", "cluster.move_idea", [{"idea_id": "IDEA", "cluster_id": 999_999,
                                     "position": 0}], "not_found"),
    ("board", "idea.hide", [{"idea_id": 999_999}], "not_found"),
    ("board", "idea.show", [{"idea_id": False}], "invalid_payload"),
    ("board", "phase.set", [{"phase": "finished"}], "invalid_phase"),
    ("board", "phase.set", [{"phase": "VOTING"}], "invalid_phase"),
    ("board", "phase.set", [{"phase": 3}], "invalid_payload"),
    ("board", "phase.set", [{"phase": None}], "invalid_payload"),
    ("board", "phase.set", [{}], "invalid_payload"),
    # A lone surrogate is no text (no database stores it); text that shows nothing is empty.
    ("phone", "idea.post", [{"key": "k", "text": "\ud800"}], "invalid_payload"),
    ("phone", "idea.post", [{"key": "k", "text": "Bench \udfff"}], "invalid_payload"),
    ("phone", "idea.post", [{"key": "\ud800", "text": "An idea"}], "invalid_payload"),
    ("phone", "vote.retract", [{"key": "\udc00"}], "invalid_payload"),
    ("phone", "idea.post", [{"key": "k", "text": "\u200b\u200c\u200d\u2060\ufeff"}],
     "text_empty"),
    ("phone", "idea.post", [{"key": "k", "text": "\u3164\u115f\u1160\uffa0"}], "text_empty"),
    ("phone", "idea.post", [{"key": "k", "text": "\u2800 \u2800\u034f"}], "text_empty"),
    ("phone", "idea.edit", [{"idea_id": "IDEA", "text": "\u200e\u202e\u00ad"}], "text_empty"),
    ("board", "cluster.create", [{"key": "c", "name": "\u3164"}], "text_empty"),
    ("board", "cluster.create", [{"key": "c", "name": "\ud83d"}], "invalid_payload"),
    ("board", "phase.set", [{"phase": "\ud800"}], "invalid_payload"),
    ("board", "activity.go", [{"activity_id": "1"}], "invalid_payload"),
    ("board", "activity.go", [{"activity_id": 999_999}], "not_found"),
    ("board", "activity.go", [{}], "invalid_payload"),
    ("board", "activity.add", [{"key": "a", "kind": "dance", "title": "x"}], "invalid_activity"),
    ("board", "activity.add", [{"key": "a", "kind": "vote", "title": "x", "settings": "x"}],
     "invalid_payload"),
    ("board", "activity.add", [{"key": "a", "kind": "vote", "title": "x",
                                "settings": {"vote_budget": 0}}], "invalid_vote_settings"),
    ("board", "activity.add", [{"key": "a", "kind": "brainstorm", "title": "x",
                                "prompt": "x" * 501}], "text_too_long"),
    ("board", "activity.add", [{"key": "a", "kind": "welcome", "title": "\u200b"}],
     "text_empty"),
    ("board", "activity.update", [{"activity_id": 999_999, "title": "x"}], "not_found"),
    ("board", "activity.update", [{"activity_id": "x"}], "invalid_payload"),
    ("board", "activity.remove", [{"activity_id": 999_999}], "not_found"),
    ("board", "activity.move", [{"activity_id": 999_999, "position": 0}], "not_found"),
    ("board", "activity.move", [{"activity_id": 1, "position": "first"}], "invalid_payload"),
]


def _fill(value, room: Room):
    """Put the room's real ids where a case says IDEA or CLUSTER."""
    if isinstance(value, dict):
        return {k: _fill(v, room) for k, v in value.items()}
    return {
        "IDEA": room.idea_id,
        "CLUSTER": room.cluster_id,
        "IDEA-AS-TEXT": str(room.idea_id),
        "CLUSTER-AS-TEXT": str(room.cluster_id),
    }.get(value, value) if isinstance(value, str) else value


@pytest.mark.parametrize("who", ["phone", "board"])
def test_bad_input_is_refused_clearly_and_changes_nothing(
    app, make_room, participant_socket, facilitator_socket, who
):
    room = make_room()
    before = stored(app)

    for case_who, event, args, code in BAD_INPUT:
        if case_who != who:
            continue
        case = f"{event[:30]} {args!r:.100}"
        # A connection per case: each one shows it still serves after its refusal.
        client = (participant_socket(room.workshop, room.tokens[0]) if who == "phone"
                  else facilitator_socket(room.workshop))
        room.clear()

        ack = client.emit(event, *[_fill(a, room) for a in args], callback=True)

        assert refusal(ack) == code, case
        assert stored(app) == before, case
        for other in room.everyone:
            assert facts(other) == [], case
        assert ok(command(client, "workshop.sync"))["workshop"]["id"] == room.workshop.id, case
        client.disconnect()

    assert ok(command(room.phones[1], "idea.post", {"key": "after", "text": "Still here"}))


def test_a_string_of_bad_commands_does_not_wear_the_connection_down(app, make_room):
    room = make_room()
    phone = room.phones[0]
    for _who, event, args, _code in BAD_INPUT[:40]:
        if _who == "phone":
            phone.emit(event, *[_fill(a, room) for a in args], callback=True)

    posted = ok(command(phone, "idea.post", {"key": "after", "text": "Still here"}))

    assert posted["idea"]["text"] == "Still here"
    assert len(stored(app)["idea"]) == 2


def test_text_is_stored_as_typed_never_as_markup(app, make_room):
    room = make_room()
    text = '<img src=x onerror="alert(1)"> & ääkköset 🚌'

    idea = ok(command(room.phones[0], "idea.post", {"key": "k", "text": text}))["idea"]

    assert idea["text"] == text
    assert [p["idea"]["text"] for _, p in facts(room.board, "idea.posted")] == [text]


def test_unlisted_fields_are_ignored(app, make_room):
    room = make_room()
    payload = {"key": "k", "text": "Shade", "participant_id": 999, "hidden": True}

    idea = ok(command(room.phones[0], "idea.post", payload))["idea"]

    assert idea["hidden"] is False
    assert idea["author"]["id"] != 999


def test_a_flood_is_slowed_down_and_a_person_gets_through_afterwards(app, make_room):
    room = make_room()
    phone = room.phones[0]

    # 90 refusals: past the burst of 60, yet short of the 100 that close a connection.
    codes = [refusal(command(phone, "idea.delete", {"idea_id": "flood"})) for _ in range(90)]

    assert "rate_limited" in codes
    assert set(codes) == {"invalid_payload", "rate_limited"}
    time.sleep(0.3)
    assert ok(command(phone, "workshop.sync"))
    assert ok(command(room.phones[1], "workshop.sync"))


def test_an_event_named_connect_is_just_an_unknown_command(app, make_room):
    room = make_room()
    other = make_room()
    phone = room.phones[0]

    ack = phone.emit("connect", {"workshop_id": other.workshop.id, "token": other.tokens[0]},
                     callback=True)

    assert refusal(ack) == "unknown_command"
    snapshot = ok(command(phone, "workshop.sync"))
    assert snapshot["workshop"]["id"] == room.workshop.id
    assert facts(room.board) == [] and facts(other.board) == []


def test_an_event_named_disconnect_is_just_an_unknown_command(app, make_room):
    room = make_room()
    phone = room.phones[0]

    ack = phone.emit("disconnect", "client namespace disconnect", callback=True)

    assert refusal(ack) == "unknown_command"
    assert ok(command(phone, "workshop.sync"))
    assert facts(room.board) == []
    assert ok(command(room.board, "workshop.sync"))["presence"]["online"] == 2


# Votes stay private while voting is open.

COUNT_KEYS = {"votes", "votes_cast", "voters", "results", "tally", "tallies", "count"}


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_no_count_reaches_a_participant_before_the_reveal(app, make_room):
    room = make_room("posting", people=3)
    second = ok(command(room.phones[1], "idea.post", {"key": "k", "text": "Shade"}))["idea"]["id"]
    ok(command(room.board, "phase.set", {"phase": "voting"}))
    room.clear()

    for n, phone in enumerate(room.phones):
        ok(command(phone, "vote.cast", {"key": "a", "idea_id": room.idea_id}))
        ok(command(phone, "vote.cast", {"key": "b", "idea_id": second if n else room.idea_id}))

    for phone in room.phones:
        assert facts(phone) == []
        snapshot = ok(command(phone, "workshop.sync"))
        assert snapshot["results"] is None
        assert not _keys(snapshot["ideas"] + snapshot["clusters"]) & COUNT_KEYS
        assert len(snapshot["me"]["votes"]) == 2
    progressed = [p for _, p in facts(room.board)]
    assert all(set(p) == {"seq", "votes_cast", "voters"} for p in progressed)
    assert progressed[-1] == {"seq": None, "votes_cast": 6, "voters": 3}
    assert ok(command(room.board, "workshop.sync"))["results"] is None

    ok(command(room.board, "phase.set", {"phase": "results"}))

    for client in room.everyone:
        received = facts(client)
        assert [name for name, _ in received] == ["phase.changed", "results.revealed"]
        assert received[1][1]["results"] == [
            {"idea_id": room.idea_id, "votes": 4, "rank": 1},
            {"idea_id": second, "votes": 2, "rank": 2},
        ]


def test_a_vote_beyond_the_budget_is_refused_over_the_socket(app, make_room):
    room = make_room("voting", vote_budget=2)
    phone = room.phones[1]
    for key in ("a", "b"):
        ok(command(phone, "vote.cast", {"key": key, "idea_id": room.idea_id}))

    assert refusal(command(phone, "vote.cast", {"key": "c", "idea_id": room.idea_id})) == \
        "vote_budget_spent"
    assert ok(command(phone, "vote.retract", {"key": "a"})) == {"key": "a", "votes_left": 1}
    assert len(stored(app)["vote"]) == 1


# Sequence numbers and presence


def test_a_client_can_tell_from_the_numbers_that_it_missed_nothing(make_room):
    room = make_room("grouping")
    phone = room.phones[1]
    start = ok(command(phone, "workshop.sync"))["seq"]

    ok(command(room.board, "cluster.create", {"key": "c2", "name": "Shelter"}))
    ok(command(room.board, "cluster.move_idea", {"idea_id": room.idea_id,
                                                 "cluster_id": room.cluster_id, "position": 0}))
    ok(command(room.board, "idea.hide", {"idea_id": room.idea_id}))
    ok(command(room.board, "idea.show", {"idea_id": room.idea_id}))
    ok(command(room.board, "phase.set", {"phase": "results"}))

    numbers = [p["seq"] for _, p in facts(phone)]
    assert numbers == list(range(start + 1, start + 7))
    assert ok(command(phone, "workshop.sync"))["seq"] == numbers[-1]


def test_a_phone_back_online_gets_just_what_it_missed(make_room, participant_socket):
    room = make_room("grouping")
    away = room.phones[1]
    seen = ok(command(away, "workshop.sync"))["seq"]
    away.disconnect()

    ok(command(room.board, "cluster.create", {"key": "c2", "name": "Shelter"}))
    ok(command(room.board, "idea.hide", {"idea_id": room.idea_id}))
    ok(command(room.board, "phase.set", {"phase": "voting"}))
    live = facts(room.phones[0])
    back = participant_socket(room.workshop, room.tokens[1])
    answer = ok(command(back, "workshop.sync", {"since": seen}))

    assert [(m["name"], m["payload"]) for m in answer["missed"]] == live
    assert answer["seq"] == live[-1][1]["seq"] == seen + 3
    again = ok(command(back, "workshop.sync", {"since": answer["seq"]}))
    assert {"seq": again["seq"], "missed": again["missed"]} == {"seq": answer["seq"], "missed": []}


def test_a_snapshot_answers_what_a_catch_up_cannot(make_room):
    room = make_room()
    now = ok(command(room.phones[0], "workshop.sync"))["seq"]

    for since in (now + 5, -1, None):
        answer = ok(command(room.phones[0], "workshop.sync", {"since": since}))
        assert "missed" not in answer and answer["seq"] == now, since
    facilitators = ok(command(room.board, "workshop.sync", {"since": now}))
    assert "missed" not in facilitators and "presence" in facilitators


def test_the_facilitator_sees_who_comes_and_goes(app, make_room, make_participant,
                                                 participant_socket):
    room = make_room()
    _, token = make_participant(room.workshop, organisation_type="research")

    newcomer = participant_socket(room.workshop, token)
    arrived = facts(room.board, "presence.changed")
    newcomer.disconnect()
    left = facts(room.board, "presence.changed")

    assert arrived[-1][1]["online"] == 3
    assert arrived[-1][1]["by_organisation_type"]["research"] == 1
    assert arrived[-1][1]["seq"] is None
    assert left[-1][1]["online"] == 2 and left[-1][1]["joined"] == 3
    for phone in room.phones:
        assert facts(phone, "presence.changed") == []
    with app.app_context():
        assert len(db.session.execute(select(Presence)).all()) == 2
        db.session.rollback()


# Refusals in the connection's language


def _translation(language: str, english: str) -> str:
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"no {language} catalogue at {path}"
    with path.open("rb") as po:
        message = read_po(po).get(english)
    assert message is not None and message.string, f"{english!r} is not translated to {language}"
    assert "fuzzy" not in message.flags, f"{english!r} is fuzzy in {language}"
    return message.string


def _english(app, code: str) -> str:
    with app.test_request_context(), force_locale("en"):
        return str(ERROR_MESSAGES[code])


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_refusals_speak_the_connections_language(app, make_workshop, make_participant,
                                                 participant_socket, language):
    workshop = make_workshop(phase="grouping", language="en")
    _, token = make_participant(workshop)
    phone = participant_socket(workshop, token, lang=language)

    ack = command(phone, "idea.post", {"key": "k", "text": "Late idea"})

    english = _english(app, "posting_closed")
    assert refusal(ack) == "posting_closed"
    assert ack["error"]["message"] == _translation(language, english)
    assert ack["error"]["message"] != english


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_connection_without_a_known_language_reads_the_workshops(
    app, make_workshop, make_participant, language
):
    workshop = make_workshop(language=language)
    _, token = make_participant(workshop)
    english = _english(app, "text_too_long")

    for asked in (None, "de", ["fi"], 7):
        phone = connect(app, {"workshop_id": workshop.id, "token": token, "lang": asked})
        ack = command(phone, "idea.post", {"key": "k", "text": "x" * 501})
        phone.disconnect()

        assert refusal(ack) == "text_too_long"
        assert ack["error"]["max_length"] == 500
        assert ack["error"]["message"] == \
            _translation(language, english) % {"max_length": 500}, asked


def test_the_board_moves_the_room_and_every_phone_follows(app, make_room):
    room = make_room(phase="lobby")
    with app.app_context():
        agenda_ids = [a.id for a in db.session.execute(
            select(Activity).where(Activity.workshop_id == room.workshop.id)
            .order_by(Activity.position)).scalars()]
        db.session.rollback()

    welcome_refusal = refusal(command(room.phones[0], "idea.post", {"key": "k", "text": "Hi"}))
    moved = ok(command(room.board, "activity.go", {"activity_id": agenda_ids[1]}))
    posted = ok(command(room.phones[0], "idea.post", {"key": "k", "text": "Hi"}))

    assert welcome_refusal == "posting_closed"
    assert moved == {"activity_id": agenda_ids[1], "phase": "posting"}
    for phone in room.phones:
        told = facts(phone, "phase.changed")
        assert [(p["phase"], p["activity"]["kind"]) for _, p in told] == [
            ("posting", "brainstorm")]
    assert posted["idea"]["activity_id"] == agenda_ids[1]
