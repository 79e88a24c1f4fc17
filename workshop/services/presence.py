"""Who is online: one row per open participant connection, so every process can count."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.errors import DomainError
from ..domain.people import OrganisationType
from ..domain.protocol import Fact, count_due
from ..models import Participant, Presence, Workshop, utcnow
from .access import Actor


def arrive(session: Session, sid: str, server: str, workshop_id: int,
           participant_id: int) -> tuple[None, list[Fact]]:
    """Note a participant's new connection; the facilitators' count is due.

    A participant erased since their token was checked has no row to point to: the
    connection is refused as an unknown token's would be, instead of failing.
    """
    try:
        with session.begin_nested():
            session.add(Presence(sid=sid, server=server, workshop_id=workshop_id,
                                 participant_id=participant_id, connected_at=utcnow()))
    except IntegrityError:
        raise DomainError("not_authenticated", "no such participant any more") from None
    # The insert waited for a removal that held the row (sockets_to_close); it is in now.
    removed = session.execute(select(Participant.removed_at).where(
        Participant.id == participant_id)).scalar_one_or_none()
    if removed is not None:
        raise DomainError("not_authenticated", "removed from the workshop")
    return None, [changed(workshop_id)]


def sockets_to_close(session: Session, workshop_id: int, participant_id: int) -> list[str]:
    """A participant's open connections, with their row held so that no new one can slip in.

    For erasing or removing them: a connection whose token was checked a moment ago adds
    its presence row only after this change commits (the row's lock holds it back), and is
    then refused by `arrive`; one added before is in the list, to be hung up.
    """
    session.execute(select(Participant.id).where(Participant.id == participant_id)
                    .with_for_update())
    return open_sockets(session, workshop_id, participant_id)


def leave(session: Session, sid: str) -> tuple[None, list[Fact]]:
    """Forget a closed connection; if it was a participant's, the facilitators' count is due."""
    presence = session.get(Presence, sid)
    if presence is None:
        return None, []
    session.delete(presence)
    session.flush()
    return None, [changed(presence.workshop_id)]


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
        select(func.count()).select_from(Participant).where(
            Participant.workshop_id == workshop_id, Participant.on_paper.is_(False))
    ).scalar_one()
    return {"online": sum(by_type.values()), "by_organisation_type": by_type, "joined": joined}


def changed(workshop_id: int) -> Fact:
    """Who is online changed: the facilitators' count is made afresh (realtime/counts.py)."""
    return count_due("presence.changed", workshop_id)


def snapshot_part(session: Session, actor: Actor, workshop: Workshop) -> dict:
    """Who is online, for the facilitators' screens only."""
    return {"presence": presence_payload(session, workshop.id)} if actor.is_facilitator else {}
