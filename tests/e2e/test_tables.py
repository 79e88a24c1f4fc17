"""Three tables brainstorm in parallel on the real server: each phone hears its own table.

Nine phones at three tables (python-socketio clients on run.py, eventlet) post at once in a
brainstorm at tables. What each phone is told is checked frame by frame: its table's ideas,
numbered by its table (`tseq`), and nothing of the others'. A phone moved to another table
syncs and from then on hears only its new table; the merge into the plenary tells every
phone every idea once, each with the table it came from.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from .conftest import at_once

pytestmark = pytest.mark.e2e

TABLES = ("Table A", "Table B", "Table C")
PER_TABLE = 3
ORGANISATION_TYPES = ("city", "company", "research")
# After every expected fact has come: time enough for one that should not come to arrive too
# (a frame goes out within the 50 ms fact window).
STRAGGLERS = 0.6


def posted_ids(screen) -> list[int]:
    """The ids of the ideas this screen was told of as posted, in order."""
    return [fact["idea"]["id"] for fact in screen.facts("idea.posted")]


def seated_phones(tupa, workshop, board, tables):
    """Nine phones joined, seated three to a table (one of each organisation type), synced."""
    tokens = [tupa.join(workshop, ORGANISATION_TYPES[n % 3], nickname=f"Phone {n}")
              for n in range(len(tables) * PER_TABLE)]
    phones = [tupa.phone(workshop, token) for token in tokens]
    people = [phone.sync()["me"]["participant_id"] for phone in phones]
    seats = {}
    for n, person in enumerate(people):
        table = tables[n // PER_TABLE]
        board.ok("table.seat", {"participant_id": person, "table_id": table})
        seats[person] = table
    # Told they were seated, each phone syncs, as the page does: its socket joins the table.
    for phone, person in zip(phones, people, strict=True):
        phone.wait_for("seats.changed", where=lambda p, me=person: me in p["participant_ids"])
        assert phone.sync()["me"]["table_id"] == seats[person]
    return phones, people, seats


@pytest.fixture
def room(tupa):
    """A brainstorm at three tables of three phones, with the board watching."""
    workshop = tupa.workshop(phase="posting")
    board = tupa.board(workshop)
    opened = board.sync()
    brainstorm = opened["workshop"]["current_activity_id"]
    tables = [board.ok("table.create", {"key": f"t{n}", "name": name})["table"]["id"]
              for n, name in enumerate(TABLES)]
    phones, people, seats = seated_phones(tupa, workshop, board, tables)
    board.ok("activity.update", {"activity_id": brainstorm, "settings": {"at_tables": True}})
    for phone in phones:
        phone.wait_for("agenda.changed")
    return board, brainstorm, tables, phones, people, seats


def post_at_once(phones, round_: str) -> dict[int, int]:
    """Every phone posts one idea, all at once; the stored idea ids and their phone's index."""
    answers = at_once([(phone, "idea.post", {"key": f"{round_}-{n}",
                                              "text": f"Idea {round_} from phone {n}"})
                       for n, phone in enumerate(phones)])
    assert all(answer["ok"] for answer in answers), answers
    return {answer["data"]["idea"]["id"]: n for n, answer in enumerate(answers)}


def test_each_phone_hears_only_its_own_tables_ideas_and_the_merge_tells_all(tupa, room):
    board, brainstorm, tables, phones, people, seats = room
    ideas = post_at_once(phones, "first")
    table_of_idea = {idea: seats[people[n]] for idea, n in ideas.items()}

    board.wait_for("idea.posted", count=len(ideas))
    for n, phone in enumerate(phones):
        mine = {idea for idea, table in table_of_idea.items() if table == seats[people[n]]}
        phone.wait_for("idea.posted", count=len(mine))
    time.sleep(STRAGGLERS)
    for n, phone in enumerate(phones):
        table = seats[people[n]]
        told = posted_ids(phone)
        assert sorted(told) == sorted(i for i, t in table_of_idea.items() if t == table), (
            f"phone {n} at table {table} was told {told}")
        facts = phone.facts("idea.posted")
        assert all(fact["idea"]["table_id"] == table for fact in facts)
        # Numbered by the table: one after the other, with no gap a phone would sync over.
        numbers = [fact["tseq"] for fact in facts]
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
        assert all("seq" not in fact for fact in facts)
        # The page's own snapshot holds the same ideas: the table's, no other's.
        shown = [i["id"] for i in phone.sync()["ideas"] if i["activity_id"] == brainstorm]
        assert sorted(shown) == sorted(told)
    assert sorted(posted_ids(board)) == sorted(ideas)

    board.ok("brainstorm.merge", {"activity_id": brainstorm})
    for phone in [*phones, board]:
        revealed = phone.wait_for("ideas.revealed")[-1]
        assert revealed["activity_id"] == brainstorm
        told = Counter(idea["id"] for idea in revealed["ideas"])
        assert set(told) == set(ideas) and set(told.values()) == {1}
        assert {i["id"]: i["table_id"] for i in revealed["ideas"]} == table_of_idea
    for phone in phones:
        shown = [i for i in phone.sync()["ideas"] if i["activity_id"] == brainstorm]
        assert sorted(i["id"] for i in shown) == sorted(ideas)  # each once
        assert {i["id"]: i["table_id"] for i in shown} == table_of_idea

    # Merged again: nothing more to tell.
    board.ok("brainstorm.merge", {"activity_id": brainstorm})
    time.sleep(STRAGGLERS)
    assert all(len(phone.facts("ideas.revealed")) == 1 for phone in phones)


def test_a_moved_phone_syncs_and_then_hears_its_new_table_only(tupa, room):
    board, brainstorm, tables, phones, people, seats = room
    before = post_at_once(phones, "before")
    moved, person = phones[0], people[0]
    old, new = seats[person], tables[1]
    assert old != new
    for phone in phones:
        phone.wait_for("idea.posted", count=PER_TABLE)

    board.ok("table.seat", {"participant_id": person, "table_id": new})
    moved.wait_for("seats.changed", where=lambda p: person in p["participant_ids"])
    snapshot = moved.sync()
    assert snapshot["me"]["table_id"] == new
    # The snapshot is the new table's: its ideas so far, none of the old table's.
    shown = {i["id"] for i in snapshot["ideas"] if i["activity_id"] == brainstorm}
    assert shown == {i for i, n in before.items() if seats[people[n]] == new}
    seats[person] = new

    heard_before = len(posted_ids(moved))
    after = post_at_once(phones, "after")
    at_new = {i for i, n in after.items() if seats[people[n]] == new}
    assert len(at_new) == PER_TABLE + 1  # the moved phone posted at its new table
    board.wait_for("idea.posted", count=len(before) + len(after))
    moved.wait_for("idea.posted", count=heard_before + len(at_new))
    time.sleep(STRAGGLERS)
    told = posted_ids(moved)[heard_before:]
    assert sorted(told) == sorted(at_new)
    assert all(f["idea"]["table_id"] == new for f in moved.facts("idea.posted")[heard_before:])
    # The old table no longer hears the moved phone, and goes on without it.
    old_table = [p for p, who in zip(phones, people, strict=True) if seats[who] == old]
    for phone in old_table:
        phone.wait_for("idea.posted", count=PER_TABLE + PER_TABLE - 1)
    time.sleep(STRAGGLERS)
    for phone in old_table:
        assert sorted(posted_ids(phone)[PER_TABLE:]) == sorted(
            i for i, n in after.items() if seats[people[n]] == old)
