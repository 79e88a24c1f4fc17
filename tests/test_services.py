"""The use cases on a real session: SQLite, and PostgreSQL when TEST_DATABASE_URL is set.

Rows are made with the conftest factories first; only then does a test touch `session`,
because on SQLite an open transaction holds the write lock the factories would wait for.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from workshop.domain import Audience, DomainError, Phase
from workshop.extensions import db
from workshop.models import Cluster, Facilitator, Idea, Participant, Presence, Vote, utcnow
from workshop.services import (
    clusters,
    erasure,
    facilitators,
    ideas,
    participants,
    presence,
    votes,
    workshops,
)
from workshop.services.access import Actor, current_sequence, facilitated_workshop


@contextmanager
def refused(code: str):
    """Expect a DomainError with this code."""
    with pytest.raises(DomainError) as info:
        yield info
    assert info.value.code == code, info.value.message


def as_participant(participant: Participant) -> Actor:
    """The actor for a participant."""
    return Actor(participant.workshop_id, participant_id=participant.id)


def as_facilitator(workshop) -> Actor:
    """The actor for a workshop's own facilitator."""
    return Actor(workshop.id, facilitator_id=workshop.facilitator_id)


def names(facts) -> list[str]:
    """The names of facts, in order."""
    return [f.name for f in facts]


def count(session, model) -> int:
    """Rows of one table."""
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def add_idea(app):
    """Factory: a committed idea, whatever the workshop's phase; returns its id."""

    def add(participant, text="An idea", *, hidden=False, key=None):
        with app.app_context():
            idea = Idea(workshop_id=participant.workshop_id, participant_id=participant.id,
                        text=text, hidden=hidden, client_key=key or f"seed-{text}",
                        created_at=utcnow())
            db.session.add(idea)
            db.session.commit()
            return idea.id

    return add


# Posting, editing, deleting


def test_posting_stores_the_trimmed_idea_and_tells_the_workshop(
    session, make_workshop, make_participant
):
    workshop = make_workshop()
    author, _ = make_participant(workshop, nickname="Aino", organisation_type="research")

    result, facts = ideas.post_idea(session, as_participant(author), "k1", "  Shade at stops ")

    idea = result["idea"]
    assert idea["text"] == "Shade at stops"
    assert idea["author"] == {"id": author.id, "nickname": "Aino",
                              "organisation_type": "research"}
    assert idea["hidden"] is False and idea["cluster_id"] is None
    assert names(facts) == ["idea.posted"]
    assert facts[0].payload == {"idea": idea}
    assert facts[0].audience is Audience.WORKSHOP and facts[0].sequence == 1


def test_posting_twice_with_one_key_stores_once_and_tells_once(
    session, make_workshop, make_participant
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    actor = as_participant(author)

    first, first_facts = ideas.post_idea(session, actor, "k1", "Shade")
    again, again_facts = ideas.post_idea(session, actor, "k1", "Shade, but different")

    assert again == first
    assert len(first_facts) == 1 and again_facts == []
    assert count(session, Idea) == 1


def test_two_participants_may_use_the_same_key(session, make_workshop, make_participant):
    workshop = make_workshop()
    one, _ = make_participant(workshop)
    two, _ = make_participant(workshop)

    ideas.post_idea(session, as_participant(one), "k1", "One")
    ideas.post_idea(session, as_participant(two), "k1", "Two")

    assert count(session, Idea) == 2


@pytest.mark.parametrize("phase", ["lobby", "grouping", "voting", "results"])
def test_posting_is_refused_outside_posting(session, make_workshop, make_participant, phase):
    workshop = make_workshop(phase=phase)
    author, _ = make_participant(workshop)
    with refused("posting_closed"):
        ideas.post_idea(session, as_participant(author), "k1", "Late idea")
    assert count(session, Idea) == 0


@pytest.mark.parametrize(
    ("text", "code"), [("", "text_empty"), ("   ", "text_empty"), ("x" * 501, "text_too_long")]
)
def test_posting_checks_the_text(session, make_workshop, make_participant, text, code):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    with refused(code):
        ideas.post_idea(session, as_participant(author), "k1", text)


def test_a_facilitator_does_not_post_ideas(session, make_workshop):
    workshop = make_workshop()
    with refused("forbidden"):
        ideas.post_idea(session, as_facilitator(workshop), "k1", "From the front")


def test_an_author_edits_their_idea_while_posting_is_open(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Shade")

    result, facts = ideas.edit_idea(session, as_participant(author), idea_id, " More shade ")
    unchanged, no_facts = ideas.edit_idea(session, as_participant(author), idea_id, "More shade")

    assert result["idea"]["text"] == "More shade"
    assert result["idea"]["edited_at"] is not None
    assert names(facts) == ["idea.edited"]
    assert unchanged["idea"]["text"] == "More shade" and no_facts == []


def test_nobody_edits_someone_elses_idea(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    other, _ = make_participant(workshop)
    idea_id = add_idea(author, "Shade")

    with refused("forbidden"):
        ideas.edit_idea(session, as_participant(other), idea_id, "Mine now")
    with refused("forbidden"):
        ideas.edit_idea(session, as_facilitator(workshop), idea_id, "Facilitator's words")
    assert session.get(Idea, idea_id).text == "Shade"


def test_editing_closes_with_posting(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="grouping")
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Shade")
    with refused("posting_closed"):
        ideas.edit_idea(session, as_participant(author), idea_id, "Changed")
    with refused("posting_closed"):
        ideas.delete_idea(session, as_participant(author), idea_id)
    assert session.get(Idea, idea_id).text == "Shade"


def test_a_hidden_idea_is_gone_for_its_author_too(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Rude words", hidden=True)
    with refused("not_found"):
        ideas.edit_idea(session, as_participant(author), idea_id, "Nice words")
    with refused("not_found"):
        ideas.delete_idea(session, as_participant(author), idea_id)


def test_an_unknown_idea_is_not_found(session, make_workshop, make_participant):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    with refused("not_found"):
        ideas.edit_idea(session, as_participant(author), 999_999, "Anything")
    with refused("not_found"):
        ideas.delete_idea(session, as_facilitator(workshop), 999_999)


def test_an_author_deletes_their_idea_while_posting(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    other, _ = make_participant(workshop)
    idea_id = add_idea(author, "Shade")

    with refused("forbidden"):
        ideas.delete_idea(session, as_participant(other), idea_id)
    result, facts = ideas.delete_idea(session, as_participant(author), idea_id)

    assert result == {"idea_id": idea_id}
    assert names(facts) == ["idea.deleted"] and facts[0].payload == {"idea_id": idea_id}
    assert count(session, Idea) == 0


def test_the_facilitator_deletes_any_idea_in_any_phase_and_its_votes_go_with_it(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting")
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Rude words")
    kept_id = add_idea(author, "Benches")
    votes.cast_vote(session, as_participant(author), "v1", idea_id)
    votes.cast_vote(session, as_participant(author), "v2", kept_id)

    ideas.delete_idea(session, as_facilitator(workshop), idea_id)
    session.expire_all()

    assert count(session, Idea) == 1
    assert [v.idea_id for v in session.execute(select(Vote)).scalars()] == [kept_id]
    assert votes.my_votes_payload(session, author.id, 5)["votes_left"] == 4


# Hiding and showing


def test_the_facilitator_hides_and_shows_an_idea(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Rude words")
    facilitator = as_facilitator(workshop)

    hidden, hide_facts = ideas.set_idea_hidden(session, facilitator, idea_id, hidden=True)
    _, again_facts = ideas.set_idea_hidden(session, facilitator, idea_id, hidden=True)
    shown, show_facts = ideas.set_idea_hidden(session, facilitator, idea_id, hidden=False)

    assert hidden == {"idea_id": idea_id, "hidden": True}
    assert names(hide_facts) == ["idea.hidden"] and hide_facts[0].payload == {"idea_id": idea_id}
    assert again_facts == []
    assert shown == {"idea_id": idea_id, "hidden": False}
    assert names(show_facts) == ["idea.shown"]
    assert show_facts[0].payload["idea"]["text"] == "Rude words"
    assert [f.sequence for f in hide_facts + show_facts] == [1, 2]


def test_participants_do_not_hide_ideas(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Mine")
    with refused("forbidden"):
        ideas.set_idea_hidden(session, as_participant(author), idea_id, hidden=True)
    assert session.get(Idea, idea_id).hidden is False


# Clusters


def test_clusters_are_created_once_per_key_in_order(session, make_workshop):
    workshop = make_workshop()
    facilitator = as_facilitator(workshop)

    first, facts = clusters.create_cluster(session, facilitator, "c1", " Waiting ")
    again, no_facts = clusters.create_cluster(session, facilitator, "c1", "Waiting")
    second, _ = clusters.create_cluster(session, facilitator, "c2", "Walking")

    assert first == again and no_facts == []
    assert first["cluster"]["name"] == "Waiting" and first["cluster"]["idea_ids"] == []
    assert second["cluster"]["position"] > first["cluster"]["position"]
    assert names(facts) == ["clusters.changed"]
    assert facts[0].payload == {"clusters": [first["cluster"]]}
    assert count(session, Cluster) == 2


@pytest.mark.parametrize(("name", "code"), [("", "text_empty"), ("x" * 81, "text_too_long")])
def test_a_cluster_needs_a_name_of_80_characters_at_most(session, make_workshop, name, code):
    workshop = make_workshop()
    with refused(code):
        clusters.create_cluster(session, as_facilitator(workshop), "c1", name)


def test_a_cluster_is_renamed(session, make_workshop):
    workshop = make_workshop()
    facilitator = as_facilitator(workshop)
    created, _ = clusters.create_cluster(session, facilitator, "c1", "Waiting")
    cluster_id = created["cluster"]["id"]

    renamed, facts = clusters.rename_cluster(session, facilitator, cluster_id, "Shelter")
    _, no_facts = clusters.rename_cluster(session, facilitator, cluster_id, "Shelter")

    assert renamed["cluster"]["name"] == "Shelter"
    assert names(facts) == ["clusters.changed"] and no_facts == []
    with refused("text_empty"):
        clusters.rename_cluster(session, facilitator, cluster_id, " ")


def test_ideas_move_between_clusters_at_a_position(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="grouping")
    author, _ = make_participant(workshop)
    a, b, c = (add_idea(author, text) for text in ("A", "B", "C"))
    facilitator = as_facilitator(workshop)
    one = clusters.create_cluster(session, facilitator, "c1", "One")[0]["cluster"]["id"]
    two = clusters.create_cluster(session, facilitator, "c2", "Two")[0]["cluster"]["id"]

    clusters.move_idea(session, facilitator, a, one, 0)
    clusters.move_idea(session, facilitator, b, one, 0)
    result, facts = clusters.move_idea(session, facilitator, c, one, 99)

    assert result == {"idea_id": c, "cluster_id": one}
    assert names(facts) == ["clusters.changed"]
    assert facts[0].payload["clusters"][0]["idea_ids"] == [b, a, c]

    clusters.move_idea(session, facilitator, a, two, 0)
    _, facts = clusters.move_idea(session, facilitator, c, one, 0)
    assert [(x["id"], x["idea_ids"]) for x in facts[0].payload["clusters"]] == [
        (one, [c, b]), (two, [a])
    ]

    _, facts = clusters.move_idea(session, facilitator, a, None, 5)
    assert session.get(Idea, a).cluster_id is None
    assert [x["idea_ids"] for x in facts[0].payload["clusters"]] == [[c, b], []]


def test_moving_refuses_unknown_targets_and_negative_positions(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "A")
    facilitator = as_facilitator(workshop)
    cluster_id = clusters.create_cluster(session, facilitator, "c1", "One")[0]["cluster"]["id"]

    with refused("not_found"):
        clusters.move_idea(session, facilitator, idea_id, 999_999, 0)
    with refused("not_found"):
        clusters.move_idea(session, facilitator, 999_999, cluster_id, 0)
    with refused("invalid_payload"):
        clusters.move_idea(session, facilitator, idea_id, cluster_id, -1)
    assert session.get(Idea, idea_id).cluster_id is None


def test_deleting_a_cluster_keeps_its_ideas(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    idea_ids = [add_idea(author, text) for text in ("A", "B", "C")]
    facilitator = as_facilitator(workshop)
    cluster_id = clusters.create_cluster(session, facilitator, "c1", "One")[0]["cluster"]["id"]
    for idea_id in idea_ids:
        clusters.move_idea(session, facilitator, idea_id, cluster_id, 0)

    result, facts = clusters.delete_cluster(session, facilitator, cluster_id)

    assert result == {"cluster_id": cluster_id}
    assert facts[0].payload == {"clusters": []}
    assert count(session, Cluster) == 0
    ungrouped = session.execute(select(Idea.id).where(Idea.cluster_id.is_(None))).scalars()
    assert sorted(ungrouped) == sorted(idea_ids)
    with refused("not_found"):
        clusters.delete_cluster(session, facilitator, cluster_id)


def test_no_idea_is_ever_lost_while_grouping(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    idea_ids = [add_idea(author, f"Idea {n}") for n in range(6)]
    facilitator = as_facilitator(workshop)
    made = [clusters.create_cluster(session, facilitator, f"c{n}", f"Group {n}")[0]["cluster"]["id"]
            for n in range(3)]

    for step, idea_id in enumerate(idea_ids * 3):
        clusters.move_idea(session, facilitator, idea_id, made[step % 3], step % 4)
    clusters.delete_cluster(session, facilitator, made[1])
    clusters.move_idea(session, facilitator, idea_ids[0], None, 0)

    grouped = [i for c in clusters.clusters_of(session, workshop.id) for i in c["idea_ids"]]
    assert len(grouped) == len(set(grouped))
    assert count(session, Idea) == len(idea_ids)
    assert set(grouped) | {
        i for i in idea_ids if session.get(Idea, i).cluster_id is None
    } == set(idea_ids)


def test_hidden_ideas_keep_their_place_in_their_cluster(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    shown_id = add_idea(author, "Benches")
    hidden_id = add_idea(author, "Rude words", hidden=True)
    facilitator = as_facilitator(workshop)
    cluster_id = clusters.create_cluster(session, facilitator, "c1", "One")[0]["cluster"]["id"]
    clusters.move_idea(session, facilitator, shown_id, cluster_id, 0)

    _, facts = clusters.move_idea(session, facilitator, hidden_id, cluster_id, 0)
    ideas.set_idea_hidden(session, facilitator, hidden_id, hidden=False)

    # A participant's screen never received the hidden idea, so it shows nothing there.
    assert facts[0].payload["clusters"][0]["idea_ids"] == [hidden_id, shown_id]
    assert clusters.clusters_of(session, workshop.id)[0]["idea_ids"] == [hidden_id, shown_id]


@pytest.mark.parametrize(
    "use",
    [
        lambda s, a: clusters.create_cluster(s, a, "c1", "Mine"),
        lambda s, a: clusters.rename_cluster(s, a, 1, "Mine"),
        lambda s, a: clusters.delete_cluster(s, a, 1),
        lambda s, a: clusters.move_idea(s, a, 1, None, 0),
        lambda s, a: workshops.set_phase(s, a, "results"),
    ],
    ids=["create", "rename", "delete", "move", "phase"],
)
def test_participants_do_not_run_the_facilitators_commands(
    session, make_workshop, make_participant, use
):
    workshop = make_workshop()
    participant, _ = make_participant(workshop)
    with refused("forbidden"):
        use(session, as_participant(participant))


def test_a_facilitator_does_not_manage_another_facilitators_workshop(
    session, make_workshop, make_participant, add_idea
):
    mine = make_workshop()
    theirs = make_workshop()
    author, _ = make_participant(theirs)
    idea_id = add_idea(author, "Theirs")
    intruder = Actor(theirs.id, facilitator_id=mine.facilitator_id)

    with refused("forbidden"):
        workshops.set_phase(session, intruder, "results")
    with refused("forbidden"):
        ideas.set_idea_hidden(session, intruder, idea_id, hidden=True)
    with refused("forbidden"):
        workshops.snapshot(session, intruder)
    assert session.get(Idea, idea_id).hidden is False


def test_ids_of_another_workshop_are_not_found(session, make_workshop, make_participant, add_idea):
    mine = make_workshop()
    theirs = make_workshop(phase="voting")
    me, _ = make_participant(mine)
    them, _ = make_participant(theirs)
    their_idea = add_idea(them, "Theirs")
    their_cluster = clusters.create_cluster(
        session, as_facilitator(theirs), "c1", "Theirs")[0]["cluster"]["id"]
    session.commit()

    with refused("not_found"):
        ideas.set_idea_hidden(session, as_facilitator(mine), their_idea, hidden=True)
    with refused("not_found"):
        clusters.rename_cluster(session, as_facilitator(mine), their_cluster, "Mine")
    with refused("not_found"):
        clusters.move_idea(session, as_facilitator(mine), their_idea, None, 0)
    with refused("not_found"):
        ideas.delete_idea(session, as_participant(me), their_idea)


# Phases and results


def test_setting_the_phase_tells_everyone_and_the_same_phase_tells_nobody(session, make_workshop):
    workshop = make_workshop()
    facilitator = as_facilitator(workshop)

    result, facts = workshops.set_phase(session, facilitator, "voting")
    _, no_facts = workshops.set_phase(session, facilitator, "voting")

    assert result == {"phase": "voting"}
    assert names(facts) == ["phase.changed"] and facts[0].payload == {"phase": "voting"}
    assert no_facts == []
    with refused("invalid_phase"):
        workshops.set_phase(session, facilitator, "brainstorm")


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

    _, facts = workshops.set_phase(session, as_facilitator(workshop), "results")

    assert names(facts) == ["phase.changed", "results.revealed"]
    assert facts[1].sequence == facts[0].sequence + 1
    assert facts[1].payload == {"results": [
        {"idea_id": b, "votes": 2, "rank": 1},
        {"idea_id": a, "votes": 1, "rank": 2},
        {"idea_id": c, "votes": 1, "rank": 2},
    ]}
    assert hidden not in [r["idea_id"] for r in facts[1].payload["results"]]


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
    assert workshops.snapshot(session, facilitator)["seq"] == 5


def test_a_participant_catches_up_on_what_they_missed(session, make_workshop, make_participant):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    actor = as_participant(author)
    ideas.post_idea(session, actor, "k1", "One")
    _, second = ideas.post_idea(session, actor, "k2", "Two")

    caught_up, facts = workshops.sync(session, actor, since=1)

    assert facts == []
    assert caught_up == {"seq": 2, "missed": [
        {"name": "idea.posted", "payload": {"seq": 2, **second[0].payload}}
    ]}
    assert workshops.sync(session, actor, since=2)[0] == {"seq": 2, "missed": []}
    for since in (None, 3, -1):
        assert "missed" not in workshops.sync(session, actor, since=since)[0]
    assert "presence" in workshops.sync(session, as_facilitator(workshop), since=1)[0]


# Votes


def test_votes_are_cast_within_the_budget(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting", vote_budget=3)
    voter, _ = make_participant(workshop)
    idea_id = add_idea(voter, "A")
    actor = as_participant(voter)

    answers = [votes.cast_vote(session, actor, f"v{n}", idea_id)[0] for n in range(3)]

    assert [a["votes_left"] for a in answers] == [2, 1, 0]
    assert answers[0]["vote"] == {"key": "v0", "idea_id": idea_id}
    with refused("vote_budget_spent"):
        votes.cast_vote(session, actor, "v3", idea_id)
    assert count(session, Vote) == 3


def test_a_vote_sent_again_is_stored_once(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    idea_id = add_idea(voter, "A")
    actor = as_participant(voter)

    first, facts = votes.cast_vote(session, actor, "v1", idea_id)
    again, no_facts = votes.cast_vote(session, actor, "v1", idea_id)

    assert first == again == {"vote": {"key": "v1", "idea_id": idea_id}, "votes_left": 4}
    assert len(facts) == 1 and no_facts == []
    assert count(session, Vote) == 1


def test_the_per_idea_cap_holds(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting", vote_budget=5, votes_per_idea=2)
    voter, _ = make_participant(workshop)
    a = add_idea(voter, "A")
    b = add_idea(voter, "B")
    actor = as_participant(voter)

    votes.cast_vote(session, actor, "v1", a)
    votes.cast_vote(session, actor, "v2", a)
    with refused("vote_cap_reached"):
        votes.cast_vote(session, actor, "v3", a)
    assert votes.cast_vote(session, actor, "v4", b)[0]["votes_left"] == 2


@pytest.mark.parametrize("phase", ["lobby", "posting", "grouping", "results"])
def test_votes_only_while_voting(session, make_workshop, make_participant, add_idea, phase):
    workshop = make_workshop(phase=phase)
    voter, _ = make_participant(workshop)
    idea_id = add_idea(voter, "A")
    with refused("voting_closed"):
        votes.cast_vote(session, as_participant(voter), "v1", idea_id)
    assert count(session, Vote) == 0


def test_a_vote_is_taken_back_once(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    idea_id = add_idea(voter, "A")
    actor = as_participant(voter)
    votes.cast_vote(session, actor, "v1", idea_id)

    result, facts = votes.retract_vote(session, actor, "v1")
    again, no_facts = votes.retract_vote(session, actor, "v1")

    assert result == again == {"key": "v1", "votes_left": 5}
    assert names(facts) == ["votes.progressed"] and no_facts == []
    assert count(session, Vote) == 0


def test_a_vote_stays_once_voting_has_closed(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    idea_id = add_idea(voter, "A")
    actor = as_participant(voter)
    votes.cast_vote(session, actor, "v1", idea_id)
    workshops.set_phase(session, as_facilitator(workshop), "results")

    with refused("voting_closed"):
        votes.retract_vote(session, actor, "v1")
    assert count(session, Vote) == 1


def test_a_facilitator_does_not_vote(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting")
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "A")
    with refused("forbidden"):
        votes.cast_vote(session, as_facilitator(workshop), "v1", idea_id)
    with refused("forbidden"):
        votes.retract_vote(session, as_facilitator(workshop), "v1")


def test_an_unknown_idea_gets_no_vote(session, make_workshop, make_participant):
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    with refused("not_found"):
        votes.cast_vote(session, as_participant(voter), "v1", 999_999)


def test_a_hidden_idea_gets_no_vote(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    idea_id = add_idea(voter, "Rude words", hidden=True)
    with refused("not_found"):
        votes.cast_vote(session, as_participant(voter), "v1", idea_id)


def test_the_facilitators_see_progress_but_never_a_tally(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting")
    one, _ = make_participant(workshop)
    two, _ = make_participant(workshop)
    idea_id = add_idea(one, "A")

    votes.cast_vote(session, as_participant(one), "v1", idea_id)
    votes.cast_vote(session, as_participant(one), "v2", idea_id)
    _, facts = votes.cast_vote(session, as_participant(two), "v1", idea_id)

    assert names(facts) == ["votes.progressed"]
    # Only that the count is due: one recount covers many votes (workshop/summaries.py).
    assert facts[0].audience is Audience.FACILITATORS and facts[0].sequence is None
    assert facts[0].payload == {}
    assert votes.progress(session, workshop.id) == {"votes_cast": 3, "voters": 2}


def test_a_vote_key_sent_again_answers_the_stored_vote_whatever_it_names_now(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    a = add_idea(voter, "A")
    b = add_idea(voter, "B")
    actor = as_participant(voter)
    first, _ = votes.cast_vote(session, actor, "v1", a)

    other_idea, no_facts = votes.cast_vote(session, actor, "v1", b)
    workshops.set_phase(session, as_facilitator(workshop), "results")
    after_closing, _ = votes.cast_vote(session, actor, "v1", b)

    assert first == other_idea == after_closing == {"vote": {"key": "v1", "idea_id": a},
                                                    "votes_left": 4}
    assert no_facts == [] and votes.tallies(session, workshop.id) == {a: 1}


def test_only_the_workshops_own_participants_vote(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting")
    elsewhere = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    stranger, _ = make_participant(elsewhere)
    idea_id = add_idea(voter, "A")
    cast = votes.cast_vote
    retract = votes.retract_vote

    with refused("forbidden") as info:
        cast(session, as_facilitator(workshop), "v1", idea_id)
    assert info.value.message == "only participants can do this"
    with refused("forbidden"):
        cast(session, Actor(workshop.id, facilitator_id=elsewhere.facilitator_id), "v1", idea_id)
    with refused("forbidden"):
        cast(session, Actor(workshop.id, participant_id=stranger.id), "v1", idea_id)
    with refused("forbidden"):
        retract(session, Actor(workshop.id, participant_id=stranger.id), "v1")
    with refused("not_found"):
        cast(session, Actor(999_999, participant_id=voter.id), "v1", idea_id)
    with refused("not_found"):
        retract(session, Actor(999_999, participant_id=voter.id), "v1")
    assert count(session, Vote) == 0


def test_an_idea_of_another_workshop_gets_no_vote(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting")
    elsewhere = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    author, _ = make_participant(elsewhere)
    idea_id = add_idea(author, "Theirs")
    with refused("not_found"):
        votes.cast_vote(session, as_participant(voter), "v1", idea_id)


def test_each_participant_spends_their_own_budget(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting", vote_budget=2, votes_per_idea=2)
    one, _ = make_participant(workshop)
    two, _ = make_participant(workshop)
    idea_id = add_idea(one, "A")

    for key in ("v1", "v2"):
        votes.cast_vote(session, as_participant(one), key, idea_id)
    answers = [votes.cast_vote(session, as_participant(two), key, idea_id)[0]["votes_left"]
               for key in ("v1", "v2")]

    assert answers == [1, 0]
    with refused("vote_budget_spent"):
        votes.cast_vote(session, as_participant(one), "v3", idea_id)


def test_progress_counts_this_workshops_votes_and_who_still_has_any(
    session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting")
    elsewhere = make_workshop(phase="voting")
    one, _ = make_participant(workshop)
    two, _ = make_participant(workshop)
    make_participant(workshop)  # has not voted
    stranger, _ = make_participant(elsewhere)
    idea_id = add_idea(one, "A")
    their_idea = add_idea(stranger, "B")
    votes.cast_vote(session, as_participant(stranger), "v1", their_idea)
    for key in ("v1", "v2", "v3"):
        votes.cast_vote(session, as_participant(one), key, idea_id)
    votes.cast_vote(session, as_participant(two), "v1", idea_id)

    _, facts = votes.retract_vote(session, as_participant(two), "v1")

    assert [(f.name, f.workshop_id) for f in facts] == [("votes.progressed", workshop.id)]
    assert votes.progress(session, workshop.id) == {"votes_cast": 3, "voters": 1}
    assert votes.progress(session, elsewhere.id) == {"votes_cast": 1, "voters": 1}


def test_a_vote_locks_its_voter_and_shares_the_workshop_with_other_votes(
    app, session, make_workshop, make_participant, add_idea
):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time")
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    idea_id = add_idea(voter, "A")

    votes.cast_vote(session, as_participant(voter), "v1", idea_id)  # not committed yet

    with db.engine.connect() as other:
        # Another participant's vote goes ahead: votes share the workshop's row.
        other.execute(text("SELECT id FROM workshop WHERE id = :id FOR SHARE NOWAIT"),
                      {"id": workshop.id})
        other.rollback()
        # A phase change waits for the votes in flight, so none lands after the reveal.
        with pytest.raises(OperationalError):
            other.execute(text("SELECT id FROM workshop WHERE id = :id FOR NO KEY UPDATE NOWAIT"),
                          {"id": workshop.id})
        other.rollback()
        # Another command of the same voter waits: the count-then-insert is one step.
        with pytest.raises(OperationalError):
            other.execute(text("SELECT id FROM participant WHERE id = :id FOR UPDATE NOWAIT"),
                          {"id": voter.id})


# Snapshots


@pytest.fixture
def voting_workshop(make_workshop, make_participant, add_idea, app):
    """A workshop in voting with a visible and a hidden idea, a cluster and two votes."""
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop, nickname="Aino", organisation_name="City of Turku")
    other, _ = make_participant(workshop, organisation_type="company")
    shown = add_idea(other, "Benches")
    hidden = add_idea(other, "Rude words", hidden=True)
    with app.app_context():
        facilitator = as_facilitator(workshop)
        created, _ = clusters.create_cluster(db.session, facilitator, "c1", "One")
        cluster_id = created["cluster"]["id"]
        clusters.move_idea(db.session, facilitator, shown, cluster_id, 0)
        clusters.move_idea(db.session, facilitator, hidden, cluster_id, 0)
        votes.cast_vote(db.session, as_participant(voter), "v1", shown)
        votes.cast_vote(db.session, as_participant(other), "v1", shown)
        db.session.commit()
    return workshop, voter, shown, hidden


def test_a_participant_snapshot_hides_hidden_ideas_and_every_tally(session, voting_workshop):
    workshop, voter, shown, hidden = voting_workshop

    snap = workshops.snapshot(session, as_participant(voter))

    assert [i["id"] for i in snap["ideas"]] == [shown]
    assert snap["clusters"][0]["idea_ids"] == [hidden, shown]  # the place, never the idea
    assert snap["results"] is None
    assert "presence" not in snap and "votes_progress" not in snap
    assert snap["me"] == {
        "role": "participant", "participant_id": voter.id, "nickname": "Aino",
        "organisation_type": "city", "organisation_name": "City of Turku",
        "votes": [{"key": "v1", "idea_id": shown}], "votes_left": 4,
    }
    assert snap["workshop"]["phase"] == "voting"
    assert "votes" not in str(snap["ideas"]) and "votes" not in str(snap["clusters"])


def test_a_facilitator_snapshot_shows_hidden_ideas_and_presence_but_no_tally(
    session, voting_workshop
):
    workshop, _, shown, hidden = voting_workshop

    snap = workshops.snapshot(session, as_facilitator(workshop))

    assert [(i["id"], i["hidden"]) for i in snap["ideas"]] == [(shown, False), (hidden, True)]
    assert snap["clusters"][0]["idea_ids"] == [hidden, shown]
    assert snap["results"] is None
    assert snap["me"] == {"role": "facilitator"}
    assert snap["presence"]["joined"] == 2
    assert snap["votes_progress"] == {"votes_cast": 2, "voters": 2}


def test_after_the_reveal_everyone_sees_the_results(session, voting_workshop):
    workshop, voter, shown, _ = voting_workshop
    workshops.set_phase(session, as_facilitator(workshop), "results")

    for actor in (as_participant(voter), as_facilitator(workshop)):
        assert workshops.snapshot(session, actor)["results"] == [
            {"idea_id": shown, "votes": 2, "rank": 1}
        ]


# Presence


def test_presence_counts_people_online_by_organisation_type(
    session, make_workshop, make_participant
):
    workshop = make_workshop()
    city, _ = make_participant(workshop, organisation_type="city")
    company, _ = make_participant(workshop, organisation_type="company")
    make_participant(workshop, organisation_type="research")

    presence.arrive(session, "sid-1", "test", city)
    presence.arrive(session, "sid-2", "test", city)  # a second tab counts once
    facts = presence.arrive(session, "sid-3", "other-server", company)

    assert names(facts) == ["presence.changed"]
    # Only that the count is due: it is made once for many arrivals (workshop/summaries.py).
    assert facts[0].audience is Audience.FACILITATORS and facts[0].sequence is None
    assert facts[0].payload == {}
    assert presence.presence_payload(session, workshop.id) == {
        "online": 2, "joined": 3,
        "by_organisation_type": {"city": 1, "company": 1, "research": 0, "citizen": 0,
                                 "other": 0},
    }

    presence.leave(session, "sid-1")
    assert presence.presence_payload(session, workshop.id)["online"] == 2
    presence.leave(session, "sid-2")
    assert presence.presence_payload(session, workshop.id)["by_organisation_type"]["city"] == 0
    assert presence.leave(session, "sid-unknown") == []

    presence.forget_server(session, "other-server")
    assert count(session, Presence) == 0


# Workshops, participants, facilitators


def test_a_new_workshop_gets_a_join_code_and_opens_for_posting(session, make_facilitator):
    owner = make_facilitator()

    workshop = workshops.create_workshop(
        session, owner, title=" Bus stops ", question="How might we wait better?",
        vote_budget=4, votes_per_idea=None, language="sv",
    )

    assert workshop.title == "Bus stops"
    assert workshop.phase == Phase.POSTING.value
    assert (workshop.vote_budget, workshop.votes_per_idea) == (4, 4)
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


def test_a_participant_is_known_again_by_their_token_only(session, make_workshop):
    workshop = make_workshop()

    participant, token = participants.join(
        session, workshop, nickname=" Aino ", organisation_type="citizen", organisation_name="",
    )

    assert len(token) >= 22  # at least 128 bits of base64
    assert participant.token_hash == participants.hash_token(token) != token
    assert participant.nickname == "Aino"
    assert participants.participant_by_token(session, token) is participant
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "", None, 42, "x" * 500):
        assert participants.participant_by_token(session, wrong) is None


def test_joining_needs_a_known_organisation_type(session, make_workshop):
    workshop = make_workshop()
    with refused("invalid_payload"):
        participants.join(session, workshop, nickname="", organisation_type="government",
                          organisation_name="")


def test_the_set_up_link_works_once(session):
    assert not facilitators.has_facilitator(session)
    stale = facilitators.issue_setup_token(session)
    token = facilitators.issue_setup_token(session)

    assert not facilitators.setup_token_valid(session, stale)
    with refused("password_too_short"):
        facilitators.redeem_setup_token(session, token, "Aino", "short")
    first = facilitators.redeem_setup_token(session, token, "Aino", "a long password")

    assert facilitators.has_facilitator(session)
    assert first.password_hash != "a long password"
    with refused("setup_link_used"):
        facilitators.redeem_setup_token(session, token, "Eero", "another long one")
    assert count(session, Facilitator) == 1


def test_a_facilitator_signs_in_with_name_and_password(session):
    facilitators.create_facilitator(session, "Aino", "a long password")
    with refused("name_taken"):
        facilitators.create_facilitator(session, " Aino ", "another long one")

    assert facilitators.authenticate(session, " Aino ", "a long password").name == "Aino"
    assert facilitators.authenticate(session, "Aino", "a wrong password") is None
    assert facilitators.authenticate(session, "Nobody", "a long password") is None


# Concurrency: each thread is one connection with its own app context and session.


def run_at_once(app, count_: int, action) -> list[str]:
    """Run action(n) for n in range(count_) in as many threads, released together."""
    start = threading.Barrier(count_, timeout=30)

    def one(n: int) -> str:
        with app.app_context():
            start.wait()
            try:
                action(n)
                db.session.commit()
                return "stored"
            except DomainError as error:
                db.session.rollback()
                return error.code

    with ThreadPoolExecutor(max_workers=count_) as pool:
        return list(pool.map(one, range(count_)))


def votes_by_idea(app) -> Counter:
    """Stored votes per idea, read in a fresh session."""
    with app.app_context():
        return Counter(db.session.execute(select(Vote.idea_id)).scalars())


def test_twenty_taps_at_once_with_five_votes_left_store_exactly_five(
    app, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting", vote_budget=5)
    voter, _ = make_participant(workshop)
    idea_ids = [add_idea(voter, f"Idea {n}") for n in range(4)]
    actor = as_participant(voter)

    outcomes = run_at_once(app, 20, lambda n: votes.cast_vote(
        db.session, actor, f"tap-{n}", idea_ids[n % 4]))

    assert Counter(outcomes) == {"stored": 5, "vote_budget_spent": 15}
    assert sum(votes_by_idea(app).values()) == 5


def test_the_per_idea_cap_holds_under_a_burst(app, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting", vote_budget=5, votes_per_idea=2)
    voter, _ = make_participant(workshop)
    a = add_idea(voter, "A")
    b = add_idea(voter, "B")
    actor = as_participant(voter)

    outcomes = run_at_once(app, 20, lambda n: votes.cast_vote(
        db.session, actor, f"tap-{n}", a if n % 2 else b))

    assert Counter(outcomes) == {"stored": 4, "vote_cap_reached": 16}
    assert votes_by_idea(app) == {a: 2, b: 2}


def test_one_key_sent_from_many_connections_at_once_stores_one_idea(
    app, make_workshop, make_participant
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    actor = as_participant(author)
    answers = []

    def post(_n: int) -> None:
        answers.append(ideas.post_idea(db.session, actor, "same-key", "Benches"))

    outcomes = run_at_once(app, 10, post)

    assert outcomes == ["stored"] * 10
    assert len({result["idea"]["id"] for result, _ in answers}) == 1
    assert sum(len(facts) for _, facts in answers) == 1
    with app.app_context():
        assert count(db.session, Idea) == 1


def test_one_vote_key_sent_from_many_connections_at_once_stores_one_vote(
    app, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    idea_id = add_idea(voter, "A")
    actor = as_participant(voter)

    outcomes = run_at_once(app, 10, lambda _n: votes.cast_vote(db.session, actor, "v1", idea_id))

    assert outcomes == ["stored"] * 10
    assert votes_by_idea(app) == {idea_id: 1}


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


# PostgreSQL's row locks: a participant's idea command waits for the workshop's row before it
# holds any other row, so a facilitator holding the workshop never waits for it (no deadlock),
# and it sees the phase and the idea as the facilitator left them.


def _waiting_for_the_workshop(app, action) -> Future:
    """Start action(session) on its own connection; return once it waits for a lock held here."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time")
    backend = queue.Queue()

    def run() -> str:
        with app.app_context():
            backend.put(db.session.connection().connection.dbapi_connection.get_backend_pid())
            try:
                action(db.session)
                db.session.commit()
                return "stored"
            except DomainError as error:
                db.session.rollback()
                return error.code

    pool = ThreadPoolExecutor(max_workers=1)
    waiting = pool.submit(run)
    pool.shutdown(wait=False)
    pid = backend.get(timeout=10)
    deadline = time.monotonic() + 10
    waited_on = None
    with db.engine.connect() as watcher:
        while time.monotonic() < deadline and not waiting.done():
            # The wait is read live but the query text is not: for a moment after a statement
            # starts waiting, `query` may still show the one before, so look again.
            blocked, query = watcher.execute(text(
                "SELECT cardinality(pg_blocking_pids(pid)) > 0, query FROM pg_stat_activity"
                " WHERE pid = :pid"), {"pid": pid}).one()
            watcher.rollback()  # pg_stat_activity is read once per transaction
            if blocked:
                waited_on = query
                # Its first lock is the workshop's row: it holds none a facilitator may need.
                if query.startswith("UPDATE workshop SET sequence") \
                        or query.endswith(("FOR NO KEY UPDATE", "FOR SHARE")):
                    return waiting
            time.sleep(0.01)
    if waited_on is not None:
        pytest.fail(f"the command waited on another lock first: {waited_on}")
    pytest.fail(f"the command did not wait for the workshop's row: {waiting.result()!r}")


def test_a_post_racing_the_close_of_posting_is_refused_under_the_lock(
    app, session, make_workshop, make_participant
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    workshops.set_phase(session, as_facilitator(workshop), "grouping")  # not committed yet

    # The post reads 'posting' (the change is not committed), then waits for the row.
    posting = _waiting_for_the_workshop(app, lambda s: ideas.post_idea(
        s, as_participant(author), "k1", "Too late"))
    session.commit()

    assert posting.result(timeout=10) == "posting_closed"
    assert count(session, Idea) == 0
    assert current_sequence(session, workshop.id) == 1  # phase.changed's, nothing after


def test_a_vote_racing_the_close_of_voting_is_refused_under_the_lock(
    app, session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    idea_id = add_idea(voter, "Benches")
    workshops.set_phase(session, as_facilitator(workshop), "results")  # not committed yet

    voting = _waiting_for_the_workshop(app, lambda s: votes.cast_vote(
        s, as_participant(voter), "v1", idea_id))
    session.commit()

    # The results told to the room stay the results: no vote lands after them.
    assert voting.result(timeout=10) == "voting_closed"
    assert count(session, Vote) == 0


def test_erasing_a_participant_while_they_post_does_not_deadlock(
    app, session, make_workshop, make_participant
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    board = as_facilitator(workshop)
    facilitated_workshop(session, board)

    posting = _waiting_for_the_workshop(app, lambda s: ideas.post_idea(
        s, as_participant(author), "k1", "Mine"))
    # Deleting the author's row would wait for a post that had inserted first.
    erasure.erase_participant(session, board, author.id)
    session.commit()

    assert posting.result(timeout=10) == "forbidden"
    assert count(session, Idea) == 0


def test_erasing_a_participant_while_they_vote_for_their_own_idea_does_not_deadlock(
    app, session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    own_idea = add_idea(voter, "Mine")
    board = as_facilitator(workshop)
    facilitated_workshop(session, board)

    # The vote would lock its voter, then wait for the idea's row the erasure deletes.
    voting = _waiting_for_the_workshop(app, lambda s: votes.cast_vote(
        s, as_participant(voter), "v1", own_idea))
    erasure.erase_participant(session, board, voter.id)
    session.commit()

    assert voting.result(timeout=10) == "forbidden"
    assert count(session, Vote) == 0


def test_moving_an_idea_while_its_author_edits_it_does_not_deadlock(
    app, session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Shade")
    board = as_facilitator(workshop)
    cluster_id = clusters.create_cluster(session, board, "c1", "Streets")[0]["cluster"]["id"]
    session.commit()
    facilitated_workshop(session, board)

    editing = _waiting_for_the_workshop(app, lambda s: ideas.edit_idea(
        s, as_participant(author), idea_id, "More shade"))
    # Updating the idea's row would wait for an edit that had updated it first.
    _, moved = clusters.move_idea(session, board, idea_id, cluster_id, 0)
    session.commit()

    assert editing.result(timeout=10) == "stored"
    session.expire_all()
    idea = session.get(Idea, idea_id)
    assert (idea.text, idea.cluster_id) == ("More shade", cluster_id)
    assert [f.sequence for f in moved] == [2]
    assert current_sequence(session, workshop.id) == 3


def test_an_idea_hidden_while_its_author_deletes_it_stays(
    app, session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Rude words")
    board = as_facilitator(workshop)
    facilitated_workshop(session, board)

    deleting = _waiting_for_the_workshop(app, lambda s: ideas.delete_idea(
        s, as_participant(author), idea_id))
    ideas.set_idea_hidden(session, board, idea_id, hidden=True)
    session.commit()

    # The delete reads the idea once it has the row, so it sees the idea hidden.
    assert deleting.result(timeout=10) == "not_found"
    assert count(session, Idea) == 1
