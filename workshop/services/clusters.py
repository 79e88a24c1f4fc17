"""Clusters: the facilitator groups related ideas under a name; a table's host groups their
table's ideas, in groups that stay the table's own until the tables are merged."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.errors import DomainError
from ..domain.ideas import clean_cluster_name
from ..domain.private_brainstorm import AT_TABLES, kept_from
from ..domain.protocol import Audience, Fact
from ..models import Activity, Cluster, Idea, Workshop, utcnow
from . import audit
from .access import Actor, workshop_for_change, workshop_for_participant_change
from .ideas import idea_in_workshop, seat_of
from .merges import standing_payload
from .payloads import cluster_payload
from .private_brainstorm import held_brainstorms, holding_now, holds_back
from .sequence import stamp
from .tables import hosted_table


def create_cluster(session: Session, actor: Actor, key: str, name: str) -> tuple[dict, list[Fact]]:
    """Add a named, empty cluster, once per client key (a host's: a group of their table)."""
    workshop, table_id = _grouper(session, actor)
    name = clean_cluster_name(name)
    existing = _cluster_by_key(session, workshop.id, key)
    if existing is not None:
        return {"cluster": _one(session, existing)}, []
    last = session.execute(
        select(func.max(Cluster.position)).where(Cluster.workshop_id == workshop.id)
    ).scalar_one()
    cluster = Cluster(workshop_id=workshop.id, name=name, client_key=key,
                      activity_id=_question_in_focus(session, workshop), table_id=table_id,
                      position=(last or 0) + 1, created_at=utcnow())
    try:
        with session.begin_nested():
            session.add(cluster)
    except IntegrityError:
        # The same key raced in from another tab: answer with what that one stored.
        return {"cluster": _one(session, _cluster_by_key(session, workshop.id, key))}, []
    audit.record(session, actor, "cluster.create", {"cluster_id": cluster.id},
                 after={"name": name, **({"table_id": table_id} if table_id else {})})
    return {"cluster": _one(session, cluster)}, _changed(session, workshop.id, cluster.table_id,
                                                         cluster.activity_id)


def rename_cluster(
    session: Session, actor: Actor, cluster_id: int, name: str
) -> tuple[dict, list[Fact]]:
    """Give a cluster a new name."""
    workshop, table_id = _grouper(session, actor)
    cluster = _cluster_in_workshop(session, workshop.id, cluster_id, table_id)
    name = clean_cluster_name(name)
    if name == cluster.name:
        return {"cluster": _one(session, cluster)}, []
    audit.record(session, actor, "cluster.rename", {"cluster_id": cluster_id},
                 before={"name": cluster.name}, after={"name": name})
    cluster.name = name
    session.flush()
    return {"cluster": _one(session, cluster)}, _changed(session, workshop.id, cluster.table_id,
                                                         cluster.activity_id)


def delete_cluster(session: Session, actor: Actor, cluster_id: int) -> tuple[dict, list[Fact]]:
    """Remove a cluster; its ideas go back among the ungrouped ones, none is lost."""
    workshop, table_id = _grouper(session, actor)
    cluster = _cluster_in_workshop(session, workshop.id, cluster_id, table_id)
    members = _members(session, workshop.id, cluster.id)
    audit.record(session, actor, "cluster.delete", {"cluster_id": cluster_id},
                 before={"name": cluster.name, "idea_ids": [idea.id for idea in members]})
    for idea in members:
        idea.cluster_id = None
    table_id, activity_id = cluster.table_id, cluster.activity_id
    session.delete(cluster)
    session.flush()
    return {"cluster_id": cluster_id}, _changed(session, workshop.id, table_id, activity_id)


def move_idea(
    session: Session, actor: Actor, idea_id: int, cluster_id: int | None, position: int
) -> tuple[dict, list[Fact]]:
    """Put an idea into a cluster at a 0-based position, or back among the ungrouped ones.

    Ungrouped ideas are always shown in posting order, so a position there is ignored.
    """
    workshop, table_id = _grouper(session, actor)
    idea = idea_in_workshop(session, workshop.id, idea_id)
    if table_id is not None and idea.table_id != table_id:
        raise DomainError("forbidden", "a host groups their own table's ideas")
    if cluster_id is not None:
        _cluster_in_workshop(session, workshop.id, cluster_id, table_id)
    if position < 0:
        raise DomainError("invalid_payload", "position must not be negative", field="position")
    audit.record(session, actor, "cluster.move_idea", {"idea_id": idea_id},
                 before={"cluster_id": idea.cluster_id, "position": idea.position},
                 after={"cluster_id": cluster_id, "position": position})
    idea.cluster_id = cluster_id
    if cluster_id is not None:
        members = [i for i in _members(session, workshop.id, cluster_id) if i.id != idea.id]
        members.insert(min(position, len(members)), idea)
        for index, member in enumerate(members):
            member.position = index
    session.flush()
    # An idea held at its table moves among its table's groups: the table hears of it.
    facts = _changed(session, workshop.id, idea.table_id, idea.activity_id)
    if holds_back(session, idea.activity_id):
        # The clusters every phone hears leave it out: the other boards hear where it went.
        facts.append(Fact("idea.edited", workshop.id, {"idea": standing_payload(session, idea)},
                          Audience.FACILITATORS))
    return {"idea_id": idea_id, "cluster_id": cluster_id}, facts


def clusters_of(session: Session, workshop_id: int,
                seen_by: Actor | None = None) -> list[dict]:
    """Every cluster of a workshop in order, each with its ideas in order.

    Hidden ideas keep their place: the board shows them, and a participant's screen, which
    never received them, simply finds no idea under that id. Ideas of a private brainstorm
    not yet revealed are left out for whoever may not see them: `seen_by` a participant,
    others' ones; `seen_by` None (what every phone hears at once), all of them. Not even
    their ids may tell how many the others wrote.
    """
    clusters = session.execute(
        select(Cluster).where(Cluster.workshop_id == workshop_id)
        .order_by(Cluster.position, Cluster.id)
    ).scalars().all()
    # A merged idea keeps its cluster_id for an undo, but is in no cluster meanwhile.
    query = select(Idea.id, Idea.cluster_id, Idea.activity_id, Idea.participant_id,
                   Idea.table_id).where(
        Idea.workshop_id == workshop_id, Idea.cluster_id.is_not(None), Idea.merge_id.is_(None)
    )
    held = held_brainstorms(session, workshop_id)
    reader = seen_by.participant_id if seen_by is not None else None
    facilitator = seen_by is not None and seen_by.is_facilitator
    reader_table = seat_of(session, seen_by) if seen_by is not None else None
    # A table's own group, while its brainstorm is at tables, is its table's alone: name
    # and all (clusters_of_table tells it to that table).
    clusters = [c for c in clusters if c.table_id is None or not kept_from(
        c.activity_id, 0, held, reader=reader, facilitator=facilitator, table=c.table_id,
        reader_table=reader_table)]
    members: dict[int, list[int]] = {c.id: [] for c in clusters}
    for idea_id, cid, activity_id, author_id, table in session.execute(
            query.order_by(Idea.position, Idea.id)):
        if cid in members and not kept_from(activity_id, author_id, held, reader=reader,
                                            facilitator=facilitator, table=table,
                                            reader_table=reader_table):
            members[cid].append(idea_id)
    return [cluster_payload(c, members[c.id]) for c in clusters]


def clusters_of_table(session: Session, workshop_id: int, table_id: int) -> list[dict]:
    """One table's own groups, each with its ideas in order."""
    groups = session.execute(
        select(Cluster).where(Cluster.workshop_id == workshop_id, Cluster.table_id == table_id)
        .order_by(Cluster.position, Cluster.id)).scalars().all()
    return [cluster_payload(group, [i.id for i in _members(session, workshop_id, group.id)])
            for group in groups]


def _changed(session: Session, workshop_id: int, table_id: int | None = None,
             activity_id: int | None = None) -> list[Fact]:
    """Clusters reorder, so every change goes out whole: a change to a table's groups while
    its brainstorm (`activity_id`) is held at tables to that table and the facilitators,
    every other change to the workshop."""
    if table_id is not None and holding_now(session, activity_id) == AT_TABLES:
        payload = {"table_id": table_id,
                   "clusters": clusters_of_table(session, workshop_id, table_id)}
        return stamp(session, [
            Fact("clusters.changed", workshop_id, payload, Audience.TABLE, table_id=table_id),
            Fact("clusters.changed", workshop_id, payload, Audience.FACILITATORS)])
    payload = {"clusters": clusters_of(session, workshop_id)}
    return stamp(session, [Fact("clusters.changed", workshop_id, payload)])


def _grouper(session: Session, actor: Actor) -> tuple[Workshop, int | None]:
    """The workshop locked for a grouping change, and the table whose groups a host may
    change (None: a facilitator's, any cluster)."""
    if actor.is_facilitator:
        return workshop_for_change(session, actor), None
    workshop = workshop_for_participant_change(session, actor)
    return workshop, hosted_table(session, actor).id


def _one(session: Session, cluster: Cluster) -> dict:
    return cluster_payload(cluster, [i.id for i in _members(session, cluster.workshop_id,
                                                             cluster.id)])


def _members(session: Session, workshop_id: int, cluster_id: int | None) -> list[Idea]:
    cond = Idea.cluster_id.is_(None) if cluster_id is None else Idea.cluster_id == cluster_id
    return list(session.execute(
        select(Idea).where(Idea.workshop_id == workshop_id, cond, Idea.merge_id.is_(None))
        .order_by(Idea.position, Idea.id)
    ).scalars())


def _cluster_in_workshop(session: Session, workshop_id: int, cluster_id: int,
                         table_id: int | None = None) -> Cluster:
    cluster = session.get(Cluster, cluster_id)
    if cluster is None or cluster.workshop_id != workshop_id:
        raise DomainError("not_found", "no such cluster")
    if table_id is not None and cluster.table_id != table_id:
        raise DomainError("forbidden", "a host changes their own table's groups")
    return cluster


def _cluster_by_key(session: Session, workshop_id: int, key: str) -> Cluster | None:
    return session.execute(
        select(Cluster).where(Cluster.workshop_id == workshop_id, Cluster.client_key == key)
    ).scalar_one_or_none()



def snapshot_part(session: Session, actor: Actor, workshop: Workshop) -> dict:
    """Every cluster with the ideas this actor may see, in order."""
    return {"clusters": clusters_of(session, workshop.id, actor)}


def _question_in_focus(session: Session, workshop: Workshop) -> int | None:
    # A cluster groups the ideas of the question the room works on: the brainstorm it is
    # at, or the one the current grouping takes from (None: across questions).
    current = session.get(Activity, workshop.current_activity_id) \
        if workshop.current_activity_id is not None else None
    if current is None:
        return None
    return current.id if current.kind == "brainstorm" else current.source_activity_id
