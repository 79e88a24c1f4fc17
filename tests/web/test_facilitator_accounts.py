"""The accounts page for whoever administers the installation: list, create, deactivate
(workshop/web/facilitators.py); the set-up link's and the shell's --admin accounts administer."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from arrange import PASSWORD, browser, csrf, sign_in, signed_in
from sqlalchemy import select

from workshop.extensions import db, socketio
from workshop.models import Facilitator
from workshop.services import facilitators

NEW_PASSWORD = "a password for Eero"


@pytest.fixture
def admin(app):
    """An administrator's account (password: PASSWORD)."""
    with app.app_context():
        account = facilitators.create_facilitator(db.session, "Ylläpito", PASSWORD, admin=True)
        db.session.commit()
        return account


def post(client, path, **data):
    page = client.get("/facilitators")
    return client.post(path, data={**data, "csrf_token": csrf(page.text)})


def account(app, name) -> SimpleNamespace | None:
    """The account's name, whether active and whether an administrator, read afresh."""
    with app.app_context():
        found = db.session.execute(select(Facilitator.name, Facilitator.active,
                                          Facilitator.is_admin)
                                   .where(Facilitator.name == name)).one_or_none()
        db.session.rollback()
        return found and SimpleNamespace(**found._asdict())


def test_only_an_administrator_opens_the_accounts_page(app, admin, make_facilitator):
    other = signed_in(app, make_facilitator("Eero"))
    administrator = signed_in(app, admin)

    assert browser(app).get("/facilitators").status_code == 302  # to the sign-in page
    assert other.get("/facilitators").status_code == 403
    assert post(administrator, "/facilitators").status_code == 400  # the page works...
    token = csrf(other.get("/workshops").text)
    assert other.post("/facilitators", data={"name": "Kolmas", "password": PASSWORD,
                                             "password_again": PASSWORD,
                                             "csrf_token": token}).status_code == 403
    assert account(app, "Kolmas") is None
    assert "Facilitator accounts" not in other.get("/workshops").text
    assert 'href="/facilitators"' in administrator.get("/workshops").text


def test_the_page_lists_every_account(app, admin, make_facilitator):
    make_facilitator("Eero")
    with app.app_context():
        facilitators.deactivate(db.session, "Eero")
        db.session.commit()

    page = signed_in(app, admin).get("/facilitators").text

    rows = page.split("<tbody>")[1]
    assert rows.index("Ylläpito") < rows.index("Eero")
    assert "Your own account" in rows
    assert rows.count('action="/facilitators/') == 0  # no button for oneself or the deactivated


def test_an_administrator_creates_an_account_that_signs_in(app, admin):
    administrator = signed_in(app, admin)

    answer = post(administrator, "/facilitators", name="Eero", password=NEW_PASSWORD,
                  password_again=NEW_PASSWORD)

    assert answer.status_code == 302
    assert "The account Eero was created." in administrator.get(answer.location).text
    created = account(app, "Eero")
    assert created.active and not created.is_admin
    assert sign_in(browser(app), created, password=NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "Ylläpito", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
     "That name is already taken."),
    ({"name": "Eero", "password": "short", "password_again": "short"},
     "The password must be at least 10 characters long."),
    ({"name": "Eero", "password": NEW_PASSWORD, "password_again": "something else"},
     "The two passwords are not the same."),
])
def test_a_mistake_in_the_new_account_is_shown_next_to_its_field(app, admin, data, message):
    answer = post(signed_in(app, admin), "/facilitators", **data)

    assert answer.status_code == 400
    assert message in answer.text and 'aria-invalid="true"' in answer.text
    assert account(app, "Eero") is None


def test_deactivating_an_account_ends_its_sessions_and_boards(app, admin, make_facilitator,
                                                             make_workshop):
    eero = make_facilitator("Eero")
    workshop = make_workshop(eero)
    eeros_browser = signed_in(app, eero)
    board = socketio.test_client(app, flask_test_client=eeros_browser,
                                 auth={"workshop_id": workshop.id, "lang": "en"})
    assert board.is_connected()
    administrator = signed_in(app, admin)

    answer = post(administrator, f"/facilitators/{eero.id}/deactivate")

    assert answer.status_code == 302
    assert "The account Eero was deactivated" in administrator.get(answer.location).text
    assert account(app, "Eero").active is False
    assert not board.is_connected()
    assert eeros_browser.get("/workshops").status_code == 302
    assert sign_in(browser(app), eero).status_code == 400


def test_an_administrator_cannot_deactivate_themselves(app, admin):
    administrator = signed_in(app, admin)

    assert post(administrator, f"/facilitators/{admin.id}/deactivate").status_code == 403
    assert post(administrator, "/facilitators/999999/deactivate").status_code == 404
    assert account(app, "Ylläpito").active
    assert administrator.get("/facilitators").status_code == 200


def test_the_set_up_link_and_the_shells_admin_flag_make_administrators(app):
    with app.app_context():
        token = facilitators.issue_setup_token(db.session)
        db.session.commit()
    first = browser(app)
    page = first.get(f"/setup/{token}")
    first.post(f"/setup/{token}", data={"name": "Aino", "password": PASSWORD,
                                        "password_again": PASSWORD, "csrf_token": csrf(page.text)})
    runner = app.test_cli_runner()
    made = runner.invoke(args=["create-facilitator", "--name", "Shell", "--password", PASSWORD,
                               "--admin"])
    plain = runner.invoke(args=["create-facilitator", "--name", "Plain", "--password", PASSWORD])

    assert made.exit_code == 0 and plain.exit_code == 0, made.output + plain.output
    assert first.get("/facilitators").status_code == 200
    assert [account(app, name).is_admin for name in ("Aino", "Shell", "Plain")] == [
        True, True, False]
