"""A workshop's facilitators: its owner, and the co-facilitators the owner invites to run it.

A co-facilitator has the owner's rights in the room: the board, the projector, the exports,
the change log and every facilitator's command (access._checked lets them in). Only the
owner chooses who else runs the workshop, and only the owner erases it (access.check_owner).
Each invitation and removal is in the audit log, under the owner's name.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.errors import DomainError
from ..domain.protocol import Fact
from ..models import Facilitator, WorkshopFacilitator, utcnow
from . import audit, facilitators
from .access import Actor, check_owner, facilitated_workshop, workshop_for_change


def team_of(session: Session, actor: Actor) -> list[dict]:
    """The workshop's facilitators: the owner first, then the others in the order invited."""
    workshop = facilitated_workshop(session, actor)
    owner = session.get(Facilitator, workshop.facilitator_id)
    invited = session.execute(
        select(Facilitator).join(WorkshopFacilitator,
                                 WorkshopFacilitator.facilitator_id == Facilitator.id)
        .where(WorkshopFacilitator.workshop_id == workshop.id)
        .order_by(WorkshopFacilitator.added_at, Facilitator.id)
    ).scalars()
    return [_member(owner, owner=True), *(_member(f, owner=False) for f in invited)]


def invite(session: Session, actor: Actor, name: str) -> tuple[dict, list[Fact]]:
    """The owner lets another active account run the workshop with them.

    Inviting the owner, or someone already in, changes nothing and is no mistake.
    """
    workshop = workshop_for_change(session, actor)
    check_owner(actor, workshop)
    invitee = facilitators.active_account(session, name if isinstance(name, str) else "")
    if invitee is None:
        raise DomainError("no_such_facilitator", "there is no active facilitator with that name",
                          field="name")
    result = {"facilitator": _member(invitee, owner=invitee.id == workshop.facilitator_id)}
    if invitee.id == workshop.facilitator_id or _membership(session, workshop.id, invitee.id):
        return {**result, "invited": False}, []
    session.add(WorkshopFacilitator(workshop_id=workshop.id, facilitator_id=invitee.id,
                                    added_at=utcnow()))
    audit.record(session, actor, "team.invite", {"workshop_id": workshop.id},
                 after={"facilitator": invitee.name})
    session.flush()
    return {**result, "invited": True}, []


def remove(session: Session, actor: Actor, facilitator_id: int) -> tuple[dict, list[Fact]]:
    """The owner takes a co-facilitator off the workshop; their next command is refused.

    Their open boards are for the caller to hang up (it knows the connections). Removing
    someone who is not in changes nothing.
    """
    workshop = workshop_for_change(session, actor)
    check_owner(actor, workshop)
    membership = _membership(session, workshop.id, facilitator_id)
    if membership is None:
        return {"facilitator_id": facilitator_id, "removed": False}, []
    name = session.get(Facilitator, facilitator_id).name
    session.delete(membership)
    audit.record(session, actor, "team.remove", {"workshop_id": workshop.id},
                 before={"facilitator": name})
    session.flush()
    return {"facilitator_id": facilitator_id, "removed": True}, []


def _membership(session: Session, workshop_id: int, facilitator_id: int
                ) -> WorkshopFacilitator | None:
    return session.get(WorkshopFacilitator, (workshop_id, facilitator_id))


def _member(facilitator: Facilitator, *, owner: bool) -> dict:
    return {"id": facilitator.id, "name": facilitator.name, "owner": owner,
            "active": facilitator.active}
