"""Creating workshops, finding one by its code, closing joins."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from ..domain.codes import new_join_code, normalise_join_code
from ..domain.errors import DomainError
from ..domain.phases import Phase
from ..domain.protocol import Audience, Fact
from ..domain.text import clean_text
from ..domain.votes import DEFAULT_VOTE_BUDGET, check_vote_settings
from ..domain.workshops import (
    DEFAULT_TIME_ZONE,
    LANGUAGES,
    QUESTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    check_time_zone,
)
from ..models import Facilitator, Workshop, WorkshopFacilitator, utcnow
from . import audit
from .access import Actor, workshop_for_change
from .agenda import Planned, start_agenda
from .payloads import workshop_payload
from .sequence import current_sequence


def create_workshop(
    session: Session,
    facilitator: Facilitator,
    *,
    title: str,
    question: str = "",
    vote_budget: int = DEFAULT_VOTE_BUDGET,
    votes_per_idea: int | None = None,
    language: str,
    agenda: list[Planned] | None = None,
    anonymous: bool = False,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> tuple[Workshop, list[Fact]]:
    """A new workshop on its welcome screen, with a fresh unguessable join code.

    Its agenda is the one given (a method's), else welcome, brainstorm on the question,
    group, vote and results. Nobody is told: nobody is in it yet.
    """
    title = clean_text(title, max_length=TITLE_MAX_LENGTH, required=True, field_name="title")
    question = clean_text(question, max_length=QUESTION_MAX_LENGTH, required=agenda is None,
                          field_name="question")
    budget, cap = check_vote_settings(vote_budget, votes_per_idea)
    if language not in LANGUAGES:
        raise DomainError("invalid_payload", "unknown language", field="language")
    time_zone = check_time_zone(time_zone)
    for _attempt in range(5):
        workshop = Workshop(
            facilitator_id=facilitator.id, title=title, question=question,
            join_code=new_join_code(), phase=Phase.LOBBY.value, vote_budget=budget,
            votes_per_idea=cap, language=language, anonymous=bool(anonymous), sequence=0,
            time_zone=time_zone, created_at=utcnow(),
        )
        try:
            with session.begin_nested():
                session.add(workshop)
        except IntegrityError:
            continue  # 40 bits rarely collide; when they do, draw again
        activities = start_agenda(session, workshop, agenda, question=question,
                                  vote_budget=budget, votes_per_idea=cap, language=language)
        audit.record(session, Actor(workshop.id, facilitator_id=facilitator.id),
                     "workshop.create", {"workshop_id": workshop.id},
                     after={"title": title, "question": workshop.question,
                            "language": language, "anonymous": workshop.anonymous,
                            "time_zone": time_zone,
                            "agenda": [f"{a.kind}: {a.title}" for a in activities]})
        session.flush()
        return workshop, []
    raise DomainError("join_code_exhausted", "could not draw a free join code")


def workshops_of(session: Session, facilitator: Facilitator, *,
                 archived: bool | None = None) -> list[Workshop]:
    """The workshops a facilitator owns or was invited to run, newest first, with owners.

    `archived` True: only the archived ones; False: only the others; None: all.
    """
    invited = select(WorkshopFacilitator.workshop_id).where(
        WorkshopFacilitator.facilitator_id == facilitator.id)
    query = select(Workshop)
    if archived is not None:
        query = query.where(Workshop.archived_at.is_not(None) if archived
                            else Workshop.archived_at.is_(None))
    return list(session.execute(
        query.where(or_(Workshop.facilitator_id == facilitator.id,
                        Workshop.id.in_(invited)))
        .options(joinedload(Workshop.facilitator))
        .order_by(Workshop.created_at.desc(), Workshop.id.desc())
    ).scalars())


def workshop_by_code(session: Session, typed_code: str) -> Workshop | None:
    """The workshop a typed join code opens, or None; the caller says only 'no such code'."""
    code = normalise_join_code(typed_code)
    if not code:
        return None
    return session.execute(select(Workshop).where(Workshop.join_code == code)).scalar_one_or_none()


def lock_joins(session: Session, actor: Actor, locked: bool) -> tuple[dict, list[Fact]]:
    """Close the workshop to new participants, or open it again; those already in stay in."""
    workshop = workshop_for_change(session, actor)
    if workshop.joins_locked == locked:
        return {"joins_locked": locked}, []
    audit.record(session, actor, "workshop.lock_joins", {"workshop_id": workshop.id},
                 before={"joins_locked": workshop.joins_locked}, after={"joins_locked": locked})
    workshop.joins_locked = locked
    session.flush()
    # Only facilitators' screens show the setting; participants' screens have nothing to redraw.
    fact = Fact("workshop.changed", workshop.id, {"workshop": workshop_payload(workshop)},
                Audience.FACILITATORS)
    return {"joins_locked": locked}, [fact]



def snapshot_part(session: Session, actor: Actor, workshop: Workshop) -> dict:
    """The workshop's settings and phase, and the sequence number the snapshot stands at."""
    return {"seq": current_sequence(session, workshop.id), "workshop": workshop_payload(workshop)}
