"""Posting, editing, deleting, hiding and showing ideas (workshop/services/ideas.py)."""

from __future__ import annotations

import pytest
from arrange import as_facilitator, as_participant, count, names, refused
from sqlalchemy import select

from workshop.domain.protocol import Audience
from workshop.models import Idea, Vote, Workshop
from workshop.realtime import commands
from workshop.services import ideas, votes


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
    # The phase is the command path's to check, against the one table.
    with refused("posting_closed"):
        commands.run("idea.post", session, as_participant(author),
                     {"key": "k1", "text": "Late idea"})
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
    # The facilitator may (tests/services/test_moderation.py): it is marked as theirs.
    assert session.get(Idea, idea_id).text == "Shade"


def test_editing_closes_with_posting(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="grouping")
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Shade")
    with refused("posting_closed"):
        commands.run("idea.edit", session, as_participant(author),
                     {"idea_id": idea_id, "text": "Changed"})
    with refused("posting_closed"):
        commands.run("idea.delete", session, as_participant(author), {"idea_id": idea_id})
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
    vote = votes.vote_in_focus(session, session.get(Workshop, workshop.id))
    assert votes.my_votes_payload(session, author.id, vote)["votes_left"] == 4


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
