"""Tables on the facilitator's screens, in the browser: the facilitator makes a brainstorm one
at tables in the agenda, adds three tables, seats six people automatically, watches each
table's ideas side by side (the presenter only their counts), merges the tables into the
plenary, merges a likely duplicate, types in a paper note and counts hands beside the phones'
votes; the board passes axe with the tables open."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from .test_accessibility import violations
from .test_workshop_in_browser import idea_on, sign_in

pytestmark = pytest.mark.browser

PEOPLE = [("city", "Aino"), ("city", "Bea"), ("city", "Cai"),
          ("company", "Dan"), ("company", "Eve"), ("company", "Fay")]
AT_STATION = "More bike parking at the station"
BY_STATION = "More bike parking by the station"
SHADE = "Benches in the shade"
LIBRARY = "Quiet hours in the library"
PAPER = "Safer crossings near the school"


def tables_region(desk: Page):
    return desk.get_by_role("region", name="Tables", exact=True)


def test_three_tables_brainstorm_apart_merge_and_count_hands(screens, tupa):
    workshop = tupa.workshop(phase="posting")
    board = tupa.board(workshop)
    phones = [tupa.phone(workshop, tupa.join(workshop, organisation_type=kind, nickname=name))
              for kind, name in PEOPLE]
    ids = [phone.sync()["me"]["participant_id"] for phone in phones]
    desk = screens.desk()
    sign_in(desk, workshop.facilitator.name)
    desk.goto(f"/workshops/{workshop.id}")
    presenter = desk.context.new_page()
    presenter.goto(f"/workshops/{workshop.id}/present")

    # The brainstorm goes to tables in the agenda editor (never private too: one unticks the other).
    desk.get_by_role("button", name="Edit agenda").click()
    desk.get_by_role("button", name="Edit: Brainstorm").click()
    private = desk.get_by_label("Private: each participant sees only their own ideas")
    private.check()
    desk.get_by_label("At tables: each table sees only its own ideas").check()
    expect(private).not_to_be_checked()
    desk.get_by_role("button", name="Save", exact=True).click()
    wall = desk.get_by_role("region", name="At tables: Brainstorm")
    expect(wall).to_be_visible()

    # Three tables, each added with the numbered name that waits in the field.
    panel = tables_region(desk)
    name = panel.get_by_label("Name of the new table")
    listed = panel.get_by_role("list", name="Tables in the room").get_by_role("listitem")
    for number in (1, 2, 3):
        expect(name).to_have_value(f"Table {number}")
        panel.get_by_role("button", name="Add table").click()
        expect(listed).to_have_count(number)
        expect(name).to_be_focused()
    # Letting participants choose is one switch, told to every screen.
    choosing = panel.get_by_label("Participants choose their table on their phones")
    choosing.check()
    board.wait_for("tables.changed", where=lambda payload: payload["tables_by_choice"])
    choosing.uncheck()
    board.wait_for("tables.changed", where=lambda payload: not payload["tables_by_choice"])
    panel.get_by_role("button", name="Assign automatically").click()
    for number in (1, 2, 3):
        expect(listed.nth(number - 1)).to_contain_text(f"Table {number}")
        expect(listed.nth(number - 1)).to_contain_text("Seated: 2")

    # One person moved by hand, named their table's host; then everyone is seated afresh.
    expect(panel.get_by_text("Seated: 6 of 6")).to_be_visible()
    row = panel.get_by_role("row", name="Aino")
    now = row.get_by_label("Table of Aino")
    seated_at = now.evaluate("select => select.selectedOptions[0].text")
    other = "Table 2" if seated_at != "Table 2" else "Table 3"
    now.select_option(label=other)
    row.get_by_role("button", name="Move: Aino").click()
    number = int(other[-1])
    expect(listed.nth(number - 1)).to_contain_text("Seated: 3")
    host = listed.nth(number - 1).get_by_label(f"Host: {other}", exact=True)
    host.select_option(label="Aino")
    listed.nth(number - 1).get_by_role("button", name=f"Name host: {other}").click()
    board.wait_for("tables.changed", where=lambda payload: any(
        table["name"] == other and table["host_id"] == ids[0] for table in payload["tables"]))
    expect(host).to_have_value(str(ids[0]))
    panel.get_by_label("Seat everyone again, also those already seated").check()
    panel.get_by_role("button", name="Assign automatically").click()
    for number in (1, 2, 3):
        expect(listed.nth(number - 1)).to_contain_text("Seated: 2")

    # Each table mixes the city and the company (the point of co-development).
    seats = {int(person): table for person, table in board.sync()["seats"].items()}
    assert sorted(seats) == sorted(ids)
    tables = {table["id"]: table["name"] for table in board.sync()["tables"]}
    at = {}
    for phone, person, (kind, _name) in zip(phones, ids, PEOPLE, strict=True):
        at.setdefault(seats[person], []).append((phone, kind))
    assert all(sorted(kind for _, kind in people) == ["city", "company"]
               for people in at.values())
    first, second, third = sorted(at, key=lambda table: tables[table])

    def post(table: int, index: int, text: str) -> None:
        at[table][index][0].ok("idea.post", {"key": uuid.uuid4().hex, "text": text})

    post(first, 0, AT_STATION)
    post(first, 1, LIBRARY)
    post(second, 0, BY_STATION)
    post(third, 0, SHADE)
    columns = {number: wall.get_by_role("region", name=f"Table {number}") for number in (1, 2, 3)}
    expect(columns[1]).to_contain_text("Ideas: 2")
    expect(columns[2]).to_contain_text("Ideas: 1")
    expect(columns[3]).to_contain_text("Ideas: 1")
    expect(idea_on(columns[1], AT_STATION)).to_be_visible()
    expect(idea_on(columns[1], LIBRARY)).to_be_visible()
    expect(idea_on(columns[2], BY_STATION)).to_be_visible()
    expect(idea_on(columns[3], SHADE)).to_be_visible()
    # A table's stack of paper notes: the dialog opens with that table chosen.
    from_paper = columns[3].get_by_role("button", name="Enter from paper: Table 3")
    from_paper.click()
    paper = desk.get_by_role("dialog", name="Enter ideas from paper")
    expect(paper.get_by_label("Table", exact=True)).to_have_value(str(third))
    expect(paper.get_by_label("Text of the note")).to_be_focused()
    desk.keyboard.press("Escape")
    expect(from_paper).to_be_focused()
    # A table with ideas stays (they keep it); the refusal is said at the table's controls.
    desk.once("dialog", lambda dialog: dialog.accept())
    listed.nth(0).get_by_role("button", name="Delete table: Table 1").click()
    expect(listed.nth(0)).to_contain_text("Ideas were posted at that table")
    expect(listed).to_have_count(3)
    listed.nth(1).get_by_role("button", name="Rename table: Table 2").click()
    rename = listed.nth(1).get_by_label("New name")
    expect(rename).to_be_focused()
    rename.fill("Window table")
    rename.press("Enter")
    expect(wall.get_by_role("region", name="Window table")).to_contain_text("Ideas: 1")
    expect(listed.nth(1).get_by_role("button", name="Rename table: Window table")).to_be_focused()
    counts = presenter.get_by_role("region", name="Ideas at each table")
    expect(counts.get_by_role("listitem").nth(0)).to_contain_text("Table 1")
    expect(counts.get_by_role("listitem").nth(0)).to_contain_text("2")
    expect(counts.get_by_role("listitem").nth(2)).to_contain_text("1")
    # The projector tells how many, not what: the tables brainstorm apart.
    expect(presenter.get_by_text(AT_STATION)).to_have_count(0)
    assert violations(desk) + violations(presenter) == []

    # Merged into the plenary: the likely duplicate across tables is offered for merging.
    desk.once("dialog", lambda dialog: dialog.accept())
    wall.get_by_role("button", name="Merge tables into plenary: Brainstorm").click()
    expect(wall).to_be_hidden()
    expect(counts).to_be_hidden()
    expect(idea_on(presenter, AT_STATION)).to_be_visible()
    duplicates = desk.get_by_role("region", name="Likely duplicates")
    # The Merge button went with the merge: the keyboard is taken to what it brought.
    expect(duplicates.get_by_role("heading", name="Likely duplicates")).to_be_focused()
    pair = duplicates.get_by_role("listitem").filter(has_text=AT_STATION).filter(
        has_text=BY_STATION).first
    expect(pair).to_be_visible()
    assert violations(desk) == []
    pair.get_by_role("button", name="Compare and merge").click()
    dialog = desk.get_by_role("dialog", name="Merge ideas")
    expect(dialog).to_contain_text(BY_STATION)
    dialog.get_by_role("button", name="Merge", exact=True).click()
    expect(duplicates).to_be_hidden()
    expect(idea_on(desk, BY_STATION)).to_have_count(0)

    # A note from paper, for the third table, from a resident: marked on every screen.
    desk.get_by_role("button", name="Enter ideas from paper").click()
    paper = desk.get_by_role("dialog", name="Enter ideas from paper")
    paper.get_by_label("Text of the note").fill(PAPER)
    paper.get_by_label("Table", exact=True).select_option(label="Table 3")
    paper.get_by_label("Kind of organisation").select_option(label="Resident or citizen")
    paper.get_by_role("button", name="Enter", exact=True).click()
    expect(paper.get_by_role("status")).to_have_text(f"Entered: {PAPER}")
    # Ready for the next note of the stack.
    expect(paper.get_by_label("Text of the note")).to_have_value("")
    expect(paper.get_by_label("Text of the note")).to_be_focused()
    expect(paper.get_by_label("Table", exact=True)).to_have_value(str(third))
    paper.get_by_role("button", name="Close").click()
    expect(desk.get_by_role("button", name="Enter ideas from paper")).to_be_focused()
    card = idea_on(desk.get_by_role("region", name="Ideas and clusters"), PAPER)
    expect(card).to_contain_text("Entered on behalf")
    expect(card).to_contain_text("Table: Table 3")
    expect(idea_on(presenter, PAPER)).to_contain_text("Entered on behalf")

    # The vote: two phones for the benches, hands in the room for the paper note.
    agenda = desk.get_by_role("list", name="Activities in order")
    desk.get_by_role("button", name="Next: Grouping").click()
    expect(agenda.get_by_role("listitem").nth(2)).to_have_attribute("aria-current", "step")
    desk.get_by_role("button", name="Next: Vote").click()
    expect(agenda.get_by_role("listitem").nth(3)).to_have_attribute("aria-current", "step")
    ideas = {idea["text"]: idea["id"] for idea in board.sync()["ideas"]}
    for phone in phones[:2]:
        phone.ok("vote.cast", {"key": uuid.uuid4().hex, "idea_id": ideas[SHADE]})
    phones[2].ok("vote.cast", {"key": uuid.uuid4().hex, "idea_id": ideas[PAPER]})
    hands = desk.get_by_role("region", name="Hand votes")
    count = hands.get_by_role("button", name="Count hands for each idea")
    expect(count).to_have_attribute("aria-expanded", "false")
    count.click()
    field = hands.get_by_label(f"Hands: {PAPER}")
    expect(hands.get_by_role("spinbutton").first).to_be_focused()
    field.fill("8")
    hands.get_by_role("button", name=f"Save: {PAPER}").click()
    expect(field).to_have_value("8")
    assert violations(desk) == []

    desk.get_by_role("button", name="Next: Results").click()
    for screen in (desk, presenter):
        ranked = screen.get_by_role("region", name="Results").get_by_role("listitem")
        top = ranked.filter(has_text=PAPER)
        expect(top).to_contain_text("Phones 1 + hands 8 = 9")
        expect(ranked.nth(0)).to_contain_text(PAPER)
        expect(ranked.filter(has_text=SHADE)).to_contain_text("Phones 2 + hands 0 = 2")
    # Hands changed in the results: every screen follows.
    field.fill("0")
    hands.get_by_role("button", name=f"Save: {PAPER}").click()
    for screen in (desk, presenter):
        ranked = screen.get_by_role("region", name="Results").get_by_role("listitem")
        expect(ranked.nth(0)).to_contain_text(SHADE)
        expect(ranked.filter(has_text=SHADE)).not_to_contain_text("hands")
