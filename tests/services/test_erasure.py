"""Erasing a workshop, one participant, or everything past retention leaves no row behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from arrange import as_facilitator, as_participant, rows_of
from sqlalchemy import func, select

from workshop.domain.errors import DomainError
from workshop.extensions import db
from workshop.models import FactLog, Idea, Participant, Vote, Workshop, utcnow
from workshop.services import agenda, clusters, erasure, ideas, presence, votes
from workshop.services.access import Actor


@pytest.fixture
def busy_workshop(session, make_workshop, make_participant):
    """A workshop with ideas, a cluster, votes and an open connection; returns (workshop, ids)."""

    def make():
        workshop = make_workshop()
        people = [make_participant(workshop)[0] for _ in range(2)]
        actors = [as_participant(p) for p in people]
        facilitator = as_facilitator(workshop)
        posted = [ideas.post_idea(session, a, f"k{i}", f"idea {i}")[0]["idea"]["id"]
                  for i, a in enumerate(actors)]
        made = clusters.create_cluster(session, facilitator, "c", "Mobility")[0]["cluster"]
        clusters.move_idea(session, facilitator, posted[0], made["id"], 0)
        agenda.set_phase(session, facilitator, "voting")
        for a in actors:
            for idea_id in posted:
                votes.cast_vote(session, a, f"v{idea_id}", idea_id)
        presence.arrive(session, f"sid-{workshop.id}", "test", workshop.id, people[0].id)
        session.commit()
        return workshop, people, posted

    return make


def test_erasing_a_workshop_leaves_no_row_and_spares_the_others(session, busy_workshop):
    doomed, _, _ = busy_workshop()
    kept, _, _ = busy_workshop()
    before = rows_of(session, kept.id)

    erasure.erase_workshop(session, as_facilitator(doomed))
    session.commit()

    assert set(rows_of(session, doomed.id).values()) == {0}
    assert rows_of(session, kept.id) == before


def test_only_the_workshops_facilitator_can_erase_it(session, busy_workshop, make_facilitator):
    workshop, _, _ = busy_workshop()
    stranger = make_facilitator()
    with pytest.raises(DomainError) as refused:
        erasure.erase_workshop(session, Actor(workshop.id, facilitator_id=stranger.id))
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError):
        erasure.erase_workshop(session, Actor(workshop.id, participant_id=1))
    session.rollback()
    assert rows_of(session, workshop.id)["workshop"] == 1


def test_erasing_a_participant_removes_their_ideas_votes_and_presence(session, busy_workshop):
    workshop, people, posted = busy_workshop()
    gone, stays = people
    _, facts = erasure.erase_participant(
        session, as_facilitator(workshop), gone.id)
    session.commit()

    assert session.get(Participant, gone.id) is None
    assert session.execute(select(func.count()).select_from(Vote)
                           .where(Vote.participant_id == gone.id)).scalar_one() == 0
    remaining = list(session.execute(select(Idea.id).where(Idea.workshop_id == workshop.id))
                     .scalars())
    assert remaining == [posted[1]]
    # The other person's vote on the erased idea went with it; the one on their own stays.
    assert [v.idea_id for v in session.execute(
        select(Vote).where(Vote.participant_id == stays.id)).scalars()] == [posted[1]]
    assert [f.name for f in facts] == ["idea.deleted", "clusters.changed", "presence.changed"]
    # The boards' count is due again, and counts one person fewer, online and joined.
    assert facts[-1].payload == {}
    counted = presence.presence_payload(session, workshop.id)
    assert counted["joined"] == 1 and counted["online"] == 0
    # Only the facts of the erasure itself stay in the catch-up log: no copy of their text.
    logged = session.execute(select(FactLog.name).where(FactLog.workshop_id == workshop.id))
    assert list(logged.scalars()) == ["idea.deleted", "clusters.changed"]
    assert all(f.sequence for f in facts[:-1])  # the count is the facilitators' alone


def test_purge_erases_only_workshops_past_retention(session, busy_workshop):
    old, _, _ = busy_workshop()
    recent, _, _ = busy_workshop()
    session.get(Workshop, old.id).created_at = utcnow() - timedelta(days=400)
    session.commit()

    assert erasure.purge_older_than(session, 365) == 1
    session.commit()

    assert set(rows_of(session, old.id).values()) == {0}
    assert rows_of(session, recent.id)["idea"] == 2


def test_purge_command_reports_what_it_erased(app, busy_workshop, session):
    old, _, _ = busy_workshop()
    session.get(Workshop, old.id).created_at = utcnow() - timedelta(days=30)
    session.commit()
    runner = app.test_cli_runner()

    refused = runner.invoke(args=["purge-workshops", "--older-than-days", "0"])
    result = runner.invoke(args=["purge-workshops", "--older-than-days", "7"])

    assert refused.exit_code != 0 and "at least one day" in refused.output
    assert result.exit_code == 0, result.output
    assert "Erased 1 workshop" in result.output
    db.session.remove()
    assert rows_of(session, old.id)["workshop"] == 0
