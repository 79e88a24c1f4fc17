"""Clusters: creating, renaming, deleting, and moving ideas between them
(workshop/services/clusters.py)."""

from __future__ import annotations

import pytest
from arrange import as_facilitator, count, names, refused
from sqlalchemy import select

from workshop.models import Cluster, Idea
from workshop.services import agenda, clusters, ideas


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


def test_a_cluster_belongs_to_the_question_the_room_groups(session, make_workshop):
    workshop = make_workshop(phase="posting")
    board = as_facilitator(workshop)
    brainstorm = workshop.current_activity_id
    other, _ = agenda.add_activity(session, board, "q2", "brainstorm", "More", prompt="Else?")
    grouping, _ = agenda.add_activity(session, board, "g2", "group", "Group the rest",
                                      settings={"source_activity_id": other["activity"]["id"]})

    while_posting, _ = clusters.create_cluster(session, board, "c1", "Shelter")
    agenda.go_to(session, board, grouping["activity"]["id"])
    while_grouping, _ = clusters.create_cluster(session, board, "c2", "Light")
    every_question = next(a for a in agenda.activities_of(session, workshop.id)
                          if a.kind == "group" and a.source_activity_id is None)
    agenda.go_to(session, board, every_question.id)
    across, _ = clusters.create_cluster(session, board, "c3", "Both")

    assert while_posting["cluster"]["activity_id"] == brainstorm
    assert while_grouping["cluster"]["activity_id"] == other["activity"]["id"]
    assert across["cluster"]["activity_id"] is None
