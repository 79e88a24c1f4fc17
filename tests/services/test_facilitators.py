"""Facilitator accounts: the one-time set-up link, and signing in
(workshop/services/facilitators.py)."""

from __future__ import annotations

from arrange import count, refused

from workshop.models import Facilitator
from workshop.services import facilitators


def test_the_set_up_link_works_once(session):
    assert not facilitators.has_facilitator(session)
    stale = facilitators.issue_setup_token(session)
    token = facilitators.issue_setup_token(session)

    assert not facilitators.setup_token_valid(session, stale)
    with refused("password_too_short"):
        facilitators.redeem_setup_token(session, token, "Aino", "short")
    first = facilitators.redeem_setup_token(session, token, "Aino", "a long password")

    assert facilitators.has_facilitator(session)
    assert first.password_hash != "a long password"
    with refused("setup_link_used"):
        facilitators.redeem_setup_token(session, token, "Eero", "another long one")
    assert count(session, Facilitator) == 1


def test_a_facilitator_signs_in_with_name_and_password(session):
    facilitators.create_facilitator(session, "Aino", "a long password")
    with refused("name_taken"):
        facilitators.create_facilitator(session, " Aino ", "another long one")

    assert facilitators.authenticate(session, " Aino ", "a long password").name == "Aino"
    assert facilitators.authenticate(session, "Aino", "a wrong password") is None
    assert facilitators.authenticate(session, "Nobody", "a long password") is None
