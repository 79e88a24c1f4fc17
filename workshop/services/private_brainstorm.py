"""Held brainstorms (private ones, and ones at tables): which ideas are held back from whom,
and the facilitators' counts meanwhile. Revealing is reveal.py, merging tables tables.py.

The rule itself is domain/private_brainstorm.py; here are the reads it needs. Other
features ask this module which brainstorms are held (snapshots, clusters, votes), so it
imports none of them.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from ..domain.people import OrganisationType
from ..domain.private_brainstorm import AT_TABLES, PRIVATE, routed
from ..domain.protocol import Fact
from ..models import Activity, Idea, Participant

_ORGANISATION_TYPES = [kind.value for kind in OrganisationType]

# SQL: an activity that holds its ideas back now (a private one not revealed, or one at
# tables not merged).
_PRIVATE_HELD = and_(Activity.private.is_(True), Activity.revealed_at.is_(None))
_TABLES_HELD = and_(Activity.at_tables.is_(True), Activity.merged_at.is_(None))
_HOLDS = or_(_PRIVATE_HELD, _TABLES_HELD)


def held_brainstorms(session: Session, workshop_id: int) -> dict[int, str]:
    """The workshop's brainstorms that hold their ideas back, each as PRIVATE or AT_TABLES."""
    return {activity_id: AT_TABLES if at_tables else PRIVATE
            for activity_id, at_tables in session.execute(
                select(Activity.id, Activity.at_tables)
                .where(Activity.workshop_id == workshop_id, _HOLDS))}


def holds_back(session: Session, activity_id: int | None) -> bool:
    """Whether this activity holds its ideas back, as committed now.

    Read with a statement of its own, never from the session's copy: a reveal committed a
    moment ago must count.
    """
    return holding_now(session, activity_id) is not None


def holding_now(session: Session, activity_id: int | None) -> str | None:
    """How this activity holds its ideas back as committed now: PRIVATE, AT_TABLES or None."""
    if activity_id is None:
        return None
    at_tables = session.execute(select(Activity.at_tables).where(
        Activity.id == activity_id, _HOLDS)).scalar_one_or_none()
    if at_tables is None:
        return None
    return AT_TABLES if at_tables else PRIVATE


def in_held_brainstorm(activity_id: ColumnElement) -> ColumnElement[bool]:
    """SQL: the idea with this activity_id was posted in a brainstorm still held back.

    NOT EXISTS rather than NOT IN: an idea of no brainstorm (activity_id NULL) is nobody's
    secret, and NULL NOT IN (...) would leave it out.
    """
    return exists().where(Activity.id == activity_id, _HOLDS)


def in_brainstorm_at_tables(activity_id: ColumnElement) -> ColumnElement[bool]:
    """SQL: this activity is a brainstorm at tables not merged yet."""
    return exists().where(Activity.id == activity_id, _TABLES_HELD)


def idea_counts(session: Session, workshop_id: int) -> dict:
    """How many ideas each private brainstorm and each brainstorm at tables has, in all, per
    organisation type, and for one at tables per table.

    Only numbers: the board and the presenter show them while the words stay private.
    Hidden ideas and ideas merged into another are not counted: the reveal would not show
    them.
    """
    brainstorms = dict(session.execute(select(Activity.id, Activity.at_tables).where(
        Activity.workshop_id == workshop_id,
        or_(Activity.private.is_(True), Activity.at_tables.is_(True)))
        .order_by(Activity.position, Activity.id)).all())
    counted: dict[int, dict[str, int]] = {
        activity_id: dict.fromkeys(_ORGANISATION_TYPES, 0) for activity_id in brainstorms}
    by_table: dict[int, dict[str, int]] = {
        activity_id: {} for activity_id, at_tables in brainstorms.items() if at_tables}
    if brainstorms:
        rows = session.execute(
            select(Idea.activity_id, Idea.table_id, Participant.organisation_type,
                   func.count())
            .join(Participant, Participant.id == Idea.participant_id)
            .where(Idea.workshop_id == workshop_id, Idea.activity_id.in_(brainstorms),
                   Idea.hidden.is_(False), Idea.merge_id.is_(None))
            .group_by(Idea.activity_id, Idea.table_id, Participant.organisation_type))
        for activity_id, table_id, organisation_type, number in rows:
            counted[activity_id][organisation_type] += number
            if activity_id in by_table and table_id is not None:
                tables = by_table[activity_id]
                # JSON keys are text: the phones' and boards' look-ups read them so.
                tables[str(table_id)] = tables.get(str(table_id), 0) + number
    return {"counts": [
        {"activity_id": activity_id, "total": sum(by_type.values()),
         "by_organisation_type": by_type,
         **({"by_table": by_table[activity_id]} if activity_id in by_table else {})}
        for activity_id, by_type in counted.items()]}


def routed_facts(session: Session, workshop_id: int, facts: list[Fact],
                 activity_of: Mapping[int, int | None] | None = None,
                 table_of: Mapping[int, int | None] | None = None) -> list[Fact]:
    """The facts, each that tells of an idea of a held brainstorm for those who may see it.

    `activity_of` and `table_of` name the brainstorm and table of each idea a fact names
    only by its id (one deleted meanwhile), read before it went.
    """
    return routed(facts, held_brainstorms(session, workshop_id), activity_of or {},
                  table_of or {})
