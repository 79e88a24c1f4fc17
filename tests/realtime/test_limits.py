"""What one connection and one address may send (workshop/realtime/limits.py), through
Flask-SocketIO's test client: refused connects, floods of any refusal, binary packets.

The same limits against the real server (raw frames, timing) are in tests/e2e/test_floods.py.
"""

from __future__ import annotations

import json

import pytest
from arrange import command

from workshop.domain.allowances import (
    FLOOD_REFUSALS,
    REFUSED_CONNECTS_PER_ADDRESS,
    REFUSED_CONNECTS_PER_CONNECTION,
    address_key,
)
from workshop.extensions import socketio
from workshop.realtime import handlers
from workshop.realtime.wiring import realtime

from . import test_handlers

make_room = test_handlers.make_room  # the fixture: a connected room with phones and a board


def sent_packets(monkeypatch) -> list:
    """Every Socket.IO packet the server sends from now on, kept in order."""
    sent = []
    send = socketio.server._send_packet

    def spy(eio_sid, pkt):
        sent.append(pkt)
        return send(eio_sid, pkt)

    monkeypatch.setattr(socketio.server, "_send_packet", spy)
    return sent


def from_address(app, address: str):
    """A Flask test client whose requests (and sockets) come from `address`."""
    http = app.test_client()
    http.environ_base["REMOTE_ADDR"] = address
    return http


def watched(app, client) -> bool:
    """Whether the server still listens to this test client's connection."""
    return client.eio_sid in realtime(app).limits.watches


def sid_of(client) -> str:
    """The Socket.IO sid the server gave this test client."""
    return socketio.server.manager.sid_from_eio_sid(client.eio_sid, "/")


def raw(client, data) -> None:
    """Hand the server one Engine.IO message from this client, as a raw socket would."""
    socketio.server._handle_eio_message(client.eio_sid, data)


# Connects


def test_a_connection_refused_three_times_is_closed(app, make_room, monkeypatch):
    room = make_room()
    lookups = []
    monkeypatch.setattr(handlers, "participant_by_token",
                        lambda *args: lookups.append(args) or None)
    auth = {"workshop_id": room.workshop.id, "token": "made-up-token-" * 3}

    client = socketio.test_client(app, auth=auth)  # refused once
    sent = sent_packets(monkeypatch)  # (the test client puts in its own sender when made)
    for _ in range(REFUSED_CONNECTS_PER_CONNECTION - 1):
        assert watched(app, client)
        client.connect(auth=auth)

    assert not client.is_connected()
    assert not watched(app, client)
    errors = [p.data for p in sent if p.packet_type == 4]  # CONNECT_ERROR
    assert len(errors) == REFUSED_CONNECTS_PER_CONNECTION - 1
    assert len(lookups) == REFUSED_CONNECTS_PER_CONNECTION == 3
    assert all(e["data"]["code"] == "not_authenticated" for e in errors)
    raw(client, '0{"workshop_id": 1, "token": "another-made-up-token"}')
    assert len(lookups) == 3  # a closed connection is not read any more


def test_an_address_refused_too_often_is_refused_before_any_lookup(
        app, make_room, monkeypatch):
    room = make_room()
    monkeypatch.setattr(realtime(app).limits, "clock", lambda: 1000.0)  # no refill meanwhile
    good = {"workshop_id": room.workshop.id, "token": room.tokens[0]}
    bad = {"workshop_id": room.workshop.id, "token": "made-up-token-" * 3}
    for _ in range(REFUSED_CONNECTS_PER_ADDRESS):
        socketio.test_client(app, auth=bad, flask_test_client=from_address(app, "192.0.2.41"))
    lookups = []
    real_lookup = handlers.participant_by_token
    monkeypatch.setattr(handlers, "participant_by_token",
                        lambda *args: lookups.append(args) or real_lookup(*args))

    shut_out = socketio.test_client(app, auth=good,
                                    flask_test_client=from_address(app, "192.0.2.41"))
    neighbour = socketio.test_client(app, auth=good,
                                     flask_test_client=from_address(app, "192.0.2.42"))

    assert not shut_out.is_connected()
    assert len(lookups) == 1  # only the neighbour's token was looked up
    assert neighbour.is_connected()
    assert command(neighbour, "workshop.sync")["ok"]
    neighbour.disconnect()


def test_a_connect_on_an_admitted_connection_is_refused_and_counted(app, make_room,
                                                                     monkeypatch):
    room = make_room()
    phone = room.phones[0]
    sent = sent_packets(monkeypatch)

    for _ in range(REFUSED_CONNECTS_PER_CONNECTION):
        raw(phone, "0" + json.dumps({"workshop_id": room.workshop.id, "token": room.tokens[1]}))

    assert [p.packet_type for p in sent].count(4) == REFUSED_CONNECTS_PER_CONNECTION
    assert not watched(app, phone)
    assert command(room.phones[1], "workshop.sync")["ok"]


def test_ipv6_addresses_count_per_64():
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9")
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1"


# Floods of any refusal


def test_unknown_events_are_rate_limited_and_a_flood_of_them_is_cut(app, make_room):
    room = make_room()
    phone = room.phones[0]
    sid = sid_of(phone)

    acks = [phone.emit("no.such.command", {}, callback=True) for _ in range(300)]

    answered = [a["error"]["code"] for a in acks if a is not None]
    assert answered[:50] == ["unknown_command"] * 50  # the burst (its connect and post spent two)
    assert "rate_limited" in answered
    assert set(answered) == {"unknown_command", "rate_limited"}
    assert FLOOD_REFUSALS - 1 <= len(answered) <= FLOOD_REFUSALS + 1
    assert not watched(app, phone)
    assert sid not in realtime(app).connections
    assert command(room.phones[1], "idea.post", {"key": "k", "text": "Still here"})["ok"]


def test_events_before_admission_count_toward_the_flood(app, make_room, monkeypatch):
    room = make_room()
    client = socketio.test_client(app, auth={"workshop_id": room.workshop.id})
    assert not client.is_connected() and watched(app, client)
    sent = sent_packets(monkeypatch)

    for number in range(FLOOD_REFUSALS):
        raw(client, f'2{number}["workshop.sync",{{}}]')

    assert not watched(app, client)  # 100 events and the refused connect: one too many
    assert sent == []  # an event before admission is never answered


def test_packets_that_are_no_command_count_toward_the_flood(app, make_room):
    room = make_room()
    phone = room.phones[0]
    junk = ["2", "2[]", "2{}", '2[5,"x"]', "2[", '3["ack"]', "4x", "9", "x", '2/admin,["x"]']

    for number in range(FLOOD_REFUSALS + 1):
        raw(phone, junk[number % len(junk)])

    assert not watched(app, phone)
    assert command(room.phones[1], "workshop.sync")["ok"]


def test_a_person_sending_now_and_then_is_never_cut(app, make_room):
    room = make_room()
    phone = room.phones[0]
    for _ in range(55):  # within the burst of 60: a person tapping fast
        assert command(phone, "idea.delete", {"idea_id": 999_999})["error"]["code"] == "not_found"
    assert watched(app, phone)
    assert command(phone, "idea.post", {"key": "k", "text": "Benches"})["ok"]


# Binary packets


@pytest.mark.parametrize("header", [
    '51-["idea.post",{"_placeholder":true,"num":0}]',
    '5999999-["idea.post",{"_placeholder":true,"num":0}]',
    '61-0[{"_placeholder":true,"num":0}]',
])
def test_a_binary_packet_closes_the_connection_before_anything_is_kept(app, make_room, header):
    room = make_room()
    phone = room.phones[0]
    sid = sid_of(phone)

    raw(phone, header)
    for _ in range(100):
        raw(phone, b"\x00" * 1000)

    assert not watched(app, phone)
    assert socketio.server._binary_packet == {}
    assert sid not in realtime(app).connections
    assert command(room.phones[1], "idea.post", {"key": "k", "text": "Still here"})["ok"]


def test_a_binary_attachment_alone_closes_the_connection(app, make_room):
    room = make_room()
    phone = room.phones[0]

    raw(phone, b"\x01\x02")

    assert not watched(app, phone)
    assert socketio.server._binary_packet == {}
