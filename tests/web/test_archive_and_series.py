"""Archiving and restoring on the pages, and series for their organiser (web/archive.py,
web/series.py): what a facilitator sees, in fi, sv and en, and what they cannot reach."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from arrange import as_facilitator, as_participant, browser, count, csrf, signed_in
from sqlalchemy import select

from workshop.extensions import db
from workshop.models import AuditEntry, Idea, Series, Workshop
from workshop.realtime import commands
from workshop.reports.restore import MAX_EXPORT_BYTES
from workshop.services import agenda
from workshop.worker import worker

CORPUS = Path(__file__).parent.parent / "data" / "restore"


def post(client, page_url: str, url: str, data: dict | None = None):
    token = csrf(client.get(page_url).text)
    return client.post(url, data={"csrf_token": token, **(data or {})})


def upload(client, content: bytes, filename="export.json"):
    """Send a file through the restore form, as a browser does.

    The body is made here: the test client spools a large one to a temporary file it
    leaves open, which pytest then reports."""
    token = csrf(client.get("/workshops").text)
    boundary = "tupa-test-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: application/json\r\n\r\n').encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    return client.post("/workshops/restore", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def workshop_rows(app) -> int:
    with app.app_context():
        rows = count(db.session, Workshop), count(db.session, Idea)
        db.session.rollback()
        return rows


# Archiving ---------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def _stop_the_worker(app):
    """The series workbook is written in the worker process; it lives as long as the app."""
    yield
    worker(app).stop()


def test_archiving_moves_a_workshop_under_archived_with_an_unarchive_button(
        app, make_facilitator, make_workshop):
    owner = make_facilitator()
    workshop = make_workshop(owner, title="Pysäkit 2025")
    client = signed_in(app, owner)
    board = f"/workshops/{workshop.id}"

    answer = post(client, board, f"/workshops/{workshop.id}/archive", {"next": "board"})

    assert answer.status_code == 302 and answer.location.endswith(board)
    page = client.get(board).text
    assert "This workshop is archived: it can be read and downloaded, not changed." in page
    listed = client.get("/workshops").text
    main, archived = listed.split('id="archived-heading"')
    assert "Pysäkit 2025" not in main
    assert "Pysäkit 2025" in archived and "Unarchive" in archived

    post(client, "/workshops", f"/workshops/{workshop.id}/unarchive")

    main, archived = client.get("/workshops").text.split('id="archived-heading"')
    assert "Pysäkit 2025" in main and "Pysäkit 2025" not in archived


def test_only_those_who_run_a_workshop_archive_it(app, make_facilitator, make_workshop):
    workshop = make_workshop()
    stranger = signed_in(app, make_facilitator())

    answer = post(stranger, "/workshops", f"/workshops/{workshop.id}/archive")

    assert answer.status_code == 404
    with app.app_context():
        assert db.session.get(Workshop, workshop.id).archived_at is None
        db.session.rollback()


def test_an_archived_workshop_says_so_to_newcomers_and_refuses_page_changes(
        app, make_facilitator, make_workshop, make_participant):
    owner = make_facilitator()
    workshop = make_workshop(owner)
    person, _ = make_participant(workshop)
    client = signed_in(app, owner)
    post(client, f"/workshops/{workshop.id}", f"/workshops/{workshop.id}/archive")

    newcomer = browser(app)
    assert "This workshop is archived." in newcomer.get(f"/w/{workshop.join_code}").text
    assert 'name="organisation_type"' not in newcomer.get(f"/w/{workshop.join_code}").text
    removed = post(client, f"/workshops/{workshop.id}/participants",
                   f"/workshops/{workshop.id}/participants/{person.id}/remove",
                   {"ideas": "stay"})
    assert removed.status_code == 409
    assert "An archived workshop can be read, not changed." in removed.text


# Restoring ---------------------------------------------------------------------------------


def test_a_restored_file_opens_as_an_archived_workshop_of_ones_own(app, make_facilitator):
    client = signed_in(app, make_facilitator())

    answer = upload(client, (CORPUS / "valid.json").read_bytes())

    assert answer.status_code == 302
    # The workshop's own language (fi) is the board's, unless the person chose theirs.
    page = client.get(answer.location + "?lang=en").text
    assert "“Bussipysäkit” was restored." in page
    assert "This workshop is archived" in page
    assert "Restored from a file" in client.get("/workshops").text


@pytest.mark.parametrize(("name", "said"), [
    ("idea_too_long", "ideas[1].text: too long: at most 500 characters."),
    ("schema_version_2", "schema_version: The file is in version 2 of the export format; "
                         "this Tupa reads version 1."),
    ("dangling_cluster", "ideas[0].cluster_id: names 999, which is nowhere in the file."),
    ("unknown_organisation_type", "participants[1].organisation_type: “alien” is not a "
                                  "value Tupa knows."),
    ("not_json", "The file is not JSON text."),
    ("nan", "The file holds NaN, Infinity or a number too large"),
    ("a_million_brackets", "The file holds more than 1000000 objects and lists."),
    ("nesting_past_the_limit", "audit_log[1].after: The file nests deeper than 20 levels."),
])
def test_a_broken_file_is_explained_in_the_page_and_nothing_is_kept(
        app, make_facilitator, name, said):
    client = signed_in(app, make_facilitator())
    before = workshop_rows(app)

    answer = upload(client, (CORPUS / "broken" / f"{name}.json").read_bytes())

    assert answer.status_code == 400
    assert "The workshop was not restored" in answer.text
    assert said in answer.text.replace("&#34;", '"').replace("&#39;", "'")
    assert 'aria-invalid="true"' in answer.text
    assert workshop_rows(app) == before


def test_a_file_too_large_is_refused_unread_and_no_file_is_asked_for(app, make_facilitator):
    client = signed_in(app, make_facilitator())

    too_large = upload(client, b" " * (MAX_EXPORT_BYTES + 20 * 1024))
    nothing = client.post("/workshops/restore", data={"csrf_token": csrf(
        client.get("/workshops").text)}, content_type="multipart/form-data")

    assert too_large.status_code == 413 and "The file is larger than 8 MB." in too_large.text
    assert nothing.status_code == 400
    assert "Please choose a workshop’s JSON export first." in nothing.text.replace(
        "&#39;", "’").replace("'", "’")


# Series ------------------------------------------------------------------------------------


def make_series(client, name="Pysäkit kuudessa kaupungissa"):
    answer = post(client, "/series", "/series", {"name": name})
    assert answer.status_code == 302, answer.text
    return int(answer.location.rsplit("/", 1)[1])


def revealed_workshop(app, owner, make_workshop, make_participant, add_idea, title, texts):
    """A workshop whose vote is revealed: the first idea has two votes, the second one."""
    workshop = make_workshop(owner, title=title, phase="voting")
    city, _ = make_participant(workshop, organisation_type="city")
    firm, _ = make_participant(workshop, organisation_type="company")
    with app.app_context():
        ids = [add_idea(city, text) for text in texts]
        for person, key, idea in ((city, "a", ids[0]), (firm, "b", ids[0]), (firm, "c", ids[1])):
            commands.run("vote.cast", db.session, as_participant(person),
                         {"key": key, "idea_id": idea})
        results = next(a for a in agenda.activities_of(db.session, workshop.id)
                       if a.kind == "results")
        commands.run("activity.go", db.session, as_facilitator(workshop),
                     {"activity_id": results.id})
        db.session.commit()
    return workshop


def test_the_series_page_shows_each_workshop_with_status_people_and_top_ideas(
        app, make_facilitator, make_workshop, make_participant, add_idea):
    owner = make_facilitator()
    client = signed_in(app, owner)
    series_id = make_series(client)
    tampere = revealed_workshop(app, owner, make_workshop, make_participant, add_idea,
                                "Tampere", ["Katokset", "Penkit"])
    oulu = make_workshop(owner, title="Oulu", phase="voting")
    person, _ = make_participant(oulu, organisation_type="research")
    add_idea(person, "Salainen ennen paljastusta")
    for workshop in (tampere, oulu):
        answer = post(client, f"/workshops/{workshop.id}", f"/workshops/{workshop.id}/series",
                      {"series": str(series_id)})
        assert answer.status_code == 302

    page = client.get(f"/series/{series_id}").text

    assert "Tampere" in page and "Oulu" in page
    assert "Katokset (2 votes)" in page and "Penkit (1 vote)" in page
    assert "Salainen ennen paljastusta" not in page and "Not revealed yet." in page
    assert "City or municipality: 1" in page and "Research or education: 1" in page
    with app.app_context():
        logged = db.session.scalars(select(AuditEntry.command).where(
            AuditEntry.workshop_id == tampere.id)).all()
        db.session.rollback()
    assert "workshop.series" in logged


def test_the_series_downloads_tag_every_idea_with_its_workshop(
        app, make_facilitator, make_workshop, make_participant, add_idea):
    owner = make_facilitator()
    client = signed_in(app, owner)
    series_id = make_series(client)
    for title in ("Turku", "Vaasa"):
        workshop = revealed_workshop(app, owner, make_workshop, make_participant, add_idea,
                                     title, [f"{title} idea", f"{title} other"])
        post(client, f"/workshops/{workshop.id}", f"/workshops/{workshop.id}/series",
             {"series": str(series_id)})

    document = json.loads(client.get(f"/series/{series_id}/series.json").data)
    workbook = client.get(f"/series/{series_id}/series.xlsx")

    assert document["format"] == "tupa-series"
    assert [w["workshop"]["title"] for w in document["workshops"]] == ["Turku", "Vaasa"]
    assert {(i["workshop_title"], i["text"]) for i in document["ideas"]} == {
        ("Turku", "Turku idea"), ("Turku", "Turku other"),
        ("Vaasa", "Vaasa idea"), ("Vaasa", "Vaasa other")}
    assert workbook.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(workbook.data))
    cells = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows()
             for c in row if c.value is not None}
    assert {"Turku idea", "Vaasa other"} <= cells
    # Each row is led by its workshop (its title, with its date).
    for title in ("Turku", "Vaasa"):
        assert any(c.startswith(title) and "idea" not in c and "other" not in c for c in cells)


def test_a_series_is_its_owners_alone(app, make_facilitator, make_workshop):
    owner, other = make_facilitator(), make_facilitator()
    client, stranger = signed_in(app, owner), signed_in(app, other)
    series_id = make_series(client)
    theirs = make_workshop(other)

    assert stranger.get(f"/series/{series_id}").status_code == 404
    assert stranger.get(f"/series/{series_id}/series.json").status_code == 404
    assert post(stranger, "/series", f"/series/{series_id}/delete").status_code == 404
    # Their own workshop into someone else's series: refused, and said so on the board.
    answer = post(stranger, f"/workshops/{theirs.id}", f"/workshops/{theirs.id}/series",
                  {"series": str(series_id)})
    assert "Please choose one of your series." in stranger.get(answer.location).text
    with app.app_context():
        assert db.session.get(Workshop, theirs.id).series_id is None
        db.session.rollback()


def test_renaming_and_deleting_a_series_keeps_its_workshops(app, make_facilitator,
                                                            make_workshop):
    owner = make_facilitator()
    client = signed_in(app, owner)
    series_id = make_series(client)
    workshop = make_workshop(owner)
    post(client, f"/workshops/{workshop.id}", f"/workshops/{workshop.id}/series",
         {"series": str(series_id)})

    blank = post(client, f"/series/{series_id}", f"/series/{series_id}/rename", {"name": " "})
    assert blank.status_code == 400 and "Please write something first." in blank.text
    # Named at the field, and in the summary that links to it.
    assert 'aria-invalid="true"' in blank.text and 'href="#series-name"' in blank.text
    post(client, f"/series/{series_id}", f"/series/{series_id}/rename", {"name": "Uusi nimi"})
    assert "Uusi nimi" in client.get("/series").text
    post(client, f"/series/{series_id}", f"/series/{series_id}/delete")

    with app.app_context():
        assert db.session.get(Series, series_id) is None
        assert db.session.get(Workshop, workshop.id).series_id is None
        db.session.rollback()


def test_a_new_workshop_can_be_made_in_a_series(app, make_facilitator):
    owner = make_facilitator()
    client = signed_in(app, owner)
    series_id = make_series(client, "Ohjelma")
    page = client.get("/workshops/new").text
    assert f'<option value="{series_id}">Ohjelma</option>' in page

    answer = client.post("/workshops/new", data={
        "csrf_token": csrf(page), "title": "Uusi", "method": "single", "question": "Miten?",
        "vote_budget": "5", "votes_per_idea": "", "language": "fi",
        "time_zone": "Europe/Helsinki", "series": str(series_id)})

    assert answer.status_code == 302
    with app.app_context():
        made = db.session.scalars(select(Workshop).where(Workshop.title == "Uusi")).one()
        assert made.series_id == series_id
        db.session.rollback()


@pytest.mark.parametrize(("lang", "words"), [
    ("fi", ["Sarjat", "Uusi sarja", "Sarjan nimi"]),
    ("sv", ["Serier", "Ny serie", "Seriens namn"]),
    ("en", ["Series", "New series", "Name of the series"]),
])
def test_the_series_pages_speak_the_persons_language(app, make_facilitator, lang, words):
    client = signed_in(app, make_facilitator())
    series_id = make_series(client)

    listing = client.get(f"/series?lang={lang}").text
    page = client.get(f"/series/{series_id}?lang={lang}").text

    for word in words:
        assert word in listing, word
    assert f'lang="{lang}"' in page


def test_a_restored_log_names_no_account_of_this_installation_for_the_files_rows(
        app, make_facilitator):
    # The file's rows were made by an account of the Tupa it came from whose number, here,
    # is somebody else's: that name must not appear as theirs.
    importer = make_facilitator("Tuoja")
    stranger = make_facilitator("Muukalainen")
    document = json.loads((CORPUS / "valid.json").read_text())
    for row in document["audit_log"]:
        if "facilitator" in row["who"]:
            row["who"]["facilitator"] = stranger.id
    client = signed_in(app, importer)
    board = upload(client, json.dumps(document).encode()).location

    log = client.get(board + "/log?lang=en").text

    assert f"Facilitator {stranger.id} of the Tupa the file came from" in log
    assert "Restored the workshop from a file" in log and "Tuoja" in log
    assert "Muukalainen" not in log


def test_a_co_facilitator_saving_the_board_keeps_the_owners_series(
        app, make_facilitator, make_workshop):
    owner, helper = make_facilitator("Omistaja"), make_facilitator("Apu")
    workshop = make_workshop(owner)
    client = signed_in(app, owner)
    series_id = make_series(client, "Omistajan sarja")
    post(client, f"/workshops/{workshop.id}", f"/workshops/{workshop.id}/series",
         {"series": str(series_id)})
    post(client, f"/workshops/{workshop.id}/team", f"/workshops/{workshop.id}/team",
         {"name": "Apu"})
    board = signed_in(app, helper).get(f"/workshops/{workshop.id}").text

    assert f'<option value="{series_id}" selected>Omistajan sarja</option>' in board
    # Its page is the owner's: the helper is not sent to a page they cannot open.
    assert f"/series/{series_id}" not in board
