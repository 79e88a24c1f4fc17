"""Who may do what: a participant is no facilitator, a facilitator manages only their own
workshops, and ids of another workshop are not found (workshop/services/access.py)."""

from __future__ import annotations

import pytest
from arrange import as_facilitator, as_participant, refused

from workshop.models import Idea
from workshop.services import agenda, clusters, ideas, snapshot
from workshop.services.access import Actor


@pytest.mark.parametrize(
    "use",
    [
        lambda s, a: clusters.create_cluster(s, a, "c1", "Mine"),
        lambda s, a: clusters.rename_cluster(s, a, 1, "Mine"),
        lambda s, a: clusters.delete_cluster(s, a, 1),
        lambda s, a: clusters.move_idea(s, a, 1, None, 0),
        lambda s, a: agenda.set_phase(s, a, "results"),
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
        agenda.set_phase(session, intruder, "results")
    with refused("forbidden"):
        ideas.set_idea_hidden(session, intruder, idea_id, hidden=True)
    with refused("forbidden"):
        snapshot.snapshot(session, intruder)
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
