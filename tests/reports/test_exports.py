"""Exports: the pure CSV and JSON writers, then a download through the route."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from arrange import as_facilitator, as_participant, signed_in

from workshop import offload
from workshop.extensions import db
from workshop.reports.formats import CSV_COLUMNS, export_filename, ideas_csv, inert, workshop_json
from workshop.reports.gather import workshop_export
from workshop.services import agenda, clusters, ideas, votes


def _export(*, votes_hidden=False, text="Penkit pysäkeille: ä, ö, å", votes_on_idea=3):
    return {
        "exported_at": "2025-03-14T09:30:00+00:00",
        "workshop": {"id": 7, "title": "Bussipysäkit", "question": "Miten voisimme ...?",
                     "join_code": "ABCD2345", "phase": "voting" if votes_hidden else "results",
                     "vote_budget": 5, "votes_per_idea": 5, "language": "fi",
                     "created_at": "2025-03-14T08:00:00+00:00"},
        "votes_hidden_until_reveal": votes_hidden,
        "agenda": [
            {"id": 20, "position": 0, "kind": "brainstorm", "title": "Ideat",
             "prompt": "Miten voisimme ...?"},
            {"id": 21, "position": 1, "kind": "vote", "title": "Äänestys", "prompt": ""},
        ],
        "participants": [
            {"pseudonym": "p1", "organisation_type": "city", "organisation_name": "Åbo stad",
             "joined_at": "2025-03-14T08:05:00+00:00"},
            {"pseudonym": "p2", "organisation_type": "company", "organisation_name": "=HYPERLINK()",
             "joined_at": "2025-03-14T08:06:00+00:00"},
        ],
        "ideas": [
            {"id": 1, "participant": "p1", "text": text, "activity_id": 20, "cluster_id": 10,
             "hidden": False,
             "created_at": "2025-03-14T08:10:00+00:00", "edited_at": None,
             "votes": None if votes_hidden else votes_on_idea},
            {"id": 2, "participant": "p2", "text": "@SUM(A1:A2)", "activity_id": 20,
             "cluster_id": None,
             "hidden": True, "created_at": "2025-03-14T08:11:00+00:00", "edited_at": None,
             "votes": None if votes_hidden else 0},
        ],
        "clusters": [{"id": 10, "name": "-Sijainti", "position": 1, "idea_ids": [1]}],
        "votes": [] if votes_hidden else [
            {"participant": "p2", "idea_id": 1, "activity_id": 21,
             "created_at": "2025-03-14T09:00:00+00:00"},
        ],
        "audit_log": [
            {"id": 1, "at": "2025-03-14T08:30:00+00:00", "who": {"facilitator": 3},
             "command": "idea.hide", "objects": {"idea_id": 2}, "before": {"hidden": False},
             "after": {"hidden": True}},
        ],
    }


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_starts_with_a_byte_order_mark_and_keeps_nordic_letters():
    data = ideas_csv(_export())

    assert data.startswith(b"\xef\xbb\xbf")
    rows = _rows(data)
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[1][1] == "Penkit pysäkeille: ä, ö, å"
    assert rows[1][5] == "Åbo stad"


def test_csv_has_one_row_per_idea_with_cluster_votes_and_author():
    rows = _rows(ideas_csv(_export()))

    assert len(rows) == 3
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first == {
        "idea_id": "1", "text": "Penkit pysäkeille: ä, ö, å", "cluster": "'-Sijainti",
        "votes": "3", "organisation_type": "city", "organisation_name": "Åbo stad",
        "posted_at": "2025-03-14T08:10:00+00:00", "hidden": "false",
        "question": "Miten voisimme ...?",
        # An export from before tables and hands: the columns are there, empty or false.
        "table": "", "entered_on_behalf": "false", "entered_by": "", "hand_votes": "",
        "total_votes": "",
    }
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["cluster"] == "" and second["votes"] == "0" and second["hidden"] == "true"


@pytest.mark.parametrize("dangerous", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_a_spreadsheet_would_run_are_made_inert(dangerous):
    assert inert(dangerous) == "'" + dangerous
    rows = _rows(ideas_csv(_export(text=dangerous)))
    assert rows[1][1] == "'" + dangerous


def test_ordinary_text_is_left_alone():
    assert inert("Benches = comfort") == "Benches = comfort"
    assert inert("") == ""
    rows = _rows(ideas_csv(_export()))
    assert rows[2][1] == "'@SUM(A1:A2)"
    assert rows[2][5] == "'=HYPERLINK()"


def test_csv_leaves_vote_cells_empty_while_votes_are_hidden():
    rows = _rows(ideas_csv(_export(votes_hidden=True)))
    assert [row[3] for row in rows[1:]] == ["", ""]


def test_json_carries_schema_version_and_unescaped_text():
    data = workshop_json(_export())
    document = json.loads(data.decode("utf-8"))

    assert document["schema_version"] == 1
    assert "ä, ö, å".encode() in data  # readable in any editor, not \u escapes
    assert set(document) == {"schema_version", "exported_at", "workshop",
                             "votes_hidden_until_reveal", "agenda", "tables", "participants",
                             "ideas", "clusters", "votes", "hand_tallies", "decisions",
                             "audit_log"}
    assert document["votes_hidden_until_reveal"] is False
    assert document["audit_log"][0]["command"] == "idea.hide"


def test_json_hides_votes_until_the_reveal():
    document = json.loads(workshop_json(_export(votes_hidden=True)))
    assert document["votes_hidden_until_reveal"] is True
    assert document["votes"] == []
    assert [idea["votes"] for idea in document["ideas"]] == [None, None]


def test_filenames_name_the_code_and_the_day():
    assert export_filename(_export(), "csv") == "tupa-ABCD2345-2025-03-14.csv"
    assert export_filename(_export(), "json") == "tupa-ABCD2345-2025-03-14.json"


# Through the route ---------------------------------------------------------------------------


@pytest.fixture
def held_workshop(app, make_facilitator, make_workshop, make_participant):
    """A workshop with two participants, three ideas (one hidden), a cluster and votes."""
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator, title="Pysäkit", vote_budget=5)
    city, _ = make_participant(workshop, organisation_type="city", organisation_name="Espoo")
    firm, _ = make_participant(workshop, organisation_type="company", organisation_name="+Firma")
    board = as_facilitator(workshop)
    with app.app_context():
        session = db.session
        as_city = as_participant(city)
        as_firm = as_participant(firm)
        first = ideas.post_idea(session, as_city, "k1", "Lämpimät katokset")[0]["idea"]["id"]
        second = ideas.post_idea(session, as_firm, "k2", "=cmd|' /C calc'!A0")[0]["idea"]["id"]
        third = ideas.post_idea(session, as_firm, "k3", "Piilotettava")[0]["idea"]["id"]
        ideas.set_idea_hidden(session, board, third, True)
        cluster = clusters.create_cluster(session, board, "c1", "Sää")[0]["cluster"]["id"]
        clusters.move_idea(session, board, first, cluster, 0)
        agenda.set_phase(session, board, "voting")
        votes.cast_vote(session, as_city, "v1", first)
        votes.cast_vote(session, as_city, "v2", first)
        votes.cast_vote(session, as_firm, "v3", second)
        session.commit()
    return {"facilitator": facilitator, "workshop": workshop, "board": board,
            "ideas": (first, second, third), "cluster": cluster}


def test_export_through_the_route_after_the_reveal(app, held_workshop):
    workshop = held_workshop["workshop"]
    first, second, third = held_workshop["ideas"]
    with app.app_context():
        agenda.set_phase(db.session, held_workshop["board"], "results")
        db.session.commit()
    client = signed_in(app, held_workshop["facilitator"])

    response = client.get(f"/workshops/{workshop.id}/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert re.fullmatch(
        rf'attachment; filename="tupa-{workshop.join_code}-\d{{4}}-\d\d-\d\d\.csv"',
        response.headers["Content-Disposition"],
    )
    rows = _rows(response.data)
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_id) == {str(first), str(second), str(third)}
    assert by_id[str(first)]["cluster"] == "Sää"
    assert by_id[str(first)]["votes"] == "2"
    assert by_id[str(first)]["organisation_type"] == "city"
    assert by_id[str(first)]["organisation_name"] == "Espoo"
    assert by_id[str(second)]["text"] == "'=cmd|' /C calc'!A0"
    assert by_id[str(second)]["organisation_name"] == "'+Firma"
    assert by_id[str(second)]["votes"] == "1"
    assert by_id[str(third)]["hidden"] == "true"

    document = client.get(f"/workshops/{workshop.id}/export.json").get_json()
    assert document["schema_version"] == 1
    assert document["workshop"]["title"] == "Pysäkit"
    assert document["workshop"]["vote_budget"] == 5
    assert [(p["pseudonym"], p["organisation_type"]) for p in document["participants"]] == [
        ("p1", "city"), ("p2", "company")]
    assert all("nickname" not in p and "token" not in p and "token_hash" not in p
               for p in document["participants"])
    ideas_by_id = {idea["id"]: idea for idea in document["ideas"]}
    assert ideas_by_id[first]["participant"] == "p1"
    assert ideas_by_id[first]["cluster_id"] == held_workshop["cluster"]
    assert ideas_by_id[first]["votes"] == 2
    assert ideas_by_id[third]["hidden"] is True
    brainstorm = next(a["id"] for a in document["agenda"] if a["kind"] == "brainstorm")
    assert document["clusters"] == [{"id": held_workshop["cluster"], "name": "Sää",
                                     "activity_id": brainstorm, "table_id": None,
                                     "position": 1, "idea_ids": [first]}]
    assert sorted((v["participant"], v["idea_id"]) for v in document["votes"]) == [
        ("p1", first), ("p1", first), ("p2", second)]
    assert document["votes_hidden_until_reveal"] is False


@pytest.mark.parametrize("back_to", [None, "grouping", "posting"])
def test_export_before_the_reveal_keeps_counts_private(app, held_workshop, back_to):
    # Voting, then back to an earlier phase: still no counts, as the board's own screen shows.
    workshop = held_workshop["workshop"]
    if back_to:
        with app.app_context():
            agenda.set_phase(db.session, held_workshop["board"], back_to)
            db.session.commit()
    client = signed_in(app, held_workshop["facilitator"])

    rows = _rows(client.get(f"/workshops/{workshop.id}/export.csv").data)
    assert [row[3] for row in rows[1:]] == ["", "", ""]
    document = client.get(f"/workshops/{workshop.id}/export.json").get_json()
    assert document["votes_hidden_until_reveal"] is True
    assert document["votes"] == []
    assert all(idea["votes"] is None for idea in document["ideas"])


def test_a_download_is_written_off_the_event_loop(app, held_workshop):
    handed: list[str] = []

    def recording(function, *args, **kwargs):
        handed.append(function.__name__)
        return function(*args, **kwargs)

    before = app.extensions.get(offload.OFFLOAD)
    offload.install(app, recording)
    try:
        client = signed_in(app, held_workshop["facilitator"])
        workshop_id = held_workshop["workshop"].id
        assert client.get(f"/workshops/{workshop_id}/export.csv").status_code == 200
        assert client.get(f"/workshops/{workshop_id}/export.json").status_code == 200
    finally:
        app.extensions.pop(offload.OFFLOAD)
        if before is not None:
            offload.install(app, before)
    assert {"ideas_csv", "workshop_json"} <= set(handed)


def test_the_export_names_each_ideas_question_and_each_votes_vote(
        session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="posting")
    board = as_facilitator(workshop)
    second, _ = agenda.add_activity(session, board, "q2", "brainstorm", "More",
                                    prompt="And what else?", position=2)
    session.commit()
    author, _ = make_participant(workshop)
    first_idea = add_idea(author, "Benches")
    second_idea = add_idea(author, "Shelter", activity_id=second["activity"]["id"])
    agenda.set_phase(session, board, "voting")
    votes.cast_vote(session, as_participant(author), "v1", second_idea)
    agenda.set_phase(session, board, "results")
    session.commit()

    export, _ = workshop_export(session, board)
    rows = _rows(ideas_csv(export))

    questions = {a["id"]: a["prompt"] for a in export["agenda"]}
    assert [questions[i["activity_id"]] for i in export["ideas"]] == [
        "How might we ...?", "And what else?"]
    assert [i["id"] for i in export["ideas"]] == [first_idea, second_idea]
    vote = next(a for a in export["agenda"] if a["kind"] == "vote")
    assert [(v["idea_id"], v["activity_id"]) for v in export["votes"]] == [
        (second_idea, vote["id"])]
    question = rows[0].index("question")
    assert [row[question] for row in rows[1:]] == ["How might we ...?", "And what else?"]
