"""Votes: the budget, the per-idea cap, phases, taking a vote back, private progress
(workshop/services/votes.py)."""

from __future__ import annotations

import pytest
from arrange import as_facilitator, as_participant, count, names, refused

from workshop.domain.protocol import Audience
from workshop.models import Vote
from workshop.realtime import commands
from workshop.services import agenda, votes
from workshop.services.access import Actor


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
    # The phase is the command path's to check, against the one table.
    with refused("voting_closed"):
        commands.run("vote.cast", session, as_participant(voter), {"key": "v1", "idea_id": idea_id})
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
    agenda.set_phase(session, as_facilitator(workshop), "results")

    with refused("voting_closed"):
        commands.run("vote.retract", session, actor, {"key": "v1"})
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
    # Only that the count is due: one recount covers many votes (workshop/realtime/counts.py).
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
    agenda.set_phase(session, as_facilitator(workshop), "results")
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
