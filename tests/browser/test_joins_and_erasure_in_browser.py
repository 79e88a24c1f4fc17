"""What the projector and a phone show when the facilitator closes joining or erases someone.

Found by role and accessible name or by visible text, as people (and screen readers) find them.
"""

from __future__ import annotations

import re

import pytest
from e2e.conftest import WAIT, csrf_token
from playwright.sync_api import Page, expect
from sqlalchemy import select

from workshop import models

from .test_workshop_in_browser import sign_in

pytestmark = pytest.mark.browser

CLOSED = "This workshop is closed to new participants."
QR = "QR code for joining the workshop. The same link is written below."


def open_presenter(desk: Page, workshop_id: int) -> None:
    desk.goto(f"/workshops/{workshop_id}/present")
    # Drawn from the first snapshot: from here on the page hears the facts.
    expect(desk.get_by_text("Ideas: 0")).to_be_visible()


def test_the_projector_hides_the_join_code_while_joining_is_closed(screens, tupa):
    facilitator = tupa.facilitator()
    workshop = tupa.workshop(facilitator)
    code = f"{workshop.join_code[:4]}-{workshop.join_code[4:]}"
    projector, board = screens.desk(), screens.desk()
    for desk in (projector, board):
        sign_in(desk, facilitator.name)
    open_presenter(projector, workshop.id)
    expect(projector.get_by_text(code, exact=True)).to_be_visible()
    expect(projector.get_by_role("img", name=QR)).to_be_visible()
    board.goto(f"/workshops/{workshop.id}")
    # Drawn from the board's first snapshot, which also sets the box as the server has it.
    expect(board.get_by_role("button", name=re.compile(r"^Next: "))).to_be_visible()

    board.get_by_label("Closed to new participants").check()

    # Said in words, in the projector's live region: no colour carries the meaning.
    expect(projector.get_by_role("status").filter(has_text=CLOSED)).to_be_visible()
    expect(projector.get_by_text(code, exact=True)).to_be_hidden()
    expect(projector.get_by_role("img", name=QR)).to_be_hidden()
    # A projector opened (or reloaded) while closed shows the same from the start.
    projector.reload()
    expect(projector.get_by_text(CLOSED)).to_be_visible()
    expect(projector.get_by_text(code, exact=True)).to_be_hidden()

    board.get_by_label("Closed to new participants").uncheck()

    expect(projector.get_by_text(code, exact=True)).to_be_visible()
    expect(projector.get_by_role("img", name=QR)).to_be_visible()
    expect(projector.get_by_text(CLOSED)).to_have_count(0)


def test_an_erased_participants_phone_is_sent_back_to_the_join_page(screens, tupa):
    workshop = tupa.workshop()
    phone = screens.phone()
    phone.goto(f"/w/{workshop.join_code}")
    phone.get_by_label("Nickname (optional)").fill("Aino")
    phone.get_by_label("City or municipality").check()
    phone.get_by_role("button", name="Join the workshop").click()
    expect(phone.get_by_role("heading", name="Hiljaisempi kaupunki", level=1)).to_be_visible()
    with tupa.server.database() as session:
        participant_id = session.execute(select(models.Participant.id).where(
            models.Participant.workshop_id == workshop.id)).scalar_one()
    desk = workshop.facilitator.http
    address = f"{tupa.url}/workshops/{workshop.id}/participants/{participant_id}/erase"

    confirm = desk.get(address, timeout=WAIT)
    erased = desk.post(address, data={"csrf_token": csrf_token(confirm.text)}, timeout=WAIT,
                       allow_redirects=False)

    assert erased.status_code == 302, erased.text[:500]
    expect(phone.get_by_text("Please join the workshop again")).to_be_visible()
    phone.get_by_role("link", name="Join again").click()
    expect(phone.get_by_role("button", name="Join the workshop")).to_be_visible()
