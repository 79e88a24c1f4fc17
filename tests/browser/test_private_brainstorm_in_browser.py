"""A private brainstorm in the browser: two phones each see only their own idea, the
presenter only how many there are; the facilitator presses Reveal and every screen shows both."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .test_accessibility import violations
from .test_workshop_in_browser import idea_on, post, sign_in

pytestmark = pytest.mark.browser

AINO = "Penkit varjoon"
BERT = "Lämmitetyt katokset"


def phone_of(screens, tupa, workshop, organisation_type: str) -> Page:
    token = tupa.join(workshop, organisation_type=organisation_type)
    phone = screens.phone()
    phone.context.add_cookies([{"name": f"tupa_p_{workshop.id}", "value": token,
                                "url": tupa.url}])
    phone.goto(f"/w/{workshop.join_code}")
    return phone


def test_two_phones_see_their_own_until_the_facilitator_reveals(screens, tupa):
    workshop = tupa.workshop(phase="posting")
    socket = tupa.board(workshop)
    brainstorm_id = socket.sync()["current_activity_id"]
    socket.ok("activity.update", {"activity_id": brainstorm_id, "settings": {"private": True}})
    aino = phone_of(screens, tupa, workshop, "city")
    bert = phone_of(screens, tupa, workshop, "company")
    desk = screens.desk()
    sign_in(desk, workshop.facilitator.name)
    desk.goto(f"/workshops/{workshop.id}")
    presenter = desk.context.new_page()
    presenter.goto(f"/workshops/{workshop.id}/present")

    for phone in (aino, bert):
        expect(phone.get_by_text("Only you and the facilitators see your ideas until they are "
                                 "revealed")).to_be_visible()
    post(aino, AINO)
    post(bert, BERT)

    expect(idea_on(aino, AINO)).to_be_visible()
    expect(idea_on(bert, BERT)).to_be_visible()
    panel = desk.get_by_role("region", name="Private brainstorm")
    expect(panel.get_by_text("Private: participants see only their own ideas")).to_be_visible()
    expect(panel.get_by_text("Ideas so far: 2")).to_be_visible()
    expect(panel.get_by_role("listitem").filter(has_text="Company: 1")).to_be_visible()
    expect(idea_on(desk, AINO)).to_be_visible()
    expect(idea_on(desk, BERT)).to_be_visible()
    expect(presenter.locator("#private-count")).to_contain_text("2")
    # Each phone has had time to hear of the other's idea, had it been told.
    expect(aino.get_by_text(BERT)).to_have_count(0)
    expect(bert.get_by_text(AINO)).to_have_count(0)
    expect(presenter.get_by_text(AINO)).to_have_count(0)
    assert violations(desk) + violations(aino) + violations(presenter) == []

    desk.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Reveal all ideas").click()

    for screen in (aino, bert, presenter):
        expect(idea_on(screen, AINO)).to_be_visible()
        expect(idea_on(screen, BERT)).to_be_visible()
    expect(panel.get_by_text("Revealed: everyone sees all ideas")).to_be_visible()
    expect(panel.get_by_role("button", name="Reveal all ideas")).to_be_hidden()
    for phone in (aino, bert):
        expect(phone.get_by_text("Only you and the facilitators see your ideas")).to_be_hidden()
    expect(presenter.locator("#private-count")).to_be_hidden()
