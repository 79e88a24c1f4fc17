"""Restoring a workshop from its JSON export (reports/restore.py, services/restore.py).

The round trip export -> restore -> export gives the same document, but for what differs by
nature (services/restore.py says exactly what); every broken or hostile file of
tests/data/restore/ is refused with an error that says where, and writes nothing.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import hypothesis.strategies as st
import pytest
from arrange import as_facilitator, as_participant, count
from hypothesis import HealthCheck, given, settings
from reports.hybrid_seed import hybrid_room
from sqlalchemy import func, select

from workshop.domain.errors import DomainError
from workshop.models import (
    Activity,
    AuditEntry,
    Cluster,
    Decision,
    Facilitator,
    HandTally,
    Idea,
    IdeaMerge,
    Participant,
    Table,
    Vote,
    Workshop,
)
from workshop.realtime import commands
from workshop.reports.formats import workshop_json
from workshop.reports.gather import workshop_export
from workshop.reports.restore import MAX_EXPORT_BYTES, read_export
from workshop.services import agenda, participants
from workshop.services.restore import restore_workshop

CORPUS = Path(__file__).parent.parent / "data" / "restore"
TABLES = (Workshop, Activity, Participant, Idea, IdeaMerge, Cluster, Vote, Decision, AuditEntry,
          Table, HandTally)


def run(session, actor, name, payload):
    result = commands.run(name, session, actor, payload)
    session.commit()
    return result[0]


def busy_workshop(session, make_workshop, make_participant, add_idea):
    """A workshop that has been through it all: clusters, a merge, a hidden idea, votes, a
    results screen, paper input marked by the facilitator's edit, a participant erased."""
    workshop = make_workshop(vote_budget=4, votes_per_idea=2, title="Bussipysäkit – Åbo")
    boss = as_facilitator(workshop)
    ann, _ = make_participant(workshop, organisation_type="city", organisation_name="Åbo stad")
    bo, _ = make_participant(workshop, organisation_type="company", organisation_name="=SUM(1)")
    cy, _ = make_participant(workshop, organisation_type="research")
    a = add_idea(ann, "Penkit pysäkeille", key="a")
    b = add_idea(bo, "Benches please", key="b")
    c = add_idea(cy, "Lämmitetyt katokset", key="c")
    d = add_idea(ann, "Reaaliaikaiset näytöt", key="d")
    e = add_idea(bo, "Something hidden", key="e")
    made = run(session, boss, "cluster.create", {"key": "k1", "name": "Istuimet"})["cluster"]
    run(session, boss, "cluster.create", {"key": "k2", "name": "Info"})
    run(session, boss, "cluster.move_idea", {"idea_id": a, "cluster_id": made["id"],
                                            "position": 0})
    run(session, boss, "cluster.move_idea", {"idea_id": c, "cluster_id": made["id"],
                                            "position": 0})
    run(session, boss, "idea.merge", {"key": "m", "idea_ids": [a, b], "into_idea_id": a,
                                      "text": None})
    run(session, boss, "idea.edit", {"idea_id": d, "text": "Näytöt (paperilta)"})
    run(session, boss, "idea.hide", {"idea_id": e})
    steps = agenda.activities_of(session, workshop.id)
    vote_step = next(s for s in steps if s.kind == "vote")
    results_step = next(s for s in steps if s.kind == "results")
    run(session, boss, "activity.go", {"activity_id": vote_step.id})
    for person, key, idea in ((ann, "v1", a), (bo, "v2", a), (bo, "v3", c), (cy, "v4", d)):
        run(session, as_participant(person), "vote.cast", {"key": key, "idea_id": idea})
    run(session, boss, "activity.go", {"activity_id": results_step.id})
    run(session, boss, "decision.set", {"idea_id": a, "outcome": "pilot",
                                        "owner_name": "Åbo stad", "owner_type": "city",
                                        "next_step": "Kokeilu", "due_on": "2027-03-31"})
    run(session, boss, "decision.set", {"cluster_id": made["id"], "outcome": "investigate"})
    return workshop


def exported(session, workshop, facilitator_id=None) -> dict:
    actor = as_facilitator(workshop) if facilitator_id is None else \
        type(as_facilitator(workshop))(workshop.id, facilitator_id=facilitator_id)
    data, _ = workshop_export(session, actor)
    session.commit()
    return json.loads(workshop_json(data))


def restored(session, facilitator, document: dict | bytes) -> Workshop:
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    workshop, _ = restore_workshop(session, facilitator, read_export(raw))
    session.commit()
    return workshop


def row_counts(session) -> dict[str, int]:
    return {model.__tablename__: count(session, model) for model in TABLES}


def ids_mapped(original: dict, again: dict) -> dict:
    """The original document with its ids and references turned into the restored ones, and
    with what differs by nature (services/restore.py's docstring) made the restored values."""
    mapping = {
        "activity": {a["id"]: b["id"] for a, b in zip(original["agenda"], again["agenda"],
                                                     strict=True)},
        "cluster": {a["id"]: b["id"] for a, b in zip(original["clusters"], again["clusters"],
                                                    strict=True)},
        "idea": {},
        "table": {a["id"]: b["id"] for a, b in zip(original.get("tables", []),
                                                   again.get("tables", []), strict=True)},
    }
    for a, b in zip(original["ideas"], again["ideas"], strict=True):
        mapping["idea"][a["id"]] = b["id"]
        for x, y in zip(a["merged_ideas"], b["merged_ideas"], strict=True):
            mapping["idea"][x["id"]] = y["id"]
    activity, cluster, idea = mapping["activity"], mapping["cluster"], mapping["idea"]
    table = mapping["table"]

    def one(table, value):
        return None if value is None else table[value]

    document = copy.deepcopy(original)
    document["exported_at"] = again["exported_at"]
    w = document["workshop"]
    w.update(id=again["workshop"]["id"], join_code=again["workshop"]["join_code"],
             joins_locked=True, current_activity_id=one(activity, w["current_activity_id"]))
    for step in document["agenda"]:
        step["id"] = activity[step["id"]]
        step["source_activity_id"] = one(activity, step["source_activity_id"])
        if step["cluster_ids"] is not None:
            step["cluster_ids"] = [cluster[c] for c in step["cluster_ids"] if c in cluster]
    for item in document["ideas"]:
        item.update(id=idea[item["id"]], activity_id=one(activity, item["activity_id"]),
                    cluster_id=one(cluster, item["cluster_id"]),
                    table_id=one(table, item["table_id"]))
        if "facilitator" in (item["entered_by"] or {}):
            item["entered_by"] = None  # an account of the other installation
        for other in item["merged_ideas"]:
            other.update(id=idea[other["id"]], table_id=one(table, other["table_id"]))
    for group in document["clusters"]:
        group.update(id=cluster[group["id"]], activity_id=one(activity, group["activity_id"]),
                     idea_ids=[idea[i] for i in group["idea_ids"]],
                     table_id=one(table, group["table_id"]))
    for place in document["tables"]:
        place["id"] = table[place["id"]]
    for person in document["participants"]:
        person["table_id"] = one(table, person["table_id"])
    for vote in document["votes"]:
        vote.update(idea_id=idea[vote["idea_id"]], activity_id=one(activity, vote["activity_id"]))
    for tally in document["hand_tallies"]:
        tally.update(idea_id=idea[tally["idea_id"]], activity_id=activity[tally["activity_id"]],
                     entered_by=None)
    for number, decision in enumerate(document.get("decisions", [])):
        decision.update(id=again["decisions"][number]["id"], decided_by=None,
                        idea_id=one(idea, decision["idea_id"]),
                        cluster_id=one(cluster, decision["cluster_id"]))
    for row, row_again in zip(document["audit_log"], again["audit_log"], strict=False):
        row["id"] = row_again["id"]
    document["audit_log"].append(again["audit_log"][-1])
    return document


# The round trip ----------------------------------------------------------------------------


def test_export_restore_export_gives_the_same_document(session, make_workshop, make_participant,
                                                        add_idea, make_facilitator):
    workshop = busy_workshop(session, make_workshop, make_participant, add_idea)
    original = exported(session, workshop)
    importer = make_facilitator()

    copy_of = restored(session, importer, original)
    again = exported(session, copy_of, importer.id)

    assert again["workshop"]["id"] != original["workshop"]["id"]
    assert again["workshop"]["join_code"] != original["workshop"]["join_code"]
    assert again["audit_log"][-1]["command"] == "workshop.restore"
    assert again["audit_log"][-1]["who"] == {"facilitator": importer.id}
    assert again == ids_mapped(original, again)
    # Not vacuous: the document holds what the workshop went through.
    assert len(original["ideas"]) == 4 and original["ideas"][0]["merged_ideas"]
    assert len(original["votes"]) == 4 and original["clusters"][0]["idea_ids"]
    assert any(i["hidden"] for i in original["ideas"])
    assert len(original["decisions"]) == 2 and original["decisions"][0]["decided_by"]


def test_a_hybrid_room_comes_back_with_its_tables_paper_notes_and_hands(
        session, make_workshop, make_participant, make_facilitator):
    workshop = make_workshop(vote_budget=3)
    made = hybrid_room(session, workshop, make_participant)
    original = exported(session, workshop)
    importer = make_facilitator()

    copy_of = restored(session, importer, original)
    again = exported(session, copy_of, importer.id)

    assert again == ids_mapped(original, again)
    # Not vacuous: the document holds the tables, the paper notes and the hands.
    assert [t["name"] for t in again["tables"]] == ["Pöytä 1", "=Pöytä 2"]
    assert again["tables"][0]["host"] == "p2"
    assert [p["on_paper"] for p in again["participants"]] == [False] * 4 + [True] * 2
    assert [(i["entered_on_behalf"], i["entered_by"], i["hands"], i["total"])
            for i in again["ideas"]] == [(False, None, 0, 2), (False, None, 2, 3),
                                         (True, None, 5, 6), (True, {"participant": "p2"}, 0, 0)]
    assert original["ideas"][2]["entered_by"] == {"facilitator": made["facilitator"]}
    assert all(i["table_id"] in {t["id"] for t in again["tables"]} for i in again["ideas"])
    assert again["clusters"][0]["table_id"] == again["tables"][0]["id"]
    assert [t["hands"] for t in again["hand_tallies"]] == [2, 5]
    brainstorm = next(a for a in again["agenda"] if a["kind"] == "brainstorm")
    assert brainstorm["at_tables"] and brainstorm["merged_at"] == next(
        a for a in original["agenda"] if a["kind"] == "brainstorm")["merged_at"]
    # Nobody can open a stand-in, nor a restored person: every token is new and unheld.
    stand_ins = session.scalars(select(Participant).where(
        Participant.workshop_id == copy_of.id, Participant.on_paper.is_(True))).all()
    assert len(stand_ins) == 2


def test_a_restored_workshop_is_closed_archived_and_its_people_cannot_join(
        session, make_workshop, make_participant, add_idea, make_facilitator):
    workshop = busy_workshop(session, make_workshop, make_participant, add_idea)
    importer = make_facilitator()

    copy_of = restored(session, importer, exported(session, workshop))

    assert copy_of.facilitator_id == importer.id
    assert copy_of.archived_at is not None and copy_of.restored_at is not None
    assert copy_of.joins_locked
    people = session.scalars(select(Participant).where(
        Participant.workshop_id == copy_of.id)).all()
    originals = session.scalars(select(Participant.token_hash).where(
        Participant.workshop_id == workshop.id)).all()
    assert len(people) == 3 and not {p.token_hash for p in people} & set(originals)
    assert all(p.nickname == "" for p in people)
    with pytest.raises(DomainError) as refusal:
        participants.join(session, copy_of.id, nickname="", organisation_type="city",
                          organisation_name="")
    assert refusal.value.code == "archived"


def test_a_workshop_exported_before_the_reveal_comes_back_without_votes(
        session, make_workshop, make_participant, add_idea, make_facilitator):
    workshop = make_workshop(phase="voting")
    person, _ = make_participant(workshop)
    idea = add_idea(person, "Idea")
    run(session, as_participant(person), "vote.cast", {"key": "v", "idea_id": idea})
    original = exported(session, workshop)
    assert original["votes_hidden_until_reveal"] and original["votes"] == []

    again = exported(session, restored(session, make_facilitator(), original))

    assert again["votes_hidden_until_reveal"] and again["ideas"][0]["votes"] is None
    assert session.scalar(select(func.count()).select_from(Vote)) == 1  # the original's only


# Broken and hostile files ------------------------------------------------------------------


def corpus() -> list[Path]:
    return sorted((CORPUS / "broken").glob("*.json")) + sorted(
        (CORPUS / "broken_tables").glob("*.json"))


def expected_refusal(path: Path) -> dict:
    """What a broken file must be refused with: expected.json, or for the files of tables,
    paper notes and hands (make_tables_corpus.py) expected_tables.json."""
    name = "expected_tables.json" if path.parent.name == "broken_tables" else "expected.json"
    return json.loads((CORPUS / name).read_text())[path.name]


def test_the_corpus_of_tables_breaks_a_file_that_restores_with_them(session, make_facilitator):
    assert len(list((CORPUS / "broken_tables").glob("*.json"))) >= 50
    workshop = restored(session, make_facilitator(), (CORPUS / "valid_tables.json").read_bytes())

    tables = session.scalars(select(Table).where(Table.workshop_id == workshop.id)
                             .order_by(Table.position)).all()
    assert [t.name for t in tables] == ["Pöytä 1", "=Pöytä 2"]
    people = session.scalars(select(Participant).where(Participant.workshop_id == workshop.id)
                             .order_by(Participant.joined_at)).all()
    assert tables[0].host_id == people[0].id and tables[1].host_id is None
    assert [(p.table_id, p.on_paper) for p in people] == [
        (tables[0].id, False), (tables[1].id, False), (tables[0].id, True)]
    notes = session.scalars(select(Idea).where(Idea.workshop_id == workshop.id,
                                               Idea.participant_id == people[2].id)
                            .order_by(Idea.id)).all()
    # The host typed one in, a facilitator of the other Tupa the other: no account here.
    assert [(n.entered_by_participant_id, n.entered_by_facilitator_id) for n in notes] == [
        (people[0].id, None), (None, None)]
    assert sorted(session.scalars(select(HandTally.hands).where(
        HandTally.workshop_id == workshop.id))) == [3, 4]
    brainstorm = session.scalars(select(Activity).where(
        Activity.workshop_id == workshop.id, Activity.kind == "brainstorm")).one()
    assert brainstorm.at_tables and brainstorm.merged_at is not None


def test_the_corpus_is_there_and_each_file_breaks_a_file_that_restores(
        session, make_facilitator):
    assert len(corpus()) >= 40
    # Each broken file is valid.json broken in one way: valid.json itself must restore, with
    # its merged idea, its decision, and an erased participant's and the clock's log rows.
    workshop = restored(session, make_facilitator(), (CORPUS / "valid.json").read_bytes())
    assert count(session, Vote) == 3 and count(session, Decision) == 1
    assert session.scalar(select(func.count()).select_from(Idea).where(
        Idea.workshop_id == workshop.id, Idea.merge_id.is_not(None))) == 1


@pytest.mark.parametrize("path", corpus(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_broken_file_is_refused_with_where_and_nothing_written(
        path, session, make_workshop, make_facilitator):
    make_workshop()  # something already there, that must stay as it is
    importer = make_facilitator()
    before = row_counts(session)
    raw = path.read_bytes()
    expected = expected_refusal(path)

    with pytest.raises(DomainError) as refusal:
        restored(session, importer, raw)
    session.rollback()

    assert refusal.value.code == "invalid_export"
    assert refusal.value.details["problem"] == expected["problem"], refusal.value.message
    assert refusal.value.details["where"] == expected["where"], refusal.value.message
    assert row_counts(session) == before


def test_a_file_too_large_is_refused_before_it_is_parsed():
    with pytest.raises(DomainError) as refusal:
        read_export(b" " * (MAX_EXPORT_BYTES + 1))
    assert refusal.value.details["problem"] == "too_large"


def test_a_failure_while_writing_leaves_nothing_behind(session, make_workshop, make_participant,
                                                       add_idea, make_facilitator, monkeypatch):
    workshop = busy_workshop(session, make_workshop, make_participant, add_idea)
    document = exported(session, workshop)
    importer = make_facilitator()
    before = row_counts(session)

    from workshop.services import restore as restore_service

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(restore_service, "_audit_rows", broken)
    with pytest.raises(RuntimeError):
        restored(session, importer, document)
    session.rollback()

    assert row_counts(session) == before


# Whatever a file holds, it is refused clearly or restored whole ---------------------------------

_VALID = json.loads((CORPUS / "valid.json").read_text())
_VALID_TABLES = json.loads((CORPUS / "valid_tables.json").read_text())
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30)
    | st.sampled_from(["p1", "p2", "", "2025-03-14T08:00:00+00:00", "city", "vote", 1, 2, 3,
                       10, 21, 22, 0, -1]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6)


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*path, index))


_PATHS = [p for p in _paths(_VALID) if p]
_PATHS_OF_TABLES = [p for p in _paths(_VALID_TABLES) if p]
# Values that mean something in the file of tables: its tables, stand-in, notes and hands.
_JSON_OF_TABLES = _JSON | st.sampled_from(["p3", 30, 31, 5, 6, 10_000, 10_001, {"facilitator": 3},
                                           {"participant": "p1"}, {"participant": "p3"}])


def _refused_clearly_or_restored_whole(session, owner_id: int, good: dict, changes) -> None:
    document = copy.deepcopy(good)
    for path, value in changes:
        target = document
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change took the path away
    try:
        restorable = read_export(json.dumps(document).encode())
    except DomainError as refusal:
        assert refusal.code == "invalid_export" and "problem" in refusal.details
        return
    # Checked whole: writing it never meets a constraint the reader did not check.
    restore_workshop(session, session.get(Facilitator, owner_id), restorable)
    session.rollback()


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(_PATHS), _JSON), min_size=1, max_size=3))
def test_any_change_to_a_good_file_is_refused_clearly_or_restored_whole(
        session, make_facilitator, changes):
    _refused_clearly_or_restored_whole(session, make_facilitator().id, _VALID, changes)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(_PATHS_OF_TABLES), _JSON_OF_TABLES),
                        min_size=1, max_size=3))
def test_any_change_to_a_good_file_of_tables_is_refused_clearly_or_restored_whole(
        session, make_facilitator, changes):
    _refused_clearly_or_restored_whole(session, make_facilitator().id, _VALID_TABLES, changes)
