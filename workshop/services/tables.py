"""Tables: made and named by the facilitator, people seated at them (by choice, by a balanced
deal, or moved one by one), and a host named for each.

Who may see which idea while a brainstorm is at tables is the held-brainstorm rule
(domain/private_brainstorm.py); merging the tables into the plenary is reveal.py's.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.errors import DomainError
from ..domain.protocol import Audience, Fact
from ..domain.tables import MOST_TABLES, balanced_seating, clean_table_name, likely_duplicates
from ..models import Activity, Cluster, Idea, Participant, Table, Workshop, utcnow
from . import audit
from .access import (
    Actor,
    participant_of,
    workshop_for_change,
    workshop_for_participant_change,
)
from .payloads import table_payload
from .sequence import stamp


def create_table(session: Session, actor: Actor, key: str, name: str) -> tuple[dict, list[Fact]]:
    """Add a table, once per client key; names are unique in the workshop."""
    workshop = workshop_for_change(session, actor)
    name = clean_table_name(name)
    existing = _table_by_key(session, workshop.id, key)
    if existing is not None:
        return {"table": _one(session, existing)}, []
    count, last = session.execute(
        select(func.count(), func.max(Table.position)).where(Table.workshop_id == workshop.id)
    ).one()
    if count >= MOST_TABLES:
        raise DomainError("too_many_tables", "too many tables", most=MOST_TABLES)
    _name_free(session, workshop.id, name)
    table = Table(workshop_id=workshop.id, name=name, position=(last or 0) + 1,
                  client_key=key, created_at=utcnow())
    try:
        with session.begin_nested():
            session.add(table)
    except IntegrityError:
        # The same key raced in from another tab: answer with what that one stored.
        return {"table": _one(session, _table_by_key(session, workshop.id, key))}, []
    audit.record(session, actor, "table.create", {"table_id": table.id}, after={"name": name})
    return {"table": _one(session, table)}, _tables_changed(session, workshop)


def rename_table(session: Session, actor: Actor, table_id: int,
                 name: str) -> tuple[dict, list[Fact]]:
    """Give a table a new name."""
    workshop = workshop_for_change(session, actor)
    table = _table_in(session, workshop.id, table_id)
    name = clean_table_name(name)
    if name == table.name:
        return {"table": _one(session, table)}, []
    _name_free(session, workshop.id, name)
    audit.record(session, actor, "table.rename", {"table_id": table.id},
                 before={"name": table.name}, after={"name": name})
    table.name = name
    session.flush()
    return {"table": _one(session, table)}, _tables_changed(session, workshop)


def delete_table(session: Session, actor: Actor, table_id: int) -> tuple[dict, list[Fact]]:
    """Take a table away; those seated there are seated nowhere. One whose ideas carry it
    stays (`table_has_ideas`): the record keeps which table every idea came from."""
    workshop = workshop_for_change(session, actor)
    table = _table_in(session, workshop.id, table_id)
    if session.execute(select(func.count()).select_from(Idea)
                       .where(Idea.table_id == table.id)).scalar_one():
        raise DomainError("table_has_ideas", "ideas were posted at that table")
    seated = _seated_at(session, table.id)
    audit.record(session, actor, "table.delete", {"table_id": table.id},
                 before={"name": table.name, "participant_ids": seated})
    session.execute(
        Participant.__table__.update().where(Participant.table_id == table.id)
        .values(table_id=None))
    for group in session.scalars(select(Cluster).where(Cluster.table_id == table.id)):
        group.table_id = None
    session.delete(table)
    session.flush()
    facts = _tables_changed(session, workshop)
    if seated:
        facts += _seats_changed(session, workshop.id, dict.fromkeys(seated))
    return {"table_id": table_id}, facts


def set_choice(session: Session, actor: Actor, open: bool) -> tuple[dict, list[Fact]]:  # noqa: A002
    """Let participants choose their own table, or stop them (the facilitator seats them)."""
    workshop = workshop_for_change(session, actor)
    if workshop.tables_by_choice == open:
        return {"tables_by_choice": open}, []
    audit.record(session, actor, "tables.set_choice", {},
                 before={"tables_by_choice": not open}, after={"tables_by_choice": open})
    workshop.tables_by_choice = open
    session.flush()
    return {"tables_by_choice": open}, _tables_changed(session, workshop)


def assign(session: Session, actor: Actor, everyone: bool = False) -> tuple[dict, list[Fact]]:
    """Seat those not seated yet (or, with `everyone`, all again), balanced so that every
    table mixes organisation types (domain/tables.balanced_seating)."""
    workshop = workshop_for_change(session, actor)
    tables = list(session.scalars(select(Table.id).where(Table.workshop_id == workshop.id)
                                  .order_by(Table.position, Table.id)))
    if not tables:
        raise DomainError("not_found", "no tables to seat people at")
    people = session.execute(
        select(Participant.id, Participant.organisation_type, Participant.table_id)
        .where(*_people_of(workshop.id)).order_by(Participant.id)).all()
    kept = {} if everyone else {p.id: p.table_id for p in people if p.table_id is not None}
    seats = balanced_seating([(p.id, p.organisation_type) for p in people], tables, kept)
    before = {p.id: p.table_id for p in people}
    moved = {person: table for person, table in seats.items() if before[person] != table}
    if not moved:
        return {"seats": _all_seats(session, workshop.id)}, []
    audit.record(session, actor, "tables.assign", {"participant_ids": sorted(moved)},
                 before={"seats": {str(p): before[p] for p in sorted(moved)}},
                 after={"seats": {str(p): t for p, t in sorted(moved.items())}})
    _seat(session, moved)
    return {"seats": _all_seats(session, workshop.id)}, \
        _tables_changed(session, workshop) + _seats_changed(session, workshop.id, moved)


def seat(session: Session, actor: Actor, participant_id: int,
         table_id: int | None) -> tuple[dict, list[Fact]]:
    """Move one person to a table, or to none."""
    workshop = workshop_for_change(session, actor)
    person = session.get(Participant, participant_id)
    if person is None or person.workshop_id != workshop.id or person.on_paper \
            or person.removed_at is not None:
        raise DomainError("not_found", "no such participant")
    if table_id is not None:
        _table_in(session, workshop.id, table_id)
    if person.table_id == table_id:
        return {"participant_id": person.id, "table_id": table_id}, []
    audit.record(session, actor, "table.seat", {"participant_id": person.id},
                 before={"table_id": person.table_id}, after={"table_id": table_id})
    _seat(session, {person.id: table_id})
    return {"participant_id": person.id, "table_id": table_id}, \
        _tables_changed(session, workshop) + _seats_changed(session, workshop.id,
                                                             {person.id: table_id})


def choose(session: Session, actor: Actor, table_id: int) -> tuple[dict, list[Fact]]:
    """A participant sits at a table of their choice, while the facilitator lets them."""
    # Locked as a facilitator's change: seating and closing the choice never cross.
    workshop = workshop_for_participant_change(session, actor)
    me = participant_of(session, actor)
    if not workshop.tables_by_choice:
        raise DomainError("seating_closed", "the facilitator seats people")
    _table_in(session, workshop.id, table_id)
    if me.table_id == table_id:
        return {"table_id": table_id}, []
    audit.record(session, actor, "table.choose", {"participant_id": me.id},
                 before={"table_id": me.table_id}, after={"table_id": table_id})
    _seat(session, {me.id: table_id})
    return {"table_id": table_id}, \
        _tables_changed(session, workshop) + _seats_changed(session, workshop.id,
                                                             {me.id: table_id})


def set_host(session: Session, actor: Actor, table_id: int,
             participant_id: int | None) -> tuple[dict, list[Fact]]:
    """Name a table's host, who must sit there, or name none."""
    workshop = workshop_for_change(session, actor)
    table = _table_in(session, workshop.id, table_id)
    if participant_id is not None:
        person = session.get(Participant, participant_id)
        if person is None or person.workshop_id != workshop.id or person.on_paper \
                or person.removed_at is not None:
            raise DomainError("not_found", "no such participant")
        if person.table_id != table.id:
            raise DomainError("not_at_table", "the host must sit at the table")
    if table.host_id == participant_id:
        return {"table": _one(session, table)}, []
    audit.record(session, actor, "table.set_host", {"table_id": table.id},
                 before={"host_id": table.host_id}, after={"host_id": participant_id})
    hosts_changed = {p: table.id for p in (table.host_id, participant_id) if p is not None}
    table.host_id = participant_id
    session.flush()
    # The old and the new host's phones sync: their `me.host_of` changed.
    return {"table": _one(session, table)}, \
        _tables_changed(session, workshop) + _seats_changed(session, workshop.id,
                                                             hosts_changed)


def duplicates_of(session: Session, activity_id: int) -> list[dict]:
    """Likely duplicates across the tables of one brainstorm, most alike first."""
    rows = session.execute(
        select(Idea.id, Idea.text, Idea.table_id)
        .where(Idea.activity_id == activity_id, Idea.hidden.is_(False),
               Idea.merge_id.is_(None)).order_by(Idea.id)).all()
    return [{"idea_ids": list(pair.idea_ids), "score": pair.score}
            for pair in likely_duplicates(rows)]


def tables_of(session: Session, workshop_id: int) -> list[dict]:
    """The workshop's tables in order, each with how many sit at it."""
    return [table_payload(table, seated) for table, seated in _tables_and_seated(
        session, workshop_id)]


def _tables_and_seated(session: Session, workshop_id: int) -> list:
    # One statement: every phone's snapshot reads it, so a join storm pays it 300 times.
    return session.execute(
        select(Table, func.count(Participant.id))
        .outerjoin(Participant, (Participant.table_id == Table.id)
                   & Participant.on_paper.is_(False) & Participant.removed_at.is_(None))
        .where(Table.workshop_id == workshop_id)
        .group_by(Table.id).order_by(Table.position, Table.id)).all()


def snapshot_part(session: Session, actor: Actor, workshop: Workshop) -> dict:
    """The tables; a phone's own table, its number and whether it hosts; for the
    facilitators, who sits where and the likely duplicates of merged brainstorms."""
    tables = _tables_and_seated(session, workshop.id)
    part: dict = {"tables": [table_payload(table, seated) for table, seated in tables],
                  "tables_by_choice": workshop.tables_by_choice}
    if actor.is_facilitator:
        part["seats"] = {str(k): v for k, v in _all_seats(session, workshop.id).items()}
        # Whom the board can seat and name as hosts: people, in joining order.
        part["participants"] = [
            {"id": p.id, "nickname": p.nickname, "organisation_type": p.organisation_type}
            for p in session.scalars(select(Participant).where(*_people_of(workshop.id))
                                     .order_by(Participant.joined_at, Participant.id))]
        # As the merge found them: a pair merged or hidden since is left out by the board.
        found = session.scalars(select(Activity.duplicates).where(
            Activity.workshop_id == workshop.id, Activity.duplicates.is_not(None))
            .order_by(Activity.position, Activity.id))
        part["duplicates"] = [pair for pairs in found if pairs for pair in pairs]
        return part
    me = participant_of(session, actor)
    table = next((table for table, _ in tables if table.id == me.table_id), None)
    part["me"] = {"table_id": me.table_id,
                  "table_seq": table.sequence if table is not None else 0,
                  "host_of": table.id if table is not None and table.host_id == me.id
                  else None}
    return part


def table_seq_of(session: Session, participant: Participant) -> int:
    """The last number the participant's table gave its facts (0: no table, or none yet)."""
    if participant.table_id is None:
        return 0
    return session.execute(select(Table.sequence).where(
        Table.id == participant.table_id)).scalar_one_or_none() or 0


def hosted_table(session: Session, actor: Actor) -> Table:
    """The table the acting participant hosts; anyone else is refused."""
    me = participant_of(session, actor)
    table = session.get(Table, me.table_id) if me.table_id is not None else None
    if table is None or table.host_id != me.id:
        raise DomainError("forbidden", "only a table's host can do this")
    return table


def _people_of(workshop_id: int) -> tuple:
    # People, not paper: the stand-in authors of paper notes sit nowhere and count nowhere.
    return (Participant.workshop_id == workshop_id, Participant.on_paper.is_(False),
            Participant.removed_at.is_(None))


def _seat(session: Session, seats: dict[int, int | None]) -> None:
    for person, table in seats.items():
        participant = session.get(Participant, person)
        # A host who leaves their table hosts it no more.
        if participant.table_id is not None and participant.table_id != table:
            old = session.get(Table, participant.table_id)
            if old is not None and old.host_id == person:
                old.host_id = None
        participant.table_id = table
    session.flush()


def _all_seats(session: Session, workshop_id: int) -> dict[int, int]:
    return dict(session.execute(
        select(Participant.id, Participant.table_id)
        .where(*_people_of(workshop_id), Participant.table_id.is_not(None))).all())


def _seated_at(session: Session, table_id: int) -> list[int]:
    return list(session.scalars(select(Participant.id).where(Participant.table_id == table_id)
                                .order_by(Participant.id)))


def _tables_changed(session: Session, workshop: Workshop) -> list[Fact]:
    # Tables reorder and their counts move together: they go out whole.
    return stamp(session, [Fact("tables.changed", workshop.id, {
        "tables": tables_of(session, workshop.id),
        "tables_by_choice": workshop.tables_by_choice})])


def _seats_changed(session: Session, workshop_id: int,
                   seats: dict[int, int | None]) -> list[Fact]:
    # Phones hear only whose seat changed (they sync for their own); where others sit is
    # the facilitators' to know.
    ids = sorted(seats)
    return stamp(session, [
        Fact("seats.changed", workshop_id, {"participant_ids": ids}),
        Fact("seats.changed", workshop_id,
             {"participant_ids": ids, "seats": {str(p): seats[p] for p in ids}},
             Audience.FACILITATORS)])


def _one(session: Session, table: Table) -> dict:
    return table_payload(table, len(_seated_at(session, table.id)))


def _table_in(session: Session, workshop_id: int, table_id: int) -> Table:
    table = session.get(Table, table_id)
    if table is None or table.workshop_id != workshop_id:
        raise DomainError("not_found", "no such table")
    return table


def _table_by_key(session: Session, workshop_id: int, key: str) -> Table | None:
    return session.execute(select(Table).where(
        Table.workshop_id == workshop_id, Table.client_key == key)).scalar_one_or_none()


def _name_free(session: Session, workshop_id: int, name: str) -> None:
    if session.execute(select(Table.id).where(Table.workshop_id == workshop_id,
                                              Table.name == name)).first() is not None:
        raise DomainError("name_taken", "a table of that name exists", field="name")
