"""The tables' pure rules: seating that mixes organisation types, and likely duplicates."""

from __future__ import annotations

from collections import Counter

from workshop.domain.tables import balanced_seating, likely_duplicates


def test_seating_keeps_tables_even_and_spreads_every_type():
    people = [(n, "city") for n in range(10)] + [(20 + n, "company") for n in range(5)] \
        + [(40 + n, "citizen") for n in range(2)]

    seats = balanced_seating(people, [1, 2, 3])

    sizes = Counter(seats.values())
    assert max(sizes.values()) - min(sizes.values()) <= 1
    for kind, many in (("city", 10), ("company", 5), ("citizen", 2)):
        per_table = Counter(seats[p] for p, k in people if k == kind)
        assert max(per_table.values()) - min(per_table.get(t, 0) for t in (1, 2, 3)) <= 1, kind
        assert sum(per_table.values()) == many
    assert balanced_seating(list(reversed(people)), [1, 2, 3]) == seats  # the same every time


def test_seating_keeps_whoever_is_seated_and_fills_around_them():
    seats = balanced_seating([(1, "city"), (2, "city"), (3, "company")], [7, 8], {1: 7})

    assert 1 not in seats  # kept where they sit
    assert seats[2] == 8  # table 8 was emptier
    assert seats[3] == 7  # both hold one now; 7 has no company yet


def test_a_restatement_at_another_table_is_flagged_and_the_same_table_is_not():
    ideas = [(1, "Lisää pyöräparkkeja asemalle", 1),
             (2, "Pyöräparkki asemalle", 2),
             (3, "Pyöräparkkeja lisää asemalle!", 1),  # the first one's own table
             (4, "Kirjasto auki sunnuntaisin", 3)]

    pairs = [d.idea_ids for d in likely_duplicates(ideas)]

    assert (1, 2) in pairs and (2, 3) in pairs
    assert (1, 3) not in pairs
    assert not any(4 in pair for pair in pairs)


def test_a_word_every_idea_uses_makes_no_pair():
    ideas = [(n, f"Bussipysäkki {word}", n % 5) for n, word in enumerate(
        ["penkit", "valot", "katos", "kartta", "wifi", "roskis", "kukat", "taide", "lämpö",
         "kello", "laturi", "vesi"])]

    assert likely_duplicates(ideas) == []
