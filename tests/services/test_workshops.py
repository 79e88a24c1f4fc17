"""Workshops: creating one, finding it by its code, listing them, phases and the reveal
(workshop/services/workshops.py)."""

from __future__ import annotations

import pytest
from arrange import as_facilitator, as_participant, names, refused

from workshop.domain.phases import Phase
from workshop.services import agenda, votes, workshops


def test_setting_the_phase_tells_everyone_and_the_same_phase_tells_nobody(session, make_workshop):
    workshop = make_workshop()
    facilitator = as_facilitator(workshop)

    result, facts = agenda.set_phase(session, facilitator, "voting")
    _, no_facts = agenda.set_phase(session, facilitator, "voting")

    vote = next(a for a in agenda.activities_of(session, workshop.id) if a.kind == "vote")
    assert result == {"phase": "voting", "activity_id": vote.id}
    assert names(facts) == ["phase.changed"]
    assert facts[0].payload["phase"] == "voting" and facts[0].payload["activity_id"] == vote.id
    assert facts[0].payload["activity"]["kind"] == "vote"
    assert no_facts == []
    with refused("invalid_phase"):
        agenda.set_phase(session, facilitator, "brainstorm")


def test_entering_results_reveals_the_ranked_votes(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting", vote_budget=3)
    one, _ = make_participant(workshop)
    two, _ = make_participant(workshop)
    a, b, c = (add_idea(one, text) for text in ("A", "B", "C"))
    hidden = add_idea(two, "Hidden", hidden=True)
    for key, voter, idea_id in [("1", one, b), ("2", one, b), ("3", two, a), ("4", two, c)]:
        votes.cast_vote(session, as_participant(voter), key, idea_id)

    _, facts = agenda.set_phase(session, as_facilitator(workshop), "results")

    assert names(facts) == ["phase.changed", "results.revealed"]
    assert facts[1].sequence == facts[0].sequence + 1
    vote = next(a for a in agenda.activities_of(session, workshop.id) if a.kind == "vote")
    assert facts[1].payload["vote_activity_id"] == vote.id
    assert facts[1].payload["results"] == ([
        {"idea_id": b, "votes": 2, "rank": 1},
        {"idea_id": a, "votes": 1, "rank": 2},
        {"idea_id": c, "votes": 1, "rank": 2},
    ])
    assert hidden not in [r["idea_id"] for r in facts[1].payload["results"]]


def test_a_new_workshop_gets_a_join_code_and_opens_on_its_welcome(session, make_facilitator):
    owner = make_facilitator()

    workshop, _ = workshops.create_workshop(
        session, owner, title=" Bus stops ", question="How might we wait better?",
        vote_budget=4, votes_per_idea=None, language="sv",
    )

    assert workshop.title == "Bus stops"
    assert workshop.phase == Phase.LOBBY.value
    kinds = [(a.kind, a.title) for a in agenda.activities_of(session, workshop.id)]
    assert kinds == [("welcome", "Välkommen"), ("brainstorm", "Idéer"), ("group", "Gruppering"),
                     ("vote", "Röstning"), ("results", "Resultat")]
    assert workshop.current_activity_id == agenda.activities_of(session, workshop.id)[0].id
    brainstorm, vote = agenda.activities_of(session, workshop.id)[1:4:2]
    assert brainstorm.prompt == "How might we wait better?"
    assert (vote.vote_budget, vote.votes_per_idea) == (4, 4)
    assert len(workshop.join_code) == 8
    assert workshops.workshop_by_code(session, workshop.join_code.lower()) is workshop
    spaced = f" {workshop.join_code[:4]} - {workshop.join_code[4:]} "
    assert workshops.workshop_by_code(session, spaced) is workshop


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        ({"vote_budget": 0}, "invalid_vote_settings"),
        ({"votes_per_idea": 9}, "invalid_vote_settings"),
        ({"language": "de"}, "invalid_payload"),
        ({"title": " "}, "text_empty"),
    ],
)
def test_a_workshop_with_bad_settings_is_refused(session, make_facilitator, settings, code):
    owner = make_facilitator()
    defaults = {"title": "Bus stops", "question": "How?", "vote_budget": 5,
                "votes_per_idea": None, "language": "fi"}
    with refused(code):
        workshops.create_workshop(session, owner, **{**defaults, **settings})


def test_a_wrong_code_opens_nothing(session, make_workshop):
    make_workshop()
    assert workshops.workshop_by_code(session, "") is None
    assert workshops.workshop_by_code(session, " - ") is None
    assert workshops.workshop_by_code(session, "ZZZZZZZZ") is None


def test_a_facilitator_sees_only_their_workshops_newest_first(
    session, make_facilitator, make_workshop
):
    owner = make_facilitator()
    older = make_workshop(owner, title="Older")
    newer = make_workshop(owner, title="Newer")
    make_workshop(title="Someone else's")

    assert [w.id for w in workshops.workshops_of(session, owner)] == [newer.id, older.id]


def test_an_agenda_without_a_welcome_gets_one_in_front_and_its_sources_still_point_right(
        session, make_facilitator):
    from workshop.domain.agenda import draft
    planned = [(draft("brainstorm", "Ideas", "What if?"), None), (draft("vote", "Dots"), 0),
               (draft("results", "Results"), 1)]

    workshop, _ = workshops.create_workshop(session, make_facilitator(), title="No welcome",
                                            language="fi", agenda=planned)

    made = agenda.activities_of(session, workshop.id)
    assert [(a.kind, a.title) for a in made] == [
        ("welcome", "Tervetuloa"), ("brainstorm", "Ideas"), ("vote", "Dots"),
        ("results", "Results")]
    assert (made[2].source_activity_id, made[3].source_activity_id) == (made[1].id, made[2].id)
    assert workshop.current_activity_id == made[0].id and workshop.question == "What if?"
