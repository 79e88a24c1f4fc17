"""Methods a facilitator starts from, saves, imports, exports and deletes
(workshop/services/methods.py)."""

from __future__ import annotations

import json

from arrange import as_facilitator, count, refused
from sqlalchemy import select

from workshop.domain.methods import BUILT_IN, built_in, method_file
from workshop.models import AuditEntry, MethodTemplate, WorkshopFacilitator
from workshop.services import agenda, methods, workshops
from workshop.services.access import Actor


def a_file(name="Pysäkkipulssi", **changes) -> dict:
    data = {
        "format": "tupa-method", "version": 1, "name": name, "description": "Lyhyt",
        "language": "fi",
        "activities": [
            {"kind": "welcome", "title": "Tervetuloa", "prompt": "", "duration_seconds": 120,
             "closes_when_time_up": False, "settings": {}},
            {"kind": "brainstorm", "title": "Ideat", "prompt": "Miten pysäkit paremmiksi?",
             "duration_seconds": 480, "closes_when_time_up": True,
             "settings": {"private": True}},
            {"kind": "vote", "title": "Äänestys", "prompt": "", "duration_seconds": 300,
             "closes_when_time_up": True,
             "settings": {"vote_budget": 3, "votes_per_idea": 1, "source": 1}},
            {"kind": "results", "title": "Tulokset", "prompt": "", "duration_seconds": None,
             "closes_when_time_up": False, "settings": {"source": 2}},
        ],
    }
    data.update(changes)
    return data


def new_workshop(session, facilitator, key, language="en"):
    workshop, _ = workshops.create_workshop(
        session, facilitator, title="Bus stops", language=language,
        agenda=methods.agenda_of(session, facilitator, key, language))
    session.flush()
    return workshop


def test_the_choices_are_tupas_methods_in_the_language_then_ones_own(
        session, make_facilitator):
    me, someone_else = make_facilitator(), make_facilitator()
    mine, _ = methods.import_template(session, me, a_file())
    methods.import_template(session, someone_else, a_file(name="Not mine"))

    choices = methods.method_choices(session, me, "sv")

    assert [c.key for c in choices] == [*(f"built-in:{m}" for m in BUILT_IN),
                                        f"template:{mine.id}"]
    assert choices[0].method == built_in("idea-to-pilot", "sv")
    assert choices[-1].method.name == "Pysäkkipulssi" and choices[-1].template is mine


def test_a_workshop_from_a_built_in_method_gets_its_agenda_with_sources_resolved(
        session, make_facilitator):
    facilitator = make_facilitator()

    workshop = new_workshop(session, facilitator, "built-in:service-journey", "fi")

    activities = agenda.activities_of(session, workshop.id)
    method = built_in("service-journey", "fi")
    assert [(a.kind, a.title, a.duration_seconds) for a in activities] == [
        (s.activity.kind.value, s.activity.title, s.activity.duration_seconds)
        for s in method.steps]
    ids = [a.id for a in activities]
    assert [a.source_activity_id for a in activities] == [
        None if s.source is None else ids[s.source] for s in method.steps]
    assert workshop.current_activity_id == ids[0]


def test_a_workshop_from_ones_own_method(session, make_facilitator):
    facilitator = make_facilitator()
    template, _ = methods.import_template(session, facilitator, a_file())

    workshop = new_workshop(session, facilitator, f"template:{template.id}")

    activities = agenda.activities_of(session, workshop.id)
    assert [a.kind for a in activities] == ["welcome", "brainstorm", "vote", "results"]
    assert activities[1].private and activities[1].closes_when_time_up
    assert (activities[2].vote_budget, activities[2].votes_per_idea) == (3, 1)
    assert activities[2].source_activity_id == activities[1].id
    assert activities[3].source_activity_id == activities[2].id


def test_another_facilitators_method_or_an_unknown_one_cannot_be_chosen(
        session, make_facilitator):
    me, someone_else = make_facilitator(), make_facilitator()
    theirs, _ = methods.import_template(session, someone_else, a_file())

    for key in (f"template:{theirs.id}", "built-in:nothing", "template:x", "single", ""):
        with refused("not_found"):
            methods.chosen_method(session, me, key, "fi")


def test_an_imported_method_exports_as_the_same_file(session, make_facilitator):
    facilitator = make_facilitator()
    data = a_file()

    template, facts = methods.import_template(session, facilitator,
                                              json.dumps(data).encode())

    assert facts == []
    assert (template.name, template.language) == ("Pysäkkipulssi", "fi")
    assert methods.template_file(session, facilitator, template.id) == data


def test_a_bad_file_stores_nothing(session, make_facilitator):
    facilitator = make_facilitator()
    bad = a_file()
    bad["activities"][2]["settings"]["source"] = 3

    with refused("invalid_method") as info:
        methods.import_template(session, facilitator, bad)
    with refused("invalid_method"):
        methods.import_template(session, facilitator, b"not json")

    assert info.value.details["activity"] == 3
    assert count(session, MethodTemplate) == 0


def test_saving_a_workshops_agenda_keeps_its_words_settings_and_sources(
        session, make_facilitator):
    facilitator = make_facilitator()
    workshop = new_workshop(session, facilitator, "built-in:idea-to-pilot", "sv")

    template, facts = methods.save_workshop_as_template(
        session, as_facilitator(workshop), "  Vår metod ")

    assert facts == []
    saved = methods.template_file(session, facilitator, template.id)
    expected = method_file(built_in("idea-to-pilot", "sv"))
    assert saved == {**expected, "name": "Vår metod", "description": ""}
    entry = session.execute(select(AuditEntry).where(
        AuditEntry.workshop_id == workshop.id, AuditEntry.command == "method.save")).scalar_one()
    assert entry.facilitator_id == facilitator.id
    assert entry.objects["method_template_id"] == template.id
    assert entry.after == {"name": "Vår metod", "activities": 6}


def test_a_co_facilitator_saves_the_agenda_as_their_own_method(session, make_facilitator):
    owner, helper = make_facilitator(), make_facilitator()
    workshop = new_workshop(session, owner, "built-in:pulse-30")
    session.add(WorkshopFacilitator(workshop_id=workshop.id, facilitator_id=helper.id))
    session.flush()

    template, _ = methods.save_workshop_as_template(
        session, Actor(workshop.id, facilitator_id=helper.id),
        "Pulse")

    assert template.facilitator_id == helper.id
    assert [t.id for t in methods.templates_of(session, helper)] == [template.id]
    assert methods.templates_of(session, owner) == []


def test_a_stranger_cannot_save_someone_elses_workshop(session, make_facilitator):
    owner, stranger = make_facilitator(), make_facilitator()
    workshop = new_workshop(session, owner, "built-in:pulse-30")

    with refused("forbidden"):
        methods.save_workshop_as_template(
            session, Actor(workshop.id, facilitator_id=stranger.id),
            "Mine now")
    assert count(session, MethodTemplate) == 0


def test_a_method_needs_a_name(session, make_facilitator):
    workshop = new_workshop(session, make_facilitator(), "built-in:pulse-30")

    with refused("text_empty"):
        methods.save_workshop_as_template(session, as_facilitator(workshop), "  ")
    with refused("text_too_long"):
        methods.save_workshop_as_template(session, as_facilitator(workshop), "x" * 201)


def test_only_its_own_facilitator_sees_exports_or_deletes_a_method(session, make_facilitator):
    me, someone_else = make_facilitator(), make_facilitator()
    template, _ = methods.import_template(session, me, a_file())

    with refused("not_found"):
        methods.template_file(session, someone_else, template.id)
    with refused("not_found"):
        methods.delete_template(session, someone_else, template.id)
    assert count(session, MethodTemplate) == 1

    result, facts = methods.delete_template(session, me, template.id)

    assert (result, facts) == ({"method_template_id": template.id}, [])
    assert count(session, MethodTemplate) == 0


def test_a_workshop_keeps_its_agenda_when_its_method_is_deleted(session, make_facilitator):
    facilitator = make_facilitator()
    template, _ = methods.import_template(session, facilitator, a_file())
    workshop = new_workshop(session, facilitator, f"template:{template.id}")

    methods.delete_template(session, facilitator, template.id)

    assert len(agenda.activities_of(session, workshop.id)) == 4
