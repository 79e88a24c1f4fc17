"""The public results page at /w/<join code>/results: open to anyone with the link, no join
needed, closed (404) when the facilitator keeps the results private; nobody is named on it."""

from __future__ import annotations

import pytest
from arrange import as_facilitator, as_participant, browser

from workshop.extensions import db
from workshop.realtime import commands


def run(app, actor, name, payload):
    with app.app_context():
        result, _ = commands.run(name, db.session, actor, payload)
        db.session.commit()
        return result


@pytest.fixture
def decided(app, make_workshop, make_participant, add_idea):
    """A workshop at its results: two ideas by named people, one voted on, one decided."""

    def make(**settings):
        workshop = make_workshop(phase="results", **settings)
        aino, _ = make_participant(workshop, nickname="Aino Virtanen",
                                   organisation_name="Secret Startup Oy")
        bertil, _ = make_participant(workshop, nickname="Bertil", organisation_type="company")
        benches = add_idea(aino, "Benches at every stop")
        shelters = add_idea(bertil, "Heated <b>shelters</b>")
        facilitator = as_facilitator(workshop)
        # Votes in the vote before the results, as phones cast them.
        vote = run(app, facilitator, "activity.go", {"activity_id": _vote_id(app, workshop)})
        assert vote["phase"] == "voting"
        run(app, as_participant(bertil), "vote.cast", {"key": "v1", "idea_id": benches})
        run(app, facilitator, "phase.set", {"phase": "results"})
        run(app, facilitator, "decision.set", {
            "idea_id": benches, "outcome": "pilot", "owner_name": "City of Espoo",
            "owner_type": "city", "next_step": "Five stops first", "due_on": "2027-03-31"})
        cluster = run(app, facilitator, "cluster.create", {"key": "c", "name": "Warmth"})
        run(app, facilitator, "decision.set",
            {"cluster_id": cluster["cluster"]["id"], "outcome": "park"})
        return workshop, shelters

    return make


def _vote_id(app, workshop):
    from workshop.services import agenda
    with app.app_context():
        return next(a.id for a in agenda.activities_of(db.session, workshop.id)
                    if a.kind == "vote")


def test_anyone_with_the_link_sees_results_and_decisions_but_nobody_named(app, decided):
    workshop, _ = decided()

    page = browser(app).get(f"/w/{workshop.join_code}/results")

    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-cache"
    text = page.text
    assert "Better bus stops" in text
    assert text.index("Benches at every stop") < text.index("Heated &lt;b&gt;shelters&lt;/b&gt;")
    assert "Votes: 1" in text and "Rank 1" in text
    assert "Take forward as a pilot" in text and ">Park<" in text
    assert "Owner: City of Espoo (City or municipality)" in text
    assert "Next step: Five stops first" in text
    assert 'datetime="2027-03-31"' in text and "March 31, 2027" in text
    assert "Cluster: Warmth" in text
    for personal in ("Aino", "Bertil", "Secret Startup"):
        assert personal not in text
    assert "<b>shelters" not in text


@pytest.mark.parametrize(("lang", "words"), [
    ("fi", ["Tulokset", "Päätökset", "Viedään eteenpäin pilottina",
            "Seuraava askel: Five stops first", "31. maaliskuuta 2027"]),
    ("sv", ["Resultat", "Beslut", "Förs vidare som pilot", "Nästa steg: Five stops first",
            "31 mars 2027"]),
    ("en", ["Results", "Decisions", "Take forward as a pilot", "Next step: Five stops first"]),
])
def test_it_speaks_the_readers_language(app, decided, lang, words):
    workshop, _ = decided()
    page = browser(app).get(f"/w/{workshop.join_code}/results?lang={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    for word in words:
        assert word in page.text, word


def test_closed_by_the_facilitator_it_is_not_found(app, decided):
    workshop, _ = decided()
    run(app, as_facilitator(workshop), "workshop.set_results_public", {"public": False})

    page = browser(app).get(f"/w/{workshop.join_code}/results")

    assert page.status_code == 404
    assert "not public" in page.text
    assert "Benches" not in page.text and "City of Espoo" not in page.text
    finnish = browser(app).get(f"/w/{workshop.join_code}/results?lang=fi")
    assert finnish.status_code == 404 and "eivät ole julkisia" in finnish.text

    run(app, as_facilitator(workshop), "workshop.set_results_public", {"public": True})
    assert browser(app).get(f"/w/{workshop.join_code}/results").status_code == 200


def test_counts_stay_hidden_until_revealed(app, decided):
    workshop, _ = decided()
    run(app, as_facilitator(workshop), "phase.set", {"phase": "grouping"})

    text = browser(app).get(f"/w/{workshop.join_code}/results").text

    assert "Votes:" not in text and "Rank 1" not in text
    assert "The results have not been revealed yet." in text
    # The decisions stand whatever the phase.
    assert "Take forward as a pilot" in text


def test_a_hidden_ideas_decision_is_not_shown(app, decided):
    workshop, shelters = decided()
    facilitator = as_facilitator(workshop)
    run(app, facilitator, "decision.set", {"idea_id": shelters, "outcome": "investigate"})
    run(app, facilitator, "idea.hide", {"idea_id": shelters})

    text = browser(app).get(f"/w/{workshop.join_code}/results").text

    assert "shelters" not in text and "Investigate" not in text


def test_a_wrong_code_is_no_workshop_and_a_typed_one_is_put_right(app, decided):
    workshop, _ = decided()
    assert browser(app).get("/w/NOPE0000/results").status_code == 404
    typed = workshop.join_code.lower()
    if typed != workshop.join_code:
        moved = browser(app).get(f"/w/{typed}/results")
        assert moved.status_code == 302
        assert moved.headers["Location"].endswith(f"/w/{workshop.join_code}/results")


def test_the_join_link_leads_on_to_the_results_while_they_are_public(
        app, decided, make_workshop):
    workshop, _ = decided()
    results_link = f'href="/w/{workshop.join_code}/results"'

    assert results_link in browser(app).get(f"/w/{workshop.join_code}").text
    run(app, as_facilitator(workshop), "workshop.set_results_public", {"public": False})
    assert results_link not in browser(app).get(f"/w/{workshop.join_code}").text
    # Before any result or decision there is nothing to lead on to.
    fresh = make_workshop()
    assert "/results" not in browser(app).get(f"/w/{fresh.join_code}").text
