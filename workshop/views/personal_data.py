"""Personal data, from the facilitator's side: who joined, and erasing one of them or everything.

Erasing is a POST from a confirmation page (CSRF-protected like every form), never a link.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from ..client_messages import ORGANISATION_TYPE_NAMES
from ..domain import DomainError
from ..extensions import db, socketio
from ..services import erasure, participants, presence
from ..services.access import Actor
from ..sockets import broadcast
from .facilitators import current_facilitator, own_workshop, signin_required

WORKSHOP_ERASED = _l("The workshop “%(title)s” and all its data were erased.")
PARTICIPANT_ERASED = _l("The data of %(name)s was erased.")
UNNAMED_PARTICIPANT = _l("Participant %(number)s")


@signin_required
def participant_list(workshop_id: int):
    """The people of a workshop, pseudonymous, each with a way to erase their data."""
    workshop = own_workshop(workshop_id)
    people = participants.participants_of(db.session, _actor(workshop.id))
    return _private(render_template(
        "participants.html", workshop=workshop, people=[_named(p) for p in people],
        organisation_types=ORGANISATION_TYPE_NAMES,
    ))


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
        # Read before the erasure deletes the rows that name them.
        open_sids = presence.open_sockets(db.session, workshop.id, participant_id)
        try:
            facts = erasure.erase_participant(db.session, actor, participant_id)
        except DomainError:
            db.session.rollback()
            abort(404)
        db.session.commit()
        _hang_up(open_sids)
        broadcast(facts)
        flash(str(PARTICIPANT_ERASED) % {"name": person["name"]})
        return redirect(url_for("participant_list", workshop_id=workshop.id))
    return _private(render_template(
        "erase_participant.html", workshop=workshop, person=person,
        organisation_types=ORGANISATION_TYPE_NAMES,
    ))


@signin_required
def erase_workshop(workshop_id: int):
    """Confirm, then erase a workshop and every row of it; back to the workshop list."""
    workshop = own_workshop(workshop_id)
    if request.method == "POST":
        title = workshop.title
        open_sids = presence.open_sockets(db.session, workshop.id)
        erasure.erase_workshop(db.session, _actor(workshop.id))
        db.session.commit()
        _hang_up(open_sids)
        flash(str(WORKSHOP_ERASED) % {"title": title})
        return redirect(url_for("workshops"))
    people = participants.participants_of(db.session, _actor(workshop.id))
    return _private(render_template(
        "erase_workshop.html", workshop=workshop, participant_count=len(people),
        idea_count=sum(p["ideas"] for p in people),
    ))


def _hang_up(sids: list[str]) -> None:
    # An erased person's phone would otherwise stay in the room, hearing the workshop and
    # sending commands that are refused. Closed, it reconnects, is refused (its token is gone)
    # and offers the join page. With Redis, a socket on another process is closed there.
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")


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
