"""The read-only results page anyone with a workshop's join link may open: no account, no join.

It closes the loop with the people who gave the ideas: what the room ranked highest and what
is done next. The facilitator can close it (services/decisions.set_results_public); it then
answers 404, as an address with nothing at it does.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from ..client_messages import ORGANISATION_TYPE_NAMES, OUTCOME_NAMES
from ..domain.decisions import parse_due_on
from ..extensions import db
from ..models import Workshop
from ..reports.gather import entered_on_behalf
from ..services.decisions import public_results
from .participants import workshop_by_typed_code

bp = Blueprint("results", __name__)

NOT_PUBLIC = _l("The results of this workshop are not public. The facilitator has kept them "
                "to the organisers.")


@bp.get("/w/<code>/results")
def public_page(code: str):
    """The workshop's title, its revealed results and its decisions, in the reader's language."""
    workshop = workshop_by_typed_code(code)
    if not isinstance(workshop, Workshop):
        return workshop
    if code != workshop.join_code:
        return redirect(url_for("results.public_page", code=workshop.join_code))
    g.workshop_language = workshop.language
    shown = public_results(db.session, workshop)
    if shown is None:
        return render_template("error.html", heading=_l("Results not public"),
                               message=NOT_PUBLIC), 404
    decisions = [_in_words(decision) for decision in shown["decisions"]]
    results = shown["results"]
    if results:
        # Paper notes are marked "entered on behalf" wherever they are shown.
        paper = entered_on_behalf(db.session, workshop.id, [line["idea_id"] for line in results])
        results = [{**line, "on_behalf": line["idea_id"] in paper} for line in results]
    response = current_app.make_response(render_template(
        "public_results.html", title=shown["title"], results=results,
        decisions=decisions))
    # Asked again each time: once the facilitator closes the page, no cache may still show it.
    response.headers["Cache-Control"] = "no-cache"
    return response


def _in_words(decision: dict) -> dict:
    owner_type = ORGANISATION_TYPE_NAMES.get(decision["owner_type"])
    due_on = parse_due_on(decision["due_on"])
    return {
        "on_cluster": decision["cluster_id"] is not None,
        "about": decision["about"],
        "outcome": OUTCOME_NAMES[decision["outcome"]],
        "owner_name": decision["owner_name"],
        "owner_type": owner_type,
        "next_step": decision["next_step"],
        "due_on": format_date(due_on, format="long") if due_on else None,
        "due_on_iso": decision["due_on"],
    }
