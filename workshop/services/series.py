"""Series: one programme's workshops (the same theme in six cities), for its organiser.

A series belongs to the facilitator who made it; they (or an administrator) rename it, delete
it and put workshops into it. Putting a workshop into a series, or taking it out, changes the
workshop, so it needs the right to change that workshop too (its owner or a co-facilitator)
and is written to the workshop's audit log. It is filing, not running: an archived workshop
can be filed as well (domain/phases.py PAGE_CHANGES_OPEN_WHEN_ARCHIVED).
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..domain.errors import DomainError
from ..domain.protocol import Fact
from ..domain.series import SERIES_NAME_MAX_LENGTH
from ..domain.text import clean_text
from ..models import Facilitator, Series, Workshop, WorkshopFacilitator, utcnow
from . import audit
from .access import Actor, workshop_for_change


def create_series(session: Session, facilitator: Facilitator,
                  name: str) -> tuple[Series, list[Fact]]:
    """A new, empty series of the facilitator's."""
    series = Series(facilitator_id=facilitator.id, name=_name(name), created_at=utcnow())
    session.add(series)
    session.flush()
    return series, []


def rename_series(session: Session, facilitator: Facilitator, series_id: int,
                  name: str) -> tuple[Series, list[Fact]]:
    """Give one's series another name; its workshops stay in it."""
    series = series_for_change(session, facilitator, series_id)
    series.name = _name(name)
    session.flush()
    return series, []


def delete_series(session: Session, facilitator: Facilitator,
                  series_id: int) -> tuple[dict, list[Fact]]:
    """Delete one's series; its workshops stay, in no series (each one's log says so)."""
    series = series_for_change(session, facilitator, series_id)
    members = session.execute(select(Workshop).where(Workshop.series_id == series.id)
                              .order_by(Workshop.id).with_for_update(key_share=True)).scalars()
    for workshop in members:
        audit.record(session, Actor(workshop.id, facilitator_id=facilitator.id),
                     "workshop.series", {"workshop_id": workshop.id},
                     before={"series": series.name}, after={"series": None})
        workshop.series_id = None
    name = series.name
    session.delete(series)
    session.flush()
    return {"name": name}, []


def set_workshop_series(session: Session, actor: Actor, facilitator: Facilitator,
                        series_id: int | None) -> tuple[dict, list[Fact]]:
    """Put a workshop the actor runs into one of their series, or (None) take it out."""
    workshop = workshop_for_change(session, replace(actor, command="workshop.series"))
    series = series_for_change(session, facilitator, series_id) if series_id is not None \
        else None
    if workshop.series_id == series_id:
        return {"series_id": series_id}, []
    before = session.get(Series, workshop.series_id) if workshop.series_id else None
    audit.record(session, actor, "workshop.series", {"workshop_id": workshop.id},
                 before={"series": before.name if before else None},
                 after={"series": series.name if series else None})
    workshop.series_id = series_id
    session.flush()
    return {"series_id": series_id}, []


def series_of(session: Session, facilitator: Facilitator) -> list[Series]:
    """The facilitator's own series, by name."""
    return list(session.execute(
        select(Series).where(Series.facilitator_id == facilitator.id)
        .order_by(Series.name, Series.id)).scalars())


def series_for_change(session: Session, facilitator: Facilitator, series_id: int) -> Series:
    """A series its owner (or an administrator) may change; others find none."""
    series = session.get(Series, series_id)
    if series is None or not _may_manage(facilitator, series):
        raise DomainError("not_found", "no such series")
    return series


def readable_series(session: Session, facilitator: Facilitator, series_id: int) -> Series:
    """A series for its organiser's page: its owner's, or any for an administrator."""
    return series_for_change(session, facilitator, series_id)


def workshops_in(session: Session, facilitator: Facilitator,
                 series: Series) -> tuple[list[Workshop], int]:
    """The series' workshops the facilitator may read, oldest first, and how many others.

    An administrator reads them all; anyone else those they own or co-facilitate: a workshop
    put into the series by someone who ran it then is not theirs to read now.
    """
    query = select(Workshop).where(Workshop.series_id == series.id)
    everything = list(session.execute(
        query.order_by(Workshop.created_at, Workshop.id)).scalars())
    if facilitator.is_admin:
        return everything, 0
    invited = select(WorkshopFacilitator.workshop_id).where(
        WorkshopFacilitator.facilitator_id == facilitator.id)
    readable = set(session.execute(select(Workshop.id).where(
        Workshop.series_id == series.id,
        or_(Workshop.facilitator_id == facilitator.id, Workshop.id.in_(invited)))).scalars())
    shown = [w for w in everything if w.id in readable]
    return shown, len(everything) - len(shown)


def _may_manage(facilitator: Facilitator, series: Series) -> bool:
    return series.facilitator_id == facilitator.id or facilitator.is_admin


def _name(name: str) -> str:
    return clean_text(name, max_length=SERIES_NAME_MAX_LENGTH, required=True, field_name="name")
