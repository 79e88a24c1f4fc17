"""A workshop's facilitators: everyone who runs it sees who does; its owner invites and removes.

Inviting and removing are POSTs (CSRF-protected like every form) that go through the room's
writer as every change does. A removed co-facilitator's boards in this process are hung up
at once; on another process their next command and their next page are refused.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..languages import message_for
from ..realtime.transactions import Work
from ..realtime.wiring import realtime
from ..services import team
from ..services.access import Actor
from .archive import refused_page_change
from .forms import InviteForm
from .signed_in import current_facilitator, own_workshop, owned_workshop, owns, signin_required

bp = Blueprint("team", __name__, url_prefix="/workshops")

INVITED = _l("%(name)s can now run this workshop with you.")
ALREADY_IN = _l("%(name)s already runs this workshop.")
REMOVED = _l("%(name)s no longer runs this workshop.")


@bp.get("/<int:workshop_id>/team")
@signin_required
def team_page(workshop_id: int):
    """Who runs the workshop; its owner also finds the invitation form and the removals."""
    return _page(own_workshop(workshop_id), InviteForm(), {})


@bp.post("/<int:workshop_id>/team")
@signin_required
def invite(workshop_id: int):
    """The owner invites another facilitator account by its name."""
    workshop = owned_workshop(workshop_id)
    form = InviteForm()
    actor = _actor(workshop.id)
    name = form.name.data or ""
    outcome = realtime().perform(Work("team.invite", lambda session: (
        team.invite(session, actor, name))))
    if outcome.failure:
        abort(503)
    if outcome.refusal is not None:
        error = outcome.refusal
        return _page(workshop, form, {"name": message_for(error.code, error.details)}), 400
    invited = outcome.result["facilitator"]["name"]
    flash(str(INVITED if outcome.result["invited"] else ALREADY_IN) % {"name": invited})
    return redirect(url_for("team.team_page", workshop_id=workshop.id))


@bp.post("/<int:workshop_id>/team/<int:facilitator_id>/remove")
@signin_required
def remove(workshop_id: int, facilitator_id: int):
    """The owner takes a co-facilitator off the workshop; their open boards close."""
    workshop = owned_workshop(workshop_id)
    actor = _actor(workshop.id)
    member = next((m for m in team.team_of(db.session, actor)
                   if m["id"] == facilitator_id and not m["owner"]), None)
    if member is None:
        abort(404)
    outcome = realtime().perform(Work("team.remove", lambda session: (
        team.remove(session, actor, facilitator_id))))
    if outcome.failure:
        abort(503)
    if outcome.refusal is not None:
        refused_page_change(outcome.refusal)
    parts = realtime()
    parts.hang_up([sid for sid, connection in list(parts.connections.items())
                   if connection.actor.workshop_id == workshop.id
                   and connection.actor.facilitator_id == facilitator_id])
    flash(str(REMOVED) % {"name": member["name"]})
    return redirect(url_for("team.team_page", workshop_id=workshop.id))


def _page(workshop, form: InviteForm, errors: dict[str, str]) -> str:
    members = team.team_of(db.session, _actor(workshop.id))
    return render_template("team.html", workshop=workshop, members=members,
                           is_owner=owns(workshop), name=form.name.data or "", errors=errors)


def _actor(workshop_id: int) -> Actor:
    return Actor(workshop_id=workshop_id, facilitator_id=current_facilitator().id)
