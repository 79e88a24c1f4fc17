"""Sequence numbers: facts numbered one after another, none spent for nothing, and a catch-up
of what a screen missed (workshop/services/sequence.py)."""

from __future__ import annotations

from arrange import as_facilitator, as_participant, run_at_once

from workshop.extensions import db
from workshop.realtime import commands
from workshop.services import agenda, clusters, ideas, snapshot


def test_facts_are_numbered_one_after_another(session, make_workshop, make_participant):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    facilitator = as_facilitator(workshop)

    stamped = []
    for key in ("k1", "k2"):
        stamped += ideas.post_idea(session, as_participant(author), key, f"Idea {key}")[1]
    stamped += clusters.create_cluster(session, facilitator, "c1", "One")[1]
    stamped += agenda.set_phase(session, facilitator, "results")[1]

    assert [f.sequence for f in stamped] == [1, 2, 3, 4, 5]
    assert snapshot.snapshot(session, facilitator)["seq"] == 5


def test_a_participant_catches_up_on_what_they_missed(session, make_workshop, make_participant):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    actor = as_participant(author)
    ideas.post_idea(session, actor, "k1", "One")
    _, second = ideas.post_idea(session, actor, "k2", "Two")

    caught_up, facts = snapshot.sync(session, actor, since=1)
    nothing_missed = snapshot.sync(session, actor, since=2)[0]

    assert facts == []
    # Every answer also carries the server's clock, for the screens' timers.
    assert caught_up.pop("server_now").endswith("Z") and nothing_missed.pop("server_now")
    assert caught_up == {"seq": 2, "missed": [
        {"name": "idea.posted", "payload": {"seq": 2, **second[0].payload}}
    ]}
    assert nothing_missed == {"seq": 2, "missed": []}
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


# A catch-up is only what the reader could have heard and may still see (issue 13, point 4).


def _posted_then(session, workshop, make_participant):
    """A reader who saw seq 1, and an author whose two ideas came after it."""
    reader, _ = make_participant(workshop)
    author, _ = make_participant(workshop)
    commands.run("phase.set", session, as_facilitator(workshop), {"phase": "grouping"})
    commands.run("phase.set", session, as_facilitator(workshop), {"phase": "posting"})
    first = ideas.post_idea(session, as_participant(author), "k1", "First words")[0]["idea"]["id"]
    ideas.post_idea(session, as_participant(author), "k2", "Second")
    return as_participant(reader), as_participant(author), first


def test_a_catch_up_never_replays_a_hidden_idea(session, make_workshop, make_participant):
    workshop = make_workshop()
    reader, _author, first = _posted_then(session, workshop, make_participant)
    assert "missed" in snapshot.sync(session, reader, since=1)[0]

    commands.run("idea.hide", session, as_facilitator(workshop), {"idea_id": first})

    answer = snapshot.sync(session, reader, since=1)[0]
    assert "missed" not in answer and "First words" not in str(answer)
    # Caught up from after the post, the hiding itself is told: nothing there to hide.
    assert "missed" in snapshot.sync(session, reader, since=3)[0]


def test_a_catch_up_never_replays_a_deleted_idea_or_the_words_before_an_edit(
        session, make_workshop, make_participant):
    workshop = make_workshop()
    reader, author, first = _posted_then(session, workshop, make_participant)

    commands.run("idea.edit", session, author, {"idea_id": first, "text": "Better words"})
    answer = snapshot.sync(session, reader, since=1)[0]
    assert "missed" not in answer and "First words" not in str(answer)
    assert "Better words" in str(answer)

    commands.run("idea.delete", session, as_facilitator(workshop), {"idea_id": first})
    answer = snapshot.sync(session, reader, since=1)[0]
    assert "missed" not in answer and "words" not in str(answer)


def test_a_since_from_before_the_reader_joined_gets_a_snapshot(
        session, make_workshop, make_participant):
    workshop = make_workshop()
    _posted_then(session, workshop, make_participant)
    session.commit()
    newcomer, _ = make_participant(workshop)

    answer = snapshot.sync(session, as_participant(newcomer), since=0)[0]

    assert "missed" not in answer
    assert answer["seq"] == 4 and len(answer["ideas"]) == 2
