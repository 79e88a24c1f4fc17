"""A workshop's agenda: moving through it, editing it, and what each activity lets the room do
(workshop/services/agenda.py)."""

from __future__ import annotations

from arrange import as_facilitator, as_participant, count, names, refused
from sqlalchemy import select

from workshop.models import Activity, AuditEntry, Idea, Vote
from workshop.realtime import commands
from workshop.services import agenda, clusters, ideas, votes


def _kinds(session, workshop_id):
    return [a.kind for a in agenda.activities_of(session, workshop_id)]


def _of_kind(session, workshop_id, kind, nth=0):
    return [a for a in agenda.activities_of(session, workshop_id) if a.kind == kind][nth]


def test_a_new_workshop_waits_on_its_welcome_until_the_facilitator_moves_on(
        session, make_workshop, make_participant):
    workshop = make_workshop(phase="lobby")
    phone = as_participant(make_participant(workshop)[0])

    with refused("posting_closed"):
        commands.run("idea.post", session, phone, {"key": "early", "text": "Too early"})
    brainstorm = _of_kind(session, workshop.id, "brainstorm")
    answer, facts = agenda.go_to(session, as_facilitator(workshop), brainstorm.id)
    posted, _ = commands.run("idea.post", session, phone, {"key": "k", "text": "Benches"})

    assert answer == {"activity_id": brainstorm.id, "phase": "posting"}
    assert names(facts) == ["phase.changed"]
    assert facts[0].payload["activity"]["prompt"] == "How might we ...?"
    assert posted["idea"]["activity_id"] == brainstorm.id
    assert count(session, Idea) == 1


def test_going_where_the_room_already_is_tells_nobody_and_logs_nothing(session, make_workshop):
    workshop = make_workshop(phase="lobby")
    board = as_facilitator(workshop)
    group = _of_kind(session, workshop.id, "group")

    agenda.go_to(session, board, group.id)
    logged = count(session, AuditEntry)
    again, facts = agenda.go_to(session, board, group.id)

    assert again["activity_id"] == group.id and facts == []
    assert count(session, AuditEntry) == logged


def test_an_activity_of_another_workshop_is_unknown(session, make_workshop):
    mine, theirs = make_workshop(), make_workshop()
    with refused("not_found"):
        agenda.go_to(session, as_facilitator(mine), theirs.current_activity_id)


def test_ideas_belong_to_the_question_they_answered(session, make_workshop, make_participant):
    workshop = make_workshop(phase="posting")
    board = as_facilitator(workshop)
    phone = as_participant(make_participant(workshop)[0])
    first = workshop.current_activity_id
    added, facts = agenda.add_activity(session, board, "q2", "brainstorm", "Second question",
                                       prompt="What would make it fun?", position=2)
    second = added["activity"]["id"]

    ideas.post_idea(session, phone, "a", "Benches")
    agenda.go_to(session, board, second)
    ideas.post_idea(session, phone, "b", "Music")

    stored = {i.text: i.activity_id for i in session.execute(select(Idea)).scalars()}
    assert stored == {"Benches": first, "Music": second}
    assert names(facts) == ["agenda.changed"]
    assert _kinds(session, workshop.id) == [
        "welcome", "brainstorm", "brainstorm", "group", "vote", "results"]


def test_adding_is_once_per_key(session, make_workshop):
    workshop = make_workshop()
    board = as_facilitator(workshop)
    first, facts = agenda.add_activity(session, board, "k", "discussion", "Coffee")
    again, no_facts = agenda.add_activity(session, board, "k", "discussion", "Coffee")

    assert first == again and names(facts) == ["agenda.changed"] and no_facts == []
    assert _kinds(session, workshop.id).count("discussion") == 1


def test_bad_activities_are_refused_with_the_field_that_is_wrong(session, make_workshop):
    workshop = make_workshop()
    board = as_facilitator(workshop)
    brainstorm = _of_kind(session, workshop.id, "brainstorm")
    vote = _of_kind(session, workshop.id, "vote")
    cases = [
        ({"kind": "dance", "title": "x"}, "kind"),
        ({"kind": "brainstorm", "title": "x"}, "prompt"),  # a brainstorm needs its question
        ({"kind": "welcome", "title": "x", "settings": {"private": True}}, "settings"),
        ({"kind": "discussion", "title": "x", "closes_when_time_up": True},
         "closes_when_time_up"),
        ({"kind": "discussion", "title": "x", "duration_seconds": 0}, "duration_seconds"),
        ({"kind": "group", "title": "x", "settings": {"source_activity_id": vote.id}},
         "source_activity_id"),
        ({"kind": "results", "title": "x", "settings": {"source_activity_id": brainstorm.id}},
         "source_activity_id"),
        ({"kind": "vote", "title": "x", "settings": {"cluster_ids": [999999]}}, "cluster_ids"),
    ]
    before = _kinds(session, workshop.id)
    for number, (payload, field) in enumerate(cases):
        with refused("invalid_activity") as refusal:
            commands.run("activity.add", session, board, {"key": f"bad{number}", **payload})
        session.rollback()
        assert refusal.value.details.get("field") == field, payload
    assert _kinds(session, workshop.id) == before


def test_each_vote_has_its_own_budget_and_its_own_ideas(
        session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="posting", vote_budget=2)
    board = as_facilitator(workshop)
    voter, _ = make_participant(workshop)
    phone = as_participant(voter)
    first_question = workshop.current_activity_id
    second, _ = agenda.add_activity(session, board, "q2", "brainstorm", "More", prompt="Else?")
    second_question = second["activity"]["id"]
    second_vote, _ = agenda.add_activity(
        session, board, "v2", "vote", "Vote on the second",
        settings={"vote_budget": 1, "source_activity_id": second_question})
    session.commit()
    old = add_idea(voter, "Benches", activity_id=first_question)
    new = add_idea(voter, "Music", activity_id=second_question)

    agenda.set_phase(session, board, "voting")  # the default vote: every question, 2 dots
    votes.cast_vote(session, phone, "a", old)
    spent, _ = votes.cast_vote(session, phone, "b", new)
    agenda.go_to(session, board, second_vote["activity"]["id"])
    with refused("not_in_vote"):
        votes.cast_vote(session, phone, "c", old)
    fresh, _ = votes.cast_vote(session, phone, "d", new)
    with refused("vote_budget_spent"):
        votes.cast_vote(session, phone, "e", new)

    assert spent["votes_left"] == 0 and fresh["votes_left"] == 0
    later = session.get(Activity, second_vote["activity"]["id"])
    assert votes.results(session, workshop.id, later) == [{"idea_id": new, "votes": 1, "rank": 1}]
    assert count(session, Vote) == 3


def test_a_vote_over_chosen_clusters_takes_only_their_ideas(
        session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="grouping")
    board = as_facilitator(workshop)
    voter, _ = make_participant(workshop)
    inside, outside = add_idea(voter, "Benches"), add_idea(voter, "Music")
    made, _ = clusters.create_cluster(session, board, "c", "Seating")
    cluster_id = made["cluster"]["id"]
    clusters.move_idea(session, board, inside, cluster_id, 0)
    vote = _of_kind(session, workshop.id, "vote")
    agenda.update_activity(session, board, vote.id, settings={"cluster_ids": [cluster_id]})
    agenda.go_to(session, board, vote.id)

    votes.cast_vote(session, as_participant(voter), "a", inside)
    with refused("not_in_vote"):
        votes.cast_vote(session, as_participant(voter), "b", outside)

    agenda.set_phase(session, board, "results")
    assert [r["idea_id"] for r in votes.results(session, workshop.id, vote)] == [inside]


def test_a_votes_budget_stays_once_votes_are_given(
        session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    votes.cast_vote(session, as_participant(voter), "a", add_idea(voter, "Benches"))
    vote = session.get(Activity, workshop.current_activity_id)

    with refused("activity_in_use"):
        agenda.update_activity(session, as_facilitator(workshop), vote.id,
                               settings={"vote_budget": 9})
    renamed, facts = agenda.update_activity(session, as_facilitator(workshop), vote.id,
                                            title="Dots")
    assert renamed["activity"]["title"] == "Dots" and names(facts) == ["agenda.changed"]


def test_removing_never_loses_ideas_votes_or_the_current_step(
        session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="posting")
    board = as_facilitator(workshop)
    add_idea(make_participant(workshop)[0], "Benches")
    brainstorm = _of_kind(session, workshop.id, "brainstorm")
    group = _of_kind(session, workshop.id, "group")

    for in_use in (brainstorm.id, workshop.current_activity_id):
        with refused("activity_in_use"):
            agenda.remove_activity(session, board, in_use)
    removed, facts = agenda.remove_activity(session, board, group.id)

    assert removed == {"activity_id": group.id} and names(facts) == ["agenda.changed"]
    assert _kinds(session, workshop.id) == ["welcome", "brainstorm", "vote", "results"]
    assert [a.position for a in agenda.activities_of(session, workshop.id)] == [0, 1, 2, 3]


def test_moving_reorders_and_is_logged_with_where_it_was(session, make_workshop):
    workshop = make_workshop()
    board = as_facilitator(workshop)
    results = _of_kind(session, workshop.id, "results")

    moved, facts = agenda.move_activity(session, board, results.id, 1)
    again, no_facts = agenda.move_activity(session, board, results.id, 1)

    assert _kinds(session, workshop.id) == ["welcome", "results", "brainstorm", "group", "vote"]
    assert names(facts) == ["agenda.changed"] and no_facts == []
    assert facts[0].payload["agenda"][1]["id"] == results.id
    entry = session.execute(select(AuditEntry).where(AuditEntry.command == "activity.move")
                            ).scalar_one()
    assert (entry.before, entry.after) == ({"position": 4}, {"position": 1})


def test_participants_do_not_edit_the_agenda(session, make_workshop, make_participant):
    workshop = make_workshop()
    phone = as_participant(make_participant(workshop)[0])
    for name, payload in [("activity.go", {"activity_id": workshop.current_activity_id}),
                          ("activity.add", {"key": "k", "kind": "welcome", "title": "x"}),
                          ("activity.remove", {"activity_id": workshop.current_activity_id})]:
        with refused("forbidden"):
            commands.run(name, session, phone, payload)


def test_the_snapshot_carries_the_agenda_and_where_the_room_is(session, make_workshop,
                                                                make_participant):
    from workshop.services import snapshot
    workshop = make_workshop(phase="voting")
    snap = snapshot.snapshot(session, as_participant(make_participant(workshop)[0]))

    assert [a["kind"] for a in snap["agenda"]] == [
        "welcome", "brainstorm", "group", "vote", "results"]
    assert snap["current_activity_id"] == snap["agenda"][3]["id"]
    assert snap["me"]["vote_activity_id"] == snap["agenda"][3]["id"]
