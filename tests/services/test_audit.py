"""The audit log: one row per change a facilitator makes, kept through erasure, pseudonymised."""

from __future__ import annotations

from arrange import as_facilitator, as_participant, refused
from sqlalchemy import select

from workshop.models import AuditEntry
from workshop.realtime import commands
from workshop.reports.gather import workshop_export
from workshop.services import audit, erasure
from workshop.services.access import Actor


def _log(session, workshop) -> list[dict]:
    entries, _ = audit.entries_of(session, as_facilitator(workshop))
    return entries


def test_every_facilitator_command_writes_one_row_with_what_it_replaced(
        session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="posting")
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Benches at every stop")
    board = as_facilitator(workshop)

    created, _ = commands.run("cluster.create", session, board, {"key": "c", "name": "Stops"})
    cluster_id = created["cluster"]["id"]
    steps = [
        ("cluster.rename", {"cluster_id": cluster_id, "name": "Bus stops"}),
        ("cluster.move_idea", {"idea_id": idea_id, "cluster_id": cluster_id, "position": 0}),
        ("idea.hide", {"idea_id": idea_id}),
        ("idea.show", {"idea_id": idea_id}),
        ("workshop.lock_joins", {"locked": True}),
        ("phase.set", {"phase": "voting"}),
        ("cluster.delete", {"cluster_id": cluster_id}),
        ("idea.delete", {"idea_id": idea_id}),
    ]
    for name, payload in steps:
        commands.run(name, session, board, payload)

    log = _log(session, workshop)
    assert [entry["command"] for entry in log] == [
        "workshop.create", "cluster.create", *[name for name, _ in steps]]
    assert all(entry["who"] == {"facilitator": workshop.facilitator_id} for entry in log)
    by_command = {entry["command"]: entry for entry in log}
    assert by_command["cluster.rename"]["before"] == {"name": "Stops"}
    assert by_command["cluster.rename"]["after"] == {"name": "Bus stops"}
    assert by_command["phase.set"]["before"]["phase"] == "posting"
    assert by_command["phase.set"]["after"]["phase"] == "voting"
    assert by_command["idea.delete"]["objects"] == {"idea_id": idea_id}
    assert by_command["idea.delete"]["before"]["text"] == "Benches at every stop"


def test_a_command_that_changes_nothing_writes_no_row(session, make_workshop):
    workshop = make_workshop(phase="posting")
    board = as_facilitator(workshop)
    before = len(_log(session, workshop))

    commands.run("phase.set", session, board, {"phase": "posting"})
    commands.run("workshop.lock_joins", session, board, {"locked": False})
    commands.run("cluster.create", session, board, {"key": "k", "name": "A"})
    commands.run("cluster.create", session, board, {"key": "k", "name": "A"})  # sent again

    assert [e["command"] for e in _log(session, workshop)][before:] == ["cluster.create"]


def test_a_refused_command_writes_no_row(session, make_workshop):
    workshop = make_workshop(phase="posting")
    before = len(_log(session, workshop))
    with refused("not_found"):
        commands.run("cluster.rename", session, as_facilitator(workshop),
                     {"cluster_id": 999, "name": "X"})
    session.rollback()
    assert len(_log(session, workshop)) == before


def test_erasing_a_participant_keeps_the_rows_without_their_words(
        session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="posting")
    keeper, _ = make_participant(workshop)
    erased, _ = make_participant(workshop)
    kept_idea = add_idea(keeper, "Shade")
    erased_idea = add_idea(erased, "My own words")
    board = as_facilitator(workshop)
    commands.run("idea.delete", session, board, {"idea_id": erased_idea})
    commands.run("idea.delete", session, board, {"idea_id": kept_idea})

    erasure.erase_participant(session, board, erased.id)

    log = _log(session, workshop)
    deleted = [e for e in log if e["command"] == "idea.delete"]
    assert [e["objects"]["idea_id"] for e in deleted] == [erased_idea, kept_idea]
    assert deleted[0]["before"] == audit.ERASED
    assert deleted[1]["before"]["text"] == "Shade"
    assert log[-1]["command"] == "participant.erase"
    assert log[-1]["objects"] == {"participant": "p2"}
    stored = " ".join(str(row.before) + str(row.after) for row in session.execute(
        select(AuditEntry)).scalars())
    assert "My own words" not in stored


def test_the_log_is_the_facilitators_alone_and_in_the_json_export(
        session, make_workshop, make_participant):
    workshop = make_workshop(phase="posting")
    stranger = make_workshop().facilitator_id
    participant, _ = make_participant(workshop)
    commands.run("phase.set", session, as_facilitator(workshop), {"phase": "grouping"})

    export, _ = workshop_export(session, as_facilitator(workshop))
    assert [e["command"] for e in export["audit_log"]] == ["workshop.create", "phase.set"]
    for outsider in (as_participant(participant), Actor(workshop.id, facilitator_id=stranger)):
        with refused("forbidden"):
            audit.entries_of(session, outsider)
