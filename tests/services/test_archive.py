"""Archiving: an archived workshop is read, not changed (services/archive.py, the `archived`
check of domain/phases.py as each command holds the workshop's row)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from arrange import as_facilitator, as_participant, refused, rows_of
from sqlalchemy import func, select

from workshop.domain import phases
from workshop.domain.people import Role
from workshop.models import AuditEntry, Decision, IdeaMerge, Workshop
from workshop.realtime import commands
from workshop.services import (
    agenda,
    archive,
    erasure,
    participants,
    snapshot,
    team,
    timer,
    workshops,
)
from workshop.services.access import Actor

# A payload for every command either side sends, that the command would take if the workshop
# were not archived. A new command fails test_every_command_is_in_the_table until it is here.
PAYLOADS = {
    (Role.PARTICIPANT, "idea.post"): lambda r: {"key": "new", "text": "One more"},
    (Role.PARTICIPANT, "idea.edit"): lambda r: {"idea_id": r["own"], "text": "Changed"},
    (Role.PARTICIPANT, "idea.delete"): lambda r: {"idea_id": r["own"]},
    (Role.PARTICIPANT, "vote.cast"): lambda r: {"key": "v2", "idea_id": r["own"]},
    (Role.PARTICIPANT, "vote.retract"): lambda r: {"key": "v1"},
    (Role.FACILITATOR, "idea.edit"): lambda r: {"idea_id": r["own"], "text": "Changed"},
    (Role.FACILITATOR, "idea.delete"): lambda r: {"idea_id": r["own"]},
    (Role.FACILITATOR, "idea.hide"): lambda r: {"idea_id": r["own"]},
    (Role.FACILITATOR, "idea.show"): lambda r: {"idea_id": r["own"]},
    (Role.FACILITATOR, "idea.merge"): lambda r: {"key": "m", "idea_ids": [r["own"], r["other"]],
                                                 "into_idea_id": r["own"]},
    (Role.FACILITATOR, "idea.unmerge"): lambda r: {"merge_id": r["merge"]},
    (Role.FACILITATOR, "cluster.create"): lambda r: {"key": "c", "name": "New"},
    (Role.FACILITATOR, "cluster.rename"): lambda r: {"cluster_id": r["cluster"], "name": "B"},
    (Role.FACILITATOR, "cluster.delete"): lambda r: {"cluster_id": r["cluster"]},
    (Role.FACILITATOR, "cluster.move_idea"): lambda r: {
        "idea_id": r["own"], "cluster_id": r["cluster"], "position": 0},
    (Role.FACILITATOR, "phase.set"): lambda r: {"phase": "posting"},
    (Role.FACILITATOR, "activity.go"): lambda r: {"activity_id": r["brainstorm"]},
    (Role.FACILITATOR, "activity.add"): lambda r: {"key": "a", "kind": "discussion",
                                                   "title": "Talk"},
    (Role.FACILITATOR, "activity.update"): lambda r: {"activity_id": r["brainstorm"],
                                                      "title": "Renamed"},
    (Role.FACILITATOR, "activity.remove"): lambda r: {"activity_id": r["discussion"]},
    (Role.FACILITATOR, "activity.move"): lambda r: {"activity_id": r["brainstorm"],
                                                    "position": 0},
    (Role.FACILITATOR, "workshop.lock_joins"): lambda r: {"locked": True},
    (Role.FACILITATOR, "timer.start"): lambda r: {"seconds": 60},
    (Role.FACILITATOR, "timer.pause"): lambda r: {},
    (Role.FACILITATOR, "timer.resume"): lambda r: {},
    (Role.FACILITATOR, "timer.adjust"): lambda r: {"seconds": 30, "key": "t"},
    (Role.FACILITATOR, "timer.stop"): lambda r: {},
    (Role.FACILITATOR, "workshop.pause_input"): lambda r: {"paused": True},
    (Role.FACILITATOR, "participant.remove"): lambda r: {"participant_id": r["person"],
                                                         "remove_ideas": False},
    (Role.FACILITATOR, "brainstorm.reveal"): lambda r: {"activity_id": r["brainstorm"]},
    (Role.FACILITATOR, "decision.set"): lambda r: {"idea_id": r["own"], "outcome": "pilot"},
    (Role.FACILITATOR, "decision.clear"): lambda r: {"idea_id": r["own"]},
    (Role.FACILITATOR, "workshop.set_results_public"): lambda r: {"public": False},
    (Role.FACILITATOR, "table.create"): lambda r: {"key": "t2", "name": "Table 2"},
    (Role.FACILITATOR, "table.rename"): lambda r: {"table_id": r["table"], "name": "Window"},
    (Role.FACILITATOR, "table.delete"): lambda r: {"table_id": r["table"]},
    (Role.FACILITATOR, "tables.set_choice"): lambda r: {"open": True},
    (Role.FACILITATOR, "tables.assign"): lambda r: {"everyone": True},
    (Role.FACILITATOR, "table.seat"): lambda r: {"participant_id": r["person"],
                                                 "table_id": None},
    (Role.FACILITATOR, "table.set_host"): lambda r: {"table_id": r["table"],
                                                     "participant_id": r["person"]},
    (Role.FACILITATOR, "brainstorm.merge"): lambda r: {"activity_id": r["brainstorm"]},
    (Role.FACILITATOR, "idea.enter"): lambda r: {"key": "p", "text": "From paper",
                                                 "activity_id": r["brainstorm"]},
    (Role.FACILITATOR, "hands.set"): lambda r: {"activity_id": r["vote"], "idea_id": r["own"],
                                                "hands": 3},
    (Role.PARTICIPANT, "table.choose"): lambda r: {"table_id": r["table"]},
    # The host's grouping; refused as archived before anything asks whether they host.
    (Role.PARTICIPANT, "cluster.create"): lambda r: {"key": "hc", "name": "Ours"},
    (Role.PARTICIPANT, "cluster.rename"): lambda r: {"cluster_id": r["cluster"], "name": "B"},
    (Role.PARTICIPANT, "cluster.delete"): lambda r: {"cluster_id": r["cluster"]},
    (Role.PARTICIPANT, "cluster.move_idea"): lambda r: {
        "idea_id": r["own"], "cluster_id": r["cluster"], "position": 0},
    (Role.PARTICIPANT, "idea.enter"): lambda r: {"key": "hp", "text": "From paper"},
}


def test_every_command_is_in_the_table():
    sent = {act for act in phases._EVER_ALLOWED if act[1] != "workshop.sync"}
    assert set(PAYLOADS) == sent


@pytest.fixture
def archived_room(session, make_workshop, make_participant, add_idea):
    """An archived workshop in its vote, with an idea each, a cluster, a merge, a vote cast
    and a decision; `r` names them for the payloads."""
    workshop = make_workshop(phase="voting")
    boss = as_facilitator(workshop)
    person, _ = make_participant(workshop)
    other, _ = make_participant(workshop, organisation_type="company")
    own = add_idea(person, "Mine")
    theirs = add_idea(other, "Theirs")
    third = add_idea(other, "Merged away")
    commands.run("vote.cast", session, as_participant(person), {"key": "v1", "idea_id": own})
    cluster = commands.run("cluster.create", session, boss, {"key": "k", "name": "A"})[0]
    commands.run("idea.merge", session, boss, {"key": "m0", "idea_ids": [theirs, third],
                                               "into_idea_id": theirs})
    commands.run("decision.set", session, boss, {"idea_id": theirs, "outcome": "park"})
    steps = agenda.activities_of(session, workshop.id)
    discussion = commands.run("activity.add", session, boss, {
        "key": "d", "kind": "discussion", "title": "Talk"})[0]
    table = commands.run("table.create", session, boss, {"key": "t", "name": "Table 1"})[0]
    commands.run("table.seat", session, boss, {"participant_id": person.id,
                                               "table_id": table["table"]["id"]})
    session.commit()
    archive.archive_workshop(session, boss)
    session.commit()
    names = {
        "person": person.id, "own": own, "other": theirs, "cluster": cluster["cluster"]["id"],
        "merge": session.scalar(select(IdeaMerge.id)),
        "brainstorm": next(s.id for s in steps if s.kind == "brainstorm"),
        "discussion": agenda.activities_of(session, workshop.id)[-1].id,
        "vote": next(s.id for s in steps if s.kind == "vote"),
        "table": table["table"]["id"],
    }
    assert discussion  # the step the payloads remove
    session.commit()  # SQLite: no transaction left open to block other connections
    return workshop, names, person


def _everything(session, workshop_id: int) -> tuple:
    counts = rows_of(session, workshop_id)
    audit = session.scalar(select(func.count()).select_from(AuditEntry)
                           .where(AuditEntry.workshop_id == workshop_id))
    decisions = session.scalar(select(func.count()).select_from(Decision))
    row = session.get(Workshop, workshop_id)
    return counts, audit, decisions, row.phase, row.joins_locked, row.input_paused


@pytest.mark.parametrize(("role", "name"), sorted(PAYLOADS), ids=lambda v: str(v))
def test_every_command_but_reading_is_refused_archived(session, archived_room, role, name):
    workshop, r, person = archived_room
    actor = as_facilitator(workshop) if role is Role.FACILITATOR else as_participant(person)
    before = _everything(session, workshop.id)

    with refused("archived"):
        commands.run(name, session, actor, PAYLOADS[(role, name)](r))
    session.rollback()

    assert _everything(session, workshop.id) == before


def test_reading_goes_on_for_both_sides(session, archived_room):
    workshop, r, person = archived_room
    for actor in (as_facilitator(workshop), as_participant(person)):
        answer, _ = commands.run("workshop.sync", session, actor, {})
        assert answer["workshop"]["id"] == workshop.id
    assert snapshot.snapshot(session, as_participant(person))["ideas"]


def test_unarchived_it_takes_changes_again(session, archived_room):
    workshop, r, person = archived_room
    archive.unarchive_workshop(session, as_facilitator(workshop))
    session.commit()

    answer, facts = commands.run("cluster.create", session, as_facilitator(workshop),
                                 {"key": "c2", "name": "Again"})
    assert answer["cluster"]["name"] == "Again" and facts


def test_archiving_is_audited_once_and_again_changes_nothing(session, make_workshop):
    workshop = make_workshop()
    boss = as_facilitator(workshop)

    for _ in range(2):
        assert archive.archive_workshop(session, boss)[0] == {"archived": True}
        session.commit()
    for _ in range(2):
        assert archive.unarchive_workshop(session, boss)[0] == {"archived": False}
        session.commit()

    logged = session.scalars(select(AuditEntry.command).where(
        AuditEntry.workshop_id == workshop.id).order_by(AuditEntry.id)).all()
    assert logged == ["workshop.create", "workshop.archive", "workshop.unarchive"]


def test_only_its_facilitators_archive_it(session, make_workshop, make_facilitator):
    workshop = make_workshop()
    stranger = make_facilitator()
    helper = make_facilitator()
    team.invite(session, as_facilitator(workshop), helper.name)
    session.commit()

    with refused("forbidden"):
        archive.archive_workshop(session, Actor(workshop.id, facilitator_id=stranger.id))
    session.rollback()
    archive.archive_workshop(session, Actor(workshop.id, facilitator_id=helper.id))
    session.commit()
    assert session.get(Workshop, workshop.id).archived_at is not None


def test_joining_an_archived_workshop_is_refused(session, archived_room):
    workshop, _r, _person = archived_room
    with refused("archived"):
        participants.join(session, workshop.id, nickname="", organisation_type="city",
                          organisation_name="")


def test_changes_from_pages_are_refused_but_erasing_people_goes_on(
        session, archived_room, make_facilitator):
    workshop, r, _person = archived_room
    boss = as_facilitator(workshop)
    helper = make_facilitator()

    with refused("archived"):
        team.invite(session, boss, helper.name)
    session.rollback()
    with refused("archived"):
        workshops.lock_joins(session, boss, True)
    session.rollback()
    # A person's right to be erased does not end with the archive, nor erasing the workshop.
    erasure.erase_participant(session, boss, r["person"])
    session.commit()
    erasure.erase_workshop(session, boss)
    session.commit()
    assert session.get(Workshop, workshop.id) is None


def test_archived_workshops_are_listed_apart(session, make_workshop, make_facilitator):
    owner = make_facilitator()
    running = make_workshop(owner, title="Running")
    kept = make_workshop(owner, title="Kept")
    archive.archive_workshop(session, replace(as_facilitator(kept)))
    session.commit()

    assert [w.id for w in workshops.workshops_of(session, owner, archived=False)] == [running.id]
    assert [w.id for w in workshops.workshops_of(session, owner, archived=True)] == [kept.id]
    assert len(workshops.workshops_of(session, owner)) == 2


def test_a_running_timer_is_paused_when_archived_and_never_runs_out(session, make_workshop):
    workshop = make_workshop()
    boss = as_facilitator(workshop)
    timer.start_timer(session, boss, 60)
    _, facts = archive.archive_workshop(session, boss)
    assert [fact.name for fact in facts] == ["timer.changed"]
    assert facts[0].payload["timer"]["state"] == "paused"
    later = datetime.now(UTC) + timedelta(hours=1)
    assert timer.due_timers(session, later) == []
    assert timer.expire_timers(session, later) == []
