"""A workshop's facilitators on the pages: the owner invites and removes by account name; a
co-facilitator runs every page of the workshop but cannot change who runs it or erase it; a
stranger still finds nothing (workshop/web/team.py)."""

from __future__ import annotations

import re

import pytest
from arrange import command, csrf, signed_in
from sqlalchemy import select

from workshop.extensions import db, socketio
from workshop.models import Facilitator, Workshop, WorkshopFacilitator

# Every page of a workshop that whoever runs it opens (GET), after its /workshops/<id>.
RUNNING_PAGES = ("", "/present", "/export.csv", "/export.json", "/export.xlsx",
                 "/export-excel.csv", "/qr.svg", "/log", "/participants", "/team")


@pytest.fixture
def shared(app, make_facilitator, make_workshop):
    """A workshop of Omistaja's, Helmi's account (not yet invited), and both signed in."""
    owner = make_facilitator("Omistaja")
    helper = make_facilitator("Helmi")
    workshop = make_workshop(owner, title="Pysäkit")
    return workshop, signed_in(app, owner), signed_in(app, helper), helper


def invite(owner_browser, workshop, name):
    page = owner_browser.get(f"/workshops/{workshop.id}/team")
    return owner_browser.post(f"/workshops/{workshop.id}/team",
                              data={"name": name, "csrf_token": csrf(page.text)})


def remove(owner_browser, workshop, facilitator_id):
    page = owner_browser.get(f"/workshops/{workshop.id}/team")
    return owner_browser.post(f"/workshops/{workshop.id}/team/{facilitator_id}/remove",
                              data={"csrf_token": csrf(page.text)})


def board_socket(app, browser, workshop):
    """The board's socket, opened with the browser's own sign-in, as the page opens it."""
    return socketio.test_client(app, flask_test_client=browser,
                                auth={"workshop_id": workshop.id, "lang": "en"})


def test_an_invited_facilitator_opens_every_page_of_the_workshop(app, shared):
    workshop, owner, helper, _ = shared
    for path in RUNNING_PAGES:
        assert helper.get(f"/workshops/{workshop.id}{path}").status_code == 404, path

    answer = invite(owner, workshop, "Helmi")

    assert answer.status_code == 302
    assert "Helmi can now run this workshop with you." in owner.get(answer.location).text
    for path in RUNNING_PAGES:
        assert helper.get(f"/workshops/{workshop.id}{path}").status_code == 200, path
    listed = helper.get("/workshops").text
    assert "Pysäkit" in listed and "Shared with you by Omistaja" in listed
    assert "Shared with you" not in owner.get("/workshops").text


def test_the_board_shows_who_runs_it_and_only_the_owner_may_erase(app, shared):
    workshop, owner, helper, _ = shared
    invite(owner, workshop, "Helmi")
    erase = f"/workshops/{workshop.id}/erase"

    owners_board = owner.get(f"/workshops/{workshop.id}").text
    helpers_board = helper.get(f"/workshops/{workshop.id}").text

    for board in (owners_board, helpers_board):
        assert re.search(r"Omistaja \(owner\)</li>\s*<li>Helmi</li>", board)
    assert erase in owners_board and "Invite or remove facilitators" in owners_board
    assert erase not in helpers_board and "Who runs this workshop" in helpers_board
    assert helper.get(erase).status_code == 403
    token = csrf(helper.get(f"/workshops/{workshop.id}/team").text)
    assert helper.post(erase, data={"csrf_token": token}).status_code == 403
    with app.app_context():
        assert db.session.get(Workshop, workshop.id) is not None


def test_only_the_owner_invites_and_removes(app, shared, make_facilitator):
    workshop, owner, helper, helper_account = shared
    make_facilitator("Kolmas")
    invite(owner, workshop, "Helmi")

    team_page = helper.get(f"/workshops/{workshop.id}/team").text
    assert "Only the workshop's owner can invite or remove facilitators." in team_page
    assert 'name="name"' not in team_page and "/remove" not in team_page
    assert invite(helper, workshop, "Kolmas").status_code == 403
    assert remove(helper, workshop, helper_account.id).status_code == 403
    with app.app_context():
        members = db.session.execute(select(WorkshopFacilitator.facilitator_id)).scalars()
        assert list(members) == [helper_account.id]


def test_an_unknown_name_is_explained_next_to_the_field(app, shared):
    workshop, owner, _, _ = shared

    answer = invite(owner, workshop, "Nobody")

    assert answer.status_code == 400
    assert 'aria-invalid="true"' in answer.text
    assert "There is no active facilitator account with that name." in answer.text
    assert 'value="Nobody"' in answer.text


def test_a_removed_facilitator_is_hung_up_and_refused(app, shared):
    workshop, owner, helper, helper_account = shared
    invite(owner, workshop, "Helmi")
    helpers_board = board_socket(app, helper, workshop)
    owners_board = board_socket(app, owner, workshop)
    assert helpers_board.is_connected()

    answer = remove(owner, workshop, helper_account.id)

    assert answer.status_code == 302
    assert "Helmi no longer runs this workshop." in owner.get(answer.location).text
    assert not helpers_board.is_connected()
    assert owners_board.is_connected()
    assert not board_socket(app, helper, workshop).is_connected()
    for path in RUNNING_PAGES:
        assert helper.get(f"/workshops/{workshop.id}{path}").status_code == 404, path
    assert remove(owner, workshop, helper_account.id).status_code == 404  # not in any more


def test_the_change_log_names_the_facilitator_of_each_change(app, shared):
    workshop, owner, helper, _ = shared
    invite(owner, workshop, "Helmi")
    helpers_board = board_socket(app, helper, workshop)
    assert command(helpers_board, "workshop.lock_joins", {"locked": True})["ok"]
    helpers_board.disconnect()

    log = owner.get(f"/workshops/{workshop.id}/log").text
    rows = re.findall(r"<tr>\s*<td><time[^>]*>[^<]*</time></td>\s*<td>([^<]*)</td>\s*"
                      r'<th scope="row">([^<]*)</th>', log)

    assert ("Omistaja", "Invited a facilitator") in rows
    assert ("Helmi", "Closed or opened joining") in rows
    assert "facilitator: Helmi" in log


def test_a_stranger_still_finds_nothing(app, shared, make_facilitator):
    workshop, owner, helper, _ = shared
    invite(owner, workshop, "Helmi")
    stranger = signed_in(app, make_facilitator())

    for path in RUNNING_PAGES:
        assert stranger.get(f"/workshops/{workshop.id}{path}").status_code == 404, path
    assert invite(stranger, workshop, "Helmi").status_code == 404
    assert not board_socket(app, stranger, workshop).is_connected()
    with app.app_context():
        names = db.session.execute(select(Facilitator.name).join(
            WorkshopFacilitator, WorkshopFacilitator.facilitator_id == Facilitator.id)).scalars()
        assert list(names) == ["Helmi"]
