"""A private brainstorm: each participant sees only their own ideas until the facilitator
reveals them all; nothing of another's idea reaches a phone before that."""

from __future__ import annotations

import json

import pytest
from arrange import as_facilitator, as_participant, names, refused
from sqlalchemy import select

from workshop.domain.protocol import Audience
from workshop.models import Activity, AuditEntry, Participant
from workshop.realtime import commands
from workshop.reports import gather
from workshop.services import agenda, clusters, erasure, ideas, moderation, snapshot, votes
from workshop.services.sequence import current_sequence


@pytest.fixture
def private_room(session, make_workshop, make_participant):
    """A workshop at a private brainstorm, with a city and a company participant."""
    workshop = make_workshop(phase="posting")
    board = as_facilitator(workshop)
    agenda.update_activity(session, board, workshop.current_activity_id,
                           settings={"private": True})
    session.commit()
    aino, _ = make_participant(workshop, organisation_type="city")
    bert, _ = make_participant(workshop, organisation_type="company")
    return workshop, board, as_participant(aino), as_participant(bert)


def _post(session, actor, text):
    result, facts = ideas.post_idea(session, actor, f"key-{text}", text)
    session.commit()
    return result["idea"]["id"], facts


def _to_workshop(facts):
    return [f for f in facts if f.audience is Audience.WORKSHOP]


def _as_text(answer) -> str:
    return json.dumps(answer, default=str)


def test_a_post_is_told_to_the_facilitators_only_and_takes_no_number(session, private_room):
    workshop, _board, aino, _bert = private_room
    before = current_sequence(session, workshop.id)

    _, facts = _post(session, aino, "Benches in the shade")

    assert _to_workshop(facts) == []
    assert names(facts) == ["idea.posted", "ideas.counted"]
    assert {f.audience for f in facts} == {Audience.FACILITATORS}
    # A number nobody is told would leave every phone waiting for the fact it belongs to.
    assert current_sequence(session, workshop.id) == before


def test_each_participant_sees_only_their_own_and_the_facilitators_all(session, private_room):
    workshop, board, aino, bert = private_room
    mine, _ = _post(session, aino, "Benches in the shade")
    theirs, _ = _post(session, bert, "Heated shelters")

    seen_by_aino = snapshot.snapshot(session, aino)
    seen_by_board = snapshot.snapshot(session, board)

    assert [i["id"] for i in seen_by_aino["ideas"]] == [mine]
    assert "Heated shelters" not in _as_text(seen_by_aino)
    assert [i["id"] for i in seen_by_board["ideas"]] == [mine, theirs]
    counted = {c["activity_id"]: c for c in seen_by_board["idea_counts"]}
    assert counted[workshop.current_activity_id]["total"] == 2
    assert counted[workshop.current_activity_id]["by_organisation_type"]["city"] == 1
    assert counted[workshop.current_activity_id]["by_organisation_type"]["company"] == 1
    assert "idea_counts" not in seen_by_aino


def test_clusters_name_no_other_participants_private_ideas(session, private_room):
    workshop, board, aino, bert = private_room
    mine, _ = _post(session, aino, "Benches in the shade")
    theirs, _ = _post(session, bert, "Heated shelters")
    made, _ = clusters.create_cluster(session, board, "c1", "Comfort")
    cluster_id = made["cluster"]["id"]
    clusters.move_idea(session, board, mine, cluster_id, 0)
    _, facts = clusters.move_idea(session, board, theirs, cluster_id, 1)
    session.commit()

    told = [f for f in facts if f.name == "clusters.changed"]
    assert [f.audience for f in told] == [Audience.WORKSHOP]
    assert told[0].payload["clusters"][0]["idea_ids"] == []
    # The other boards learn where it went from the idea itself.
    moved = [f for f in facts if f.name == "idea.edited"]
    assert [(f.audience, f.payload["idea"]["cluster_id"]) for f in moved] == [
        (Audience.FACILITATORS, cluster_id)]
    assert snapshot.snapshot(session, aino)["clusters"][0]["idea_ids"] == [mine]
    assert snapshot.snapshot(session, bert)["clusters"][0]["idea_ids"] == [theirs]
    assert snapshot.snapshot(session, board)["clusters"][0]["idea_ids"] == [mine, theirs]


def test_a_catch_up_carries_nothing_of_anothers_private_idea(session, private_room):
    workshop, board, aino, bert = private_room
    since = current_sequence(session, workshop.id)
    theirs, _ = _post(session, bert, "Heated shelters")
    ideas.edit_idea(session, bert, theirs, "Heated shelters, with light")
    ideas.edit_idea(session, board, theirs, "Heated and lit shelters")
    ideas.set_idea_hidden(session, board, theirs, True)
    ideas.set_idea_hidden(session, board, theirs, False)
    session.commit()

    answer, _ = snapshot.sync(session, aino, since)

    assert answer["missed"] == []
    assert str(theirs) not in _as_text(answer["missed"])
    assert current_sequence(session, workshop.id) == since


def test_changing_a_private_idea_tells_the_facilitators_only(session, private_room):
    workshop, board, _aino, bert = private_room
    theirs, _ = _post(session, bert, "Heated shelters")
    before = current_sequence(session, workshop.id)

    told = []
    told += ideas.edit_idea(session, bert, theirs, "Heated shelters, with light")[1]
    told += ideas.edit_idea(session, board, theirs, "Heated and lit shelters")[1]
    told += ideas.set_idea_hidden(session, board, theirs, True)[1]
    told += ideas.set_idea_hidden(session, board, theirs, False)[1]
    told += ideas.delete_idea(session, bert, theirs)[1]
    session.commit()

    assert "idea.deleted" in names(told) and "idea.shown" in names(told)
    assert _to_workshop(told) == []
    assert current_sequence(session, workshop.id) == before


def test_an_unrevealed_private_idea_gets_no_vote_and_no_result(session, private_room):
    workshop, board, aino, bert = private_room
    theirs, _ = _post(session, bert, "Heated shelters")
    vote = next(a for a in agenda.activities_of(session, workshop.id) if a.kind == "vote")
    agenda.go_to(session, board, vote.id)
    session.commit()

    with refused("not_found"):
        votes.cast_vote(session, aino, "v1", theirs)
    session.rollback()
    with refused("not_found"):
        votes.cast_vote(session, bert, "v2", theirs)  # their own too: nobody else saw it
    session.rollback()
    assert votes.results(session, workshop.id) == []


def test_reveal_tells_every_idea_once_and_then_everyone_sees_them(session, private_room):
    workshop, board, aino, bert = private_room
    mine, _ = _post(session, aino, "Benches in the shade")
    theirs, _ = _post(session, bert, "Heated shelters")
    activity_id = workshop.current_activity_id
    since = current_sequence(session, workshop.id)

    answer, facts = commands.run("brainstorm.reveal", session, board,
                                 {"activity_id": activity_id})
    session.commit()

    assert answer["activity"]["revealed"] is True
    assert names(facts) == ["ideas.revealed"]
    assert facts[0].audience is Audience.WORKSHOP and facts[0].sequence == since + 1
    assert facts[0].payload["activity_id"] == activity_id
    assert [i["id"] for i in facts[0].payload["ideas"]] == [mine, theirs]
    for reader in (aino, bert):
        assert [i["id"] for i in snapshot.snapshot(session, reader)["ideas"]] == [mine, theirs]
    # A phone that was away catches up on the reveal.
    caught_up, _ = snapshot.sync(session, aino, since)
    assert [f["name"] for f in caught_up["missed"]] == ["ideas.revealed"]

    again, told_again = commands.run("brainstorm.reveal", session, board,
                                     {"activity_id": activity_id})
    session.commit()
    assert told_again == [] and again["activity"]["revealed"] is True
    logged = session.execute(select(AuditEntry).where(
        AuditEntry.command == "brainstorm.reveal")).scalars().all()
    assert [(e.objects, e.before, e.after) for e in logged] == [
        ({"activity_id": activity_id}, {"revealed": False}, {"revealed": True})]


def test_revealed_ideas_are_votable_and_in_the_results(session, private_room):
    workshop, board, aino, bert = private_room
    theirs, _ = _post(session, bert, "Heated shelters")
    activity_id = workshop.current_activity_id
    commands.run("brainstorm.reveal", session, board, {"activity_id": activity_id})
    vote = next(a for a in agenda.activities_of(session, workshop.id) if a.kind == "vote")
    agenda.go_to(session, board, vote.id)
    session.commit()

    answer, _ = votes.cast_vote(session, aino, "v1", theirs)
    session.commit()

    assert answer["vote"]["idea_id"] == theirs
    assert [r["idea_id"] for r in votes.results(session, workshop.id)] == [theirs]


def test_reveal_puts_clustered_ideas_back_in_the_clusters_everyone_hears(session, private_room):
    workshop, board, aino, bert = private_room
    theirs, _ = _post(session, bert, "Heated shelters")
    made, _ = clusters.create_cluster(session, board, "c1", "Comfort")
    clusters.move_idea(session, board, theirs, made["cluster"]["id"], 0)

    _, facts = commands.run("brainstorm.reveal", session, board,
                            {"activity_id": workshop.current_activity_id})
    session.commit()

    assert names(facts) == ["ideas.revealed", "clusters.changed"]
    assert facts[1].payload["clusters"][0]["idea_ids"] == [theirs]
    assert snapshot.snapshot(session, aino)["clusters"][0]["idea_ids"] == [theirs]


def test_only_a_facilitator_reveals_and_only_a_brainstorm(session, private_room):
    workshop, board, aino, _bert = private_room
    activity_id = workshop.current_activity_id
    with refused("forbidden"):
        commands.run("brainstorm.reveal", session, aino, {"activity_id": activity_id})
    session.rollback()
    vote = next(a for a in agenda.activities_of(session, workshop.id) if a.kind == "vote")
    with refused("not_found"):
        commands.run("brainstorm.reveal", session, board, {"activity_id": vote.id})
    session.rollback()
    assert session.get(Activity, activity_id).revealed_at is None


def test_an_open_brainstorm_needs_no_reveal(session, make_workshop, make_participant):
    workshop = make_workshop(phase="posting")
    board = as_facilitator(workshop)
    aino, _ = make_participant(workshop)
    before = current_sequence(session, workshop.id)
    _, posted = _post(session, as_participant(aino), "Benches")

    _, facts = commands.run("brainstorm.reveal", session, board,
                            {"activity_id": workshop.current_activity_id})

    assert [f.audience for f in posted] == [Audience.WORKSHOP]
    assert posted[0].sequence == before + 1
    assert facts == []


def test_removing_or_erasing_a_participant_tells_no_phone_of_their_private_ideas(
        session, private_room):
    workshop, board, aino, bert = private_room
    _post(session, aino, "Benches in the shade")
    _post(session, bert, "Heated shelters")
    before = current_sequence(session, workshop.id)

    _, removed = moderation.remove_participant(session, board, bert.participant_id, True)
    _, erased = erasure.erase_participant(session, board, aino.participant_id)
    session.commit()

    deleted = [f for f in removed + erased if f.name == "idea.deleted"]
    assert len(deleted) == 2 and {f.audience for f in deleted} == {Audience.FACILITATORS}
    # What every phone heard: the clusters (none hold these ideas) and nothing else of them.
    assert names(_to_workshop(removed + erased)) == ["clusters.changed", "clusters.changed"]
    assert current_sequence(session, workshop.id) == before + 2


def test_the_facilitators_export_keeps_private_ideas_in_their_clusters(session, private_room):
    _workshop, board, _aino, bert = private_room
    theirs, _ = _post(session, bert, "Heated shelters")
    made, _ = clusters.create_cluster(session, board, "c1", "Comfort")
    clusters.move_idea(session, board, theirs, made["cluster"]["id"], 0)
    session.commit()

    document, _ = gather.workshop_export(session, board)

    assert document["clusters"][0]["idea_ids"] == [theirs]


def test_an_unrevealed_private_idea_is_merged_only_within_its_own_brainstorm(
        session, private_room, add_idea):
    workshop, board, aino, bert = private_room
    secret, _ = _post(session, aino, "Shade for benches")
    same_room, _ = _post(session, bert, "Shadier benches")
    public_question, _ = agenda.add_activity(session, board, "open", "brainstorm", "Open",
                                             prompt="Anything else?")
    author = session.get(Participant, bert.participant_id)
    session.commit()
    public = add_idea(author, "Heated stops", activity_id=public_question["activity"]["id"])

    with refused("idea_private"):
        moderation.merge_ideas(session, board, "m1", [secret, public], public)
    session.rollback()
    merged, facts = moderation.merge_ideas(session, board, "m2", [secret, same_room], same_room)

    assert merged["idea"]["id"] == same_room
    assert _to_workshop(facts) == [] and "Shade" not in _as_text(
        snapshot.snapshot(session, bert))
