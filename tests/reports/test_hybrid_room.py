"""What an organiser takes away from a room of tables and paper: every file keeps the table
of every idea, marks the ideas entered on behalf (and who typed them in), and shows hand
votes apart from phone votes and summed (tests/reports/hybrid_seed.py makes the room)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from arrange import as_facilitator, browser, signed_in
from openpyxl import load_workbook

from workshop.extensions import db
from workshop.models import Idea, IdeaMerge, Workshop
from workshop.reports.formats import CSV_COLUMNS, ideas_csv, ideas_excel_csv, workshop_json
from workshop.reports.gather import workshop_export
from workshop.reports.series import overview
from workshop.reports.workbook import workshop_workbook
from workshop.worker import worker

from .hybrid_seed import hybrid_room, run

# The columns export.csv had before tables: scripts read them by name or by position.
COLUMNS_BEFORE_TABLES = ("idea_id", "text", "cluster", "votes", "organisation_type",
                         "organisation_name", "posted_at", "hidden", "question")


@pytest.fixture(scope="module", autouse=True)
def _stop_the_worker(app):
    """The PDF is made in the worker process; it lives as long as the app."""
    yield
    worker(app).stop()


@pytest.fixture
def room(app, make_workshop, make_participant):
    """Factory: a hybrid room at its results, in `language`; (workshop, ids, export)."""

    def make(language="en"):
        workshop = make_workshop(vote_budget=3, language=language, title="Pysäkit")
        with app.app_context():
            made = hybrid_room(db.session, workshop, make_participant)
            export, _ = workshop_export(db.session, as_facilitator(workshop))
            db.session.commit()
        return workshop, made, export

    return make


def _csv_rows(data: bytes, delimiter: str = ",") -> list[dict]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# JSON ----------------------------------------------------------------------------------------


def test_the_json_keeps_tables_seats_paper_notes_and_hands(room):
    workshop, made, export = room()
    document = json.loads(workshop_json(export))
    one, two = made["tables"]["one"], made["tables"]["two"]

    assert document["tables"] == [
        {"id": one, "name": "Pöytä 1", "position": 1, "host": "p2"},
        {"id": two, "name": "=Pöytä 2", "position": 2, "host": None}]
    people = document["participants"]
    assert [(p["pseudonym"], p["table_id"], p["on_paper"]) for p in people] == [
        ("p1", one, False), ("p2", one, False), ("p3", two, False), ("p4", two, False),
        ("p5", two, True), ("p6", one, True)]
    # The stand-ins write for a table and an organisation type: the facilitator's note was a
    # resident's; the host's said nothing of its writer.
    assert [p["organisation_type"] for p in people[4:]] == ["citizen", "other"]
    ideas = {idea["id"]: idea for idea in document["ideas"]}
    shaped = {name: (ideas[i]["table_id"], ideas[i]["entered_on_behalf"],
                     ideas[i]["entered_by"], ideas[i]["votes"], ideas[i]["hands"],
                     ideas[i]["total"])
              for name, i in made["ideas"].items()}
    assert shaped == {
        "benches": (one, False, None, 2, 0, 2),
        "shelters": (two, False, None, 1, 2, 3),
        "lights": (two, True, {"facilitator": made["facilitator"]}, 1, 5, 6),
        "note": (one, True, {"participant": "p2"}, 0, 0, 0),
    }
    assert document["clusters"][0]["table_id"] == one
    brainstorm = next(a for a in document["agenda"] if a["id"] == made["brainstorm"])
    assert brainstorm["at_tables"] and brainstorm["merged"] and brainstorm["merged_at"]
    assert [(t["activity_id"], t["idea_id"], t["hands"], t["entered_by"])
            for t in document["hand_tallies"]] == [
        (made["vote"], made["ideas"]["shelters"], 2, made["facilitator"]),
        (made["vote"], made["ideas"]["lights"], 5, made["facilitator"])]


def test_the_audit_log_keeps_the_table_commands(room):
    _workshop, made, export = room()
    commands = [row["command"] for row in export["audit_log"]]
    for command in ("table.create", "table.seat", "table.set_host", "idea.enter",
                    "brainstorm.merge", "hands.set"):
        assert command in commands
    entered = [row for row in export["audit_log"] if row["command"] == "idea.enter"]
    assert [row["who"] for row in entered] == [{"facilitator": made["facilitator"]},
                                               {"participant": "p2"}]


# CSV -----------------------------------------------------------------------------------------


def test_the_csv_appends_table_paper_and_hands_at_the_end(room):
    _workshop, made, export = room()
    data = ideas_csv(export)
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))

    assert tuple(header) == CSV_COLUMNS
    assert tuple(header[:9]) == COLUMNS_BEFORE_TABLES
    assert tuple(header[9:]) == ("table", "entered_on_behalf", "entered_by", "hand_votes",
                                 "total_votes")
    rows = {int(row["idea_id"]): row for row in _csv_rows(data)}
    appended = {name: tuple(rows[i][c] for c in header[9:]) + (rows[i]["votes"],)
                for name, i in made["ideas"].items()}
    assert appended == {
        "benches": ("Pöytä 1", "false", "", "0", "2", "2"),
        # A table's name that looks like a formula is made inert, as every typed text is.
        "shelters": ("'=Pöytä 2", "false", "", "2", "3", "1"),
        "lights": ("'=Pöytä 2", "true", f"facilitator:{made['facilitator']}", "5", "6", "1"),
        "note": ("Pöytä 1", "true", "participant:p2", "0", "0", "0"),
    }
    assert rows[made["ideas"]["lights"]]["organisation_type"] == "citizen"


def test_the_excel_csv_says_it_in_the_workshops_language(room):
    _workshop, made, export = room("fi")
    rows = {int(row["Idean tunniste"]): row
            for row in _csv_rows(ideas_excel_csv(export, "fi"), delimiter=";")}

    lights = rows[made["ideas"]["lights"]]
    assert (lights["Pöytä"], lights["Kirjattu toisen puolesta"], lights["Kirjaaja"],
            lights["Puhelinäänet"], lights["Kädennostot"],
            lights["Yhteensä (puhelimet ja kädennostot)"]) == (
        "'=Pöytä 2", "Kyllä", f"Fasilitaattori {made['facilitator']}", "1", "5", "6")
    note = rows[made["ideas"]["note"]]
    assert (note["Pöytä"], note["Kirjattu toisen puolesta"], note["Kirjaaja"]) == (
        "Pöytä 1", "Kyllä", "Pöydän vetäjä p2")
    assert rows[made["ideas"]["benches"]]["Kirjattu toisen puolesta"] == "Ei"


# The workbook --------------------------------------------------------------------------------


def _sheet(book, name) -> list[dict]:
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_workbook_ranks_by_the_total_and_shows_each_part(room):
    _workshop, made, export = room()
    book = load_workbook(io.BytesIO(workshop_workbook(export, "en")))
    ideas = _sheet(book, "Ideas")

    # Ranked by phone votes and hands together: the paper note with 1 + 5 leads.
    assert [(row["Idea id"], row["Rank"], row["Phone votes"], row["Hand votes"],
             row["Total (phones and hands)"]) for row in ideas] == [
        (made["ideas"]["lights"], 1, 1, 5, 6), (made["ideas"]["shelters"], 2, 1, 2, 3),
        (made["ideas"]["benches"], 3, 2, 0, 2), (made["ideas"]["note"], 4, 0, 0, 0)]
    marks = {row["Idea id"]: (row["Table"], row["Entered on behalf"], row["Entered by"])
             for row in ideas}
    assert marks == {
        made["ideas"]["lights"]: ("=Pöytä 2", "Yes", f"Facilitator {made['facilitator']}"),
        made["ideas"]["shelters"]: ("=Pöytä 2", "No", None),
        made["ideas"]["benches"]: ("Pöytä 1", "No", None),
        made["ideas"]["note"]: ("Pöytä 1", "Yes", "Table host p2"),
    }
    # Typed text stays text, a table's name too.
    table_cell = next(row for row in book["Ideas"].iter_rows(min_row=2)
                      if row[0].value == made["ideas"]["lights"])[13]
    assert (table_cell.value, table_cell.data_type) == ("=Pöytä 2", "s")
    # Phone votes by organisation type add up to the phone votes, never to the total.
    for row in ideas:
        by_type = sum(v for k, v in row.items() if k.startswith("Votes: "))
        assert by_type == row["Phone votes"]


def test_the_workbook_has_a_tables_sheet_that_adds_up(room):
    _workshop, _made, export = room()
    book = load_workbook(io.BytesIO(workshop_workbook(export, "en")))
    tables = _sheet(book, "Tables")

    assert [row["Table"] for row in tables] == ["Pöytä 1", "=Pöytä 2", "Not at a table",
                                                "Total"]
    counted = [(row["Participants: City or municipality"], row["Participants: Company"],
                row["Participants: Research or education"], row["Participants"],
                row["Ideas in it"], row["Of them entered on behalf"]) for row in tables]
    # Stand-ins for paper notes are nobody: four people, not six.
    assert counted == [(1, 1, 0, 2, 2, 1), (1, 0, 1, 2, 2, 1), (0, 0, 0, 0, 0, 0),
                       (2, 1, 1, 4, 4, 2)]


def test_the_workbook_clusters_and_agenda_name_tables(room):
    _workshop, _made, export = room()
    book = load_workbook(io.BytesIO(workshop_workbook(export, "en")))

    clusters = _sheet(book, "Clusters")
    assert (clusters[0]["Cluster"], clusters[0]["Table"]) == ("Pöydän 1 ryhmä", "Pöytä 1")
    total = clusters[-1]
    assert (total["Phone votes"], total["Hand votes"], total["Total (phones and hands)"]) == (
        4, 7, 11)
    brainstorm = next(row for row in _sheet(book, "Agenda") if row["Activity"] == "Brainstorm")
    assert brainstorm["At tables"] == "Yes"
    merged = next(k for k in brainstorm if k.startswith("Merged into the plenary"))
    assert brainstorm[merged] is not None
    audit = [row["Command"] for row in _sheet(book, "Audit log")]
    assert {"table.create", "idea.enter", "brainstorm.merge", "hands.set"} <= set(audit)


def test_hands_stay_private_until_the_reveal_like_votes(app, room):
    workshop, made, _export = room()
    with app.app_context():
        run(db.session, as_facilitator(workshop), "activity.go", {"activity_id": made["vote"]})
        export, _ = workshop_export(db.session, as_facilitator(workshop))
        db.session.commit()

    document = json.loads(workshop_json(export))
    assert document["hand_tallies"] == [] and document["votes"] == []
    assert {(i["hands"], i["total"]) for i in document["ideas"]} == {(None, None)}
    assert {(r["hand_votes"], r["total_votes"]) for r in _csv_rows(ideas_csv(export))} == {
        ("", "")}
    ideas = _sheet(load_workbook(io.BytesIO(workshop_workbook(export, "en"))), "Ideas")
    assert {(r["Hand votes"], r["Total (phones and hands)"]) for r in ideas} == {(None, None)}
    # What is no count stays: the tables and the marks.
    assert {r["Entered on behalf"] for r in ideas} == {"Yes", "No"}


# The report and the public results -----------------------------------------------------------


def _facilitator(app, workshop):
    with app.app_context():
        return db.session.get(Workshop, workshop.id).facilitator


def test_the_report_shows_hands_apart_ranks_by_the_total_and_marks_paper_notes(app, room):
    workshop, _made, _export = room()
    client = signed_in(app, _facilitator(app, workshop))
    page = client.get(f"/workshops/{workshop.id}/report").text
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())

    # The ranking's numbers: phones, hands and the total, each in its own column.
    assert "Idea Phone votes Hand votes Total" in text
    assert "1. Valot paperilta (entered on behalf) 1 5 6" in text
    assert "2. Lämmitetyt katokset 1 2 3" in text
    assert "3. Penkit pysäkeille 2 0 2" in text
    assert "7 hand votes were counted in the room" in text
    # By organisation type, and the clusters: each says whose votes it counts.
    assert "The numbers of the chart: Phone votes per idea by organisation type" in text
    assert "Votes per cluster: phones and hands Cluster Phone votes Hand votes Total" in text
    assert "Pöydän 1 ryhmä 2 0 2" in text
    assert "Ideas are ranked by the total of phone votes and hand votes" in text
    # Four people took part; the two stand-ins for paper notes are nobody.
    assert "Participants 4" in text
    assert "Ideas 4 (2 of them entered on behalf from paper notes)" in text
    assert "Ideas per table" in text
    assert "Pöytä 1 2 2 1" in text and "=Pöytä 2 2 2 1" in text
    assert ("2 ideas were typed in from paper notes on behalf of their writers, marked "
            "“(entered on behalf)”. Typed in by facilitators: 1; by table hosts: 1.") in text
    assert "Hand votes (7 in all) were counted in the room" in text
    # What each table brought: its leading idea in the vote, by the total.
    assert ("Each table's leading idea Table Rank Idea Total Pöytä 1 3 Penkit pysäkeille 2 "
            "=Pöytä 2 1 Valot paperilta (entered on behalf) 6") in text


def test_the_report_pdf_says_the_same(app, room, tmp_path):
    from .test_report import _make_pdf, _squeezed, _text_of

    workshop, _made, _export = room("fi")
    client = signed_in(app, _facilitator(app, workshop))
    text, _pages = _text_of(_make_pdf(client, workshop.id), tmp_path)
    squeezed = _squeezed(text)

    assert "Puhelinäänet" in squeezed and "Kädennostot" in squeezed
    assert "Valot paperilta (kirjattu toisen puolesta)" in squeezed
    assert "Ideat pöydittäin" in squeezed
    assert "Puhelinäänten lisäksi salissa laskettiin 7 kädennostoa" in squeezed


def test_the_public_results_page_shows_phones_hands_and_total(app, room):
    workshop, _made, _export = room()
    page = browser(app).get(f"/w/{workshop.join_code}/results").text
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())

    assert "Ideas are ranked by the total of both" in text
    assert ("Rank 1 Phone votes: 1, hand votes: 5, total: 6 Valot paperilta "
            "(entered on behalf)") in text
    assert "Rank 2 Phone votes: 1, hand votes: 2, total: 3 Lämmitetyt katokset" in text
    assert "Rank 3 Phone votes: 2, hand votes: 0, total: 2 Penkit pysäkeille" in text


def test_without_hands_the_public_results_say_votes_as_before(app, room):
    workshop, made, _export = room()
    with app.app_context():
        boss = as_facilitator(workshop)
        for idea in ("lights", "shelters"):
            run(db.session, boss, "hands.set", {"activity_id": made["vote"],
                                                "idea_id": made["ideas"][idea], "hands": 0})
    text = " ".join(re.sub(r"<[^>]+>", " ", browser(app).get(
        f"/w/{workshop.join_code}/results").text).split())

    assert "hand votes" not in text and "ranked by the total" not in text
    assert "Rank 1 Votes: 2 Penkit pysäkeille" in text


def test_hands_on_an_idea_merged_into_another_count_on_that_one(app, room):
    workshop, made, _export = room()
    lights, shelters = made["ideas"]["lights"], made["ideas"]["shelters"]
    with app.app_context():
        session = db.session
        merge = IdeaMerge(workshop_id=workshop.id, into_idea_id=lights, text_before="Valot",
                          client_key="m1")
        session.add(merge)
        session.flush()
        session.get(Idea, shelters).merge_id = merge.id
        export, _ = workshop_export(session, as_facilitator(workshop))
        session.rollback()

    document = json.loads(workshop_json(export))
    # One tally of both ideas' hands, where the merged idea is listed: 5 + 2.
    assert [(t["idea_id"], t["hands"]) for t in document["hand_tallies"]] == [(lights, 7)]
    idea = next(i for i in document["ideas"] if i["id"] == lights)
    assert (idea["hands"], idea["total"], idea["merged_ideas"][0]["table_id"]) == (
        7, 8, made["tables"]["two"])


def test_a_series_counts_people_not_stand_ins_and_ranks_by_the_total(room):
    _workshop, _made, export = room()
    seen = overview(export)

    assert seen["participants"] == 4
    assert seen["by_type"] == {"city": 2, "company": 1, "research": 1, "citizen": 0,
                               "other": 0}
    assert [(i["text"], i["votes"], i["hands"], i["total"]) for i in seen["top_ideas"]] == [
        ("Valot paperilta", 1, 5, 6), ("Lämmitetyt katokset", 1, 2, 3),
        ("Penkit pysäkeille", 2, 0, 2)]


def test_a_tie_is_by_the_total_and_a_vote_of_hands_only_is_reported():
    from .test_report import _plain_export, _shaped

    export = _plain_export()
    # The first vote: idea 1 has 3 phone votes, idea 2 has 3; two hands lift idea 1 to 5.
    export["hand_tallies"] = [{"activity_id": 3, "idea_id": 1, "hands": 2, "entered_by": None,
                               "updated_at": "2026-03-14T09:00:00+00:00"}]
    first = _shaped(export)["votes"][0]
    assert first["charts"][0].rows == (("1. Idea 1", 3, 2, 5), ("2. Idea 2", 3, 0, 3))
    # Votes by organisation type stay the phones' own: hands have no type.
    assert sum(sum(row[1:-1]) for row in first["charts"][1].rows) == 6

    # Two phone votes of idea 2 against two hands of idea 1: the same total, one rank,
    # in posting order.
    export["votes"] = [v for v in export["votes"] if v["activity_id"] != 3 or v["idea_id"] == 2
                       and v["participant"] == "p2"]
    first = _shaped(export)["votes"][0]
    assert first["charts"][0].rows == (("1. Idea 1", 0, 2, 2), ("1. Idea 2", 2, 0, 2))

    # Hands counted in a vote nobody voted in on a phone: the vote is still reported.
    export["votes"] = []
    first = _shaped(export)["votes"][0]
    assert (first["votes_cast"], first["hands"]) == (0, 2)
    assert first["charts"][0].rows == (("1. Idea 1", 0, 2, 2),)
