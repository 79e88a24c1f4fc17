"""Private brainstorms: which ideas are held back from whom, and the facilitators' counts
meanwhile. Revealing them is reveal.py.

The rule itself is domain/private_brainstorm.py; here are the reads it needs. Other
features ask this module which brainstorms are held (snapshots, clusters, votes), so it
imports none of them.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from ..domain.people import OrganisationType
from ..domain.private_brainstorm import routed
from ..domain.protocol import Fact
from ..models import Activity, Idea, Participant

_ORGANISATION_TYPES = [kind.value for kind in OrganisationType]


def held_brainstorms(session: Session, workshop_id: int) -> set[int]:
    """The workshop's private brainstorms that are not revealed yet."""
    return set(session.scalars(select(Activity.id).where(
        Activity.workshop_id == workshop_id, Activity.private.is_(True),
        Activity.revealed_at.is_(None))))


def holds_back(session: Session, activity_id: int | None) -> bool:
    """Whether this activity is a private brainstorm not revealed yet, as committed now.

    Read with a statement of its own, never from the session's copy: a reveal committed a
    moment ago must count.
    """
    if activity_id is None:
        return False
    return session.execute(select(exists().where(
        Activity.id == activity_id, Activity.private.is_(True),
        Activity.revealed_at.is_(None)))).scalar_one()


def in_held_brainstorm(activity_id: ColumnElement) -> ColumnElement[bool]:
    """SQL: the idea with this activity_id was posted in a brainstorm still held back.

    NOT EXISTS rather than NOT IN: an idea of no brainstorm (activity_id NULL) is nobody's
    secret, and NULL NOT IN (...) would leave it out.
    """
    return exists().where(Activity.id == activity_id, Activity.private.is_(True),
                          Activity.revealed_at.is_(None))


def idea_counts(session: Session, workshop_id: int) -> dict:
    """How many ideas each private brainstorm has, in all and per organisation type.

    Only numbers: the board and the presenter show them while the words stay private.
    Hidden ideas and ideas merged into another are not counted: the reveal would not show
    them.
    """
    brainstorms = list(session.scalars(select(Activity.id).where(
        Activity.workshop_id == workshop_id, Activity.private.is_(True))
        .order_by(Activity.position, Activity.id)))
    counted: dict[int, dict[str, int]] = {
        activity_id: dict.fromkeys(_ORGANISATION_TYPES, 0) for activity_id in brainstorms}
    if brainstorms:
        rows = session.execute(
            select(Idea.activity_id, Participant.organisation_type, func.count())
            .join(Participant, Participant.id == Idea.participant_id)
            .where(Idea.workshop_id == workshop_id, Idea.activity_id.in_(brainstorms),
                   Idea.hidden.is_(False), Idea.merge_id.is_(None))
            .group_by(Idea.activity_id, Participant.organisation_type))
        for activity_id, organisation_type, number in rows:
            counted[activity_id][organisation_type] = number
    return {"counts": [
        {"activity_id": activity_id, "total": sum(by_type.values()),
         "by_organisation_type": by_type}
        for activity_id, by_type in counted.items()]}


def routed_facts(session: Session, workshop_id: int, facts: list[Fact],
                 activity_of: Mapping[int, int | None] | None = None) -> list[Fact]:
    """The facts, each that tells of an idea of a held brainstorm for the facilitators only.

    `activity_of` names the brainstorm of each idea a fact names only by its id (one
    deleted meanwhile), read before it went.
    """
    return routed(facts, held_brainstorms(session, workshop_id), activity_of or {})
