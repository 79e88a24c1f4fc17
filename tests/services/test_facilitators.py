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


def test_creating_any_facilitator_ends_the_set_up_link(session):
    token = facilitators.issue_setup_token(session)

    facilitators.create_facilitator(session, "Aino", "a long password")  # as the shell does

    assert not facilitators.setup_token_valid(session, token)
    with refused("setup_link_used"):
        facilitators.redeem_setup_token(session, token, "Eero", "another long one")
    assert count(session, Facilitator) == 1


def test_hashing_goes_through_the_offload_it_is_given(session):
    ran = []

    def recording(function, *args, **kwargs):
        ran.append(function.__name__)
        return function(*args, **kwargs)

    facilitators.create_facilitator(session, "Aino", "a long password", offload=recording)
    assert facilitators.authenticate(session, "Aino", "a long password", offload=recording)
    assert facilitators.authenticate(session, "Nobody", "a long password",
                                     offload=recording) is None
    facilitators.change_password(session, "Aino", "a new long password", offload=recording)

    assert ran == ["generate_password_hash", "check_password_hash", "check_password_hash",
                   "generate_password_hash"]


def test_a_sign_in_lasts_until_the_account_ends_its_sessions(session):
    aino = facilitators.create_facilitator(session, "Aino", "a long password")
    epoch = aino.session_epoch
    assert facilitators.signed_in(session, aino.id, epoch) is aino
    assert facilitators.signed_in(session, aino.id, None) is None  # a cookie without one
    assert facilitators.signed_in(session, aino.id, epoch + 1) is None
    assert facilitators.signed_in(session, "1", epoch) is None

    facilitators.end_sessions(session, aino.id)

    assert facilitators.signed_in(session, aino.id, epoch) is None
    assert facilitators.signed_in(session, aino.id, epoch + 1) is aino


def test_a_new_password_ends_every_session_and_replaces_the_old_one(session):
    aino = facilitators.create_facilitator(session, "Aino", "a long password")
    epoch = aino.session_epoch
    with refused("password_too_short"):
        facilitators.change_password(session, "Aino", "short")
    with refused("no_such_facilitator"):
        facilitators.change_password(session, "Nobody", "a new long password")
    assert facilitators.signed_in(session, aino.id, epoch) is aino

    facilitators.change_password(session, " Aino ", "a new long password")

    assert facilitators.signed_in(session, aino.id, epoch) is None
    assert facilitators.authenticate(session, "Aino", "a long password") is None
    assert facilitators.authenticate(session, "Aino", "a new long password") is aino


def test_a_deactivated_account_cannot_sign_in_and_its_sessions_end(session):
    aino = facilitators.create_facilitator(session, "Aino", "a long password")
    epoch = aino.session_epoch

    facilitators.deactivate(session, "Aino")

    assert facilitators.authenticate(session, "Aino", "a long password") is None
    assert facilitators.signed_in(session, aino.id, epoch) is None
    assert facilitators.signed_in(session, aino.id, aino.session_epoch) is None
    with refused("name_taken"):
        facilitators.create_facilitator(session, "Aino", "another long one")


# Administering the accounts ---------------------------------------------------------------------


def test_the_first_account_administers_and_the_ones_it_creates_do_not(session):
    token = facilitators.issue_setup_token(session)
    first = facilitators.redeem_setup_token(session, token, "Aino", "a long password")

    made = facilitators.create_account(session, first, "Eero", "another long one")

    assert (first.is_admin, made.is_admin) == (True, False)
    assert facilitators.create_facilitator(session, "Shell", "a long password").is_admin is False
    assert [a.name for a in facilitators.accounts(session, first)] == ["Aino", "Eero", "Shell"]
    with refused("forbidden"):
        facilitators.accounts(session, made)
    with refused("forbidden"):
        facilitators.create_account(session, made, "Third", "a long password")
    with refused("forbidden"):
        facilitators.deactivate_account(session, made, first.id)
    assert first.active


def test_an_administrator_deactivates_others_but_not_themselves(session):
    admin = facilitators.create_facilitator(session, "Aino", "a long password", admin=True)
    eero = facilitators.create_facilitator(session, "Eero", "another long one")
    epoch = eero.session_epoch

    facilitators.deactivate_account(session, admin, eero.id)

    assert eero.active is False
    assert facilitators.signed_in(session, eero.id, epoch) is None  # every session ended
    assert facilitators.authenticate(session, "Eero", "another long one") is None
    with refused("own_account"):
        facilitators.deactivate_account(session, admin, admin.id)
    with refused("no_such_facilitator"):
        facilitators.deactivate_account(session, admin, eero.id + 1000)
    assert admin.active
