"""Series, archive and restore in the browser, by keyboard: a series made and a workshop filed
into it, the workshop archived, the series page showing it, and a broken file then a good one
restored on the workshops page. Each screen passes axe on the way."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .test_accessibility import violations
from .test_workshop_in_browser import sign_in

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "data" / "restore"


def test_a_series_is_made_filled_and_read_with_the_keyboard(screens, tupa):
    facilitator = tupa.facilitator()
    workshop = tupa.workshop(facilitator, phase="lobby")
    desk = screens.desk()
    sign_in(desk, facilitator.name)
    found = []

    # The navigation's link, then the form, by keyboard only.
    desk.get_by_role("link", name="Series", exact=True).focus()
    desk.keyboard.press("Enter")
    expect(desk.get_by_role("heading", name="Series", level=1)).to_be_visible()
    found += violations(desk)
    desk.get_by_label("Name of the series").focus()
    desk.keyboard.type("Pysäkit kuudessa kaupungissa")
    desk.keyboard.press("Enter")
    expect(desk.get_by_role("heading", name="Pysäkit kuudessa kaupungissa",
                            level=1)).to_be_visible()
    expect(desk.get_by_text("No workshops yet.")).to_be_visible()
    found += violations(desk)

    # On the board: choose the series and archive, by keyboard.
    desk.goto(f"/workshops/{workshop.id}")
    chooser = desk.get_by_label("Series", exact=True)
    chooser.focus()
    chooser.select_option(label="Pysäkit kuudessa kaupungissa")
    desk.keyboard.press("Tab")
    expect(desk.get_by_role("button", name="Save series")).to_be_focused()
    desk.keyboard.press("Enter")
    expect(desk.get_by_text("is now in the series “Pysäkit kuudessa kaupungissa”.")
           ).to_be_visible()
    desk.get_by_role("button", name="Archive this workshop").focus()
    desk.keyboard.press("Enter")
    expect(desk.get_by_text("This workshop is archived: it can be read and downloaded, "
                            "not changed.")).to_be_visible()
    found += violations(desk)

    # The series page shows it, archived, with who took part and where it stands.
    desk.get_by_role("link", name="Open its series").click()
    table = desk.get_by_role("table")
    expect(table.get_by_role("link", name="Hiljaisempi kaupunki")).to_be_visible()
    expect(table.get_by_text("Archived")).to_be_visible()
    expect(table.get_by_text("Not revealed yet.")).to_be_visible()
    found += violations(desk)
    assert found == []


def test_a_broken_file_is_explained_and_a_good_one_restored(screens, tupa):
    facilitator = tupa.facilitator()
    desk = screens.desk()
    sign_in(desk, facilitator.name)
    found = violations(desk)

    desk.get_by_label("A workshop's JSON export").set_input_files(
        str(CORPUS / "broken" / "idea_too_long.json"))
    desk.get_by_role("button", name="Restore", exact=True).focus()
    desk.keyboard.press("Enter")
    summary = desk.get_by_role("alert")
    expect(summary).to_contain_text("The workshop was not restored")
    expect(summary).to_contain_text("ideas[1].text: too long: at most 500 characters.")
    # The page came with 400, as a refused form does: the console says so, and nothing else.
    refused = [e for e in screens.errors if "status of 400" in e]
    assert len(refused) == 1
    screens.errors.remove(refused[0])
    # The summary's link leads to the file field.
    summary.get_by_role("link").focus()
    desk.keyboard.press("Enter")
    expect(desk.get_by_label("A workshop's JSON export")).to_be_focused()
    found += violations(desk)

    desk.get_by_label("A workshop's JSON export").set_input_files(str(CORPUS / "valid.json"))
    desk.get_by_role("button", name="Restore", exact=True).focus()
    desk.keyboard.press("Enter")
    expect(desk.get_by_role("heading", name="Bussipysäkit", level=1)).to_be_visible()
    desk.goto("/workshops")
    archived = desk.locator(".archived-section")
    expect(archived.get_by_role("link", name="Bussipysäkit")).to_be_visible()
    expect(archived.get_by_text("Restored from a file")).to_be_visible()
    found += violations(desk)
    assert found == []
