"""Participants: joining, and being known again by a token only
(workshop/services/participants.py)."""

from __future__ import annotations

from arrange import refused

from workshop.domain.tokens import token_digest
from workshop.services import participants


def test_a_participant_is_known_again_by_their_token_only(session, make_workshop):
    workshop = make_workshop()

    (participant, token), _ = participants.join(
        session, workshop.id, nickname=" Aino ", organisation_type="citizen", organisation_name="",
    )

    assert len(token) >= 22  # at least 128 bits of base64
    assert participant.token_hash == token_digest(token) != token
    assert participant.nickname == "Aino"
    assert participants.participant_by_token(session, token) is participant
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "", None, 42, "x" * 500):
        assert participants.participant_by_token(session, wrong) is None


def test_joining_needs_a_known_organisation_type(session, make_workshop):
    workshop = make_workshop()
    with refused("invalid_payload"):
        participants.join(session, workshop.id, nickname="", organisation_type="government",
                          organisation_name="")
