"""Tables: a room seated at tables brainstorms table by table, without seeing the other
tables' ideas, until the facilitator merges them into the plenary; seating mixes
organisation types; paper notes and hand votes are marked and kept apart."""

from __future__ import annotations

from collections import Counter

import pytest
from arrange import as_facilitator, as_participant, names, refused
from sqlalchemy import func, select

from workshop.domain.protocol import Audience
from workshop.models import AuditEntry, Idea, Participant, Table
from workshop.realtime import commands
from workshop.services import agenda, snapshot, votes


def run(session, name, actor, payload):
    """One command through the command path, committed as the handler commits it."""
    answer, facts = commands.run(name, session, actor, payload)
    session.commit()
    return answer, facts


@pytest.fixture
def three_tables(session, make_workshop, make_participant):
    """A workshop at a brainstorm at tables, three tables of two people each."""
    workshop = make_workshop(phase="posting")
    board = as_facilitator(workshop)
    agenda.update_activity(session, board, workshop.current_activity_id,
                           settings={"at_tables": True})
    session.commit()
    tables, people = [], []
    for number in range(1, 4):
        table = run(session, "table.create", board,
                    {"key": f"t{number}", "name": f"Table {number}"})[0]["table"]["id"]
        tables.append(table)
        for kind in ("city", "company"):
            person, _ = make_participant(workshop, organisation_type=kind)
            run(session, "table.seat", board, {"participant_id": person.id, "table_id": table})
            people.append(as_participant(person))
    return workshop, board, tables, people


def _post(session, actor, text):
    answer, facts = run(session, "idea.post", actor, {"key": f"k-{text}", "text": text})
    return answer["idea"], facts


def _idea_texts(session, actor):
    return sorted(idea["text"] for idea in snapshot.snapshot(session, actor)["ideas"])


def test_three_tables_brainstorm_in_parallel_without_seeing_each_other(session, three_tables):
    workshop, board, tables, people = three_tables

    told = []
    for index, person in enumerate(people):
        idea, facts = _post(session, person, f"Idea {index} of table {index // 2 + 1}")
        told.append(facts)
        assert idea["table_id"] == tables[index // 2]

    for index, facts in enumerate(told):
        # Its table and the facilitators hear of it; nobody else.
        audiences = {(f.audience, f.table_id) for f in facts if f.name == "idea.posted"}
        assert audiences == {(Audience.TABLE, tables[index // 2]), (Audience.FACILITATORS, None)}
    for index, person in enumerate(people):
        table = index // 2 + 1
        assert _idea_texts(session, person) == sorted(
            f"Idea {i} of table {table}" for i in range(len(people)) if i // 2 + 1 == table)
    assert len(_idea_texts(session, board)) == 6


def test_each_table_numbers_its_own_facts(session, three_tables):
    _workshop, _board, tables, people = three_tables
    first, _ = _post(session, people[0], "One")
    _, facts = _post(session, people[1], "Two")
    _, elsewhere = _post(session, people[2], "Three")

    table_facts = [f for f in facts if f.audience is Audience.TABLE]
    assert [f.sequence for f in table_facts] == [2]
    assert [f.sequence for f in elsewhere if f.audience is Audience.TABLE] == [1]
    me = snapshot.snapshot(session, people[0])["me"]
    assert (me["table_id"], me["table_seq"]) == (tables[0], 2)


def test_someone_at_no_table_cannot_post_into_a_brainstorm_at_tables(
        session, three_tables, make_participant):
    workshop, *_ = three_tables
    loner, _ = make_participant(workshop)

    with refused("no_table"):
        _post(session, as_participant(loner), "Alone")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Idea)
                          .where(Idea.workshop_id == workshop.id)) == 0


def test_merge_brings_every_idea_to_everyone_once_with_its_table(session, three_tables):
    workshop, board, tables, people = three_tables
    for index, person in enumerate(people):
        _post(session, person, f"Idea {index}")
    brainstorm = workshop.current_activity_id

    answer, facts = run(session, "brainstorm.merge", board, {"activity_id": brainstorm})

    assert answer["activity"]["merged"] is True
    revealed = next(f for f in facts if f.name == "ideas.revealed")
    assert revealed.audience is Audience.WORKSHOP
    assert sorted(i["table_id"] for i in revealed.payload["ideas"]) == sorted(tables * 2)
    for person in people:
        seen = snapshot.snapshot(session, person)["ideas"]
        assert len(seen) == 6 == len({i["id"] for i in seen})
    # Merging again changes nothing, tells nobody and logs nothing.
    audit_rows = session.scalar(select(func.count()).select_from(AuditEntry)
                                .where(AuditEntry.workshop_id == workshop.id))
    assert run(session, "brainstorm.merge", board, {"activity_id": brainstorm})[1] == []
    assert session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.workshop_id == workshop.id)) == audit_rows


def test_after_the_merge_likely_duplicates_across_tables_are_flagged(session, three_tables):
    workshop, board, _tables, people = three_tables
    same = _post(session, people[0], "More bike parking at the station")[0]["id"]
    other = _post(session, people[2], "More bike parking near the station")[0]["id"]
    _post(session, people[1], "More bike parking at stations please")  # the same table
    _post(session, people[4], "Libraries open on Sundays")

    answer, facts = run(session, "brainstorm.merge", board,
                        {"activity_id": workshop.current_activity_id})

    pairs = [tuple(d["idea_ids"]) for d in answer["duplicates"]]
    assert tuple(sorted((same, other))) in pairs
    flagged = next(f for f in facts if f.name == "duplicates.flagged")
    assert flagged.audience is Audience.FACILITATORS
    assert all(len({session.get(Idea, i).table_id for i in pair}) == 2 for pair in pairs)
    assert snapshot.snapshot(session, board)["duplicates"] == answer["duplicates"]


def test_automatic_seating_mixes_a_skewed_room(session, make_workshop, make_participant):
    workshop = make_workshop(phase="lobby")
    board = as_facilitator(workshop)
    for kind, many in (("city", 12), ("company", 3), ("research", 3)):
        for _ in range(many):
            make_participant(workshop, organisation_type=kind)
    for number in range(1, 4):
        run(session, "table.create", board, {"key": f"t{number}", "name": f"Table {number}"})

    answer, facts = run(session, "tables.assign", board, {})

    assert names(facts) == ["tables.changed", "seats.changed", "seats.changed"]
    mix = Counter((table, session.get(Participant, int(person)).organisation_type)
                  for person, table in answer["seats"].items())
    for table in {t for t, _ in mix}:
        assert (mix[(table, "city")], mix[(table, "company")], mix[(table, "research")]) \
            == (4, 1, 1)
    # Assigning again keeps everyone where they are.
    assert run(session, "tables.assign", board, {})[1] == []


def test_moving_one_person_keeps_the_table_of_their_ideas(session, three_tables):
    _workshop, board, tables, people = three_tables
    idea, _ = _post(session, people[0], "Posted at table one")

    _, facts = run(session, "table.seat", board,
                   {"participant_id": people[0].participant_id, "table_id": tables[2]})

    moved = [f for f in facts if f.name == "seats.changed"]
    assert {f.audience for f in moved} == {Audience.WORKSHOP, Audience.FACILITATORS}
    assert all(f.payload["participant_ids"] == [people[0].participant_id] for f in moved)
    assert session.get(Idea, idea["id"]).table_id == tables[0]
    assert snapshot.snapshot(session, people[0])["me"]["table_id"] == tables[2]
    # At the new table, the old table's ideas are out of sight: their own one too.
    assert _idea_texts(session, people[0]) == []


def test_a_participant_chooses_a_table_only_while_choosing_is_open(session, three_tables,
                                                                  make_participant):
    workshop, board, tables, _people = three_tables
    newcomer = as_participant(make_participant(workshop)[0])

    with refused("seating_closed"):
        run(session, "table.choose", newcomer, {"table_id": tables[1]})
    session.rollback()
    run(session, "tables.set_choice", board, {"open": True})
    answer, facts = run(session, "table.choose", newcomer, {"table_id": tables[1]})

    assert answer == {"table_id": tables[1]}
    assert "seats.changed" in names(facts)
    assert snapshot.snapshot(session, newcomer)["tables_by_choice"] is True


def test_a_table_ideas_were_posted_at_is_not_deleted(session, three_tables):
    _workshop, board, tables, people = three_tables
    _post(session, people[0], "Keep my table")

    with refused("table_has_ideas"):
        run(session, "table.delete", board, {"table_id": tables[0]})
    session.rollback()
    _, facts = run(session, "table.delete", board, {"table_id": tables[2]})

    assert session.get(Table, tables[0]) is not None
    assert session.get(Participant, people[4].participant_id).table_id is None
    assert "seats.changed" in names(facts)
    with refused("name_taken"):
        run(session, "table.rename", board, {"table_id": tables[1], "name": "Table 1"})


def test_a_host_groups_their_own_tables_ideas_only(session, three_tables):
    workshop, board, tables, people = three_tables
    host, neighbour, stranger = people[0], people[1], people[2]
    own = _post(session, neighbour, "Benches")[0]["id"]
    foreign = _post(session, stranger, "Shelters")[0]["id"]

    with refused("forbidden"):
        run(session, "cluster.create", host, {"key": "g", "name": "Seating"})
    session.rollback()
    with refused("not_at_table"):
        run(session, "table.set_host", board,
            {"table_id": tables[0], "participant_id": stranger.participant_id})
    session.rollback()
    run(session, "table.set_host", board,
        {"table_id": tables[0], "participant_id": host.participant_id})
    group, facts = run(session, "cluster.create", host, {"key": "g", "name": "Seating"})
    group_id = group["cluster"]["id"]
    _, moved = run(session, "cluster.move_idea", host,
                   {"idea_id": own, "cluster_id": group_id, "position": 0})

    told = {(f.audience, f.table_id) for f in facts + moved if f.name == "clusters.changed"}
    assert told == {(Audience.TABLE, tables[0]), (Audience.FACILITATORS, None)}
    _, back = run(session, "cluster.move_idea", host,
                  {"idea_id": own, "cluster_id": None, "position": 0})
    to_table = next(f for f in back if f.audience is Audience.TABLE)
    assert to_table.payload["clusters"][0]["idea_ids"] == []  # the table sees it leave
    run(session, "cluster.move_idea", host, {"idea_id": own, "cluster_id": group_id,
                                             "position": 0})
    with refused("forbidden"):
        run(session, "cluster.move_idea", host,
            {"idea_id": foreign, "cluster_id": group_id, "position": 0})
    session.rollback()
    # Another table sees neither the group nor its name; the host's table sees both.
    assert snapshot.snapshot(session, stranger)["clusters"] == []
    assert [c["name"] for c in snapshot.snapshot(session, neighbour)["clusters"]] == ["Seating"]
    assert snapshot.snapshot(session, host)["me"]["host_of"] == tables[0]


def test_paper_notes_are_marked_and_never_count_as_people(session, three_tables):
    workshop, board, tables, people = three_tables
    entered, facts = run(session, "idea.enter", board, {
        "key": "p1", "text": "Written on paper", "table_id": tables[1],
        "organisation_type": "company"})
    again, repeated = run(session, "idea.enter", board, {
        "key": "p1", "text": "Written on paper", "table_id": tables[1]})

    idea = entered["idea"]
    assert idea["on_paper"] is True and idea["entered_by"] == "facilitator"
    assert idea["table_id"] == tables[1] and idea["author"]["organisation_type"] == "company"
    assert again == entered and repeated == []
    assert {(f.audience, f.table_id) for f in facts if f.name == "idea.posted"} == {
        (Audience.TABLE, tables[1]), (Audience.FACILITATORS, None)}
    stand_in = session.get(Participant, idea["author"]["id"])
    assert stand_in.on_paper
    board_view = snapshot.snapshot(session, board)
    assert str(stand_in.id) not in board_view["seats"]
    assert sum(t["seated"] for t in board_view["tables"]) == 6
    row = session.scalars(select(AuditEntry).where(
        AuditEntry.workshop_id == workshop.id, AuditEntry.command == "idea.enter")).one()
    assert row.facilitator_id == board.facilitator_id


def test_a_host_enters_paper_notes_for_their_own_table(session, three_tables):
    _workshop, board, tables, people = three_tables
    host = people[2]
    run(session, "table.set_host", board,
        {"table_id": tables[1], "participant_id": host.participant_id})

    entered, _ = run(session, "idea.enter", host, {"key": "h1", "text": "From the table's wall"})
    with refused("forbidden"):
        run(session, "idea.enter", host, {"key": "h2", "text": "x", "table_id": tables[0]})
    session.rollback()
    with refused("forbidden"):
        run(session, "idea.enter", people[0], {"key": "h3", "text": "Not a host"})

    assert entered["idea"]["entered_by"] == "host"
    assert entered["idea"]["table_id"] == tables[1]
    assert "From the table's wall" in _idea_texts(session, people[3])
    assert "From the table's wall" not in _idea_texts(session, people[0])


def test_hand_votes_are_shown_beside_phone_votes_and_summed(session, make_workshop,
                                                           make_participant, add_idea):
    workshop = make_workshop(phase="voting")
    board = as_facilitator(workshop)
    voter, _ = make_participant(workshop)
    phones = add_idea(voter, "Phones like it")
    hands = add_idea(voter, "The room likes it")
    vote = workshop.current_activity_id
    for key in ("a", "b"):
        run(session, "vote.cast", as_participant(voter), {"key": key, "idea_id": phones})

    answer, facts = run(session, "hands.set", board,
                        {"activity_id": vote, "idea_id": hands, "hands": 12})

    assert answer == {"activity_id": vote, "idea_id": hands, "hands": 12}
    assert [(f.name, f.audience) for f in facts] == [("hands.changed", Audience.FACILITATORS)]
    ranked = votes.results(session, workshop.id, agenda.activity_in_workshop(
        session, workshop.id, vote))
    assert ranked[0] == {"idea_id": hands, "votes": 0, "hands": 12, "total": 12, "rank": 1}
    assert ranked[1] == {"idea_id": phones, "votes": 2, "hands": 0, "total": 2, "rank": 2}
    # The same tally again changes nothing; 0 takes it away, and results are as before.
    assert run(session, "hands.set", board,
               {"activity_id": vote, "idea_id": hands, "hands": 12})[1] == []
    run(session, "hands.set", board, {"activity_id": vote, "idea_id": hands, "hands": 0})
    assert votes.results(session, workshop.id, agenda.activity_in_workshop(
        session, workshop.id, vote))[0] == {"idea_id": phones, "votes": 2, "rank": 1}
    with refused("invalid_payload"):
        run(session, "hands.set", board, {"activity_id": vote, "idea_id": hands, "hands": -1})
    session.rollback()
    rows = session.scalars(select(AuditEntry).where(
        AuditEntry.workshop_id == workshop.id, AuditEntry.command == "hands.set")
        .order_by(AuditEntry.id)).all()
    assert [(r.before, r.after) for r in rows] == [({"hands": 0}, {"hands": 12}),
                                                   ({"hands": 12}, {"hands": 0})]


def test_a_post_to_an_open_brainstorm_still_goes_to_everyone(session, three_tables):
    workshop, board, _tables, people = three_tables
    agenda.update_activity(session, board, workshop.current_activity_id,
                           settings={"at_tables": False})
    session.commit()

    idea, facts = _post(session, people[0], "For the whole room")

    assert [(f.name, f.audience) for f in facts] == [("idea.posted", Audience.WORKSHOP)]
    assert idea["table_id"] is not None  # the table is kept all the same
    assert "For the whole room" in _idea_texts(session, people[5])


def test_a_phone_that_missed_its_tables_fact_gets_a_snapshot_on_its_catch_up(session,
                                                                           three_tables):
    _workshop, _board, _tables, people = three_tables
    me = snapshot.snapshot(session, people[0])
    since, table_seq = me["seq"], me["me"]["table_seq"]

    caught_up, _ = snapshot.sync(session, people[0], since=since, table_seq=table_seq)
    _post(session, people[1], "Said while I was away")
    behind, _ = snapshot.sync(session, people[0], since=since, table_seq=table_seq)
    elsewhere, _ = snapshot.sync(session, people[2], since=since,
                                 table_seq=snapshot.snapshot(session, people[2])["me"]["table_seq"])

    assert caught_up["missed"] == []
    assert "missed" not in behind
    assert [i["text"] for i in behind["ideas"]] == ["Said while I was away"]
    assert elsewhere["missed"] == []  # another table's idea is nothing it missed


def test_ideas_of_two_tables_are_merged_only_after_the_tables_are(session, three_tables):
    workshop, board, _tables, people = three_tables
    first = _post(session, people[0], "Bike racks")[0]["id"]
    second = _post(session, people[2], "Bike racks!")[0]["id"]
    payload = {"key": "m", "idea_ids": [first, second], "into_idea_id": first}

    with refused("tables_not_merged"):
        run(session, "idea.merge", board, payload)
    session.rollback()
    run(session, "brainstorm.merge", board, {"activity_id": workshop.current_activity_id})
    merged, _ = run(session, "idea.merge", board, payload)

    assert merged["merged_idea_ids"] == [second]


def test_hands_on_an_idea_merged_into_another_count_for_that_one(session, make_workshop,
                                                                 make_participant, add_idea):
    workshop = make_workshop(phase="voting")
    board = as_facilitator(workshop)
    author, _ = make_participant(workshop)
    stays, goes = add_idea(author, "Shade"), add_idea(author, "Shade, please")
    vote = workshop.current_activity_id
    run(session, "hands.set", board, {"activity_id": vote, "idea_id": goes, "hands": 7})

    merged, _ = run(session, "idea.merge", board,
                    {"key": "m", "idea_ids": [stays, goes], "into_idea_id": stays})
    counted = votes.results(session, workshop.id,
                            agenda.activity_in_workshop(session, workshop.id, vote))
    run(session, "idea.unmerge", board, {"merge_id": merged["merge_id"]})
    undone = votes.results(session, workshop.id,
                           agenda.activity_in_workshop(session, workshop.id, vote))

    assert counted == [{"idea_id": stays, "votes": 0, "hands": 7, "total": 7, "rank": 1}]
    assert {r["idea_id"]: r["hands"] for r in undone} == {stays: 0, goes: 7}
