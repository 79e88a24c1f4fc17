"""Snapshots: what a participant and a facilitator see of a workshop, before and after the
reveal (workshop/services/snapshot.py)."""

from __future__ import annotations

import pytest
from arrange import as_facilitator, as_participant

from workshop.extensions import db
from workshop.services import agenda, clusters, snapshot, votes


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

    snap = snapshot.snapshot(session, as_participant(voter))

    assert [i["id"] for i in snap["ideas"]] == [shown]
    assert snap["clusters"][0]["idea_ids"] == [hidden, shown]  # the place, never the idea
    assert snap["results"] is None
    assert "presence" not in snap and "votes_progress" not in snap
    assert snap["me"] == {
        "role": "participant", "participant_id": voter.id, "nickname": "Aino",
        "organisation_type": "city", "organisation_name": "City of Turku",
        "votes": [{"key": "v1", "idea_id": shown}], "votes_left": 4,
        "vote_activity_id": workshop.current_activity_id,
        "table_id": None, "table_seq": 0, "host_of": None,
    }
    assert snap["workshop"]["phase"] == "voting"
    assert "votes" not in str(snap["ideas"]) and "votes" not in str(snap["clusters"])


def test_a_facilitator_snapshot_shows_hidden_ideas_and_presence_but_no_tally(
    session, voting_workshop
):
    workshop, _, shown, hidden = voting_workshop

    snap = snapshot.snapshot(session, as_facilitator(workshop))

    assert [(i["id"], i["hidden"]) for i in snap["ideas"]] == [(shown, False), (hidden, True)]
    assert snap["clusters"][0]["idea_ids"] == [hidden, shown]
    assert snap["results"] is None
    assert snap["me"] == {"role": "facilitator"}
    assert snap["presence"]["joined"] == 2
    assert snap["votes_progress"] == {"votes_cast": 2, "voters": 2}


def test_after_the_reveal_everyone_sees_the_results(session, voting_workshop):
    workshop, voter, shown, _ = voting_workshop
    agenda.set_phase(session, as_facilitator(workshop), "results")

    for actor in (as_participant(voter), as_facilitator(workshop)):
        assert snapshot.snapshot(session, actor)["results"] == [
            {"idea_id": shown, "votes": 2, "rank": 1}
        ]
