"""A workshop's facilitators: the owner invites and removes co-facilitators, who run the room
with the owner's rights but neither change who runs it nor erase it (workshop/services/team.py,
access.py)."""

from __future__ import annotations

from arrange import as_facilitator, as_participant, count, refused
from sqlalchemy import select

from workshop.models import AuditEntry, Workshop, WorkshopFacilitator
from workshop.realtime import commands
from workshop.reports.gather import workshop_export
from workshop.services import audit, erasure, facilitators, snapshot, team, workshops
from workshop.services.access import Actor


def _as(facilitator, workshop) -> Actor:
    return Actor(workshop.id, facilitator_id=facilitator.id)


def _team_rows(session) -> list[tuple[str, dict | None, dict | None, int]]:
    return [(row.command, row.before, row.after, row.facilitator_id)
            for row in session.execute(select(AuditEntry).where(
                AuditEntry.command.like("team.%")).order_by(AuditEntry.id)).scalars()]


def test_an_invited_facilitator_runs_the_workshop_and_the_log_names_them(
        session, make_workshop, make_facilitator, make_participant, add_idea):
    workshop = make_workshop()
    helper = make_facilitator("Helmi")
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Benches")
    co = _as(helper, workshop)

    with refused("forbidden"):
        commands.run("idea.hide", session, co, {"idea_id": idea_id})
    result, facts = team.invite(session, as_facilitator(workshop), " Helmi ")
    session.commit()

    assert (result["invited"], result["facilitator"]["name"], facts) == (True, "Helmi", [])
    commands.run("idea.hide", session, co, {"idea_id": idea_id})
    commands.run("workshop.lock_joins", session, co, {"locked": True})
    session.commit()
    assert session.get(Workshop, workshop.id).joins_locked is True
    assert snapshot.snapshot(session, co)["workshop"]["id"] == workshop.id
    assert workshop_export(session, co)[0]["workshop"]["title"] == workshop.title
    log = {entry["command"]: entry["who"] for entry in audit.entries_of(session, co)[0]}
    assert log["team.invite"] == {"facilitator": workshop.facilitator_id}
    assert log["idea.hide"] == log["workshop.lock_joins"] == {"facilitator": helper.id}
    assert _team_rows(session) == [
        ("team.invite", None, {"facilitator": "Helmi"}, workshop.facilitator_id)]


def test_the_team_lists_the_owner_first_then_the_invited(session, make_workshop,
                                                         make_facilitator):
    owner = make_facilitator("Omistaja")
    workshop = make_workshop(owner)
    make_facilitator("Bea")
    make_facilitator("Aino")
    for name in ("Aino", "Bea"):  # invited in the other order than the accounts were made
        team.invite(session, as_facilitator(workshop), name)
        session.commit()

    members = team.team_of(session, as_facilitator(workshop))

    assert [(m["name"], m["owner"]) for m in members] == [
        ("Omistaja", True), ("Aino", False), ("Bea", False)]


def test_inviting_the_owner_or_someone_already_in_changes_nothing(
        session, make_workshop, make_facilitator):
    owner = make_facilitator("Omistaja")
    workshop = make_workshop(owner)
    make_facilitator("Helmi")
    team.invite(session, as_facilitator(workshop), "Helmi")
    session.commit()

    again, _ = team.invite(session, as_facilitator(workshop), "Helmi")
    owner_again, _ = team.invite(session, as_facilitator(workshop), "Omistaja")
    session.commit()

    assert (again["invited"], owner_again["invited"]) == (False, False)
    assert count(session, WorkshopFacilitator) == 1
    assert len(_team_rows(session)) == 1


def test_only_active_accounts_can_be_invited(session, make_workshop, make_facilitator):
    workshop = make_workshop()
    make_facilitator("Lähtenyt")
    facilitators.deactivate(session, "Lähtenyt")
    session.commit()

    for name in ("Nobody", "", "Lähtenyt"):
        with refused("no_such_facilitator") as error:
            team.invite(session, as_facilitator(workshop), name)
        assert error.value.details == {"field": "name"}
    assert count(session, WorkshopFacilitator) == 0


def test_only_the_owner_chooses_who_runs_the_workshop_and_erases_it(
        session, make_workshop, make_facilitator, make_participant):
    workshop = make_workshop()
    helper = make_facilitator("Helmi")
    other = make_facilitator("Toinen")
    person, _ = make_participant(workshop)
    team.invite(session, as_facilitator(workshop), "Helmi")
    session.commit()
    co = _as(helper, workshop)

    with refused("forbidden"):
        team.invite(session, co, "Toinen")
    with refused("forbidden"):
        team.remove(session, co, helper.id)
    with refused("forbidden"):
        erasure.erase_workshop(session, co)
    session.rollback()
    # Erasing one person's data is running the room: a co-facilitator may.
    erasure.erase_participant(session, co, person.id)
    session.commit()

    assert session.get(Workshop, workshop.id) is not None
    assert [m["name"] for m in team.team_of(session, co)][1:] == ["Helmi"]
    with refused("forbidden"):
        team.team_of(session, _as(other, workshop))
    with refused("forbidden"):
        team.invite(session, _as(other, workshop), "Toinen")


def test_erasing_a_shared_workshop_leaves_nobody_invited_to_it(session, make_workshop,
                                                                make_facilitator):
    workshop = make_workshop()
    helper = make_facilitator("Helmi")
    team.invite(session, as_facilitator(workshop), "Helmi")
    session.commit()

    erasure.erase_workshop(session, as_facilitator(workshop))
    session.commit()

    assert count(session, WorkshopFacilitator) == 0
    assert workshops.workshops_of(session, helper) == []


def test_a_removed_facilitator_is_refused_from_then_on(session, make_workshop,
                                                      make_facilitator):
    workshop = make_workshop()
    helper = make_facilitator("Helmi")
    team.invite(session, as_facilitator(workshop), "Helmi")
    session.commit()
    co = _as(helper, workshop)
    commands.run("workshop.lock_joins", session, co, {"locked": True})
    session.commit()

    result, _ = team.remove(session, as_facilitator(workshop), helper.id)
    again, _ = team.remove(session, as_facilitator(workshop), helper.id)
    owner, _ = team.remove(session, as_facilitator(workshop), workshop.facilitator_id)
    session.commit()

    assert (result["removed"], again["removed"], owner["removed"]) == (True, False, False)
    with refused("forbidden"):
        commands.run("workshop.lock_joins", session, co, {"locked": False})
    with refused("forbidden"):
        snapshot.snapshot(session, co)
    with refused("forbidden"):
        workshop_export(session, co)
    with refused("forbidden"):
        audit.entries_of(session, co)
    assert _team_rows(session) == [
        ("team.invite", None, {"facilitator": "Helmi"}, workshop.facilitator_id),
        ("team.remove", {"facilitator": "Helmi"}, None, workshop.facilitator_id)]


def test_an_invitation_to_one_workshop_opens_no_other(session, make_workshop,
                                                     make_facilitator, make_participant):
    owner = make_facilitator()
    shared = make_workshop(owner)
    private = make_workshop(owner)
    helper = make_facilitator("Helmi")
    team.invite(session, as_facilitator(shared), "Helmi")
    session.commit()

    with refused("forbidden"):
        commands.run("workshop.lock_joins", session, _as(helper, private), {"locked": True})
    with refused("forbidden"):
        snapshot.snapshot(session, _as(helper, private))
    # A participant of the shared workshop gains nothing from it either.
    session.rollback()
    person, _ = make_participant(shared)
    with refused("forbidden"):
        commands.run("workshop.lock_joins", session, as_participant(person), {"locked": True})


def test_a_facilitators_list_holds_the_workshops_they_own_or_were_invited_to(
        session, make_workshop, make_facilitator):
    helper = make_facilitator("Helmi")
    own = make_workshop(helper, title="Own")
    shared = make_workshop(title="Shared")
    make_workshop(title="Someone else's")
    team.invite(session, as_facilitator(shared), "Helmi")
    session.commit()

    listed = workshops.workshops_of(session, helper)

    assert [(w.title, w.facilitator_id == helper.id) for w in listed] == [
        ("Shared", False), ("Own", True)]
    assert listed[0].facilitator.name != "Helmi"
    assert own.id in {w.id for w in listed}
