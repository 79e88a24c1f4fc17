"""Creating workshops, moving them through phases, and what a (re)connecting screen gets."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain import (
    QUESTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Audience,
    DomainError,
    Fact,
    Phase,
    check_vote_settings,
    clean_text,
    new_join_code,
    normalise_join_code,
    tallies_visible,
)
from ..models import Facilitator, Idea, Participant, Workshop, utcnow
from .access import (
    Actor,
    current_sequence,
    facilitated_workshop,
    missed_facts,
    phase_of,
    stamp,
    workshop_of,
)
from .clusters import clusters_of
from .payloads import idea_payload, workshop_payload
from .presence import presence_payload
from .votes import my_votes_payload, progress, results

LANGUAGES = ("fi", "sv", "en")


def create_workshop(
    session: Session,
    facilitator: Facilitator,
    *,
    title: str,
    question: str,
    vote_budget: int,
    votes_per_idea: int | None,
    language: str,
) -> Workshop:
    """A new workshop, open for posting, with a fresh unguessable join code."""
    title = clean_text(title, max_length=TITLE_MAX_LENGTH, required=True, field_name="title")
    question = clean_text(question, max_length=QUESTION_MAX_LENGTH, required=True,
                          field_name="question")
    budget, cap = check_vote_settings(vote_budget, votes_per_idea)
    if language not in LANGUAGES:
        raise DomainError("invalid_payload", "unknown language", field="language")
    for _attempt in range(5):
        workshop = Workshop(
            facilitator_id=facilitator.id, title=title, question=question,
            join_code=new_join_code(), phase=Phase.POSTING.value, vote_budget=budget,
            votes_per_idea=cap, language=language, sequence=0, created_at=utcnow(),
        )
        try:
            with session.begin_nested():
                session.add(workshop)
            return workshop
        except IntegrityError:
            continue  # 40 bits rarely collide; when they do, draw again
    raise DomainError("join_code_exhausted", "could not draw a free join code")


def workshops_of(session: Session, facilitator: Facilitator) -> list[Workshop]:
    """A facilitator's workshops, newest first."""
    return list(session.execute(
        select(Workshop).where(Workshop.facilitator_id == facilitator.id)
        .order_by(Workshop.created_at.desc(), Workshop.id.desc())
    ).scalars())


def workshop_by_code(session: Session, typed_code: str) -> Workshop | None:
    """The workshop a typed join code opens, or None; the caller says only 'no such code'."""
    code = normalise_join_code(typed_code)
    if not code:
        return None
    return session.execute(select(Workshop).where(Workshop.join_code == code)).scalar_one_or_none()


def set_phase(session: Session, actor: Actor, phase: str) -> tuple[dict, list[Fact]]:
    """Move the workshop to a phase; entering results reveals the ranked votes to all."""
    workshop = facilitated_workshop(session, actor)
    try:
        new_phase = Phase(phase)
    except ValueError:
        raise DomainError("invalid_phase", "unknown phase", field="phase") from None
    if phase_of(workshop) is new_phase:
        return {"phase": new_phase.value}, []
    workshop.phase = new_phase.value
    session.flush()
    facts = [Fact("phase.changed", workshop.id, {"phase": new_phase.value})]
    if tallies_visible(new_phase):
        facts.append(Fact("results.revealed", workshop.id,
                          {"results": results(session, workshop.id)}))
    return {"phase": new_phase.value}, stamp(session, facts)


def lock_joins(session: Session, actor: Actor, locked: bool) -> tuple[dict, list[Fact]]:
    """Close the workshop to new participants, or open it again; those already in stay in."""
    workshop = facilitated_workshop(session, actor)
    if workshop.joins_locked == locked:
        return {"joins_locked": locked}, []
    workshop.joins_locked = locked
    session.flush()
    # Only facilitators' screens show the setting; participants' screens have nothing to redraw.
    fact = Fact("workshop.changed", workshop.id, {"workshop": workshop_payload(workshop)},
                Audience.FACILITATORS)
    return {"joins_locked": locked}, [fact]


def sync(session: Session, actor: Actor, since: int | None = None) -> tuple[dict, list[Fact]]:
    """What a (re)connecting screen needs: the facts it missed since `since`, else a snapshot.

    Facilitators always get the snapshot: it also carries presence, which is not logged.
    """
    if since is not None and not actor.is_facilitator:
        workshop_of(session, actor)
        missed = missed_facts(session, actor.workshop_id, since)
        if missed is not None:
            return {"seq": since + len(missed), "missed": missed}, []
    return snapshot(session, actor), []


def snapshot(session: Session, actor: Actor) -> dict:
    """Everything a screen needs to draw the workshop now, as this actor may see it."""
    workshop = workshop_of(session, actor)
    ideas = session.execute(
        select(Idea, Participant).join(Participant, Idea.participant_id == Participant.id)
        .where(Idea.workshop_id == workshop.id).order_by(Idea.id)
    ).all()
    snap = {
        "seq": current_sequence(session, workshop.id),
        "workshop": workshop_payload(workshop),
        "ideas": [
            idea_payload(idea, author) for idea, author in ideas
            if actor.is_facilitator or not idea.hidden
        ],
        "clusters": clusters_of(session, workshop.id),
        "results": results(session, workshop.id) if tallies_visible(phase_of(workshop)) else None,
    }
    if actor.is_facilitator:
        snap["me"] = {"role": "facilitator"}
        snap["presence"] = presence_payload(session, workshop.id)
        snap["votes_progress"] = progress(session, workshop.id)
    else:
        me = session.get(Participant, actor.participant_id)
        snap["me"] = {
            "role": "participant",
            "participant_id": me.id,
            "nickname": me.nickname,
            "organisation_type": me.organisation_type,
            "organisation_name": me.organisation_name,
            **my_votes_payload(session, me.id, workshop.vote_budget),
        }
    return snap
