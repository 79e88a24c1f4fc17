"""Tables on the phone in the browser: three tables brainstorm in parallel and no phone sees
another table's ideas until the facilitator merges them, each then named by its table; a
phone chooses its table while the facilitator lets people choose; a table's host groups the
table's ideas and types in a paper note, which every phone marks as entered on behalf."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .test_accessibility import violations
from .test_workshop_in_browser import idea_on, post

pytestmark = pytest.mark.browser

TABLES = ("Koivu", "Mänty", "Kuusi")
HELD_NOTE = "Only your table sees these ideas until the facilitator brings the tables together"
MERGED_SAID = "The facilitator brought the tables together: you now see every table's ideas."


def phone_of(screens, tupa, workshop, organisation_type: str, nickname: str = "",
             before_opening=None) -> Page:
    """A participant's phone, joined and on the workshop's page; `participant_id` and `token`
    are kept on it. `before_opening(phone)` runs before the page opens."""
    token = tupa.join(workshop, organisation_type=organisation_type, nickname=nickname)
    phone = screens.phone()
    phone.context.add_cookies([{"name": f"tupa_p_{workshop.id}", "value": token,
                                "url": tupa.url}])
    if before_opening:
        before_opening(phone)
    phone.goto(f"/w/{workshop.join_code}")
    expect(phone.locator("#instruction")).to_be_visible()
    phone.token = token
    phone.participant_id = tupa.phone(workshop, token).sync()["me"]["participant_id"]
    return phone


def dropping_the_first_table_fact(phone: Page, dropped: list[str]) -> None:
    """The phone's socket loses the first fact told to its table (`tseq`), as a flaky network
    would; everything else passes through."""
    def route(socket):
        server = socket.connect_to_server()

        def from_server(message):
            if not dropped and isinstance(message, str) and '"tseq"' in message:
                dropped.append(message)
                return
            socket.send(message)
        server.on_message(from_server)
        socket.on_message(server.send)
    phone.route_web_socket("**/socket.io/**", route)


def room_with_tables(tupa, *, at_tables: bool = True):
    """A workshop in its brainstorm, three tables, the facilitator's socket; the brainstorm id."""
    workshop = tupa.workshop(phase="posting")
    board = tupa.board(workshop)
    brainstorm = board.sync()["current_activity_id"]
    tables = {name: board.ok("table.create", {"key": f"table-{n}", "name": name})["table"]["id"]
              for n, name in enumerate(TABLES)}
    if at_tables:
        board.ok("activity.update", {"activity_id": brainstorm, "settings": {"at_tables": True}})
    return workshop, board, brainstorm, tables


def test_three_tables_see_only_their_own_ideas_until_the_merge(screens, tupa):
    workshop, board, brainstorm, tables = room_with_tables(tupa)
    koivu = phone_of(screens, tupa, workshop, "city")
    koivu_too = phone_of(screens, tupa, workshop, "company")
    manty = phone_of(screens, tupa, workshop, "research")
    kuusi = phone_of(screens, tupa, workshop, "citizen")
    for phone, table in ((koivu, "Koivu"), (koivu_too, "Koivu"), (manty, "Mänty"),
                         (kuusi, "Kuusi")):
        board.ok("table.seat", {"participant_id": phone.participant_id,
                                "table_id": tables[table]})
    # Told they were seated, the phones fetch a fresh snapshot and say where they sit.
    for phone, table in ((koivu, "Koivu"), (koivu_too, "Koivu"), (manty, "Mänty"),
                         (kuusi, "Kuusi")):
        expect(phone.locator("#my-table")).to_have_text(f"You are at {table}")
        expect(phone.get_by_text(HELD_NOTE)).to_be_visible()

    ideas = {koivu: "Koivun penkit varjoon", manty: "Männyn pyöräkatos",
             kuusi: "Kuusen hiljainen huone"}
    for phone, text in ideas.items():
        post(phone, text)
    # The tablemate sees the table's idea, marked with its table only once merged.
    expect(idea_on(koivu_too, ideas[koivu])).to_be_visible()
    for phone, own in ideas.items():
        expect(idea_on(phone, own)).to_be_visible()
    # Each phone has had time to hear of the others' ideas, had it been told.
    for phone in (koivu, koivu_too, manty, kuusi):
        for other, text in ideas.items():
            if other is not phone and not (phone is koivu_too and other is koivu):
                expect(phone.get_by_text(text, exact=True)).to_have_count(0)
    expect(koivu.locator("#ideas-count")).to_have_text("Ideas: 1")
    assert violations(koivu) == []

    board.ok("brainstorm.merge", {"activity_id": brainstorm})

    for phone in (koivu, koivu_too, manty, kuusi):
        for text, table in zip(ideas.values(), ("Koivu", "Mänty", "Kuusi"), strict=True):
            card = idea_on(phone, text)
            expect(card).to_be_visible()
            expect(card.locator(".idea-marks")).to_have_text(f"Table: {table}")
        expect(phone.get_by_text(HELD_NOTE)).to_be_hidden()
    expect(manty.locator("#page-announcer")).to_have_text(MERGED_SAID)
    assert violations(manty) == []


def test_a_phone_chooses_its_table_and_then_posts_there(screens, tupa):
    workshop, board, _brainstorm, tables = room_with_tables(tupa)
    board.ok("tables.set_choice", {"open": True})
    phone = phone_of(screens, tupa, workshop, "company", nickname="Veera")

    # The region keeps its place; its heading says "Change your table" once seated.
    choice = phone.locator("#table-choice")
    expect(phone.get_by_role("region", name="Choose your table")).to_be_visible()
    expect(phone.get_by_text("This brainstorm is at tables: choose your table to post ideas.")) \
        .to_be_visible()
    # Posting without a table is refused next to the form, in the server's words.
    phone.get_by_label("Your idea").fill("Ei pöytää vielä")
    phone.get_by_role("button", name="Post idea").click()
    expect(phone.locator("#post-feedback")).to_have_text(
        "This brainstorm is at tables: please choose a table or wait to be seated.")
    expect(idea_on(phone, "Ei pöytää vielä")).to_have_count(0)
    assert violations(phone) == []

    # "Sit here" with no table ticked says what to do, next to the button.
    choice.get_by_role("button", name="Sit here").click()
    expect(choice.get_by_text("Please choose a table first.")).to_be_visible()
    choice.get_by_role("radio", name="Mänty (0 seated)").check()
    choice.get_by_role("button", name="Sit here").click()

    expect(phone.locator("#my-table")).to_have_text("You are at Mänty")
    expect(phone.get_by_role("heading", name="Change your table")).to_be_visible()
    expect(choice.get_by_role("radio", name="Mänty (1 seated)")).to_be_checked()
    expect(phone.get_by_text(HELD_NOTE)).to_be_visible()
    post(phone, "Pöydän oma idea")
    expect(idea_on(phone, "Pöydän oma idea")).to_be_visible()
    assert tables["Mänty"] in {t["id"] for t in board.sync()["tables"] if t["seated"] == 1}
    assert violations(phone) == []

    board.ok("tables.set_choice", {"open": False})
    expect(choice).to_be_hidden()


def test_a_host_groups_the_tables_ideas_and_enters_a_paper_note(screens, tupa):
    workshop, board, _brainstorm, tables = room_with_tables(tupa)
    host = phone_of(screens, tupa, workshop, "city", nickname="Aino")
    mate = phone_of(screens, tupa, workshop, "company", nickname="Bert")
    elsewhere = phone_of(screens, tupa, workshop, "research", nickname="Cilla")
    for phone, table in ((host, "Koivu"), (mate, "Koivu"), (elsewhere, "Kuusi")):
        board.ok("table.seat", {"participant_id": phone.participant_id,
                                "table_id": tables[table]})
    board.ok("table.set_host", {"table_id": tables["Koivu"],
                                "participant_id": host.participant_id})

    section = host.get_by_role("region", name="Group your table's ideas")
    expect(section).to_be_visible()
    expect(host.locator("#my-table")).to_have_text("You are at Koivu. You host this table.")
    expect(mate.get_by_role("region", name="Group your table's ideas")).to_be_hidden()
    post(mate, "Varjoisat penkit")

    section.get_by_label("Name of a new group").fill("Varjo")
    section.get_by_role("button", name="Create group").click()
    expect(section.get_by_role("listitem").filter(has_text="Varjo · ")).to_be_visible()
    section.get_by_label("Move to group: Varjoisat penkit").select_option(label="Varjo")
    section.get_by_role("button", name="Move: Varjoisat penkit").click()
    # The whole table sees the group with its idea; another table sees neither.
    for phone in (host, mate):
        group = phone.get_by_role("region", name="Varjo", exact=True)
        expect(idea_on(group, "Varjoisat penkit")).to_be_visible()
    expect(elsewhere.get_by_role("region", name="Varjo", exact=True)).to_have_count(0)

    # A rename from the keyboard: the form opens on the name, Enter saves.
    section.get_by_role("button", name="Rename group: Varjo").click()
    expect(section.get_by_label("New name")).to_be_focused()
    section.get_by_label("New name").fill("Varjoa ja suojaa")
    section.get_by_label("New name").press("Enter")
    expect(mate.get_by_role("region", name="Varjoa ja suojaa")).to_be_visible()

    section.get_by_label("Text of the paper note").fill("Paperilta: juomapiste")
    section.get_by_label("Kind of organisation of the writer").select_option(label="Company")
    section.get_by_role("button", name="Enter the note").click()
    expect(section.get_by_text("The paper note was entered.")).to_be_visible()
    for phone in (host, mate):
        card = idea_on(phone, "Paperilta: juomapiste")
        expect(card.locator(".idea-on-paper")).to_contain_text("Entered on behalf · by ")
    expect(elsewhere.get_by_text("Paperilta: juomapiste")).to_have_count(0)
    # A facilitator's note for a table is marked too.
    board.ok("idea.enter", {"key": "paper-1", "text": "Fasilitaattorin lappu",
                            "table_id": tables["Kuusi"]})
    expect(idea_on(elsewhere, "Fasilitaattorin lappu").locator(".idea-on-paper")) \
        .to_contain_text("Entered on behalf · by ")
    assert violations(host) == []

    host.once("dialog", lambda dialog: dialog.accept())
    section.get_by_role("button", name="Delete group: Varjoa ja suojaa").click()
    expect(section.get_by_text("No groups yet.")).to_be_visible()
    expect(idea_on(mate, "Varjoisat penkit")).to_be_visible()


def test_a_phone_moved_to_another_table_sees_that_tables_ideas(screens, tupa):
    workshop, board, _brainstorm, tables = room_with_tables(tupa)
    phone = phone_of(screens, tupa, workshop, "city")
    board.ok("table.seat", {"participant_id": phone.participant_id, "table_id": tables["Koivu"]})
    expect(phone.locator("#my-table")).to_have_text("You are at Koivu")
    post(phone, "Koivun idea")
    mate_token = tupa.join(workshop, organisation_type="company")
    mate = tupa.phone(workshop, mate_token)
    board.ok("table.seat", {"participant_id": mate.sync()["me"]["participant_id"],
                            "table_id": tables["Kuusi"]})
    mate.ok("idea.post", {"key": "kuusi-1", "text": "Kuusen idea"})
    expect(phone.get_by_text("Kuusen idea")).to_have_count(0)

    # Moved by the facilitator: a fresh snapshot brings the new table and its ideas only.
    board.ok("table.seat", {"participant_id": phone.participant_id, "table_id": tables["Kuusi"]})
    expect(phone.locator("#my-table")).to_have_text("You are at Kuusi")
    expect(idea_on(phone, "Kuusen idea")).to_be_visible()
    expect(phone.get_by_text("Koivun idea", exact=True)).to_have_count(0)
    # From now on the phone hears its new table live.
    mate.ok("idea.post", {"key": "kuusi-2", "text": "Toinen kuusen idea"})
    expect(idea_on(phone, "Toinen kuusen idea")).to_be_visible()

    # Unseated: told so, and nothing of any table's brainstorm stays on the phone.
    board.ok("table.seat", {"participant_id": phone.participant_id, "table_id": None})
    expect(phone.locator("#my-table")).to_be_hidden()
    expect(phone.get_by_text("This brainstorm is at tables: please wait until the facilitator "
                             "seats you at one.")).to_be_visible()
    expect(phone.get_by_text("Kuusen idea", exact=True)).to_have_count(0)


def test_a_fact_lost_on_the_way_to_a_table_is_caught_up(screens, tupa):
    workshop, board, _brainstorm, tables = room_with_tables(tupa)
    dropped: list[str] = []
    phone = phone_of(screens, tupa, workshop, "city",
                     before_opening=lambda page: dropping_the_first_table_fact(page, dropped))
    mate_token = tupa.join(workshop, organisation_type="company")
    mate = tupa.phone(workshop, mate_token)
    for person in (phone.participant_id, mate.sync()["me"]["participant_id"]):
        board.ok("table.seat", {"participant_id": person, "table_id": tables["Koivu"]})
    expect(phone.locator("#my-table")).to_have_text("You are at Koivu")

    mate.ok("idea.post", {"key": "lost", "text": "Matkalla kadonnut"})
    # The lost fact is missed until the next one shows the gap in the table's numbers.
    expect(phone.get_by_text("Matkalla kadonnut")).to_have_count(0)
    assert dropped and "Matkalla kadonnut" in dropped[0]
    mate.ok("idea.post", {"key": "next", "text": "Seuraava idea"})
    expect(idea_on(phone, "Seuraava idea")).to_be_visible()
    expect(idea_on(phone, "Matkalla kadonnut")).to_be_visible()
    expect(phone.locator("#ideas-count")).to_have_text("Ideas: 2")


def test_a_phone_back_from_a_cut_catches_up_with_its_table(screens, tupa):
    workshop, board, _brainstorm, tables = room_with_tables(tupa)
    line = {"cut": False, "sockets": [], "syncs": []}

    def from_page(server, message):
        if isinstance(message, str) and '"workshop.sync"' in message:
            line["syncs"].append(message)
        server.send(message)

    def route(socket):
        server = socket.connect_to_server()
        line["sockets"].append((socket, server))
        server.on_message(lambda message: None if line["cut"] else socket.send(message))
        socket.on_message(lambda message: from_page(server, message))

    phone = phone_of(screens, tupa, workshop, "city",
                     before_opening=lambda page: page.route_web_socket("**/socket.io/**", route))
    mate = tupa.phone(workshop, tupa.join(workshop, organisation_type="company"))
    for person in (phone.participant_id, mate.sync()["me"]["participant_id"]):
        board.ok("table.seat", {"participant_id": person, "table_id": tables["Koivu"]})
    expect(phone.locator("#my-table")).to_have_text("You are at Koivu")

    # The line goes quiet, the table says something, then the connection drops.
    line["cut"] = True
    mate.ok("idea.post", {"key": "away", "text": "Sanottu poissa ollessa"})
    phone.wait_for_timeout(300)
    line["cut"] = False
    synced = len(line["syncs"])
    for socket, server in line["sockets"]:
        server.close()
        socket.close()
    # Back, the phone says which of its table's facts it heard last: the answer is a snapshot.
    expect(idea_on(phone, "Sanottu poissa ollessa")).to_be_visible()
    assert '"table_seq":0' in line["syncs"][synced], line["syncs"][synced:]
    mate.ok("idea.post", {"key": "after", "text": "Sanottu palattua"})
    expect(idea_on(phone, "Sanottu palattua")).to_be_visible()


def test_phone_results_tell_hands_and_phone_votes_apart(screens, tupa):
    workshop = tupa.workshop(phase="posting")
    board = tupa.board(workshop)
    agenda = board.sync()["agenda"]
    vote = next(activity["id"] for activity in agenda if activity["kind"] == "vote")
    results = next(activity["id"] for activity in agenda if activity["kind"] == "results")
    phone = phone_of(screens, tupa, workshop, "city")
    post(phone, "Juomapisteet puistoihin")
    idea = board.sync()["ideas"][0]["id"]
    board.ok("activity.go", {"activity_id": vote})
    voter = tupa.phone(workshop, phone.token)
    voter.sync()
    for key in ("v1", "v2"):
        voter.ok("vote.cast", {"key": key, "idea_id": idea})
    board.ok("hands.set", {"activity_id": vote, "idea_id": idea, "hands": 4})
    board.ok("activity.go", {"activity_id": results})

    line = phone.locator("#results-list .result").filter(has_text="Juomapisteet puistoihin")
    expect(line.locator(".result-votes")).to_have_text("2 votes · 4 hands · 6 in all")
    board.ok("hands.set", {"activity_id": vote, "idea_id": idea, "hands": 5})
    expect(line.locator(".result-votes")).to_have_text("2 votes · 5 hands · 7 in all")
    assert violations(phone) == []
