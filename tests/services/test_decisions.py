"""The decision record: set, replace and clear decisions on ideas and clusters, and whether
participants see them (workshop/services/decisions.py, workshop/domain/decisions.py)."""

from __future__ import annotations

from datetime import date

import pytest
from arrange import as_facilitator, as_participant, names, refused
from sqlalchemy import delete, select

from workshop.domain.decisions import check_decision
from workshop.domain.errors import DomainError
from workshop.domain.protocol import Audience
from workshop.models import AuditEntry, Decision, Idea, WorkshopFacilitator, utcnow
from workshop.realtime import commands
from workshop.services import snapshot
from workshop.services.access import Actor

PILOT = {"outcome": "pilot", "owner_name": "City of Espoo", "owner_type": "city",
         "next_step": "Try benches at five stops", "due_on": "2027-03-31"}


def run(session, actor, name, payload):
    """A command through the command path, as a socket sends it (the phase is checked there)."""
    return commands.run(name, session, actor, payload)


def decide(session, workshop, **payload):
    return run(session, as_facilitator(workshop), "decision.set", payload)


def audit_rows(session, command):
    return session.scalars(select(AuditEntry).where(AuditEntry.command == command)
                           .order_by(AuditEntry.id)).all()


def add_cluster(session, workshop, name="Waiting"):
    result, _ = run(session, as_facilitator(workshop), "cluster.create",
                    {"key": f"c-{name}", "name": name})
    session.commit()
    return result["cluster"]["id"]


@pytest.fixture
def room(make_workshop, make_participant, add_idea):
    """A workshop at its results, with one participant and their idea."""
    workshop = make_workshop(phase="results")
    person, _ = make_participant(workshop)
    return workshop, person, add_idea(person, "Benches at every stop")


# The fields, checked in the domain ---------------------------------------------------------------


@pytest.mark.parametrize(("fields", "field"), [
    ({"outcome": "maybe"}, "outcome"),
    ({"outcome": None}, "outcome"),
    ({"owner_type": "government"}, "owner_type"),
    ({"due_on": "31.3.2027"}, "due_on"),
    ({"due_on": "2027-02-30"}, "due_on"),
    ({"due_on": "20270331"}, "due_on"),
    ({"due_on": "1999-12-31"}, "due_on"),
    ({"due_on": "2100-01-01"}, "due_on"),
    ({"due_on": 20270331}, "due_on"),
])
def test_a_field_that_cannot_be_is_named(fields, field):
    with pytest.raises(DomainError) as info:
        check_decision(**{**PILOT, **fields})
    assert (info.value.code, info.value.details["field"]) == ("invalid_decision", field)


def test_texts_are_trimmed_and_held_to_their_limits():
    checked = check_decision(**{**PILOT, "owner_name": "  Espoo ", "next_step": " Ask. ",
                                "owner_type": None, "due_on": None})
    assert (checked.owner_name, checked.next_step, checked.owner_type, checked.due_on) == (
        "Espoo", "Ask.", "", None)
    assert check_decision(**{**PILOT, "next_step": "x" * 500 + "   "}).next_step == "x" * 500
    assert check_decision(**PILOT).due_on == date(2027, 3, 31)
    for field, limit in (("next_step", 500), ("owner_name", 120)):
        with pytest.raises(DomainError) as info:
            check_decision(**{**PILOT, field: "x" * (limit + 1)})
        assert (info.value.code, info.value.details) == (
            "text_too_long", {"field": field, "max_length": limit})


# Setting, replacing, clearing ---------------------------------------------------------------------


def test_a_decision_on_an_idea_is_stored_told_and_logged(session, room):
    workshop, person, idea_id = room

    answer, facts = decide(session, workshop, idea_id=idea_id, **PILOT)
    session.commit()

    decision = answer["decision"]
    assert {k: decision[k] for k in PILOT} == PILOT
    assert (decision["idea_id"], decision["cluster_id"]) == (idea_id, None)
    assert names(facts) == ["decision.changed"]
    assert facts[0].audience is Audience.WORKSHOP and facts[0].sequence is not None
    assert facts[0].payload == {"idea_id": idea_id, "cluster_id": None, "decision": decision}
    row = session.scalars(select(Decision)).one()
    assert (row.due_on, row.decided_by) == (date(2027, 3, 31), workshop.facilitator_id)
    [logged] = audit_rows(session, "decision.set")
    assert (logged.objects, logged.before) == ({"idea_id": idea_id}, None)
    assert logged.after == PILOT
    # The phone has it in its snapshot, as the board does.
    assert snapshot.snapshot(session, as_participant(person))["decisions"] == [decision]
    assert snapshot.snapshot(session, as_facilitator(workshop))["decisions"] == [decision]


def test_setting_it_again_replaces_it_and_a_resent_one_changes_nothing(session, room):
    workshop, _person, idea_id = room
    first, _ = decide(session, workshop, idea_id=idea_id, **PILOT)
    session.commit()

    parked = {"outcome": "park", "owner_name": "", "owner_type": "", "next_step": "",
              "due_on": None}
    answer, facts = decide(session, workshop, idea_id=idea_id, **parked)
    session.commit()
    again, facts_again = decide(session, workshop, idea_id=idea_id, **parked)
    session.commit()

    assert answer["decision"]["id"] == first["decision"]["id"]
    assert {k: answer["decision"][k] for k in parked} == parked
    assert names(facts) == ["decision.changed"] and facts_again == []
    assert again == answer
    assert len(session.scalars(select(Decision)).all()) == 1
    rows = audit_rows(session, "decision.set")
    assert len(rows) == 2
    assert (rows[1].before, rows[1].after) == (PILOT, parked)


def test_left_out_words_are_empty(session, room):
    workshop, _person, idea_id = room
    answer, _ = decide(session, workshop, idea_id=idea_id, outcome="investigate")
    assert {k: answer["decision"][k] for k in PILOT} == {
        "outcome": "investigate", "owner_name": "", "owner_type": "", "next_step": "",
        "due_on": None}


def test_a_cluster_takes_a_decision_of_its_own(session, room):
    workshop, _person, idea_id = room
    cluster_id = add_cluster(session, workshop)
    decide(session, workshop, idea_id=idea_id, **PILOT)

    answer, facts = decide(session, workshop, cluster_id=cluster_id, outcome="already_done")
    session.commit()

    assert (answer["decision"]["cluster_id"], answer["decision"]["idea_id"]) == (cluster_id, None)
    assert facts[0].payload["cluster_id"] == cluster_id
    shown = snapshot.snapshot(session, as_facilitator(workshop))["decisions"]
    assert [(d["idea_id"], d["cluster_id"]) for d in shown] == [(idea_id, None),
                                                                (None, cluster_id)]
    # Deleting the cluster takes its decision along.
    run(session, as_facilitator(workshop), "cluster.delete", {"cluster_id": cluster_id})
    session.commit()
    assert [d["idea_id"] for d in
            snapshot.snapshot(session, as_facilitator(workshop))["decisions"]] == [idea_id]


def test_clearing_takes_it_away_once(session, room):
    workshop, person, idea_id = room
    decide(session, workshop, idea_id=idea_id, **PILOT)
    session.commit()
    facilitator = as_facilitator(workshop)

    answer, facts = run(session, facilitator, "decision.clear", {"idea_id": idea_id})
    session.commit()
    again, facts_again = run(session, facilitator, "decision.clear", {"idea_id": idea_id})

    assert answer == {"idea_id": idea_id, "cleared": True}
    assert again == {"idea_id": idea_id, "cleared": False} and facts_again == []
    assert names(facts) == ["decision.changed"]
    assert facts[0].payload == {"idea_id": idea_id, "cluster_id": None, "decision": None}
    assert session.scalars(select(Decision)).all() == []
    [logged] = audit_rows(session, "decision.clear")
    assert (logged.before, logged.after) == (PILOT, None)
    assert snapshot.snapshot(session, as_participant(person))["decisions"] == []


def test_a_co_facilitator_decides_too(session, room, make_facilitator):
    workshop, _person, idea_id = room
    co = make_facilitator()
    session.add(WorkshopFacilitator(workshop_id=workshop.id, facilitator_id=co.id,
                                    added_at=utcnow()))
    session.commit()

    answer, _ = run(session, Actor(workshop.id, facilitator_id=co.id), "decision.set",
                    {"idea_id": idea_id, "outcome": "pilot"})
    session.commit()

    assert session.get(Decision, answer["decision"]["id"]).decided_by == co.id


def test_decisions_can_be_made_in_any_phase(session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="posting")
    person, _ = make_participant(workshop)
    idea_id = add_idea(person)
    answer, _ = decide(session, workshop, idea_id=idea_id, outcome="investigate")
    assert answer["decision"]["outcome"] == "investigate"


# Refusals -----------------------------------------------------------------------------------------


def test_what_cannot_take_a_decision_is_refused_with_its_code(session, room, make_workshop,
                                                              make_participant, add_idea):
    workshop, person, idea_id = room
    other = make_workshop()
    stranger, _ = make_participant(other)
    foreign_idea = add_idea(stranger, "Elsewhere")
    foreign_cluster = add_cluster(session, other)
    facilitator = as_facilitator(workshop)

    with refused("forbidden"):
        run(session, as_participant(person), "decision.set", {"idea_id": idea_id,
                                                               "outcome": "pilot"})
    with refused("not_found"):
        decide(session, workshop, idea_id=foreign_idea, outcome="pilot")
    with refused("not_found"):
        decide(session, workshop, cluster_id=foreign_cluster, outcome="pilot")
    with refused("not_found"):
        decide(session, workshop, idea_id=2**31 - 1, outcome="pilot")
    with refused("not_found"):
        run(session, facilitator, "decision.clear", {"idea_id": foreign_idea})
    with refused("invalid_payload"):
        decide(session, workshop, outcome="pilot")
    with refused("invalid_payload"):
        decide(session, workshop, idea_id=idea_id, cluster_id=foreign_cluster, outcome="pilot")
    with refused("invalid_payload"):
        decide(session, workshop, idea_id="1", outcome="pilot")
    with refused("invalid_decision"):
        decide(session, workshop, idea_id=idea_id, outcome="pilot", due_on="tomorrow")
    with refused("text_too_long"):
        decide(session, workshop, idea_id=idea_id, outcome="pilot", next_step="x" * 501)
    with refused("forbidden"):
        run(session, Actor(workshop.id, facilitator_id=other.facilitator_id), "decision.set",
            {"idea_id": idea_id, "outcome": "pilot"})
    session.rollback()
    assert session.scalars(select(Decision)).all() == []
    assert audit_rows(session, "decision.set") == []


def test_a_hidden_or_merged_away_idea_takes_no_decision(session, room, add_idea):
    workshop, person, idea_id = room
    hidden = add_idea(person, "Hidden one", hidden=True)
    other = add_idea(person, "Same again")
    run(session, as_facilitator(workshop), "idea.merge",
        {"key": "m", "idea_ids": [idea_id, other], "into_idea_id": idea_id})
    session.commit()

    with refused("idea_hidden"):
        decide(session, workshop, idea_id=hidden, outcome="pilot")
    with refused("not_found"):
        decide(session, workshop, idea_id=other, outcome="pilot")


def test_a_decision_on_an_idea_hidden_later_leaves_the_phones(session, room):
    workshop, person, idea_id = room
    decide(session, workshop, idea_id=idea_id, **PILOT)
    run(session, as_facilitator(workshop), "idea.hide", {"idea_id": idea_id})
    session.commit()

    assert snapshot.snapshot(session, as_participant(person))["decisions"] == []
    assert len(snapshot.snapshot(session, as_facilitator(workshop))["decisions"]) == 1
    # Its decision can still be cleared, and only the facilitators hear of it.
    answer, facts = run(session, as_facilitator(workshop), "decision.clear",
                        {"idea_id": idea_id})
    assert answer["cleared"] and facts[0].audience is Audience.FACILITATORS


# Whether participants see them ----------------------------------------------------------------


def test_kept_from_participants_they_reach_only_the_facilitators(session, room):
    workshop, person, idea_id = room
    facilitator = as_facilitator(workshop)

    answer, facts = run(session, facilitator, "workshop.set_results_public", {"public": False})
    session.commit()
    assert answer == {"results_public": False}
    assert names(facts) == ["decisions.changed"]
    assert facts[0].payload == {"results_public": False, "decisions": []}

    _, told = decide(session, workshop, idea_id=idea_id, **PILOT)
    session.commit()
    assert told[0].audience is Audience.FACILITATORS and told[0].sequence is None
    phone = snapshot.snapshot(session, as_participant(person))
    assert (phone["decisions"], phone["results_public"]) == ([], False)
    assert len(snapshot.snapshot(session, facilitator)["decisions"]) == 1

    again, facts_again = run(session, facilitator, "workshop.set_results_public",
                             {"public": False})
    assert facts_again == [] and again == {"results_public": False}

    _, shown = run(session, facilitator, "workshop.set_results_public", {"public": True})
    session.commit()
    assert shown[0].audience is Audience.WORKSHOP
    assert shown[0].payload["results_public"] is True
    assert [d["idea_id"] for d in shown[0].payload["decisions"]] == [idea_id]
    assert len(snapshot.snapshot(session, as_participant(person))["decisions"]) == 1
    rows = audit_rows(session, "workshop.set_results_public")
    assert [(r.before, r.after) for r in rows] == [
        ({"results_public": True}, {"results_public": False}),
        ({"results_public": False}, {"results_public": True})]


def test_only_facilitators_choose_whether_results_are_public(session, room):
    workshop, person, _idea_id = room
    with refused("forbidden"):
        run(session, as_participant(person), "workshop.set_results_public", {"public": False})
    with refused("invalid_payload"):
        run(session, as_facilitator(workshop), "workshop.set_results_public", {"public": "no"})


def test_a_decision_on_an_unrevealed_private_idea_stays_with_the_facilitators(
        session, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="posting")
    person, _ = make_participant(workshop)
    facilitator = as_facilitator(workshop)
    brainstorm = workshop.current_activity_id
    run(session, facilitator, "activity.update",
        {"activity_id": brainstorm, "settings": {"private": True}})
    session.commit()
    idea_id = add_idea(person, "Secret", activity_id=brainstorm)

    _, facts = decide(session, workshop, idea_id=idea_id, outcome="pilot")
    session.commit()

    assert facts[0].audience is Audience.FACILITATORS
    other, _ = make_participant(workshop)
    assert snapshot.snapshot(session, as_participant(other))["decisions"] == []


def test_an_idea_deleted_takes_its_decision_along(session, room):
    workshop, _person, idea_id = room
    decide(session, workshop, idea_id=idea_id, **PILOT)
    session.commit()
    session.execute(delete(Idea).where(Idea.id == idea_id))
    session.commit()
    assert session.scalars(select(Decision)).all() == []


def test_a_phone_catching_up_gets_no_decision_it_may_no_longer_see(session, room):
    workshop, person, idea_id = room
    phone = as_participant(person)
    since = snapshot.snapshot(session, phone)["seq"]
    decide(session, workshop, idea_id=idea_id, **PILOT)
    session.commit()

    caught_up, _ = snapshot.sync(session, phone, since)
    assert [fact["name"] for fact in caught_up["missed"]] == ["decision.changed"]

    # Hidden since: a snapshot answers instead, without it.
    run(session, as_facilitator(workshop), "idea.hide", {"idea_id": idea_id})
    session.commit()
    answer, _ = snapshot.sync(session, phone, since)
    assert "missed" not in answer and answer["decisions"] == []

    # Shown again, but the results kept private since: the same.
    run(session, as_facilitator(workshop), "idea.show", {"idea_id": idea_id})
    run(session, as_facilitator(workshop), "workshop.set_results_public", {"public": False})
    session.commit()
    answer, _ = snapshot.sync(session, phone, since)
    assert "missed" not in answer and answer["decisions"] == []
