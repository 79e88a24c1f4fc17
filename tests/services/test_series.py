"""Series of workshops (services/series.py, reports/series.py): who may change them, what the
workshop's log says, and what the organiser's overview shows."""

from __future__ import annotations

import json

from arrange import as_facilitator, refused
from sqlalchemy import select

from workshop.models import AuditEntry, Facilitator, Series, Workshop
from workshop.reports.series import overview, series_document
from workshop.services import archive, series
from workshop.services.access import Actor


def _log(session, workshop_id):
    rows = session.scalars(select(AuditEntry).where(
        AuditEntry.workshop_id == workshop_id, AuditEntry.command == "workshop.series")
        .order_by(AuditEntry.id)).all()
    return [(row.before, row.after) for row in rows]


def test_a_workshop_goes_into_a_series_and_out_again_and_its_log_says_so(
        session, make_workshop):
    workshop = make_workshop()
    owner = session.get(Facilitator, workshop.facilitator_id)
    made, _ = series.create_series(session, owner, "  Kuusi kaupunkia ")
    actor = as_facilitator(workshop)

    series.set_workshop_series(session, actor, owner, made.id)
    series.set_workshop_series(session, actor, owner, made.id)  # again: nothing more
    series.set_workshop_series(session, actor, owner, None)
    session.commit()

    assert made.name == "Kuusi kaupunkia"
    assert _log(session, workshop.id) == [({"series": None}, {"series": "Kuusi kaupunkia"}),
                                          ({"series": "Kuusi kaupunkia"}, {"series": None})]


def test_only_the_series_owner_or_an_administrator_changes_it(session, make_workshop,
                                                              make_facilitator):
    workshop = make_workshop()
    other = make_facilitator()
    admin_id = make_facilitator().id
    owner = session.get(Facilitator, workshop.facilitator_id)
    made, _ = series.create_series(session, session.get(Facilitator, other.id), "Theirs")
    session.commit()

    with refused("not_found"):
        series.rename_series(session, owner, made.id, "Mine now")
    with refused("not_found"):
        series.delete_series(session, owner, made.id)
    with refused("not_found"):
        series.set_workshop_series(session, as_facilitator(workshop), owner, made.id)
    session.rollback()
    admin = session.get(Facilitator, admin_id)
    admin.is_admin = True
    session.commit()
    series.rename_series(session, admin, made.id, "Renamed by the administrator")
    session.commit()
    assert session.get(Series, made.id).name == "Renamed by the administrator"


def test_a_series_takes_only_workshops_one_runs(session, make_workshop, make_facilitator):
    theirs = make_workshop()
    owner_of_series = make_facilitator()
    made, _ = series.create_series(session, session.get(Facilitator, owner_of_series.id), "S")
    session.commit()

    with refused("forbidden"):
        series.set_workshop_series(session, Actor(theirs.id, facilitator_id=owner_of_series.id),
                                   session.get(Facilitator, owner_of_series.id), made.id)


def test_an_archived_workshop_is_filed_too(session, make_workshop):
    workshop = make_workshop()
    owner = session.get(Facilitator, workshop.facilitator_id)
    archive.archive_workshop(session, as_facilitator(workshop))
    made, _ = series.create_series(session, owner, "Arkisto")

    series.set_workshop_series(session, as_facilitator(workshop), owner, made.id)
    session.commit()

    assert session.get(Workshop, workshop.id).series_id == made.id


def test_deleting_a_series_keeps_its_workshops_and_logs_each(session, make_workshop,
                                                             make_facilitator):
    maker = make_facilitator()
    first, second = make_workshop(maker), make_workshop(maker)
    owner = session.get(Facilitator, first.facilitator_id)
    made, _ = series.create_series(session, owner, "Poistuva")
    for workshop in (first, second):
        series.set_workshop_series(session, as_facilitator(workshop), owner, made.id)
    session.commit()

    series.delete_series(session, owner, made.id)
    session.commit()

    for workshop in (first, second):
        assert session.get(Workshop, workshop.id).series_id is None
        assert _log(session, workshop.id)[-1] == ({"series": "Poistuva"}, {"series": None})
    assert series.series_of(session, owner) == []


def _export(phase="results", hidden_until_reveal=False):
    return {
        "exported_at": "2026-12-01T10:00:00+00:00",
        "workshop": {"id": 3, "title": "Oulu", "phase": phase, "current_activity_id": 9,
                     "created_at": "2026-11-30T10:00:00+00:00", "join_code": "X"},
        "votes_hidden_until_reveal": hidden_until_reveal,
        "agenda": [{"id": 8, "kind": "brainstorm", "title": "Q", "private": True,
                    "revealed": False},
                   {"id": 9, "kind": "results", "title": "Tulokset", "private": False,
                    "revealed": False}],
        "participants": [{"organisation_type": "city"}, {"organisation_type": "city"},
                         {"organisation_type": "company"}],
        "ideas": [
            {"id": 1, "text": "Few", "votes": None if hidden_until_reveal else 1,
             "hidden": False, "activity_id": None},
            {"id": 2, "text": "Most", "votes": None if hidden_until_reveal else 5,
             "hidden": False, "activity_id": None},
            {"id": 3, "text": "Hidden", "votes": None if hidden_until_reveal else 9,
             "hidden": True, "activity_id": None},
            {"id": 4, "text": "Private", "votes": None if hidden_until_reveal else 9,
             "hidden": False, "activity_id": 8},
        ],
        "clusters": [], "votes": [], "audit_log": [],
    }


def test_the_overview_ranks_revealed_results_only():
    shown = overview(_export())
    assert [i["text"] for i in shown["top_ideas"]] == ["Most", "Few"]
    assert shown["by_type"]["city"] == 2 and shown["by_type"]["company"] == 1
    assert shown["current_activity"] == {"kind": "results", "title": "Tulokset"}

    before = overview(_export(phase="voting", hidden_until_reveal=True))
    assert before["top_ideas"] == [] and not before["results_revealed"]


def test_the_series_document_tags_every_idea():
    document = series_document({"id": 1, "name": "S", "created_at": "x"},
                               [_export(), _export()], "2026-12-02T00:00:00+00:00")
    assert len(document["workshops"]) == 2 and len(document["ideas"]) == 8
    assert all(i["workshop_title"] == "Oulu" and i["workshop_id"] == 3
               for i in document["ideas"])
    json.dumps(document)
