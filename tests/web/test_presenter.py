"""The projector page: the join code and QR while people may join, a plain sentence when not."""

from __future__ import annotations

import re

import pytest
from arrange import page_data, signed_in

from workshop.extensions import db
from workshop.models import Workshop

CLOSED = {
    "en": "This workshop is closed to new participants.",
    "fi": "Tämä työpaja on suljettu uusilta osallistujilta.",
    "sv": "Den här workshoppen är stängd för nya deltagare.",
}


def lock_joins(app, workshop_id: int) -> None:
    with app.app_context():
        db.session.get(Workshop, workshop_id).joins_locked = True
        db.session.commit()


def join_panel(html: str) -> dict:
    """What the join panel shows: the code block's hidden flag and the closed sentence."""
    opening = re.search(r'<div id="join-open" class="join-open"( hidden)?>', html)
    closed = re.search(r'<p id="joins-closed" class="joins-closed" role="status">(.*?)</p>',
                       html, re.S)
    assert opening and closed, "the presenter page lost its join panel"
    return {"code_hidden": bool(opening.group(1)), "closed": closed.group(1)}


def test_an_open_workshop_shows_its_code_and_an_empty_closed_line(
        app, make_facilitator, make_workshop):
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator)

    page = signed_in(app, facilitator).get(f"/workshops/{workshop.id}/present")

    assert page.status_code == 200
    assert join_panel(page.text) == {"code_hidden": False, "closed": ""}
    assert f"{workshop.join_code[:4]}-{workshop.join_code[4:]}" in page.text
    # The script has the sentence in the page's language for when the facilitator closes.
    assert page_data(page.text)["messages"]["joins_closed"] == CLOSED["en"]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_closed_workshop_says_so_instead_of_its_code(
        app, make_facilitator, make_workshop, language):
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator, language=language)
    lock_joins(app, workshop.id)

    page = signed_in(app, facilitator).get(f"/workshops/{workshop.id}/present?lang={language}")

    assert page.status_code == 200
    assert join_panel(page.text) == {"code_hidden": True, "closed": CLOSED[language]}
    assert page_data(page.text)["messages"]["joins_closed"] == CLOSED[language]
