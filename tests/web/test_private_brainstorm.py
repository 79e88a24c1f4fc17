"""A participant's page during a private brainstorm: none of another's ideas, and the words
the phone says about it in the workshop's language."""

from __future__ import annotations

import pytest
from arrange import as_facilitator, as_participant, browser, page_data

from workshop.extensions import db
from workshop.services import agenda, ideas


@pytest.mark.parametrize(("language", "note"), [
    ("en", "Only you and the facilitators see your ideas until they are revealed"),
    ("fi", "Vain sinä ja fasilitaattorit näette ideasi, kunnes ne paljastetaan"),
])
def test_a_phone_page_holds_none_of_anothers_private_idea(app, make_workshop, make_participant,
                                                          language, note):
    workshop = make_workshop(phase="posting", language=language)
    _, aino_token = make_participant(workshop)
    bert, _ = make_participant(workshop)
    with app.app_context():
        agenda.update_activity(db.session, as_facilitator(workshop),
                               workshop.current_activity_id, settings={"private": True})
        ideas.post_idea(db.session, as_participant(bert), "k1", "Heated shelters")
        db.session.commit()
    phone = browser(app)
    phone.set_cookie(f"tupa_p_{workshop.id}", aino_token)

    page = phone.get(f"/w/{workshop.join_code}")

    assert page.status_code == 200
    assert "Heated shelters" not in page.text
    assert page_data(page.text)["messages"]["private_note_phone"] == note
