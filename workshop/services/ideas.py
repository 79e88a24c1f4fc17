"""Posting, editing, deleting and hiding ideas."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain import DomainError, Fact, check_can_post, clean_idea_text
from ..models import Idea, Participant, utcnow
from .access import Actor, facilitated_workshop, participant_of, phase_of, stamp, workshop_of
from .payloads import idea_payload


def post_idea(session: Session, actor: Actor, key: str, text: str) -> tuple[dict, list[Fact]]:
    """Store a participant's idea once per client key and tell the workshop."""
    participant = participant_of(session, actor)
    workshop = workshop_of(session, actor, lock=True)
    existing = _idea_by_key(session, participant.id, key)
    if existing is not None:
        return {"idea": idea_payload(existing, participant)}, []
    check_can_post(phase_of(workshop))
    text = clean_idea_text(text)
    idea = Idea(
        workshop_id=workshop.id,
        participant_id=participant.id,
        text=text,
        client_key=key,
        created_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(idea)
    except IntegrityError:
        # The same key raced in from another connection: answer with what that one stored.
        existing = _idea_by_key(session, participant.id, key)
        if existing is None:
            raise
        return {"idea": idea_payload(existing, participant)}, []
    payload = idea_payload(idea, participant)
    return {"idea": payload}, stamp(session, [Fact("idea.posted", workshop.id, {"idea": payload})])


def edit_idea(session: Session, actor: Actor, idea_id: int, text: str) -> tuple[dict, list[Fact]]:
    """Change the text of one's own idea while posting is open."""
    participant = participant_of(session, actor)
    workshop = workshop_of(session, actor, lock=True)
    idea = _own_idea(session, participant, idea_id)
    check_can_post(phase_of(workshop))
    text = clean_idea_text(text)
    if text == idea.text:
        return {"idea": idea_payload(idea, participant)}, []
    idea.text = text
    idea.edited_at = utcnow()
    session.flush()
    payload = idea_payload(idea, participant)
    return {"idea": payload}, stamp(session, [Fact("idea.edited", workshop.id, {"idea": payload})])


def delete_idea(session: Session, actor: Actor, idea_id: int) -> tuple[dict, list[Fact]]:
    """Delete an idea: a participant their own while posting is open, a facilitator any."""
    workshop = workshop_of(session, actor, lock=True)
    if actor.is_facilitator:
        idea = idea_in_workshop(session, workshop.id, idea_id)
    else:
        idea = _own_idea(session, participant_of(session, actor), idea_id)
        check_can_post(phase_of(workshop))
    session.delete(idea)
    session.flush()
    fact = Fact("idea.deleted", workshop.id, {"idea_id": idea_id})
    return {"idea_id": idea_id}, stamp(session, [fact])


def set_idea_hidden(
    session: Session, actor: Actor, idea_id: int, hidden: bool
) -> tuple[dict, list[Fact]]:
    """Hide an idea from participants' screens, or show it again (facilitator only)."""
    workshop = facilitated_workshop(session, actor)
    idea = idea_in_workshop(session, workshop.id, idea_id)
    if idea.hidden == hidden:
        return {"idea_id": idea_id, "hidden": hidden}, []
    idea.hidden = hidden
    session.flush()
    if hidden:
        fact = Fact("idea.hidden", workshop.id, {"idea_id": idea_id})
    else:
        fact = Fact("idea.shown", workshop.id, {"idea": idea_payload(idea, idea.participant)})
    return {"idea_id": idea_id, "hidden": hidden}, stamp(session, [fact])


def idea_in_workshop(session: Session, workshop_id: int, idea_id: int) -> Idea:
    """An idea of this workshop; one from another workshop is as unknown as a missing one."""
    idea = session.get(Idea, idea_id)
    if idea is None or idea.workshop_id != workshop_id:
        raise DomainError("not_found", "no such idea")
    return idea


def _own_idea(session: Session, participant: Participant, idea_id: int) -> Idea:
    idea = idea_in_workshop(session, participant.workshop_id, idea_id)
    if idea.hidden:
        # Hidden ideas are off every participant's screen, their author's too.
        raise DomainError("not_found", "no such idea")
    if idea.participant_id != participant.id:
        raise DomainError("forbidden", "not your idea")
    return idea


def _idea_by_key(session: Session, participant_id: int, key: str) -> Idea | None:
    return session.execute(
        select(Idea).where(Idea.participant_id == participant_id, Idea.client_key == key)
    ).scalar_one_or_none()
