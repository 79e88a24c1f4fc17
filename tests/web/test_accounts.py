"""Accounts through the pages: sign-in off the event loop and throttled, sign-out that ends
every session, the set-up link, and the shell's account commands (workshop/web/accounts.py,
workshop/cli.py)."""

from __future__ import annotations

import re

import pytest
from arrange import PASSWORD, browser, csrf, from_address, sign_in, signed_in
from werkzeug.security import check_password_hash

from workshop.extensions import db, socketio
from workshop.models import Facilitator
from workshop.offload import OFFLOAD
from workshop.services import facilitators
from workshop.web.accounts import THROTTLE
from workshop.web.signin_throttle import (
    PER_ADDRESS_BURST,
    PER_NAME_BURST,
    PER_NAME_PER_SECOND,
    RETRY_AFTER,
    SignInThrottle,
)

TOO_MANY = "Too many attempts. Please wait a moment and try again."


@pytest.fixture(autouse=True)
def throttle(app, clock):
    """A fresh sign-in throttle on the test's own clock, put back afterwards."""
    saved = app.extensions[THROTTLE]
    fresh = app.extensions[THROTTLE] = SignInThrottle(clock)
    yield fresh
    app.extensions[THROTTLE] = saved


def try_password(client, name: str, password: str):
    page = client.get("/signin")
    return client.post("/signin", data={"name": name, "password": password,
                                        "csrf_token": csrf(page.text)})


def main_of(response) -> str:
    """The page's main content, without the form's values (the CSRF value differs)."""
    found = re.search(r"<main.*</main>", response.text, re.S).group(0)
    return re.sub(r'value="[^"]*"', "", found)


def cookie_of(client) -> str:
    return client.get_cookie("tupa_session").value


def with_cookie(app, value: str):
    """Another browser holding a copy of a session cookie."""
    client = browser(app)
    client.set_cookie("tupa_session", value)
    return client


def sign_out(client):
    page = client.get("/workshops")
    return client.post("/signout", data={"csrf_token": csrf(page.text)})


# The password check runs off the event loop ---------------------------------------------------


def test_the_password_is_checked_through_the_apps_offload(app, make_facilitator, monkeypatch):
    facilitator = make_facilitator()
    ran = []

    def recording(function, *args, **kwargs):
        ran.append(function)
        return function(*args, **kwargs)

    monkeypatch.setitem(app.extensions, OFFLOAD, recording)
    assert try_password(browser(app), facilitator.name, "not the password").status_code == 400
    assert try_password(browser(app), "nobody", PASSWORD).status_code == 400
    assert sign_in(browser(app), facilitator).status_code == 302
    assert ran == [check_password_hash] * 3


def test_the_set_up_password_is_hashed_through_the_apps_offload(app, monkeypatch):
    with app.app_context():
        token = facilitators.issue_setup_token(db.session)
        db.session.commit()
    ran = []
    monkeypatch.setitem(app.extensions, OFFLOAD,
                        lambda function, *a, **k: ran.append(function) or function(*a, **k))
    client = browser(app)
    form = client.get(f"/setup/{token}")
    response = client.post(f"/setup/{token}", data={
        "name": "Aino", "password": PASSWORD, "password_again": PASSWORD,
        "csrf_token": csrf(form.text)})

    assert response.status_code == 302
    assert [function.__name__ for function in ran] == ["generate_password_hash"]
    assert client.get("/workshops").status_code == 200


# Throttled sign-in -----------------------------------------------------------------------------


def test_a_throttled_name_gets_429_and_the_same_page_whether_it_exists_or_not(
        app, make_facilitator):
    facilitator = make_facilitator()
    answers = {}
    for name in (facilitator.name, "nobody-at-all"):
        for number in range(PER_NAME_BURST):
            wrong = try_password(from_address(app, f"198.51.100.{number}"), name, "wrong guess")
            assert wrong.status_code == 400
        answers[name] = try_password(from_address(app, "203.0.113.9"), name, "wrong guess")

    known, unknown = answers[facilitator.name], answers["nobody-at-all"]
    assert known.status_code == unknown.status_code == 429
    assert known.headers["Retry-After"] == unknown.headers["Retry-After"] == str(RETRY_AFTER)
    assert main_of(known) == main_of(unknown)
    assert TOO_MANY in known.text and "Wrong name or password." not in known.text
    # Past the limit not even the right password is looked at, from a browser new to the name.
    stranger = from_address(app, "203.0.113.10")
    assert sign_in(stranger, facilitator).status_code == 429
    assert stranger.get("/workshops").status_code == 302


def test_a_throttled_facilitator_gets_a_try_back_soon_and_a_right_one_costs_nothing(
        app, make_facilitator, clock):
    facilitator = make_facilitator()
    for number in range(PER_NAME_BURST):
        try_password(from_address(app, f"198.51.100.{number}"), facilitator.name, "wrong guess")
    assert sign_in(from_address(app, "203.0.113.9"), facilitator).status_code == 429

    clock.advance(1 / PER_NAME_PER_SECOND)
    client = from_address(app, "203.0.113.9")
    assert sign_in(client, facilitator).status_code == 302
    assert client.get("/workshops").status_code == 200
    # Right passwords spent nothing: the name's one try is still there for the next browser.
    for _ in range(3):
        assert sign_in(from_address(app, "203.0.113.11"), facilitator).status_code == 302


def test_someone_elses_guessing_does_not_keep_a_facilitator_out_of_their_own_browser(
        app, make_facilitator):
    facilitator = make_facilitator()
    own = from_address(app, "192.0.2.50")
    assert sign_in(own, facilitator).status_code == 302
    assert sign_out(own).status_code == 302

    for number in range(PER_NAME_BURST + 5):
        try_password(from_address(app, f"198.51.100.{number}"), facilitator.name, "wrong guess")
    assert sign_in(from_address(app, "203.0.113.9"), facilitator).status_code == 429

    assert sign_in(own, facilitator).status_code == 302
    assert own.get("/workshops").status_code == 200


def test_one_address_trying_many_names_is_throttled(app, make_facilitator):
    facilitator = make_facilitator()
    guesser = from_address(app, "198.51.100.77")
    for number in range(PER_ADDRESS_BURST):
        assert try_password(guesser, f"name-{number}", "wrong guess").status_code == 400

    assert try_password(guesser, "name-new", "wrong guess").status_code == 429
    assert sign_in(guesser, facilitator).status_code == 429
    # A neighbour is not held back.
    assert sign_in(from_address(app, "198.51.100.78"), facilitator).status_code == 302


# Sign-out ends every session ------------------------------------------------------------------


def test_a_copied_cookie_stops_working_when_its_facilitator_signs_out(app, make_facilitator):
    facilitator = make_facilitator()
    client = signed_in(app, facilitator)
    copy = with_cookie(app, cookie_of(client))
    assert copy.get("/workshops").status_code == 200

    assert sign_out(client).status_code == 302

    assert copy.get("/workshops").headers["Location"] == "/signin?next=/workshops"
    assert client.get("/workshops").status_code == 302
    # Signing in again works, and only the new cookie is signed in.
    assert sign_in(client, facilitator).status_code == 302
    assert client.get("/workshops").status_code == 200
    assert copy.get("/workshops").status_code == 302


def test_signing_out_on_one_browser_signs_out_the_others(app, make_facilitator):
    facilitator = make_facilitator()
    laptop, tablet = signed_in(app, facilitator), signed_in(app, facilitator)

    sign_out(laptop)

    assert tablet.get("/workshops").status_code == 302


def test_after_sign_out_a_copied_cookie_opens_no_socket_and_open_boards_close(
        app, make_workshop):
    workshop = make_workshop()
    with app.app_context():
        facilitator = db.session.get(Facilitator, workshop.facilitator_id)
    client = signed_in(app, facilitator)
    copy = with_cookie(app, cookie_of(client))
    board = socketio.test_client(app, flask_test_client=copy,
                                 auth={"workshop_id": workshop.id, "lang": "en"})
    assert board.is_connected()

    sign_out(client)

    assert not board.is_connected()
    again = socketio.test_client(app, flask_test_client=copy,
                                 auth={"workshop_id": workshop.id, "lang": "en"})
    assert not again.is_connected()


def test_a_new_password_or_deactivation_ends_every_session(app, make_facilitator):
    changed, deactivated = make_facilitator(), make_facilitator()
    changed_browser, deactivated_browser = signed_in(app, changed), signed_in(app, deactivated)

    with app.app_context():
        facilitators.change_password(db.session, changed.name, "a brand new password")
        facilitators.deactivate(db.session, deactivated.name)
        db.session.commit()

    assert changed_browser.get("/workshops").status_code == 302
    assert deactivated_browser.get("/workshops").status_code == 302
    assert sign_in(browser(app), changed).status_code == 400  # the old password
    assert sign_in(browser(app), changed, password="a brand new password").status_code == 302
    assert sign_in(browser(app), deactivated).status_code == 400


# The set-up link and the shell ----------------------------------------------------------------


def test_the_set_up_link_stops_working_once_a_facilitator_is_made_from_the_shell(app):
    with app.app_context():
        token = facilitators.issue_setup_token(db.session)
        db.session.commit()
    assert browser(app).get(f"/setup/{token}").status_code == 200

    result = app.test_cli_runner().invoke(args=[
        "create-facilitator", "--name", "Aino", "--password", PASSWORD])
    assert result.exit_code == 0, result.output

    assert browser(app).get(f"/setup/{token}").status_code == 404


def test_the_shell_changes_a_password_and_deactivates_an_account(app, make_facilitator):
    facilitator = make_facilitator()
    client = signed_in(app, facilitator)
    runner = app.test_cli_runner()

    changed = runner.invoke(args=["set-facilitator-password", "--name", facilitator.name,
                                  "--password", "another long password"])
    assert changed.exit_code == 0, changed.output
    assert client.get("/workshops").status_code == 302
    assert sign_in(client, facilitator, password="another long password").status_code == 302

    gone = runner.invoke(args=["deactivate-facilitator", "--name", facilitator.name])
    assert gone.exit_code == 0, gone.output
    assert client.get("/workshops").status_code == 302
    assert sign_in(client, facilitator, password="another long password").status_code == 400

    unknown = runner.invoke(args=["deactivate-facilitator", "--name", "nobody-at-all"])
    assert unknown.exit_code != 0


def test_guesses_and_a_known_browsers_own_mistakes_are_counted_apart(clock):
    throttle = SignInThrottle(clock)
    for number in range(PER_NAME_BURST):
        throttle.failed(" Aino ", f"198.51.100.{number}")
    assert not throttle.allows("aino", "203.0.113.1")  # any case, any space: one name
    assert throttle.allows("Aino", "203.0.113.1", known_browser=True)

    for number in range(PER_NAME_BURST):
        throttle.failed("Eero", f"198.51.100.{number}", known_browser=True)
    assert not throttle.allows("Eero", "203.0.113.1", known_browser=True)
    assert throttle.allows("Eero", "203.0.113.1")
