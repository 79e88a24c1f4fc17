"""A hybrid room, made through the commands a facilitator, a host and phones send: for the
tests of what an organiser takes away (exports, workbook, report, restore, public results).

Two tables; a brainstorm at tables with phone ideas, a paper note typed in by the
facilitator for a resident at table 2 and one by table 1's host; a table group; the merge
into the plenary; a vote with phone votes and hand tallies; the room at the results.
"""

from __future__ import annotations

from arrange import as_facilitator, as_participant

from workshop.realtime import commands
from workshop.services import agenda


def run(session, actor, name, payload):
    """One command as the socket runs it, committed; its answer."""
    result = commands.run(name, session, actor, payload)
    session.commit()
    return result[0]


def hybrid_room(session, workshop, make_participant) -> dict:
    """Fill `workshop` (fresh, at its brainstorm) and stand it at its results; ids by name."""
    boss = as_facilitator(workshop)
    ann, _ = make_participant(workshop, organisation_type="city", organisation_name="Åbo stad")
    bo, _ = make_participant(workshop, organisation_type="company", organisation_name="Firma")
    cy, _ = make_participant(workshop, organisation_type="research")
    di, _ = make_participant(workshop, organisation_type="city")
    one = run(session, boss, "table.create", {"key": "t1", "name": "Pöytä 1"})["table"]["id"]
    two = run(session, boss, "table.create", {"key": "t2", "name": "=Pöytä 2"})["table"]["id"]
    for person, table in ((ann, one), (bo, one), (cy, two), (di, two)):
        run(session, boss, "table.seat", {"participant_id": person.id, "table_id": table})
    run(session, boss, "table.set_host", {"table_id": one, "participant_id": bo.id})
    steps = {step.kind: step for step in agenda.activities_of(session, workshop.id)}
    brainstorm, vote, results = steps["brainstorm"], steps["vote"], steps["results"]
    agenda.update_activity(session, boss, brainstorm.id, settings={"at_tables": True})
    session.commit()
    run(session, boss, "activity.go", {"activity_id": brainstorm.id})
    benches = run(session, as_participant(ann), "idea.post",
                  {"key": "i1", "text": "Penkit pysäkeille"})["idea"]["id"]
    shelters = run(session, as_participant(cy), "idea.post",
                   {"key": "i2", "text": "Lämmitetyt katokset"})["idea"]["id"]
    lights = run(session, boss, "idea.enter",
                 {"key": "p1", "text": "Valot paperilta", "table_id": two,
                  "organisation_type": "citizen"})["idea"]["id"]
    note = run(session, as_participant(bo), "idea.enter",
               {"key": "p2", "text": "Isännän lappu"})["idea"]["id"]
    group = run(session, as_participant(bo), "cluster.create",
                {"key": "g1", "name": "Pöydän 1 ryhmä"})["cluster"]["id"]
    run(session, as_participant(bo), "cluster.move_idea",
        {"idea_id": benches, "cluster_id": group, "position": 0})
    run(session, boss, "brainstorm.merge", {"activity_id": brainstorm.id})
    run(session, boss, "activity.go", {"activity_id": vote.id})
    for person, key, idea in ((ann, "v1", benches), (cy, "v2", shelters), (di, "v3", benches),
                              (bo, "v4", lights)):
        run(session, as_participant(person), "vote.cast", {"key": key, "idea_id": idea})
    run(session, boss, "hands.set", {"activity_id": vote.id, "idea_id": lights, "hands": 5})
    run(session, boss, "hands.set", {"activity_id": vote.id, "idea_id": shelters, "hands": 2})
    run(session, boss, "activity.go", {"activity_id": results.id})
    return {"tables": {"one": one, "two": two}, "host": bo.id,
            "ideas": {"benches": benches, "shelters": shelters, "lights": lights,
                      "note": note},
            "group": group, "brainstorm": brainstorm.id, "vote": vote.id,
            "facilitator": workshop.facilitator_id}
