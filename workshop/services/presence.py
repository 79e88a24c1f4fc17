"""Who is online: one row per open participant connection, so every process can count."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..domain import Audience, Fact, OrganisationType
from ..models import Participant, Presence, Workshop, utcnow


def arrive(session: Session, sid: str, server: str, participant: Participant) -> list[Fact]:
    """Note a participant's new connection and tell the facilitators."""
    _queue_behind_other_arrivals(session, participant.workshop_id)
    session.merge(Presence(sid=sid, server=server, workshop_id=participant.workshop_id,
                           participant_id=participant.id, connected_at=utcnow()))
    session.flush()
    return [_changed(session, participant.workshop_id)]


def leave(session: Session, sid: str) -> list[Fact]:
    """Forget a closed connection and tell the facilitators, if it was a participant's."""
    presence = session.get(Presence, sid)
    if presence is None:
        return []
    _queue_behind_other_arrivals(session, presence.workshop_id)
    session.delete(presence)
    session.flush()
    return [_changed(session, presence.workshop_id)]


def open_sockets(session: Session, workshop_id: int,
                 participant_id: int | None = None) -> list[str]:
    """The socket ids of a workshop's open participant connections (or one participant's).

    On every process: read them before an erasure deletes the rows, to close them after.
    """
    query = select(Presence.sid).where(Presence.workshop_id == workshop_id)
    if participant_id is not None:
        query = query.where(Presence.participant_id == participant_id)
    return list(session.execute(query.order_by(Presence.sid)).scalars())


def forget_server(session: Session, server: str) -> None:
    """Drop what a restarted process left behind: its old connections are gone."""
    session.execute(delete(Presence).where(Presence.server == server))


def presence_payload(session: Session, workshop_id: int) -> dict:
    """How many participants are online, by organisation type, and how many ever joined."""
    by_type = {t.value: 0 for t in OrganisationType}
    online = session.execute(
        select(Participant.organisation_type, func.count(func.distinct(Participant.id)))
        .join(Presence, Presence.participant_id == Participant.id)
        .where(Presence.workshop_id == workshop_id)
        .group_by(Participant.organisation_type)
    )
    for organisation_type, count in online:
        by_type[organisation_type] = count
    joined = session.execute(
        select(func.count()).select_from(Participant).where(Participant.workshop_id == workshop_id)
    ).scalar_one()
    return {"online": sum(by_type.values()), "by_organisation_type": by_type, "joined": joined}


def _queue_behind_other_arrivals(session: Session, workshop_id: int) -> None:
    # Twenty phones connecting at once on PostgreSQL would each count before the others
    # commit, and the board would be told 16 where there are 20. Taking the workshop's row
    # first makes each count see every arrival before it. (SQLite: the file lock does this.)
    session.execute(
        select(Workshop.id).where(Workshop.id == workshop_id).with_for_update(key_share=True)
    )


def changed(session: Session, workshop_id: int) -> Fact:
    """The facilitators' count of who is online, as it stands now."""
    return _changed(session, workshop_id)


def _changed(session: Session, workshop_id: int) -> Fact:
    return Fact("presence.changed", workshop_id, presence_payload(session, workshop_id),
                Audience.FACILITATORS)
