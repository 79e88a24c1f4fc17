"""Method pages: choosing a method for a new workshop, one's own methods, importing and
exporting their files, saving a workshop's agenda as a method (workshop/web/methods.py)."""

from __future__ import annotations

import io
import json

import pytest
from arrange import browser, count, csrf, signed_in
from sqlalchemy import select

from workshop.domain.methods import MAX_FILE_BYTES, built_in, method_file
from workshop.extensions import db
from workshop.models import Activity, MethodTemplate, Workshop
from workshop.services import methods


def a_file(name="Pysäkkipulssi", **changes) -> dict:
    data = {
        "format": "tupa-method", "version": 1, "name": name, "description": "Lyhyt",
        "language": "fi",
        "activities": [
            {"kind": "welcome", "title": "Tervetuloa", "prompt": "", "duration_seconds": 120,
             "closes_when_time_up": False, "settings": {}},
            {"kind": "brainstorm", "title": "Ideat", "prompt": "Miten pysäkit paremmiksi?",
             "duration_seconds": 480, "closes_when_time_up": True,
             "settings": {"private": False}},
            {"kind": "vote", "title": "Äänestys", "prompt": "", "duration_seconds": 300,
             "closes_when_time_up": True,
             "settings": {"vote_budget": 3, "votes_per_idea": 1, "source": 1}},
        ],
    }
    data.update(changes)
    return data


def upload(client, content: bytes, *, filename="method.json", token=None, lang="en"):
    """Send a file through the import form, as a browser does."""
    if token is None:
        token = csrf(client.get(f"/methods?lang={lang}").text)
    return client.post("/methods/import", data={
        "csrf_token": token, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data")


def templates(app) -> list[MethodTemplate]:
    with app.app_context():
        rows = list(db.session.execute(select(MethodTemplate)).scalars())
        db.session.expunge_all()  # kept as read, for the test to look at
        db.session.rollback()
        return rows


def agenda_of(app, workshop_id: int) -> list[Activity]:
    with app.app_context():
        rows = list(db.session.execute(select(Activity).where(
            Activity.workshop_id == workshop_id).order_by(Activity.position)).scalars())
        db.session.expunge_all()  # kept as read, for the test to look at
        db.session.rollback()
        return rows


# Choosing a method for a new workshop -----------------------------------------------------------


def test_the_new_workshop_form_offers_each_method_with_its_steps(app, make_facilitator):
    client = signed_in(app, make_facilitator())

    page = client.get("/workshops/new?lang=fi")

    assert page.status_code == 200
    assert 'value="single" aria-describedby="method-single-about" checked' in page.text
    for method_id in ("idea-to-pilot", "service-journey", "pulse-30"):
        method = built_in(method_id, "fi")
        assert f'value="built-in:{method_id}"' in page.text
        assert method.name in page.text
        assert f"{method.steps[1].activity.title} · " in page.text
    assert "Ideat · 8 min" in page.text


def test_a_workshop_starts_from_a_built_in_method_without_a_question(app, make_facilitator):
    client = signed_in(app, make_facilitator())
    form = client.get("/workshops/new?lang=en")

    response = client.post("/workshops/new", data={
        "title": "Quick pulse", "method": "built-in:pulse-30", "question": "",
        "vote_budget": "5", "votes_per_idea": "", "language": "sv",
        "csrf_token": csrf(form.text)})

    assert response.status_code == 302
    with app.app_context():
        workshop = db.session.execute(select(Workshop)).scalar_one()
    activities = agenda_of(app, workshop.id)
    pulse = built_in("pulse-30", "sv")  # in the workshop's language, not the page's
    assert [(a.kind, a.title) for a in activities] == [
        (s.activity.kind.value, s.activity.title) for s in pulse.steps]
    assert activities[2].source_activity_id == activities[1].id
    assert workshop.question == pulse.steps[1].activity.prompt


def test_a_typed_question_becomes_the_methods_first_brainstorm_question(app, make_facilitator):
    client = signed_in(app, make_facilitator())
    form = client.get("/workshops/new")

    client.post("/workshops/new", data={
        "title": "Bus stops", "method": "built-in:idea-to-pilot",
        "question": " How might we wait better? ", "vote_budget": "5", "language": "en",
        "csrf_token": csrf(form.text)})

    with app.app_context():
        workshop = db.session.execute(select(Workshop)).scalar_one()
    brainstorm = [a for a in agenda_of(app, workshop.id) if a.kind == "brainstorm"]
    assert [b.prompt for b in brainstorm] == ["How might we wait better?"]
    assert workshop.question == "How might we wait better?"


def test_the_single_question_still_needs_its_question(app, make_facilitator):
    client = signed_in(app, make_facilitator())
    form = client.get("/workshops/new")

    response = client.post("/workshops/new", data={
        "title": "Bus stops", "method": "single", "question": "  ", "vote_budget": "5",
        "language": "en", "csrf_token": csrf(form.text)})

    assert response.status_code == 400
    assert 'id="question-error"' in response.text


def test_someone_elses_method_cannot_be_started_from(app, make_facilitator):
    me, someone_else = make_facilitator(), make_facilitator()
    with app.app_context():
        theirs, _ = methods.import_template(db.session, someone_else, a_file())
        db.session.commit()
    client = signed_in(app, me)
    form = client.get("/workshops/new")
    assert f"template:{theirs.id}" not in form.text

    response = client.post("/workshops/new", data={
        "title": "Bus stops", "method": f"template:{theirs.id}", "vote_budget": "5",
        "language": "en", "csrf_token": csrf(form.text)})

    assert response.status_code == 400
    assert 'id="method-error"' in response.text
    with app.app_context():
        assert count(db.session, Workshop) == 0


# Importing and exporting ---------------------------------------------------------------------


def test_an_imported_method_is_listed_offered_and_downloads_as_the_same_file(
        app, make_facilitator):
    client = signed_in(app, make_facilitator())

    response = upload(client, json.dumps(a_file()).encode())

    assert response.status_code == 302
    page = client.get("/methods")
    assert "“Pysäkkipulssi” is now one of your methods." in page.text
    [template] = templates(app)
    assert f'value="template:{template.id}"' in client.get("/workshops/new").text

    download = client.get(f"/methods/{template.id}/method.json")

    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/json; charset=utf-8"
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="tupa-method-pysakkipulssi.json"')
    assert json.loads(download.data) == a_file()
    # The download imports again, as another city's Tupa would.
    assert upload(client, download.data).status_code == 302
    assert len(templates(app)) == 2


def test_a_built_in_method_downloads_in_the_pages_language_and_imports(app, make_facilitator):
    client = signed_in(app, make_facilitator())

    download = client.get("/methods/built-in/service-journey.json?lang=sv")

    assert json.loads(download.data) == method_file(built_in("service-journey", "sv"))
    assert "attachment" in download.headers["Content-Disposition"]
    assert upload(client, download.data).status_code == 302
    assert client.get("/methods/built-in/nothing.json").status_code == 404


@pytest.mark.parametrize(("content", "message"), [
    (b"{oops", "The file is not JSON text."),
    (json.dumps(a_file(version=2)).encode(),
     "The file is in version 2 of the method format; this Tupa reads version 1."),
    (json.dumps({"name": "x"}).encode(), "This is not a Tupa method file"),
    (json.dumps(a_file(activities=[{"kind": "welcome", "title": "Hei"}] * 3
                       + [{"kind": "foo", "title": "x"}])).encode(),
     "Activity 4: the kind “foo” is unknown"),
    (json.dumps(a_file(activities=[{"kind": "vote", "title": "x", "settings": {"source": 0}}]))
     .encode(), "Activity 1: “source” must be the index of an earlier activity"),
    (json.dumps(a_file(name="")).encode(), "“name” is empty."),
])
def test_a_bad_file_shows_what_is_wrong_next_to_the_field_and_keeps_nothing(
        app, make_facilitator, content, message):
    client = signed_in(app, make_facilitator())

    response = upload(client, content)

    assert response.status_code == 400
    assert message in response.text
    assert 'id="file-error"' in response.text and 'aria-invalid="true"' in response.text
    assert templates(app) == []


def test_the_error_is_in_the_persons_language(app, make_facilitator):
    client = signed_in(app, make_facilitator())
    bad = a_file()
    bad["activities"][2]["settings"]["vote_budget"] = "3"

    response = upload(client, json.dumps(bad).encode(), lang="fi")

    assert response.status_code == 400
    assert "Ohjelmakohta 3: “vote_budget” on oltava kokonaisluku." in response.text


def test_a_file_over_the_limit_is_refused_unread(app, make_facilitator):
    client = signed_in(app, make_facilitator())

    response = upload(client, b" " * (MAX_FILE_BYTES + 20 * 1024))

    assert response.status_code == 413
    assert "The file is larger than 256 KB." in response.text
    assert templates(app) == []


def test_a_file_just_over_the_limit_is_refused_too(app, make_facilitator):
    client = signed_in(app, make_facilitator())

    response = upload(client, json.dumps(a_file(description="x" * MAX_FILE_BYTES)).encode())

    assert response.status_code == 400
    assert "The file is larger than 256 KB." in response.text


def test_no_file_or_no_token_keeps_nothing(app, make_facilitator):
    client = signed_in(app, make_facilitator())
    token = csrf(client.get("/methods").text)

    no_file = client.post("/methods/import", data={"csrf_token": token},
                          content_type="multipart/form-data")
    no_token = upload(client, json.dumps(a_file()).encode(), token="forged")

    assert no_file.status_code == 400 and "Please choose a method file first." in no_file.text
    assert no_token.status_code == 400
    assert templates(app) == []


def test_a_facilitator_cannot_see_export_or_delete_anothers_method(app, make_facilitator):
    owner, other = make_facilitator(), make_facilitator()
    upload(signed_in(app, owner), json.dumps(a_file(name="Espoon menetelmä")).encode())
    [template] = templates(app)
    client = signed_in(app, other)

    page = client.get("/methods")
    export = client.get(f"/methods/{template.id}/method.json")
    delete = client.post(f"/methods/{template.id}/delete",
                         data={"csrf_token": csrf(page.text)})

    assert "Espoon menetelmä" not in page.text
    assert export.status_code == 404 and delete.status_code == 404
    assert len(templates(app)) == 1


def test_deleting_ones_own_method(app, make_facilitator):
    client = signed_in(app, make_facilitator())
    upload(client, json.dumps(a_file()).encode())
    [template] = templates(app)

    response = client.post(f"/methods/{template.id}/delete",
                           data={"csrf_token": csrf(client.get("/methods").text)})

    assert response.status_code == 302
    assert templates(app) == []
    assert "The method “Pysäkkipulssi” was deleted." in client.get("/methods").text


def test_method_pages_send_a_stranger_to_sign_in(app):
    client = browser(app)
    for path in ("/methods", "/methods/1/method.json", "/methods/built-in/pulse-30.json"):
        assert client.get(path).headers["Location"].startswith("/signin?next=")


# Saving a workshop's agenda ------------------------------------------------------------------


def test_the_board_saves_its_agenda_as_a_method(app, make_workshop, make_facilitator):
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator)
    client = signed_in(app, facilitator)
    board = client.get(f"/workshops/{workshop.id}")
    assert f'action="/methods/from-workshop/{workshop.id}"' in board.text

    response = client.post(f"/methods/from-workshop/{workshop.id}",
                           data={"name": "Our bus stop method", "csrf_token": csrf(board.text)})

    assert response.status_code == 302 and response.headers["Location"] == "/methods"
    [template] = templates(app)
    assert template.name == "Our bus stop method"
    assert [a["kind"] for a in template.body["activities"]] == [
        a.kind for a in agenda_of(app, workshop.id)]
    assert "Our bus stop method" in client.get("/methods").text


def test_saving_without_a_name_says_so_and_keeps_nothing(app, make_workshop,
                                                        make_facilitator):
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator)
    client = signed_in(app, facilitator)
    board = client.get(f"/workshops/{workshop.id}")

    response = client.post(f"/methods/from-workshop/{workshop.id}",
                           data={"name": " ", "csrf_token": csrf(board.text)})

    assert response.status_code == 400
    assert 'id="method-name-error"' in response.text
    assert templates(app) == []


def test_another_facilitators_workshop_cannot_be_saved(app, make_workshop, make_facilitator):
    workshop = make_workshop()
    client = signed_in(app, make_facilitator())
    token = csrf(client.get("/methods").text)

    response = client.post(f"/methods/from-workshop/{workshop.id}",
                           data={"name": "Mine", "csrf_token": token})

    assert response.status_code == 404
    assert templates(app) == []
