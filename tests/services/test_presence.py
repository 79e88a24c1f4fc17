"""Presence: who is online, by organisation type (workshop/services/presence.py)."""

from __future__ import annotations

from arrange import count, names, refused

from workshop.domain.protocol import Audience
from workshop.models import Participant, Presence, utcnow
from workshop.services import presence


def test_presence_counts_people_online_by_organisation_type(
    session, make_workshop, make_participant
):
    workshop = make_workshop()
    city, _ = make_participant(workshop, organisation_type="city")
    company, _ = make_participant(workshop, organisation_type="company")
    make_participant(workshop, organisation_type="research")

    presence.arrive(session, "sid-1", "test", workshop.id, city.id)
    presence.arrive(session, "sid-2", "test", workshop.id, city.id)  # a second tab counts once
    _, facts = presence.arrive(session, "sid-3", "other-server", workshop.id, company.id)

    assert names(facts) == ["presence.changed"]
    # Only that the count is due: it is made once for many arrivals (workshop/realtime/counts.py).
    assert facts[0].audience is Audience.FACILITATORS and facts[0].sequence is None
    assert facts[0].payload == {}
    assert presence.presence_payload(session, workshop.id) == {
        "online": 2, "joined": 3,
        "by_organisation_type": {"city": 1, "company": 1, "research": 0, "citizen": 0,
                                 "other": 0},
    }

    presence.leave(session, "sid-1")
    assert presence.presence_payload(session, workshop.id)["online"] == 2
    presence.leave(session, "sid-2")
    assert presence.presence_payload(session, workshop.id)["by_organisation_type"]["city"] == 0
    assert presence.leave(session, "sid-unknown") == (None, [])

    presence.forget_server(session, "other-server")
    assert count(session, Presence) == 0


def test_a_connection_of_someone_erased_meanwhile_is_refused_not_failed(
        session, make_workshop, make_participant):
    workshop = make_workshop()
    person, _ = make_participant(workshop)
    # Their token was checked a moment ago; the facilitator's erasure committed since.
    session.execute(Participant.__table__.delete().where(Participant.id == person.id))
    session.commit()

    with refused("not_authenticated"):
        presence.arrive(session, "sid-late", "test", workshop.id, person.id)
    session.rollback()
    assert count(session, Presence) == 0


def test_a_connection_of_someone_removed_meanwhile_is_refused(
        session, make_workshop, make_participant):
    workshop = make_workshop()
    person, _ = make_participant(workshop)
    # Their token was checked a moment ago; the facilitator's removal committed since.
    session.execute(Participant.__table__.update().where(Participant.id == person.id)
                    .values(removed_at=utcnow()))
    session.commit()

    with refused("not_authenticated"):
        presence.arrive(session, "sid-late", "test", workshop.id, person.id)
    session.rollback()
    assert count(session, Presence) == 0
