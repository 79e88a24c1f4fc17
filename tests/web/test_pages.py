"""HTTP pages: signing in, set-up link, workshops, joining with a code, QR, access, languages."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from arrange import PASSWORD, browser, csrf, page_data, participant_count, sign_in, signed_in
from flask import template_rendered
from jinja2 import ChoiceLoader, DictLoader, TemplateNotFound
from sqlalchemy import func, select

from workshop.extensions import db
from workshop.models import Workshop
from workshop.realtime import commands
from workshop.services import facilitators
from workshop.services.access import Actor

# The realtime pages belong to another part of the project; if one is not there yet, a bare
# stand-in lets these tests check what the views hand it, never its markup.
REALTIME_PAGES = ("participant.html", "board.html", "presenter.html")


@pytest.fixture
def rendered(app):
    """The templates rendered during a test, with their context; realtime pages may be stubs."""
    seen: list[tuple[str, dict]] = []

    def record(sender, template, context, **extra):
        seen.append((template.name, context))

    original = app.jinja_env.loader
    stubs = {}
    for name in REALTIME_PAGES:
        try:
            original.get_source(app.jinja_env, name)
        except TemplateNotFound:
            stubs[name] = '{% extends "base.html" %}{% block main %}stub{% endblock %}'
    if stubs:
        app.jinja_env.loader = ChoiceLoader([original, DictLoader(stubs)])
    template_rendered.connect(record, app)
    yield seen
    template_rendered.disconnect(record, app)
    if stubs:
        app.jinja_env.loader = original
        app.jinja_env.cache.clear()


@contextmanager
def config(app, **values):
    saved = {key: app.config[key] for key in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(saved)


# Signing in and out ---------------------------------------------------------------------------


def test_sign_in_and_out(app, make_facilitator):
    facilitator = make_facilitator()
    client = browser(app)

    response = sign_in(client, facilitator)
    assert response.status_code == 302
    assert response.headers["Location"] == "/workshops"
    workshops_page = client.get("/workshops")
    assert workshops_page.status_code == 200
    assert 'action="/signout"' in workshops_page.text

    token = csrf(workshops_page.text)
    assert client.post("/signout", data={"csrf_token": token}).status_code == 302
    assert client.get("/workshops").headers["Location"] == "/signin?next=/workshops"


def test_session_cookie_is_httponly_and_samesite(app, make_facilitator):
    client = browser(app)
    response = sign_in(client, make_facilitator())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_wrong_password_and_unknown_name_get_the_same_one_message(app, make_facilitator):
    facilitator = make_facilitator()
    client = browser(app)

    wrong_password = sign_in(client, facilitator, password="not the password")
    page = client.get("/signin")
    unknown_name = client.post("/signin", data={"name": "nobody", "password": PASSWORD,
                                                "csrf_token": csrf(page.text)})

    for response in (wrong_password, unknown_name):
        assert response.status_code == 400
        assert response.text.count("Wrong name or password.") == 1
    assert client.get("/workshops").status_code == 302


def test_a_form_without_csrf_token_is_refused(app, make_facilitator):
    facilitator = make_facilitator()
    client = browser(app)

    response = client.post("/signin", data={"name": facilitator.name, "password": PASSWORD})

    assert response.status_code == 400
    assert client.get("/workshops").status_code == 302  # not signed in


def test_after_sign_in_only_a_local_next_page_is_opened(app, make_facilitator):
    facilitator = make_facilitator()
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = sign_in(browser(app), facilitator, next_url=target)
        assert response.headers["Location"] == "/workshops"
    response = sign_in(browser(app), facilitator, next_url="/workshops/new")
    assert response.headers["Location"] == "/workshops/new"


def test_pages_of_a_workshop_send_a_stranger_to_sign_in(app, make_workshop):
    workshop = make_workshop()
    client = browser(app)
    for path in ("", "/present", "/export.csv", "/export.json", "/export.xlsx",
                 "/export-excel.csv", "/qr.svg"):
        response = client.get(f"/workshops/{workshop.id}{path}")
        assert response.status_code == 302
        assert response.headers["Location"] == f"/signin?next=/workshops/{workshop.id}{path}"


# The one-time set-up link ---------------------------------------------------------------------


def test_the_set_up_link_works_once(app):
    with app.app_context():
        token = facilitators.issue_setup_token(db.session)
        db.session.commit()
    client = browser(app)

    form = client.get(f"/setup/{token}")
    assert form.status_code == 200
    response = client.post(f"/setup/{token}", data={
        "name": "Aino", "password": "pitkä salasana", "password_again": "pitkä salasana",
        "csrf_token": csrf(form.text)})
    assert response.status_code == 302
    assert client.get("/workshops").status_code == 200  # signed in straight away

    again = browser(app).get(f"/setup/{token}")
    assert again.status_code == 404
    assert "This set-up link is no longer valid." in again.text
    assert browser(app).get("/setup/made-up-token").status_code == 404


def test_the_set_up_form_explains_a_short_or_mistyped_password(app):
    with app.app_context():
        token = facilitators.issue_setup_token(db.session)
        db.session.commit()
    client = browser(app)
    form = client.get(f"/setup/{token}")

    short = client.post(f"/setup/{token}", data={
        "name": "Aino", "password": "short", "password_again": "short",
        "csrf_token": csrf(form.text)})
    assert short.status_code == 400
    assert "at least 10 characters" in short.text
    assert 'aria-describedby="password-hint password-error"' in short.text

    differ = client.post(f"/setup/{token}", data={
        "name": "Aino", "password": "long enough 1", "password_again": "long enough 2",
        "csrf_token": csrf(form.text)})
    assert differ.status_code == 400
    assert "The two passwords are not the same." in differ.text
    assert client.get(f"/setup/{token}").status_code == 200  # the link still works


# Workshops ------------------------------------------------------------------------------------


def test_create_a_workshop_with_the_defaults(app, make_facilitator):
    facilitator = make_facilitator()
    client = signed_in(app, facilitator)
    form = client.get("/workshops/new?lang=sv")
    assert 'value="5"' in form.text

    response = client.post("/workshops/new", data={
        "title": "Bättre busshållplatser", "question": "Hur kunde vi ...?", "vote_budget": "5",
        "votes_per_idea": "", "language": "sv", "csrf_token": csrf(form.text)})

    assert response.status_code == 302
    with app.app_context():
        workshop = db.session.execute(select(Workshop)).scalar_one()
        assert (workshop.title, workshop.vote_budget, workshop.votes_per_idea,
                workshop.language, workshop.phase, workshop.facilitator_id) == (
            "Bättre busshållplatser", 5, 5, "sv", "lobby", facilitator.id)
    assert response.headers["Location"] == f"/workshops/{workshop.id}"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": "   "}, "title", "Please write something first."),
    ({"question": ""}, "question", "Please write something first."),
    ({"title": "x" * 201}, "title", "at most 200 characters"),
    ({"vote_budget": "0"}, "vote_budget", "whole number from 1 to 100"),
    ({"vote_budget": "five"}, "vote_budget", "whole number from 1 to 100"),
    ({"vote_budget": "101"}, "vote_budget", "whole number from 1 to 100"),
    ({"votes_per_idea": "6"}, "votes_per_idea", "between 1 and the vote budget"),
    ({"votes_per_idea": "-1"}, "votes_per_idea", "leave this empty"),
    ({"language": "de"}, "language", "Please choose one of the languages."),
])
def test_bad_workshop_settings_are_shown_next_to_their_field(app, make_facilitator, changes,
                                                             field, message):
    client = signed_in(app, make_facilitator())
    form = client.get("/workshops/new?lang=en")
    data = {"title": "Bus stops", "question": "How might we ...?", "vote_budget": "5",
            "votes_per_idea": "", "language": "en", "csrf_token": csrf(form.text), **changes}

    response = client.post("/workshops/new", data=data)

    assert response.status_code == 400
    assert message in response.text
    assert f'id="{field}-error"' in response.text
    assert response.text.count('class="field-error"') == 1  # only the field at fault
    assert re.search(rf'id="{field}"[^>]*aria-describedby="[^"]*{field}-error', response.text,
                     re.S)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Workshop)).scalar_one() == 0


def test_every_mistake_in_the_workshop_form_is_shown_at_once(app, make_facilitator):
    client = signed_in(app, make_facilitator())
    form = client.get("/workshops/new")

    response = client.post("/workshops/new", data={
        "title": "", "question": "q" * 501, "vote_budget": "0", "votes_per_idea": "x",
        "language": "fi", "csrf_token": csrf(form.text)})

    assert response.status_code == 400
    for field in ("title", "question", "vote_budget", "votes_per_idea"):
        assert f'id="{field}-error"' in response.text
        assert f'<a href="#{field}">' in response.text  # the summary links to the field


def test_the_workshop_list_shows_only_ones_own(app, make_facilitator, make_workshop):
    mine, theirs = make_facilitator(), make_facilitator()
    make_workshop(mine, title="Minun työpaja")
    make_workshop(theirs, title="Toisen työpaja")

    page = signed_in(app, mine).get("/workshops")

    assert "Minun työpaja" in page.text
    assert "Toisen työpaja" not in page.text


# Joining with a code --------------------------------------------------------------------------


def test_a_code_typed_in_lower_case_with_spaces_and_dashes_opens_the_workshop(app, make_workshop):
    workshop = make_workshop()
    code = workshop.join_code
    typed = f" {code[:4].lower()} - {code[4:].lower()} "
    client = browser(app)

    response = client.post("/join", data={"code": typed, "csrf_token": csrf(client.get("/").text)})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/w/{code}"
    join_page = client.get(f"/w/{code}")
    assert join_page.status_code == 200
    assert workshop.title in join_page.text
    assert "<legend>" in join_page.text and 'type="radio"' in join_page.text
    assert client.get(f"/w/{code.lower()}").headers["Location"] == f"/w/{code}"


def test_every_wrong_code_gets_the_same_plain_answer(app, make_workshop):
    workshop = make_workshop()
    near_miss = workshop.join_code[:-1] + ("0" if workshop.join_code[-1] != "0" else "1")
    client = browser(app)
    token = csrf(client.get("/").text)

    answers = [client.post("/join", data={"code": code, "csrf_token": token})
               for code in (near_miss, "ZZZZZZZZ", "", "no such thing at all")]
    answers.append(client.get("/w/ZZZZZZZZ"))

    assert {a.status_code for a in answers} == {404}
    # The main content is the same to the letter; only the language links name the address.
    mains = {re.sub(r'value="[^"]+"', "", re.search(r"<main.*</main>", a.text, re.S).group(0))
             for a in answers}
    assert len(mains) == 1
    assert mains.pop().count("There is no workshop with that code.") == 1


def test_joining_sets_a_long_lived_private_cookie(app, make_workshop):
    workshop = make_workshop()
    client = browser(app)
    form = client.get(f"/w/{workshop.join_code}")

    response = client.post(f"/w/{workshop.join_code}/join", data={
        "nickname": "Eeva", "organisation_type": "research", "organisation_name": "Aalto",
        "csrf_token": csrf(form.text)})

    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"tupa_p_{workshop.id}=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Max-Age=15552000" in cookie
    assert "Secure" not in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert len(token) >= 22  # at least 128 bits


def test_the_cookie_is_secure_when_the_site_is(app, make_workshop):
    workshop = make_workshop()
    client = browser(app)
    form = client.get(f"/w/{workshop.join_code}")
    with config(app, SESSION_COOKIE_SECURE=True):
        response = client.post(f"/w/{workshop.join_code}/join", data={
            "organisation_type": "city", "csrf_token": csrf(form.text)})
    assert "Secure" in response.headers["Set-Cookie"]


def test_a_returning_browser_is_the_same_participant(app, make_workshop, rendered):
    workshop = make_workshop()
    client = browser(app)
    form = client.get(f"/w/{workshop.join_code}")
    client.post(f"/w/{workshop.join_code}/join", data={
        "organisation_type": "citizen", "csrf_token": csrf(form.text)})

    first = client.get(f"/w/{workshop.join_code}")
    again = client.get(f"/w/{workshop.join_code}")
    # A second join from the same browser (another tab) does not make a second person.
    client.post(f"/w/{workshop.join_code}/join", data={
        "organisation_type": "city", "csrf_token": csrf(form.text)})

    assert first.status_code == again.status_code == 200
    assert first.headers["Cache-Control"] == "no-store"
    pages = [context for name, context in rendered if name == "participant.html"]
    assert len(pages) == 2
    assert pages[0]["participant"].id == pages[1]["participant"].id
    assert participant_count(app) == 1
    data = page_data(first.text)
    assert data["role"] == "participant"
    assert data["workshop_id"] == workshop.id
    assert data["token"] == client.get_cookie(f"tupa_p_{workshop.id}").value
    assert data["join_code"] == f"{workshop.join_code[:4]}-{workshop.join_code[4:]}"
    assert data["join_url"] == f"http://localhost/w/{workshop.join_code}"
    assert data["qr_url"] == f"/workshops/{workshop.id}/qr.svg"
    assert data["lang"] == "en"  # the workshop's own language
    assert isinstance(data["messages"], dict)


def test_a_token_of_another_workshop_opens_only_the_join_form(app, make_workshop,
                                                              make_participant):
    workshop, other = make_workshop(), make_workshop()
    _, token = make_participant(other)
    client = browser(app)
    client.set_cookie(f"tupa_p_{workshop.id}", token)

    page = client.get(f"/w/{workshop.join_code}")

    assert page.status_code == 200
    assert 'id="tupa-page"' not in page.text
    assert 'name="organisation_type"' in page.text


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"organisation_type": ""}, "organisation_type", "Please choose what kind of organisation"),
    ({"organisation_type": "alien"}, "organisation_type", "Please choose what kind"),
    ({"organisation_type": "city", "nickname": "n" * 41}, "nickname", "at most 40 characters"),
    ({"organisation_type": "city", "organisation_name": "o" * 121}, "organisation_name",
     "at most 120 characters"),
])
def test_a_join_form_with_mistakes_is_shown_again(app, make_workshop, data, field, message):
    workshop = make_workshop()
    client = browser(app)
    form = client.get(f"/w/{workshop.join_code}")

    response = client.post(f"/w/{workshop.join_code}/join",
                           data={**data, "csrf_token": csrf(form.text)})

    assert response.status_code == 400
    assert message in response.text
    assert f'id="{field}-error"' in response.text
    assert "Set-Cookie" not in response.headers or "tupa_p_" not in response.headers["Set-Cookie"]
    assert participant_count(app) == 0


def test_user_text_is_shown_as_text(app, make_facilitator, make_workshop):
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator, title="<script>alert(1)</script>",
                             question="<b>bold</b>?")
    join_page = browser(app).get(f"/w/{workshop.join_code}")
    list_page = signed_in(app, facilitator).get("/workshops")
    for page in (join_page, list_page):
        assert "<script>alert(1)</script>" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


# The facilitator's screens --------------------------------------------------------------------


def test_board_and_presenter_get_their_page_data(app, make_facilitator, make_workshop, rendered):
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator, language="sv")
    client = signed_in(app, facilitator)

    board = client.get(f"/workshops/{workshop.id}")
    presenter = client.get(f"/workshops/{workshop.id}/present")

    assert board.status_code == presenter.status_code == 200
    data = page_data(board.text)
    base = f"/workshops/{workshop.id}"
    assert data == {
        "role": "facilitator", "workshop_id": workshop.id, "lang": "sv",
        "messages": data["messages"],
        "settings": {
            "idea_max_length": 500, "cluster_name_max_length": 80,
            "phases": ["lobby", "posting", "grouping", "voting", "results"],
            "activity_kinds": ["welcome", "brainstorm", "group", "vote", "results", "discussion"],
            "organisation_types": ["city", "company", "research", "citizen", "other"],
            "outcomes": ["pilot", "investigate", "park", "already_done"],
            "organisation_name_max_length": 120, "next_step_max_length": 500,
            "table_name_max_length": 60,
        },
        "join_code": f"{workshop.join_code[:4]}-{workshop.join_code[4:]}",
        "join_url": f"http://localhost/w/{workshop.join_code}", "qr_url": f"{base}/qr.svg",
        "export_csv_url": f"{base}/export.csv", "export_json_url": f"{base}/export.json",
        "export_xlsx_url": f"{base}/export.xlsx",
        "export_excel_csv_url": f"{base}/export-excel.csv",
        "presenter_url": f"{base}/present", "board_url": base,
    }
    assert "token" not in data
    assert page_data(presenter.text)["role"] == "presenter"
    contexts = {name: context for name, context in rendered}
    assert contexts["board.html"]["workshop"].id == workshop.id
    assert contexts["presenter.html"]["workshop"].id == workshop.id


def test_the_join_link_uses_the_public_address_when_set(app, make_facilitator, make_workshop,
                                                       rendered):
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator)
    client = signed_in(app, facilitator)
    with config(app, PUBLIC_URL="https://tupa.example.fi"):
        data = page_data(client.get(f"/workshops/{workshop.id}").text)
    assert data["join_url"] == f"https://tupa.example.fi/w/{workshop.join_code}"


def test_another_facilitator_finds_nothing(app, make_facilitator, make_workshop):
    workshop = make_workshop()
    stranger = signed_in(app, make_facilitator())
    for path in ("", "/present", "/export.csv", "/export.json", "/export.xlsx",
                 "/export-excel.csv", "/qr.svg"):
        assert stranger.get(f"/workshops/{workshop.id}{path}").status_code == 404
    assert stranger.get("/workshops/999999").status_code == 404


def test_the_qr_code_is_an_svg_of_the_join_link(app, make_facilitator, make_workshop,
                                                make_participant):
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator)
    response = signed_in(app, facilitator).get(f"/workshops/{workshop.id}/qr.svg")

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.text.lstrip().startswith("<svg")
    assert "<title>" in response.text and workshop.join_code in response.text

    # Its participants may show the code to a neighbour, too.
    _, token = make_participant(workshop)
    phone = browser(app)
    phone.set_cookie(f"tupa_p_{workshop.id}", token)
    assert phone.get(f"/workshops/{workshop.id}/qr.svg").mimetype == "image/svg+xml"


# Languages ------------------------------------------------------------------------------------


def test_the_language_switch_shows_finnish_and_swedish(app):
    client = browser(app)
    hint = "pybabel compile -d workshop/translations first"

    finnish = client.get("/?lang=fi")
    assert '<html lang="fi">' in finnish.text
    assert "Liity työpajaan" in finnish.text, hint
    swedish = client.get("/signin?lang=sv")
    assert '<html lang="sv">' in swedish.text
    assert "Logga in" in swedish.text, hint
    # The choice is remembered on the next page.
    assert '<html lang="sv">' in client.get("/").text
    english = client.get("/?lang=en")
    assert "Join a workshop" in english.text


def test_the_language_switcher_keeps_the_page_and_marks_the_current_one(app):
    page = browser(app).get("/signin?next=/workshops&lang=sv")
    links = re.findall(r'<a href="([^"]+)" lang="(\w+)" hreflang="(\w+)"( aria-current="true")?',
                       page.text)
    assert [(lang, bool(current)) for _, lang, _, current in links] == [
        ("fi", False), ("sv", True), ("en", False)]
    assert links[0][0] == "/signin?next=%2Fworkshops&amp;lang=fi"


def test_a_workshop_page_follows_the_workshops_language_unless_one_was_chosen(app,
                                                                              make_workshop):
    workshop = make_workshop(language="sv")
    client = browser(app)
    assert '<html lang="sv">' in client.get(f"/w/{workshop.join_code}").text
    client.get("/?lang=fi")
    assert '<html lang="fi">' in client.get(f"/w/{workshop.join_code}").text


# Browser libraries ----------------------------------------------------------------------------


def test_only_the_known_browser_libraries_are_served(app):
    client = browser(app)
    for name in ("socket.io.esm.min.js", "sortable.esm.js"):
        with client.get(f"/vendor/{name}") as response:
            if response.status_code == 404:
                pytest.skip("node_modules is not installed (npm ci)")
            assert response.status_code == 200
            assert response.mimetype == "text/javascript"
            assert response.data
    for name in ("package.json", "..%2Fpackage.json", "socket.io.js", "sortable.js"):
        assert client.get(f"/vendor/{name}").status_code == 404


def test_the_change_log_shows_each_change_in_the_persons_language(
        app, make_workshop, make_facilitator, make_participant, add_idea):
    facilitator = make_facilitator()
    workshop = make_workshop(facilitator, phase="posting")
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Benches <b>now</b>")
    with app.app_context():
        board = Actor(workshop.id, facilitator_id=workshop.facilitator_id)
        commands.run("idea.hide", db.session, board, {"idea_id": idea_id})
        commands.run("phase.set", db.session, board, {"phase": "voting"})
        db.session.commit()
    client = signed_in(app, facilitator)

    page = client.get(f"/workshops/{workshop.id}/log?lang=fi")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.text.index("Loi työpajan") < page.text.index("Piilotti idean") \
        < page.text.index("Vaihtoi vaihetta")
    assert "phase: posting" in page.text and "phase: voting" in page.text
    assert facilitator.name in page.text
    board_page = client.get(f"/workshops/{workshop.id}")
    assert f'href="/workshops/{workshop.id}/log"' in board_page.text
    # Another facilitator's workshop is as unknown as a missing one.
    other = signed_in(app, make_facilitator())
    assert other.get(f"/workshops/{workshop.id}/log").status_code == 404

