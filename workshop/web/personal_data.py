"""Personal data, from the facilitator's side: who joined, removing one of them from the room,
and erasing one of them or everything.

Erasing is a POST from a confirmation page, removing a POST from the list's confirmation
dialog (both CSRF-protected like every form), never a link.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from ..client_messages import ORGANISATION_TYPE_NAMES
from ..extensions import db
from ..realtime.transactions import Work
from ..realtime.wiring import realtime
from ..services import erasure, moderation, participants
from ..services.access import Actor
from .archive import refused_page_change
from .signed_in import current_facilitator, own_workshop, owned_workshop, signin_required

bp = Blueprint("personal_data", __name__, url_prefix="/workshops")

WORKSHOP_ERASED = _l("The workshop “%(title)s” and all its data were erased.")
PARTICIPANT_ERASED = _l("The data of %(name)s was erased.")
UNNAMED_PARTICIPANT = _l("Participant %(number)s")
PARTICIPANT_REMOVED = _l("%(name)s was removed from the workshop. Their ideas stay.")
PARTICIPANT_REMOVED_WITH_IDEAS = _l("%(name)s was removed from the workshop with their ideas.")
# The dialog's two answers to "what happens to their ideas?".
IDEAS_STAY, IDEAS_GO = "stay", "go"


@bp.get("/<int:workshop_id>/participants")
@signin_required
def participant_list(workshop_id: int):
    """The people of a workshop, pseudonymous, each with a way to erase their data."""
    workshop = own_workshop(workshop_id)
    people = participants.participants_of(db.session, _actor(workshop.id))
    return _private(render_template(
        "participants.html", workshop=workshop, people=[_named(p) for p in people],
        organisation_types=ORGANISATION_TYPE_NAMES,
    ))


@bp.route("/<int:workshop_id>/participants/<int:participant_id>/erase",
          methods=["GET", "POST"])
@signin_required
def erase_participant(workshop_id: int, participant_id: int):
    """Confirm, then erase one participant with their ideas and votes; their phones hang up."""
    workshop = own_workshop(workshop_id)
    actor = _actor(workshop.id)
    person = next((p for p in participants.participants_of(db.session, actor)
                   if p["id"] == participant_id), None)
    if person is None:
        abort(404)
    person = _named(person)
    if request.method == "POST":
        outcome = realtime().perform(Work("participant.erase", lambda session: (
            erasure.erase_participant(session, actor, participant_id))))
        if outcome.refusal:
            abort(404)
        if outcome.failure:
            abort(503)
        realtime().hang_up(outcome.result["sockets"])
        flash(str(PARTICIPANT_ERASED) % {"name": person["name"]})
        return redirect(url_for("personal_data.participant_list", workshop_id=workshop.id))
    return _private(render_template(
        "erase_participant.html", workshop=workshop, person=person,
        organisation_types=ORGANISATION_TYPE_NAMES,
    ))


@bp.post("/<int:workshop_id>/participants/<int:participant_id>/remove")
@signin_required
def remove_participant(workshop_id: int, participant_id: int):
    """Remove one participant from the room, their ideas staying or going; their phones hang up.

    The list asks first, in a dialog; the participant's data stays (erasing is its own page).
    """
    workshop = own_workshop(workshop_id)
    ideas = request.form.get("ideas")
    if ideas not in (IDEAS_STAY, IDEAS_GO):
        abort(400)
    actor = _actor(workshop.id)
    person = next((p for p in participants.participants_of(db.session, actor)
                   if p["id"] == participant_id), None)
    if person is None:
        abort(404)
    outcome = realtime().perform(Work("participant.remove", lambda session: (
        moderation.remove_participant(session, actor, participant_id, ideas == IDEAS_GO))))
    if outcome.refusal:
        refused_page_change(outcome.refusal)
    if outcome.failure:
        abort(503)
    realtime().hang_up(outcome.result["sockets"])
    said = PARTICIPANT_REMOVED_WITH_IDEAS if ideas == IDEAS_GO else PARTICIPANT_REMOVED
    flash(str(said) % {"name": _named(person)["name"]})
    return redirect(url_for("personal_data.participant_list", workshop_id=workshop.id))


@bp.route("/<int:workshop_id>/erase", methods=["GET", "POST"])
@signin_required
def erase_workshop(workshop_id: int):
    """Confirm, then erase a workshop and every row of it; back to the workshop list.

    Only its owner: a co-facilitator gets 403.
    """
    workshop = owned_workshop(workshop_id)
    if request.method == "POST":
        actor = _actor(workshop.id)
        outcome = realtime().perform(Work("workshop.erase", lambda session: (
            erasure.erase_workshop(session, actor))))
        if outcome.refusal:
            abort(404)
        if outcome.failure:
            abort(503)
        realtime().hang_up(outcome.result["sockets"])
        flash(str(WORKSHOP_ERASED) % {"title": outcome.result["title"]})
        return redirect(url_for("workshops.index"))
    people = participants.participants_of(db.session, _actor(workshop.id))
    return _private(render_template(
        "erase_workshop.html", workshop=workshop, participant_count=len(people),
        idea_count=sum(p["ideas"] for p in people),
    ))


def _actor(workshop_id: int) -> Actor:
    return Actor(workshop_id=workshop_id, facilitator_id=current_facilitator().id)


def _named(person: dict) -> dict:
    # Nicknames are optional; the number is the one the exports use (p1, p2, ...).
    name = person["nickname"] or str(UNNAMED_PARTICIPANT) % {"number": person["number"]}
    return {**person, "name": name}


def _private(body: str):
    # Pages with people's names and organisations: no cache along the way may keep them.
    response = current_app.make_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response
