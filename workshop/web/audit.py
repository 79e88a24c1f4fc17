"""The workshop's audit log, for its facilitator: every change, who made it and what it replaced."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Facilitator
from ..services import audit
from ..services.access import Actor
from .signed_in import current_facilitator, own_workshop, signin_required

bp = Blueprint("audit", __name__, url_prefix="/workshops")

# Each command in the log, in words.
CHANGES = {
    "workshop.create": _l("Created the workshop"),
    "workshop.erase": _l("Erased the workshop"),
    "workshop.lock_joins": _l("Closed or opened joining"),
    "phase.set": _l("Changed the phase"),
    "idea.delete": _l("Deleted an idea"),
    "idea.hide": _l("Hid an idea"),
    "idea.show": _l("Showed an idea again"),
    "cluster.create": _l("Created a cluster"),
    "cluster.rename": _l("Renamed a cluster"),
    "cluster.delete": _l("Deleted a cluster"),
    "cluster.move_idea": _l("Moved an idea"),
    "participant.erase": _l("Erased a participant's data"),
    "timer.start": _l("Started the timer"),
    "timer.pause": _l("Paused the timer"),
    "timer.resume": _l("Resumed the timer"),
    "timer.adjust": _l("Gave more or less time"),
    "timer.stop": _l("Stopped the timer"),
    "timer.expire": _l("Time ran out"),
    "team.invite": _l("Invited a facilitator"),
    "team.remove": _l("Removed a facilitator"),
    "method.save": _l("Saved the agenda as a method"),
    "brainstorm.reveal": _l("Revealed the ideas of a private brainstorm"),
    "decision.set": _l("Marked a decision"),
    "decision.clear": _l("Removed a decision"),
    "workshop.set_results_public": _l("Showed the decisions to participants, or stopped"),
    "workshop.archive": _l("Archived the workshop"),
    "workshop.unarchive": _l("Took the workshop out of the archive"),
    "workshop.restore": _l("Restored the workshop from a file"),
    "workshop.series": _l("Put the workshop into a series, or took it out"),
    "table.create": _l("Created a table"),
    "table.rename": _l("Renamed a table"),
    "table.delete": _l("Deleted a table"),
    "tables.set_choice": _l("Let participants choose their table, or stopped"),
    "tables.assign": _l("Seated participants at tables"),
    "table.seat": _l("Moved a participant to a table"),
    "table.choose": _l("Chose a table"),
    "table.set_host": _l("Named a table's host"),
    "brainstorm.merge": _l("Merged the tables' ideas into the plenary"),
    "idea.enter": _l("Entered an idea from a paper note"),
    "hands.set": _l("Entered hand votes"),
}
ERASED_PARTICIPANT = _l("a participant whose data was erased")


@bp.get("/<int:workshop_id>/log")
@signin_required
def audit_log(workshop_id: int):
    """Every change made to the workshop, oldest first."""
    workshop = own_workshop(workshop_id)
    entries, _ = audit.entries_of(
        db.session, Actor(workshop.id, facilitator_id=current_facilitator().id))
    for entry in entries:
        entry["when"] = datetime.fromisoformat(entry["at"])  # shown in the local time zone
    # A restored workshop's rows before its restore name accounts of the Tupa it came from:
    # their numbers are not this installation's, and must not be shown as its names.
    restored = [i for i, e in enumerate(entries) if e["command"] == "workshop.restore"]
    for entry in entries[:restored[-1]] if restored else ():
        entry["elsewhere"] = True
    facilitator_ids = {e["who"]["facilitator"] for e in entries
                       if "facilitator" in e["who"] and not e.get("elsewhere")}
    names = dict(db.session.execute(
        select(Facilitator.id, Facilitator.name).where(Facilitator.id.in_(facilitator_ids))
    ).all())
    response = current_app.make_response(render_template(
        "audit_log.html", workshop=workshop, entries=entries, changes=CHANGES,
        facilitator_names=names, erased_participant=ERASED_PARTICIPANT))
    # The log quotes what people wrote: no cache along the way may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response
