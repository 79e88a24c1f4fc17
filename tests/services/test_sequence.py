"""Sequence numbers: facts numbered one after another, none spent for nothing, and a catch-up
of what a screen missed (workshop/services/sequence.py)."""

from __future__ import annotations

from arrange import as_facilitator, as_participant, run_at_once

from workshop.extensions import db
from workshop.services import clusters, ideas, snapshot, workshops


def test_facts_are_numbered_one_after_another(session, make_workshop, make_participant):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    facilitator = as_facilitator(workshop)

    stamped = []
    for key in ("k1", "k2"):
        stamped += ideas.post_idea(session, as_participant(author), key, f"Idea {key}")[1]
    stamped += clusters.create_cluster(session, facilitator, "c1", "One")[1]
    stamped += workshops.set_phase(session, facilitator, "results")[1]

    assert [f.sequence for f in stamped] == [1, 2, 3, 4, 5]
    assert snapshot.snapshot(session, facilitator)["seq"] == 5


def test_a_participant_catches_up_on_what_they_missed(session, make_workshop, make_participant):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    actor = as_participant(author)
    ideas.post_idea(session, actor, "k1", "One")
    _, second = ideas.post_idea(session, actor, "k2", "Two")

    caught_up, facts = snapshot.sync(session, actor, since=1)

    assert facts == []
    assert caught_up == {"seq": 2, "missed": [
        {"name": "idea.posted", "payload": {"seq": 2, **second[0].payload}}
    ]}
    assert snapshot.sync(session, actor, since=2)[0] == {"seq": 2, "missed": []}
    for since in (None, 3, -1):
        assert "missed" not in snapshot.sync(session, actor, since=since)[0]
    assert "presence" in snapshot.sync(session, as_facilitator(workshop), since=1)[0]


def test_one_key_racing_in_spends_one_sequence_number(app, make_workshop, make_participant):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    actor = as_participant(author)
    told = []

    run_at_once(app, 10, lambda _n: told.extend(
        ideas.post_idea(db.session, actor, "same-key", "Benches")[1]))
    with app.app_context():
        _, next_facts = ideas.post_idea(db.session, actor, "other-key", "Trees")
        db.session.commit()

    # The posts that lost the race gave their numbers back: no screen waits for a gap.
    assert [f.sequence for f in told + next_facts] == [1, 2]


def test_an_edit_that_changes_nothing_spends_no_sequence_number(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Shade")
    actor = as_participant(author)

    _, unchanged = ideas.edit_idea(session, actor, idea_id, "Shade")
    _, posted = ideas.post_idea(session, actor, "k1", "Benches")

    assert unchanged == [] and [f.sequence for f in posted] == [1]
