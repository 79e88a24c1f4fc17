"""The workshop report: the page for its facilitators, and the PDF read back with pdftotext.

The PDF is made as the facilitator makes it: POST starts the job, the status is asked until
it is ready, then it is downloaded; the worker process is the real one.
"""

from __future__ import annotations

import re
import subprocess
import time

import pytest
from arrange import browser, csrf, signed_in

from workshop.domain.results import by_type, common_ground
from workshop.domain.votes import rank_ideas
from workshop.extensions import db
from workshop.models import Workshop
from workshop.reports.report import shape_report
from workshop.services import team
from workshop.services.access import Actor
from workshop.web import report as report_web
from workshop.worker import WorkerError, worker

from .report_seed import SECRET_NICKNAME, SECRET_ORGANISATION, fill

HEADINGS = {
    "en": ["Who took part", "Method and agenda", "Results", "Common ground", "Decisions",
           "How this report was made", "City or municipality"],
    "fi": ["Ketkä osallistuivat", "Menetelmä ja ohjelma", "Tulokset", "Yhteinen näkemys",
           "Päätökset", "Miten raportti tehtiin", "Kaupunki tai kunta"],
    "sv": ["Vilka deltog", "Metod och program", "Resultat", "Gemensam grund", "Beslut",
           "Hur rapporten gjordes", "Stad eller kommun"],
}


@pytest.fixture(scope="module", autouse=True)
def _stop_the_worker(app):
    """The worker process lives as long as the app; these tests end it after them."""
    yield
    worker(app).stop()


@pytest.fixture
def filled(app, make_workshop):
    """Factory: a workshop after its results, with decisions; (workshop, what was made)."""

    def make(language="en", **options):
        workshop = make_workshop(language=language, title="Bussipysäkit Åbossa",
                                 question="Miten pysäkeistä tehdään viihtyisiä?")
        with app.app_context():
            made = fill(db.session, workshop.id, **options)
            db.session.commit()
        return workshop, made

    return make


def _facilitator(app, workshop):
    with app.app_context():
        return db.session.get(Workshop, workshop.id).facilitator


def _make_pdf(client, workshop_id: int) -> bytes:
    page = client.get(f"/workshops/{workshop_id}/report")
    answer = client.post(f"/workshops/{workshop_id}/report.pdf",
                         data={"csrf_token": csrf(page.text)},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 202, answer.text
    deadline = time.monotonic() + 120
    while True:
        status = client.get(f"/workshops/{workshop_id}/report.pdf/status").get_json()
        if status["state"] in ("ready", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert status["state"] == "ready", status
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download.content_type == "application/pdf"
    assert re.match(r'attachment; filename="tupa-\w+-\d{4}-\d\d-\d\d\.pdf"',
                    download.headers["Content-Disposition"])
    return download.data


def _text_of(pdf: bytes, tmp_path, *, layout: bool = False) -> tuple[str, int]:
    """The PDF's text (in reading order, or laid out as on the page) and its page count."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"],
                          capture_output=True, text=True, check=True, timeout=60).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return text, pages


def _squeezed(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_pdf_holds_the_report_in_the_workshops_language(app, filled, tmp_path, language):
    workshop, made = filled(language)
    client = signed_in(app, _facilitator(app, workshop))

    text, pages = _text_of(_make_pdf(client, workshop.id), tmp_path)
    flat = _squeezed(text)

    assert "Bussipysäkit Åbossa" in flat
    assert "Miten pysäkeistä tehdään viihtyisiä?" in flat
    for heading in HEADINGS[language]:
        assert heading in flat, heading
    assert pages >= 2
    # Decisions with their owners and next steps.
    assert "Tampereen kaupunki" in flat and "Kokeilu kolmella pysäkillä" in flat
    assert "Bussiyhtiö Ab" in flat and "Selvitys kevään aikana" in flat
    # Never a participant's name or organisation, never a hidden idea's words.
    assert SECRET_NICKNAME not in flat and SECRET_ORGANISATION not in flat
    assert "Hidden words" not in flat


def test_the_pdf_counts_people_by_organisation_type_and_names_the_common_ground(
        app, filled, tmp_path):
    workshop, made = filled("en", people_per_type=3)
    client = signed_in(app, _facilitator(app, workshop))

    text, _pages = _text_of(_make_pdf(client, workshop.id), tmp_path, layout=True)

    # Three of each type joined and voted; of the 12 ideas (posted in turn by the nine) and
    # the hidden one, the city's people posted 7.
    rows = {name: re.search(rf"{name}\s+(\d+)\s+(\d+)\s+(\d+)", text).groups()
            for name in ("City or municipality", "Company", "Research or education")}
    assert rows == {"City or municipality": ("3", "3", "7"), "Company": ("3", "3", "3"),
                    "Research or education": ("3", "3", "3")}
    # Idea number 1 had every voter's first vote and two more of the company's and the
    # research's: the common ground, with each side's share of its 15 votes.
    ground = text[text.index("Common ground"):text.index("Decisions")]
    assert re.search(r"Idea\s+11\s+20 %\s+27 %\s+27 %\s+number 1", ground)
    assert "Idea number 2" not in _squeezed(ground)


def test_the_report_page_is_for_the_workshops_facilitators_only(app, filled,
                                                               make_facilitator):
    workshop, _made = filled("en")
    stranger = signed_in(app, make_facilitator())

    assert stranger.get(f"/workshops/{workshop.id}/report").status_code == 404
    assert stranger.get(f"/workshops/{workshop.id}/report.pdf/status").status_code == 404
    assert stranger.get(f"/workshops/{workshop.id}/report.pdf").status_code == 404
    page = stranger.get("/workshops")
    assert stranger.post(f"/workshops/{workshop.id}/report.pdf",
                         data={"csrf_token": csrf(page.text)}).status_code == 404
    nobody = browser(app)
    answer = nobody.get(f"/workshops/{workshop.id}/report")
    assert answer.status_code == 302 and "/signin" in answer.headers["Location"]


def test_a_co_facilitator_reads_the_report_too(app, filled, make_facilitator):
    workshop, _made = filled("en")
    helper = make_facilitator()
    with app.app_context():
        team.invite(db.session, Actor(workshop.id, facilitator_id=workshop.facilitator_id),
                    helper.name)
        db.session.commit()

    page = signed_in(app, helper).get(f"/workshops/{workshop.id}/report")

    assert page.status_code == 200
    assert "Bussipysäkit Åbossa" in page.text


def test_the_report_page_shows_charts_with_their_tables_and_no_names(app, filled):
    workshop, made = filled("fi")
    client = signed_in(app, _facilitator(app, workshop))

    page = client.get(f"/workshops/{workshop.id}/report")

    assert page.status_code == 200
    assert '<html lang="fi">' in page.text
    assert page.text.count('role="img"') == 4  # ideas, ideas by type, clusters, by type
    assert page.text.count('class="chart-data numbers"') == 4
    assert "Äänet ideoittain" in page.text
    assert SECRET_NICKNAME not in page.text and SECRET_ORGANISATION not in page.text
    assert "Hidden words" not in page.text
    assert "Tampereen kaupunki" in page.text
    assert page.headers["Cache-Control"] == "no-store"


def test_hostile_idea_text_is_shown_as_text_in_the_report(app, filled):
    workshop, _made = filled("en", text='</svg><script>alert("{n}")</script>')
    client = signed_in(app, _facilitator(app, workshop))

    page = client.get(f"/workshops/{workshop.id}/report").text

    assert "<script>alert" not in page
    assert "&lt;/svg&gt;&lt;script&gt;alert(" in page


def test_before_the_reveal_the_report_shows_no_votes(app, filled):
    workshop, _made = filled("en")
    with app.app_context():
        db.session.get(Workshop, workshop.id).phase = "voting"
        db.session.commit()
    client = signed_in(app, _facilitator(app, workshop))

    page = client.get(f"/workshops/{workshop.id}/report").text

    assert "the results have not been revealed to the room yet" in page
    assert 'role="img"' not in page


def test_a_second_click_while_the_pdf_is_made_starts_nothing_more(app, filled, monkeypatch):
    workshop, _made = filled("en")
    started = []
    monkeypatch.setattr(report_web.socketio, "start_background_task",
                        lambda *args: started.append(args))
    client = signed_in(app, _facilitator(app, workshop))
    page = client.get(f"/workshops/{workshop.id}/report")

    answers = [client.post(f"/workshops/{workshop.id}/report.pdf",
                           data={"csrf_token": csrf(page.text)},
                           headers={"Accept": "application/json"}).get_json()
               for _ in range(2)]

    assert len(started) == 1
    assert [a["state"] for a in answers] == ["gathering", "gathering"]
    report_web.jobs(app)._jobs.clear()


def test_a_failed_pdf_says_so(app, filled, monkeypatch):
    workshop, _made = filled("en")

    def broken(self, job, *args):
        raise WorkerError("the worker stopped")

    monkeypatch.setattr(type(worker(app)), "run", broken)
    client = signed_in(app, _facilitator(app, workshop))
    page = client.get(f"/workshops/{workshop.id}/report")
    client.post(f"/workshops/{workshop.id}/report.pdf", data={"csrf_token": csrf(page.text)})
    deadline = time.monotonic() + 30
    while (status := client.get(f"/workshops/{workshop.id}/report.pdf/status").get_json()
           )["state"] not in ("ready", "failed") and time.monotonic() < deadline:
        time.sleep(0.05)

    assert status == {"state": "failed",
                      "message": "The PDF could not be made. Please try again."}
    assert "The PDF could not be made" in client.get(f"/workshops/{workshop.id}/report").text
    # No PDF to download: back to the report page instead.
    assert client.get(f"/workshops/{workshop.id}/report.pdf").status_code == 302


def test_without_weasyprint_the_page_says_the_pdf_is_not_available(app, filled, monkeypatch):
    workshop, _made = filled("en")
    monkeypatch.setattr(report_web, "available", lambda: False)
    client = signed_in(app, _facilitator(app, workshop))

    page = client.get(f"/workshops/{workshop.id}/report")
    answer = client.post(f"/workshops/{workshop.id}/report.pdf",
                         data={"csrf_token": csrf(client.get("/workshops").text)},
                         headers={"Accept": "application/json"}).get_json()

    assert "A PDF cannot be made on this server" in page.text
    assert 'id="pdf-form"' not in page.text
    assert answer["state"] == "failed"
    assert "cannot be made on this server" in answer["message"]


def test_the_board_links_the_report_and_its_pdf(app, filled):
    workshop, _made = filled("en")
    client = signed_in(app, _facilitator(app, workshop))

    board = client.get(f"/workshops/{workshop.id}").text

    assert f'href="/workshops/{workshop.id}/report"' in board
    assert f'href="/workshops/{workshop.id}/report#pdf"' in board



def test_the_worked_example_of_docs_results_md_holds():
    votes = {"E": {"city": 3, "company": 6}, "B": {"city": 6, "research": 2},
             "A": {"city": 3, "company": 2, "research": 1},
             "D": {"city": 2, "company": 1, "research": 1},
             "C": {"city": 1, "company": 1, "research": 1}}
    ids = {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}
    pairs = [(ids[idea], kind) for idea, counts in votes.items()
             for kind, n in counts.items() for _ in range(n)]
    results = by_type(pairs)
    names = {number: name for name, number in ids.items()}

    ranked = rank_ideas({ids[i]: sum(c.values()) for i, c in votes.items()},
                        sorted(ids.values()))
    assert [(names[r.idea_id], r.rank) for r in ranked] == [
        ("E", 1), ("B", 2), ("A", 3), ("D", 4), ("C", 5)]
    assert [names[i] for i in common_ground(results, ids.values())] == ["A", "D"]
    only_city = by_type([pair for pair in pairs if pair[1] == "city"])
    assert common_ground(only_city, ids.values()) == []


def _plain_export() -> dict:
    """An export as gather.py makes it: two votes, a hidden idea, an unrevealed private one."""
    people = [{"pseudonym": f"p{n}", "organisation_type": kind, "organisation_name": "X",
               "joined_at": "2026-03-14T08:00:00+00:00"}
              for n, kind in enumerate(["city", "city", "company", "research"], start=1)]
    agenda = [
        {"id": 1, "kind": "brainstorm", "title": "Ideat", "prompt": "Miten?",
         "duration_seconds": 600},
        {"id": 2, "kind": "brainstorm", "title": "Salaa", "prompt": "Entä?", "private": True,
         "revealed": False, "duration_seconds": None},
        {"id": 3, "kind": "vote", "title": "Eka äänestys", "vote_budget": 3,
         "votes_per_idea": 2, "source_activity_id": 1, "cluster_ids": None,
         "duration_seconds": 300},
        {"id": 4, "kind": "vote", "title": "Toka äänestys", "vote_budget": 2,
         "votes_per_idea": 1, "source_activity_id": 1, "cluster_ids": [10],
         "duration_seconds": 90},
    ]
    ideas = [{"id": i, "participant": "p1", "text": f"Idea {i}", "activity_id": 1,
              "cluster_id": 10 if i in (1, 2) else None, "hidden": i == 4,
              "created_at": "2026-03-14T08:10:00+00:00", "votes": 0} for i in (1, 2, 3, 4)]
    ideas.append({"id": 5, "participant": "p2", "text": "Private", "activity_id": 2,
                  "cluster_id": None, "hidden": False,
                  "created_at": "2026-03-14T08:10:00+00:00", "votes": 0})

    def vote(who, idea, activity):
        return {"participant": who, "idea_id": idea, "activity_id": activity,
                "created_at": "2026-03-14T09:00:00+00:00"}

    votes = [vote("p1", 1, 3), vote("p2", 2, 3), vote("p2", 2, 3), vote("p3", 1, 3),
             vote("p3", 2, 3),
             vote("p4", 1, 3), vote("p4", 4, 3), vote("p1", 2, 4), vote("p3", 2, 4)]
    return {
        "exported_at": "2026-03-14T10:00:00+00:00",
        "workshop": {"id": 1, "title": "T", "question": "Miten?", "vote_budget": 3,
                     "language": "fi", "created_at": "2026-03-14T07:59:00+00:00"},
        "votes_hidden_until_reveal": False, "agenda": agenda, "participants": people,
        "ideas": ideas, "clusters": [{"id": 10, "name": "Ryhmä A", "idea_ids": [1, 2]}],
        "votes": votes,
    }


def _shaped(export: dict) -> dict:
    data = {"export": export, "time_zone": "Europe/Helsinki", "facilitators": ["Fasi"],
            "decisions": [], "tupa_version": "9.9"}
    return shape_report(data, lambda message, **values: message % values if values else message,
                        {"city": "City", "company": "Company", "research": "Research"},
                        {}, {})


def test_each_vote_has_its_own_results_over_its_own_ideas():
    report = _shaped(_plain_export())

    first, second = report["votes"]
    assert (first["title"], first["votes_cast"], first["voters"]) == ("Eka äänestys", 7, 4)
    ranked = first["charts"][0]
    # Idea 1 and 2 tie on 3 votes and share rank 1; the hidden idea 4 is in no chart.
    assert ranked.rows == (("1. Idea 1", 3), ("1. Idea 2", 3))
    assert all("Idea 4" not in str(row) for chart in first["charts"] for row in chart.rows)
    # Every type's votes count in its total, the hidden idea's vote too (research cast 2).
    assert first["cast_by_type"] == [("City", 3), ("Company", 2), ("Research", 2)]
    # Idea 1: city 1/3, company 1/2, research 1/2; idea 2: research 0 of its 2.
    assert [g["text"] for g in first["common_ground"]] == ["Idea 1"]
    assert first["common_ground"][0]["shares"] == [("City", 33), ("Company", 50),
                                                    ("Research", 50)]
    # The second vote was only over cluster A's ideas.
    assert second["charts"][0].rows == (("1. Idea 2", 2),)
    assert second["charts"][2].rows == (("Ryhmä A", 2),)


def test_the_report_counts_hidden_ideas_and_leaves_out_unrevealed_private_ones():
    report = _shaped(_plain_export())

    assert report["provenance"]["hidden_ideas"] == 1
    assert report["idea_total"] == 5
    assert report["questions"] == ["Miten?", "Entä?"]
    assert [row["minutes"] for row in report["agenda"]] == [10, None, 5, 2]
    assert report["planned_minutes"] == 16  # 990 s
    assert report["provenance"]["budgets"] == [(2, 1), (3, 2)]
    assert "Private" not in str(report["votes"])
    assert report["provenance"]["exported_at"].startswith("14.3.2026")
