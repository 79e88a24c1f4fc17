"""The Excel workbook, the CSV for Excel and a workshop's time zone: what an organiser opens."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from arrange import as_facilitator, as_participant, csrf, signed_in
from babel.messages.pofile import read_po
from openpyxl import load_workbook
from sqlalchemy import select

from workshop import offload
from workshop.extensions import db
from workshop.models import Decision, Idea, Workshop
from workshop.reports import gather, labels
from workshop.reports.formats import excel_number, excel_time, ideas_excel_csv
from workshop.reports.gather import workshop_export
from workshop.reports.workbook import series_workbook, workshop_workbook
from workshop.services import agenda, clusters, ideas, votes
from workshop.worker import Worker, worker

ZONE = "Europe/Stockholm"  # not the default, so a time in the wrong zone shows

SHEETS = {
    "fi": ["Ideat", "Ryhmät", "Äänet organisaatiotyypeittäin", "Pöydät", "Päätökset",
           "Ohjelma", "Muutosloki"],
    "sv": ["Idéer", "Grupper", "Röster per organisationstyp", "Bord", "Beslut", "Program",
           "Ändringslogg"],
    "en": ["Ideas", "Clusters", "Votes by organisation type", "Tables", "Decisions", "Agenda",
           "Audit log"],
}
IDEA_HEADERS = {
    "fi": ["Idean tunniste", "Sija", "Idea", "Puhelinäänet", "Kädennostot",
           "Yhteensä (puhelimet ja kädennostot)", "Äänet: Kaupunki tai kunta",
           "Äänet: Yritys", "Äänet: Tutkimus tai koulutus", "Äänet: Asukas tai kansalainen",
           "Äänet: Muu", "Ryhmä", "Kysymys", "Pöytä", "Kirjoittajan organisaatiotyyppi",
           "Kirjoittajan organisaatio", "Kirjattu toisen puolesta", "Kirjaaja", "Päätös",
           f"Lähetetty ({ZONE})", "Piilotettu"],
    "sv": ["Idéns id", "Placering", "Idé", "Röster med telefon", "Handuppräckningar",
           "Totalt (telefoner och handuppräckningar)", "Röster: Stad eller kommun",
           "Röster: Företag", "Röster: Forskning eller utbildning",
           "Röster: Invånare eller medborgare", "Röster: Annan", "Grupp", "Fråga", "Bord",
           "Skribentens organisationstyp", "Skribentens organisation",
           "Inmatad för annans räkning", "Inmatad av", "Beslut", f"Skickad ({ZONE})", "Dold"],
    "en": ["Idea id", "Rank", "Idea", "Phone votes", "Hand votes", "Total (phones and hands)",
           "Votes: City or municipality", "Votes: Company", "Votes: Research or education",
           "Votes: Resident or citizen", "Votes: Other", "Cluster", "The question", "Table",
           "Author's organisation type", "Author's organisation", "Entered on behalf",
           "Entered by", "Decision", f"Posted at ({ZONE})", "Hidden"],
}
TYPE_COLUMNS = slice(6, 11)  # the Ideas sheet's phone votes per organisation type
POSTED, AUTHOR_NAME = 19, 15  # the Ideas sheet's columns of when and by whom


@pytest.fixture(scope="module", autouse=True)
def _stop_the_worker(app):
    """The workbook is written in the worker process; it lives as long as the app."""
    yield
    worker(app).stop()


@pytest.fixture
def outcome(app, make_facilitator, make_workshop, make_participant):
    """Factory: a workshop in `language` with three sides voting, formula-like ideas, a hidden
    one, a cluster and a decision; at the results unless `reveal` is False."""

    def make(language="en", *, reveal=True):
        facilitator = make_facilitator()
        workshop = make_workshop(facilitator, title="Pysäkit", language=language, vote_budget=5)
        city, _ = make_participant(workshop, organisation_type="city",
                                   organisation_name="Espoo")
        firm, _ = make_participant(workshop, organisation_type="company",
                                   organisation_name="+Firma")
        school, _ = make_participant(workshop, organisation_type="research",
                                     organisation_name="Aalto")
        board = as_facilitator(workshop)
        with app.app_context():
            session = db.session
            session.get(Workshop, workshop.id).time_zone = ZONE
            post = ideas.post_idea
            shelter = post(session, as_participant(city), "k1", "Lämpimät katokset")[0]
            formula = post(session, as_participant(firm), "k2", "=1+1")[0]
            at_sign = post(session, as_participant(school), "k3", "@SUM(A1)")[0]
            hidden = post(session, as_participant(firm), "k4", "Piilotettava")[0]
            shelter, formula, at_sign, hidden = (
                i["idea"]["id"] for i in (shelter, formula, at_sign, hidden))
            ideas.set_idea_hidden(session, board, hidden, True)
            cluster = clusters.create_cluster(session, board, "c1", "Sää")[0]["cluster"]["id"]
            clusters.move_idea(session, board, shelter, cluster, 0)
            clusters.move_idea(session, board, formula, cluster, 1)
            agenda.set_phase(session, board, "voting")
            for person, key, idea in ((city, "v1", shelter), (city, "v2", shelter),
                                      (city, "v3", at_sign), (firm, "v4", shelter),
                                      (firm, "v5", formula), (school, "v6", shelter),
                                      (school, "v7", at_sign)):
                votes.cast_vote(session, as_participant(person), key, idea)
            if reveal:
                agenda.set_phase(session, board, "results")
            session.add(Decision(workshop_id=workshop.id, idea_id=shelter, outcome="pilot",
                                 owner_name="Espoo", owner_type="city",
                                 next_step="=Kokeillaan keväällä", due_on=date(2027, 3, 31),
                                 decided_by=facilitator.id))
            session.add(Decision(workshop_id=workshop.id, cluster_id=cluster,
                                 outcome="investigate", owner_name="", owner_type="",
                                 next_step="", due_on=None, decided_by=facilitator.id))
            session.commit()
            export, _ = workshop_export(session, board)
            created = {i.id: i.created_at for i in session.execute(
                select(Idea).where(Idea.workshop_id == workshop.id)).scalars()}
        return {"facilitator": facilitator, "workshop": workshop, "export": export,
                "ideas": {"shelter": shelter, "formula": formula, "at_sign": at_sign,
                          "hidden": hidden},
                "cluster": cluster, "created": created}

    return make


def _open(data: bytes):
    return load_workbook(io.BytesIO(data))


def _table(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _cells(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows()][1:]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_sheets_and_headers_are_in_the_workshops_language(outcome, language):
    held = outcome(language)
    book = _open(workshop_workbook(held["export"], language))

    assert book.sheetnames == SHEETS[language]
    ideas_sheet = book.worksheets[0]
    assert [c.value for c in next(ideas_sheet.iter_rows(max_row=1))] == IDEA_HEADERS[language]
    assert all(c.font.bold for c in next(ideas_sheet.iter_rows(max_row=1)))
    # Organisation types, outcomes and yes/no in words of the language.
    rows = {row[IDEA_HEADERS[language][0]]: row for row in _table(ideas_sheet)}
    shelter = rows[held["ideas"]["shelter"]]
    words = {"fi": ("Kaupunki tai kunta", "Viedään eteenpäin pilottina", "Ei"),
             "sv": ("Stad eller kommun", "Förs vidare som pilot", "Nej"),
             "en": ("City or municipality", "Take forward as a pilot", "No")}[language]
    header = IDEA_HEADERS[language]
    assert (shelter[header[14]], shelter[header[18]], shelter[header[20]]) == words


def test_numbers_are_numbers_and_times_are_the_rooms_clock(outcome):
    held = outcome("fi")
    sheet = _open(workshop_workbook(held["export"], "fi")).worksheets[0]

    by_id = {row[0].value: row for row in _cells(sheet)}
    assert set(by_id) == set(held["ideas"].values())
    for idea_id, row in by_id.items():
        assert row[0].data_type == "n" and isinstance(row[0].value, int)
        assert isinstance(row[3].value, int)  # votes
        posted = row[POSTED]
        assert posted.is_date and isinstance(posted.value, datetime)
        expected = held["created"][idea_id].astimezone(ZoneInfo(ZONE)).replace(
            tzinfo=None, microsecond=0)
        assert posted.value == expected
        assert posted.number_format == "d.m.yyyy h.mm"
    shelter = by_id[held["ideas"]["shelter"]]
    assert [shelter[1].value, shelter[3].value] == [1, 4]  # first, with four votes
    assert by_id[held["ideas"]["hidden"]][1].value is None  # hidden: not in the running


def test_votes_by_organisation_type_add_up_to_the_votes(outcome):
    held = outcome("en")
    book = _open(workshop_workbook(held["export"], "en"))

    idea_rows = _cells(book["Ideas"])
    for row in idea_rows:
        assert sum(c.value for c in row[TYPE_COLUMNS]) == row[3].value
    assert sum(row[3].value for row in idea_rows) == 7
    shelter = next(r for r in idea_rows if r[0].value == held["ideas"]["shelter"])
    assert [c.value for c in shelter[TYPE_COLUMNS]] == [2, 1, 1, 0, 0]

    by_type = _table(book["Votes by organisation type"])
    assert sum(r["Votes: City or municipality"] for r in by_type) == 3
    assert sum(r["Phone votes"] for r in by_type) == 7
    shelter_row = next(r for r in by_type if r["Idea id"] == held["ideas"]["shelter"])
    assert shelter_row["Share of the votes of Company"] == pytest.approx(0.5)
    # Every side gave it at least a tenth of its votes: common ground; "=1+1" only the company.
    assert shelter_row["Common ground"] == "Yes"
    assert next(r for r in by_type if r["Idea id"] == held["ideas"]["formula"])[
        "Common ground"] == "No"


def test_cluster_rows_and_the_ungrouped_row_add_up_to_the_total(outcome):
    held = outcome("en")
    table = _table(_open(workshop_workbook(held["export"], "en"))["Clusters"])

    assert [r["Cluster"] for r in table] == ["Sää", "Not grouped", "Total"]
    weather, ungrouped, total = table
    assert (weather["Ideas in it"], weather["Phone votes"], weather["Decision"]) == (
        2, 5, "Investigate")
    assert (ungrouped["Ideas in it"], ungrouped["Phone votes"]) == (2, 2)
    assert (total["Ideas in it"], total["Phone votes"]) == (4, 7)
    for column in ("Phone votes", "Hand votes", "Total (phones and hands)",
                   "Votes: City or municipality", "Votes: Company"):
        assert weather[column] + ungrouped[column] == total[column]


def test_formula_looking_text_stays_text(outcome):
    held = outcome("en")
    book = _open(workshop_workbook(held["export"], "en"))

    texts = {row[0].value: row[2] for row in _cells(book["Ideas"])}
    for key, text in (("formula", "=1+1"), ("at_sign", "@SUM(A1)")):
        cell = texts[held["ideas"][key]]
        assert (cell.value, cell.data_type) == (text, "s")
    firm = next(r for r in _cells(book["Ideas"]) if r[0].value == held["ideas"]["formula"])
    assert (firm[AUTHOR_NAME].value, firm[AUTHOR_NAME].data_type) == ("+Firma", "s")
    next_step = _cells(book["Decisions"])[0][6]
    assert (next_step.value, next_step.data_type) == ("=Kokeillaan keväällä", "s")


def test_before_the_reveal_no_counts_leave_the_server(outcome):
    held = outcome("en", reveal=False)
    book = _open(workshop_workbook(held["export"], "en"))

    for row in _cells(book["Ideas"]):
        assert [c.value for c in row[1:2] + row[3:11]] == [None] * 9
    for column in ("Phone votes", "Hand votes", "Total (phones and hands)"):
        assert [r[column] for r in _table(book["Clusters"])] == [None, None, None]
    assert [r["Ideas in it"] for r in _table(book["Clusters"])] == [2, 2, 4]
    assert list(book["Votes by organisation type"].iter_rows(min_row=2)) == []


def test_decisions_appear_with_their_owner_step_and_date(outcome):
    held = outcome("fi")
    book = _open(workshop_workbook(held["export"], "fi"))

    rows = _cells(book["Päätökset"])
    assert [c.value for c in rows[0][:8]] == [
        "Idea", held["ideas"]["shelter"], "Lämpimät katokset", "Viedään eteenpäin pilottina",
        "Espoo", "Kaupunki tai kunta", "=Kokeillaan keväällä", datetime(2027, 3, 31)]
    assert rows[0][7].is_date and rows[0][7].number_format == "d.m.yyyy"
    assert rows[0][8].is_date
    assert [c.value for c in rows[1][:5]] == ["Ryhmä", held["cluster"], "Sää", "Selvitetään",
                                             None]


def test_agenda_and_audit_log_sheets(outcome):
    held = outcome("en")
    book = _open(workshop_workbook(held["export"], "en"))

    agenda_rows = _table(book["Agenda"])
    assert [r["Activity"] for r in agenda_rows] == [
        "Welcome", "Brainstorm", "Grouping", "Dot vote", "Results"]
    vote = agenda_rows[3]
    assert (vote["Votes per participant"], vote["Takes the ideas of"]) == (5, None)
    log = _cells(book["Audit log"])
    assert [row[2].value for row in log][:2] == ["workshop.create", "idea.hide"]
    assert log[0][0].is_date and log[0][1].value.startswith("Facilitator ")


def test_a_series_workbook_leads_every_row_with_its_workshop(outcome):
    first, second = outcome("fi"), outcome("fi")
    book = _open(series_workbook([first["export"], second["export"]], "fi"))

    assert book.sheetnames == SHEETS["fi"]
    header = [c.value for c in next(book["Ideat"].iter_rows(max_row=1))]
    assert header == ["Työpaja", *IDEA_HEADERS["fi"]]
    leads = [row[0] for row in book["Ideat"].iter_rows(min_row=2, values_only=True)]
    assert len(leads) == 8
    assert all(re.fullmatch(r"Pysäkit \(\d{1,2}\.\d{1,2}\.\d{4}\)", lead) for lead in leads)
    assert sum(row[4] for row in book["Ideat"].iter_rows(min_row=2, values_only=True)) == 14
    for sheet in book.worksheets:
        assert next(sheet.iter_rows(max_row=1))[0].value == "Työpaja"


def test_every_word_of_the_exports_is_translated():
    catalogues = {}
    root = Path(labels.__file__).resolve().parent.parent / "translations"
    for language in ("fi", "sv"):
        with (root / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
            catalogues[language] = {m.id: m.string for m in read_po(po) if m.id}
    marked = [*labels.WORDS.values(), *labels.ORGANISATION_TYPES.values(),
              *labels.OUTCOMES.values(), *labels.KINDS.values()]
    for language, catalogue in catalogues.items():
        assert [m for m in marked if not catalogue.get(m)] == [], language


# The CSV for Excel ---------------------------------------------------------------------------


def _excel_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_the_finnish_excel_csv(outcome):
    held = outcome("fi")
    data = ideas_excel_csv(held["export"], "fi")

    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == (
        f"Idean tunniste;Idea;Ryhmä;Puhelinäänet;Organisaatiotyyppi;Organisaatio;"
        f"Lähetetty ({ZONE});Piilotettu;Kysymys;Pöytä;Kirjattu toisen puolesta;Kirjaaja;"
        "Kädennostot;Yhteensä (puhelimet ja kädennostot)")
    rows = {row[0]: row for row in _excel_rows(data)[1:]}
    shelter = rows[str(held["ideas"]["shelter"])]
    local = held["created"][held["ideas"]["shelter"]].astimezone(ZoneInfo(ZONE))
    assert shelter[1:6] == ["Lämpimät katokset", "Sää", "4", "Kaupunki tai kunta", "Espoo"]
    assert shelter[6] == f"{local.day}.{local.month}.{local.year} {local:%H}.{local:%M}"
    assert re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4} \d\d\.\d\d", shelter[6])
    assert shelter[7] == "Ei"
    # No table, typed in by its writer, no hands: the appended columns say so.
    assert shelter[9:] == ["", "Ei", "", "0", "4"]
    assert rows[str(held["ideas"]["formula"])][1] == "'=1+1"
    assert rows[str(held["ideas"]["formula"])][5] == "'+Firma"
    assert rows[str(held["ideas"]["at_sign"])][1] == "'@SUM(A1)"
    assert rows[str(held["ideas"]["hidden"])][7] == "Kyllä"


@pytest.mark.parametrize(("language", "expected"), [
    ("fi", "2.12.2026 14.05"), ("sv", "2026-12-02 14:05"), ("en", "2026-12-02 14:05")])
def test_excel_times_in_each_languages_form(language, expected):
    assert excel_time("2026-12-02T12:05:30+00:00", "Europe/Helsinki", language) == expected


def test_decimals_take_a_comma_where_excel_expects_one():
    assert [excel_number(12.5, "fi"), excel_number(12.5, "sv"), excel_number(12.5, "en")] == [
        "12,5", "12,5", "12.5"]
    assert [excel_number(3, "fi"), excel_number(3.0, "fi"), excel_number(None, "fi")] == [
        "3", "3", ""]


# Through the routes --------------------------------------------------------------------------


def test_the_workbook_and_the_excel_csv_through_their_routes(app, outcome):
    held = outcome("sv")
    client = signed_in(app, held["facilitator"])
    base = f"/workshops/{held['workshop'].id}"

    response = client.get(f"{base}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert re.fullmatch(
        rf'attachment; filename="tupa-{held["workshop"].join_code}-\d{{4}}-\d\d-\d\d\.xlsx"',
        response.headers["Content-Disposition"])
    assert _open(response.data).sheetnames == SHEETS["sv"]

    response = client.get(f"{base}/export-excel.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].endswith('.excel.csv"')
    assert _excel_rows(response.data)[0][0] == "Idéns id"

    board = client.get(base).text
    assert f'href="{base}/export.xlsx"' in board
    assert f'href="{base}/export-excel.csv"' in board


def test_only_those_who_run_the_workshop_download_it(app, outcome, make_facilitator):
    held = outcome("en")
    base = f"/workshops/{held['workshop'].id}"
    stranger = signed_in(app, make_facilitator())
    for path in ("/export.xlsx", "/export-excel.csv"):
        assert stranger.get(base + path).status_code == 404
        signed_out = app.test_client().get(base + path)
        assert signed_out.status_code == 302 and "/signin" in signed_out.headers["Location"]


def test_the_workbook_is_written_off_the_event_loop(app, outcome, monkeypatch):
    """The workbook in the worker process (openpyxl holds the GIL), the CSV in a thread."""
    held = outcome("en")
    handed: list[str] = []
    jobs: list[str] = []
    running = Worker.run
    monkeypatch.setattr(Worker, "run", lambda self, job, *args: (
        jobs.append(job), running(self, job, *args))[1])

    def recording(function, *args, **kwargs):
        handed.append(function.__name__)
        return function(*args, **kwargs)

    before = app.extensions.get(offload.OFFLOAD)
    offload.install(app, recording)
    try:
        client = signed_in(app, held["facilitator"])
        for path in ("/export.xlsx", "/export-excel.csv"):
            assert client.get(f"/workshops/{held['workshop'].id}{path}").status_code == 200
    finally:
        app.extensions.pop(offload.OFFLOAD)
        if before is not None:
            offload.install(app, before)
    assert jobs == ["export.xlsx"]
    assert [name for name in handed if name != "check_password_hash"] == [
        "_exchange", "ideas_excel_csv"]


def test_gathering_lets_the_room_run_between_chunks(session, outcome, monkeypatch):
    held = outcome("en")
    pauses: list[int] = []
    monkeypatch.setattr(gather, "CHUNK", 2)
    monkeypatch.setattr(gather, "_let_others_run", lambda: pauses.append(1))

    export, _ = workshop_export(session, as_facilitator(held["workshop"]))

    # Four ideas and seven votes read two at a time: a pause after every chunk at least.
    assert len(pauses) >= 2 + 4
    assert export["ideas"] == held["export"]["ideas"]
    assert export["votes"] == held["export"]["votes"]


# The workshop's time zone --------------------------------------------------------------------


def _new_workshop(client, **fields):
    form = client.get("/workshops/new?lang=en")
    return client.post("/workshops/new", data={
        "title": "Bus stops", "method": "single", "question": "How?", "vote_budget": "5",
        "language": "fi", "csrf_token": csrf(form.text), **fields})


def test_a_new_workshop_takes_the_time_zone_its_facilitator_gives(app, make_facilitator):
    client = signed_in(app, make_facilitator())
    page = client.get("/workshops/new?lang=en").text
    assert 'name="time_zone" value="Europe/Helsinki"' in page

    assert _new_workshop(client, time_zone=" Europe/Stockholm ").status_code == 302
    with app.app_context():
        workshop = db.session.execute(select(Workshop)).scalar_one()
        assert workshop.time_zone == "Europe/Stockholm"


def test_an_unknown_time_zone_is_named_in_the_form(app, make_facilitator):
    client = signed_in(app, make_facilitator())

    for typed in ("Mars/Olympus", "", "../../etc/passwd"):
        response = _new_workshop(client, time_zone=typed)
        assert response.status_code == 400
        assert 'id="time_zone-error"' in response.text
        assert "Unknown time zone" in response.text
    with app.app_context():
        assert db.session.execute(select(Workshop)).first() is None


def test_the_installations_time_zone_is_the_default(app, make_facilitator):
    client = signed_in(app, make_facilitator())
    saved = app.config.get("TIME_ZONE")
    app.config["TIME_ZONE"] = "Europe/Oslo"
    try:
        assert 'value="Europe/Oslo"' in client.get("/workshops/new").text
        form = client.get("/workshops/new?lang=en")
        client.post("/workshops/new", data={
            "title": "Bus stops", "method": "single", "question": "How?", "vote_budget": "5",
            "language": "fi", "csrf_token": csrf(form.text)})
    finally:
        app.config["TIME_ZONE"] = saved
    with app.app_context():
        assert db.session.execute(select(Workshop)).scalar_one().time_zone == "Europe/Oslo"
