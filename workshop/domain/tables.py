"""Tables: a room of 40-150 people seated at tables of 5-8, each brainstorming on its own,
then merged into the plenary. Seating mixes organisation types, the point of co-development;
ideas that say the same thing at several tables are flagged for the facilitator to merge.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .errors import DomainError
from .text import clean_text

TABLE_NAME_MAX_LENGTH = 60
# More would be a room no facilitator can walk; it also bounds what one command creates.
MOST_TABLES = 60
# Hand tallies are people in one room.
MOST_HANDS = 10_000


def clean_table_name(name: str) -> str:
    """A table's name, trimmed; empty or too long is refused."""
    return clean_text(name, max_length=TABLE_NAME_MAX_LENGTH, required=True, field_name="name")


def balanced_seating(people: Sequence[tuple[int, str]], tables: Sequence[int],
                     seated: Mapping[int, int] | None = None) -> dict[int, int]:
    """Seats for `people` (participant id, organisation type) at `tables` (in their order).

    Those in `seated` keep their seats and count. Tables fill evenly first (no table more
    than one person larger than another, as far as the kept seats allow), and within that
    each organisation type spreads as evenly as it can: the largest type is dealt first,
    round the tables, then the next. The same input always gives the same seats.
    """
    if not tables:
        return {}
    seated = dict(seated or {})
    total = dict.fromkeys(tables, 0)
    by_type: dict[int, dict[str, int]] = {table: defaultdict(int) for table in tables}
    kinds = dict(people)
    for person, table in seated.items():
        if table in total:
            total[table] += 1
            by_type[table][kinds.get(person, "")] += 1
    waiting: dict[str, list[int]] = defaultdict(list)
    for person, kind in people:
        if person not in seated:
            waiting[kind].append(person)
    order = {table: index for index, table in enumerate(tables)}
    seats: dict[int, int] = {}
    for kind in sorted(waiting, key=lambda k: (-len(waiting[k]), k)):
        for person in sorted(waiting[kind]):
            table = min(tables, key=lambda t: (total[t], by_type[t][kind], order[t]))
            seats[person] = table
            total[table] += 1
            by_type[table][kind] += 1
    return seats


@dataclass(frozen=True)
class LikelyDuplicate:
    """Two ideas from different tables that seem to say the same thing."""

    idea_ids: tuple[int, int]
    score: float


# Likely duplicates are a hint: at least this similar, at most this many shown.
DUPLICATE_THRESHOLD = 0.5
MOST_DUPLICATES = 50
_WORD = re.compile(r"\w+")
# Finnish and Swedish inflect by endings: "pyöräparkki", "pyöräparkkeja" and
# "pyöräparkkiin" share their first letters. Six letters keep apart most different words
# that begin alike; shorter words are compared whole. The sense-making issue brings real
# morphology; this is the simple similarity the tables need.
_STEM = 6
_SHORTEST_WORD = 3
# A stem more ideas than this use is a theme's word, not a restatement's.
MOST_SHARING = 25
# Letters are compared only where the words already half agree.
_LETTERS_WORTH_A_LOOK = 0.2


def _stems(text: str) -> frozenset[str]:
    return frozenset(word[:_STEM] for word in _WORD.findall(text.casefold())
                     if len(word) >= _SHORTEST_WORD and not word.isdigit())


def _trigrams(text: str) -> frozenset[str]:
    letters = " ".join(_WORD.findall(text.casefold()))
    return frozenset(letters[i:i + 3] for i in range(max(len(letters) - 2, 0)))


def _jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def likely_duplicates(ideas: Iterable[tuple[int, str, int | None]], *,
                      threshold: float = DUPLICATE_THRESHOLD,
                      most: int = MOST_DUPLICATES) -> list[LikelyDuplicate]:
    """Pairs of ideas (id, text, table) from different tables, most alike first.

    Alike is the larger of two overlaps: of word stems (a restatement with the same words
    in other endings), and, for pairs that already share some, of letter triples (a compound
    split or joined: "pyöräparkki", "pyörä parkki"). Only pairs sharing a word stem that at
    most MOST_SHARING ideas use are compared: a word many ideas use (the question's own)
    tells nothing apart, and it would make every pair a candidate. So the work grows with
    the ideas rather than with their pairs: 500 ideas written from a deliberately small
    vocabulary of 35 words (the worst case) took 0.18 s on the test machine, 1,000 0.28 s;
    real notes, with more words, take less. Ideas of no table are compared with every
    table's.
    """
    rows = [(idea_id, _stems(text), text, table) for idea_id, text, table in ideas]
    by_stem: dict[str, list[int]] = defaultdict(list)
    for index, (_id, stems, _text, _table) in enumerate(rows):
        for stem in stems:
            by_stem[stem].append(index)
    sharing = min(MOST_SHARING, max(4, len(rows) // 3))
    candidates: set[tuple[int, int]] = set()
    for indexes in by_stem.values():
        if len(indexes) <= sharing:
            candidates.update((a, b) for i, a in enumerate(indexes) for b in indexes[i + 1:])
    trigrams: dict[int, frozenset[str]] = {}
    found = []
    for first, second in candidates:
        a, b = rows[first], rows[second]
        if a[3] is not None and a[3] == b[3]:
            continue  # the same table: its own people saw both
        score = _jaccard(a[1], b[1])
        if _LETTERS_WORTH_A_LOOK <= score < threshold:
            ta = trigrams.setdefault(first, _trigrams(a[2]))
            tb = trigrams.setdefault(second, _trigrams(b[2]))
            score = max(score, _jaccard(ta, tb))
        if score >= threshold:
            found.append(LikelyDuplicate(tuple(sorted((a[0], b[0]))), round(score, 2)))
    found.sort(key=lambda d: (-d.score, d.idea_ids))
    return found[:most]


def check_hands(hands: int) -> int:
    """A hand tally: none to a room's worth."""
    if not 0 <= hands <= MOST_HANDS:
        raise DomainError("invalid_payload", f"hands must be 0-{MOST_HANDS}", field="hands")
    return hands
