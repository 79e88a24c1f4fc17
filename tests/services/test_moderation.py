"""Moderation: the facilitator's edit, merging ideas and undoing it, pausing input, removing
a participant (workshop/services/moderation.py)."""

from __future__ import annotations

from arrange import as_facilitator, as_participant, count, names, refused
from sqlalchemy import select

from workshop.models import AuditEntry, Idea, Participant, Vote
from workshop.realtime import commands
from workshop.reports.gather import workshop_export
from workshop.services import clusters, ideas, moderation, participants, snapshot, votes
from workshop.services.audit import entries_of


def run(session, actor, name, payload):
    """A command through the command path, as a socket sends it (the phase is checked there)."""
    return commands.run(name, session, actor, payload)


def merge(session, workshop, idea_ids, into, text=None, key="m1"):
    return run(session, as_facilitator(workshop), "idea.merge",
               {"key": key, "idea_ids": idea_ids, "into_idea_id": into, "text": text})


def vote(session, person, key, idea_id):
    return run(session, as_participant(person), "vote.cast", {"key": key, "idea_id": idea_id})


def votes_on(session, idea_id):
    return len(session.scalars(select(Vote.id).where(Vote.idea_id == idea_id)).all())


def snapshot_ids(session, actor):
    return [i["id"] for i in snapshot.snapshot(session, actor)["ideas"]]


# The facilitator's edit ------------------------------------------------------------------------


def test_the_facilitator_edits_any_idea_in_any_phase(session, make_workshop, make_participant,
                                                    add_idea):
    workshop = make_workshop(phase="voting")
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Benches at bus stops")

    result, facts = run(session, as_facilitator(workshop), "idea.edit",
                        {"idea_id": idea_id, "text": "Benches at every bus stop"})

    assert result["idea"]["text"] == "Benches at every bus stop"
    assert result["idea"]["edited_by_facilitator"] is True
    assert names(facts) == ["idea.edited"]
    phone = snapshot.snapshot(session, as_participant(author))["ideas"]
    assert phone[0]["edited_by_facilitator"] is True
    row = session.scalars(select(AuditEntry).where(AuditEntry.command == "idea.edit")).one()
    assert (row.before, row.after) == ({"text": "Benches at bus stops"},
                                       {"text": "Benches at every bus stop"})


def test_the_authors_own_edit_takes_the_mark_away(session, make_workshop, make_participant,
                                                  add_idea):
    workshop = make_workshop(phase="posting")
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Benches")
    run(session, as_facilitator(workshop), "idea.edit", {"idea_id": idea_id, "text": "Bench"})

    result, _ = run(session, as_participant(author), "idea.edit",
                    {"idea_id": idea_id, "text": "Two benches"})

    assert "edited_by_facilitator" not in result["idea"]


# Merging ---------------------------------------------------------------------------------------


def test_a_merge_keeps_every_author_and_every_vote(session, make_workshop, make_participant,
                                                   add_idea):
    workshop = make_workshop(phase="voting", vote_budget=5, votes_per_idea=5)
    ann, _ = make_participant(workshop, nickname="Ann")
    bo, _ = make_participant(workshop, nickname="Bo", organisation_type="company")
    a = add_idea(ann, "More benches")
    b = add_idea(bo, "Benches please")
    vote(session, ann, "v1", a)
    vote(session, bo, "v2", b)
    vote(session, bo, "v3", b)

    result, facts = merge(session, workshop, [a, b], a, text="More benches at the stops")

    assert result["merged_idea_ids"] == [b]
    assert result["idea"]["text"] == "More benches at the stops"
    assert [p["nickname"] for p in result["idea"]["authors"]] == ["Ann", "Bo"]
    assert "idea.merged" in names(facts) and "votes.progressed" in names(facts)
    assert votes_on(session, a) == 3
    assert snapshot_ids(session, as_participant(ann)) == [a]
    shown = snapshot.snapshot(session, as_facilitator(workshop))["ideas"]
    assert shown[0]["merged_idea_ids"] == [b]


def test_the_cap_holds_after_a_merge_and_the_excess_is_given_back(
        session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting", vote_budget=5, votes_per_idea=3)
    voter, _ = make_participant(workshop)
    a = add_idea(voter, "A")
    b = add_idea(voter, "B")
    for n, idea_id in enumerate([a, a, b, b]):
        vote(session, voter, f"v{n}", idea_id)
    left_before = votes.snapshot_part(session, as_participant(voter),
                                      session.merge(workshop))["me"]["votes_left"]

    merge(session, workshop, [a, b], a)

    assert votes_on(session, a) == 3
    me = snapshot.snapshot(session, as_participant(voter))["me"]
    assert me["votes_left"] == left_before + 1 == 2
    with refused("vote_cap_reached"):
        vote(session, voter, "v9", a)


def test_a_merge_never_exceeds_the_budget(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting", vote_budget=3, votes_per_idea=2)
    voter, _ = make_participant(workshop)
    ids = [add_idea(voter, text) for text in "ABC"]
    for n, idea_id in enumerate(ids):
        vote(session, voter, f"v{n}", idea_id)

    merge(session, workshop, ids, ids[0])

    assert count(session, Vote) == 2
    with refused("vote_cap_reached"):
        vote(session, voter, "v8", ids[0])


def test_a_merged_idea_is_absent_from_snapshots_results_clusters_and_exports(
        session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting")
    person, _ = make_participant(workshop)
    a = add_idea(person, "A")
    b = add_idea(person, "B")
    facilitator = as_facilitator(workshop)
    made, _ = run(session, facilitator, "cluster.create", {"key": "c", "name": "Seats"})
    cluster_id = made["cluster"]["id"]
    run(session, facilitator, "cluster.move_idea",
        {"idea_id": b, "cluster_id": cluster_id, "position": 0})
    vote(session, person, "v1", b)

    merge(session, workshop, [a, b], a)
    run(session, facilitator, "phase.set", {"phase": "results"})

    assert snapshot_ids(session, facilitator) == [a]
    assert [r["idea_id"] for r in snapshot.snapshot(session, facilitator)["results"]] == [a]
    assert snapshot.snapshot(session, facilitator)["results"][0]["votes"] == 1
    assert clusters.clusters_of(session, workshop.id)[0]["idea_ids"] == []
    export, _ = workshop_export(session, facilitator)
    assert [i["id"] for i in export["ideas"]] == [a]
    assert export["ideas"][0]["merged_ideas"][0]["id"] == b
    with refused("not_found"):
        run(session, facilitator, "idea.hide", {"idea_id": b})


def test_a_vote_on_a_merged_idea_is_refused(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting")
    person, _ = make_participant(workshop)
    a, b = add_idea(person, "A"), add_idea(person, "B")
    merge(session, workshop, [a, b], a)

    with refused("not_found"):
        vote(session, person, "v1", b)


def test_undoing_a_merge_puts_texts_votes_and_clusters_back(
        session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting", vote_budget=5, votes_per_idea=5)
    person, _ = make_participant(workshop)
    a, b = add_idea(person, "A"), add_idea(person, "B")
    facilitator = as_facilitator(workshop)
    made, _ = run(session, facilitator, "cluster.create", {"key": "c", "name": "Seats"})
    run(session, facilitator, "cluster.move_idea",
        {"idea_id": b, "cluster_id": made["cluster"]["id"], "position": 0})
    vote(session, person, "v1", b)
    vote(session, person, "v2", a)
    merged, _ = merge(session, workshop, [a, b], a, text="A and B")

    result, facts = run(session, facilitator, "idea.unmerge", {"merge_id": merged["merge_id"]})

    assert result == {"merge_id": merged["merge_id"], "undone": True}
    assert "idea.unmerged" in names(facts) and "clusters.changed" in names(facts)
    texts = {i["id"]: i["text"] for i in snapshot.snapshot(session, facilitator)["ideas"]}
    assert texts == {a: "A", b: "B"}
    assert (votes_on(session, a), votes_on(session, b)) == (1, 1)
    assert clusters.clusters_of(session, workshop.id)[0]["idea_ids"] == [b]


def test_votes_given_back_stay_given_back_after_an_undo(session, make_workshop,
                                                        make_participant, add_idea):
    workshop = make_workshop(phase="voting", vote_budget=5, votes_per_idea=3)
    voter, _ = make_participant(workshop)
    a, b = add_idea(voter, "A"), add_idea(voter, "B")
    for n, idea_id in enumerate([a, a, b, b]):
        vote(session, voter, f"v{n}", idea_id)
    merged, _ = merge(session, workshop, [a, b], a)

    run(session, as_facilitator(workshop), "idea.unmerge", {"merge_id": merged["merge_id"]})

    assert votes_on(session, a) + votes_on(session, b) == 3


def test_a_merge_and_an_undo_sent_again_change_nothing_more(
        session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="posting")
    person, _ = make_participant(workshop)
    a, b = add_idea(person, "A"), add_idea(person, "B")
    first, _ = merge(session, workshop, [a, b], a)

    again, no_facts = merge(session, workshop, [a, b], a)
    assert again == first and no_facts == []

    run(session, as_facilitator(workshop), "idea.unmerge", {"merge_id": first["merge_id"]})
    _, none_again = run(session, as_facilitator(workshop), "idea.unmerge",
                        {"merge_id": first["merge_id"]})
    assert none_again == []
    assert snapshot_ids(session, as_participant(person)) == [a, b]
    merges = session.scalars(select(AuditEntry.command).where(
        AuditEntry.command.in_(["idea.merge", "idea.unmerge"]))).all()
    assert merges == ["idea.merge", "idea.unmerge"]


def test_a_merge_names_what_it_refuses(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="posting")
    other = make_workshop()
    person, _ = make_participant(workshop)
    stranger, _ = make_participant(other)
    a, b, c = add_idea(person, "A"), add_idea(person, "B"), add_idea(person, "C")
    hidden = add_idea(person, "H", hidden=True)
    elsewhere = add_idea(stranger, "X")

    with refused("invalid_payload"):
        merge(session, workshop, [a, a], a)
    with refused("invalid_payload"):
        merge(session, workshop, [a], a)
    with refused("invalid_payload"):
        merge(session, workshop, [a, b], c)
    with refused("not_found"):
        merge(session, workshop, [a, elsewhere], a)
    with refused("idea_hidden"):
        merge(session, workshop, [a, hidden], a)
    merge(session, workshop, [a, b], a)
    with refused("not_found"):
        merge(session, workshop, [b, c], c, key="m2")
    with refused("idea_holds_merges"):
        merge(session, workshop, [a, c], c, key="m3")
    with refused("forbidden"):
        run(session, as_participant(person), "idea.merge",
            {"key": "p", "idea_ids": [a, c], "into_idea_id": a})


def test_merges_into_one_idea_are_undone_last_first(session, make_workshop, make_participant,
                                                     add_idea):
    workshop = make_workshop(phase="posting")
    person, _ = make_participant(workshop)
    a, b, c = add_idea(person, "A"), add_idea(person, "B"), add_idea(person, "C")
    first, _ = merge(session, workshop, [a, b], a, text="AB")
    second, _ = merge(session, workshop, [a, c], a, text="ABC", key="m2")
    facilitator = as_facilitator(workshop)

    with refused("merge_not_last"):
        run(session, facilitator, "idea.unmerge", {"merge_id": first["merge_id"]})
    run(session, facilitator, "idea.unmerge", {"merge_id": second["merge_id"]})
    run(session, facilitator, "idea.unmerge", {"merge_id": first["merge_id"]})

    assert {i["text"] for i in snapshot.snapshot(session, facilitator)["ideas"]} == {"A", "B", "C"}


def test_deleting_a_merged_idea_lets_the_ideas_in_it_stand_again(
        session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="posting")
    ann, _ = make_participant(workshop)
    bo, _ = make_participant(workshop)
    a, b = add_idea(ann, "A"), add_idea(bo, "B")
    merge(session, workshop, [a, b], a)

    _, facts = run(session, as_participant(ann), "idea.delete", {"idea_id": a})

    assert names(facts) == ["idea.unmerged", "idea.deleted"]
    assert snapshot_ids(session, as_participant(bo)) == [b]


def test_a_catch_up_never_replays_a_merged_idea(session, make_workshop, make_participant,
                                                add_idea):
    workshop = make_workshop(phase="posting")
    person, _ = make_participant(workshop)
    phone = as_participant(person)
    since = snapshot.snapshot(session, phone)["seq"]
    a = ideas.post_idea(session, phone, "k1", "A")[0]["idea"]["id"]
    b = ideas.post_idea(session, phone, "k2", "B")[0]["idea"]["id"]
    session.commit()
    merge(session, workshop, [a, b], a)

    answer, _ = snapshot.sync(session, phone, since)

    assert "missed" not in answer
    assert [i["id"] for i in answer["ideas"]] == [a]


# Pausing ---------------------------------------------------------------------------------------


def test_while_paused_posts_and_votes_are_refused_and_resumed_after(
        session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="posting")
    person, _ = make_participant(workshop)
    idea_id = add_idea(person, "A")
    facilitator = as_facilitator(workshop)

    result, facts = run(session, facilitator, "workshop.pause_input", {"paused": True})
    assert result == {"paused": True} and names(facts) == ["input.changed"]
    assert snapshot.snapshot(session, as_participant(person))["workshop"]["input_paused"] is True
    with refused("input_paused"):
        run(session, as_participant(person), "idea.post", {"key": "k", "text": "Hi"})
    _, again = run(session, facilitator, "workshop.pause_input", {"paused": True})
    assert again == []

    run(session, facilitator, "phase.set", {"phase": "voting"})
    with refused("input_paused"):
        vote(session, person, "v1", idea_id)

    run(session, facilitator, "workshop.pause_input", {"paused": False})
    assert vote(session, person, "v1", idea_id)[0]["vote"]["idea_id"] == idea_id
    logged = session.scalars(select(AuditEntry.after).where(
        AuditEntry.command == "workshop.pause_input")).all()
    assert logged == [{"paused": True}, {"paused": False}]


# Removing --------------------------------------------------------------------------------------


def test_a_removed_participants_token_opens_nothing(session, make_workshop, make_participant,
                                                    add_idea):
    workshop = make_workshop(phase="posting")
    person, token = make_participant(workshop, nickname="Troll")
    idea_id = add_idea(person, "Stays")

    result, _ = run(session, as_facilitator(workshop), "participant.remove",
                    {"participant_id": person.id, "remove_ideas": False})

    assert result["removed"] is True and result["sockets"] == []
    assert participants.participant_by_token(session, token) is None
    assert snapshot_ids(session, as_facilitator(workshop)) == [idea_id]
    # Its token is gone: a command still on its way is told so, as an unknown socket is.
    with refused("not_authenticated"):
        run(session, as_participant(person), "idea.post", {"key": "k", "text": "Again"})
    row = session.scalars(select(AuditEntry).where(
        AuditEntry.command == "participant.remove")).one()
    assert row.before == {"nickname": "Troll", "organisation_type": "city", "ideas": 1}


def test_removing_with_their_ideas_takes_the_ideas_and_their_votes(
        session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting")
    troll, _ = make_participant(workshop)
    other, _ = make_participant(workshop)
    theirs = add_idea(troll, "Spam")
    kept = add_idea(other, "Good")
    vote(session, other, "v1", theirs)
    vote(session, troll, "v2", kept)

    _, facts = run(session, as_facilitator(workshop), "participant.remove",
                   {"participant_id": troll.id, "remove_ideas": True})
    again, no_facts = run(session, as_facilitator(workshop), "participant.remove",
                          {"participant_id": troll.id, "remove_ideas": True})

    assert "idea.deleted" in names(facts) and no_facts == []
    assert session.scalars(select(Idea.id)).all() == [kept]
    assert votes_on(session, kept) == 1  # their own votes stay with the ideas they chose
    assert session.get(Participant, troll.id).removed_at is not None
    assert again["removed"] is True


def test_only_a_participant_of_this_workshop_can_be_removed(session, make_workshop,
                                                            make_participant):
    workshop = make_workshop()
    stranger, _ = make_participant(make_workshop())
    with refused("not_found"):
        run(session, as_facilitator(workshop), "participant.remove",
            {"participant_id": stranger.id, "remove_ideas": False})


# Anonymous workshops ---------------------------------------------------------------------------


def test_an_anonymous_workshop_keeps_no_nickname(session, make_workshop, make_participant,
                                                 add_idea):
    workshop = make_workshop(phase="posting")
    workshop = session.merge(workshop)
    workshop.anonymous = True
    session.commit()
    person, _ = make_participant(workshop, nickname="Ann")
    add_idea(person, "A")

    assert session.get(Participant, person.id).nickname == ""
    shown = snapshot.snapshot(session, as_facilitator(workshop))["ideas"][0]
    assert shown["author"]["nickname"] == "" and "authors" not in shown
    listed, _ = entries_of(session, as_facilitator(workshop))
    assert "Ann" not in str(listed)


def test_a_merge_without_a_text_keeps_the_text_that_stays(session, make_workshop,
                                                          make_participant, add_idea):
    workshop = make_workshop(phase="posting")
    person, _ = make_participant(workshop)
    a, b = add_idea(person, "A"), add_idea(person, "B")
    result, _ = moderation.merge_ideas(session, as_facilitator(workshop), "k", [a, b], b)
    assert result["idea"]["text"] == "B"
