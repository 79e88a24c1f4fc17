"""Posting, editing, deleting and hiding ideas."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.errors import DomainError
from ..domain.ideas import clean_idea_text, visible_to
from ..domain.private_brainstorm import kept_from, routed
from ..domain.protocol import Audience, Fact, count_due
from ..models import Idea, Participant, Workshop, utcnow
from . import audit
from .access import Actor, hold_phase, participant_of, workshop_for_change
from .merges import delete_ideas, merged_into, standing_payload
from .payloads import idea_payload
from .private_brainstorm import (
    held_brainstorms,
    holding_now,
    idea_counts,
    in_brainstorm_at_tables,
    in_held_brainstorm,
    routed_facts,
)
from .sequence import Turn, give_back, stamp, take_turn


def post_idea(session: Session, actor: Actor, key: str, text: str) -> tuple[dict, list[Fact]]:
    """Store a participant's idea once per client key and tell the workshop (while a
    brainstorm is at tables, the author's table)."""
    participant, stored, seen = _author_and_stored(session, actor, key)
    if stored is not None:
        return {"idea": idea_payload(stored, participant)}, []
    text = clean_idea_text(text)
    if seen.at_tables and participant.table_id is None:
        raise DomainError("no_table", "this brainstorm is at tables: sit at one first")
    turn = take_turn(session, actor)
    hold_phase(actor, turn.room)
    try:
        idea = session.scalars(
            _insert(session, Idea).values(
                workshop_id=participant.workshop_id, participant_id=participant.id, text=text,
                activity_id=turn.activity_id, table_id=participant.table_id, client_key=key,
                created_at=utcnow(),
            ).on_conflict_do_nothing(index_elements=["participant_id", "client_key"])
            .returning(Idea)
        ).one_or_none()
    except IntegrityError:
        # The author was erased while this waited for its turn (the refusal rolls back): its
        # token is gone, as access.participant_of says of an erased participant.
        raise DomainError("not_authenticated", "no longer a participant of this workshop") \
            from None
    if idea is None:
        # The same key raced in from another connection: answer with what that one stored.
        give_back(session, turn)
        return {"idea": idea_payload(_idea_by_key(session, participant.id, key),
                                     participant)}, []
    payload = idea_payload(idea, participant)
    posted = Fact("idea.posted", idea.workshop_id, {"idea": payload})
    held = _held_at_turn(session, turn, seen)
    if held is not None:
        # Until the reveal or the merge only those who may see it hear of it: its author
        # (the answer) and the facilitators, or its table. The number the turn set aside
        # would leave every phone waiting for a fact it never gets.
        give_back(session, turn)
        return {"idea": payload}, stamp(session, [
            *routed([posted], {idea.activity_id: held}, {}),
            count_due("ideas.counted", idea.workshop_id)])
    return {"idea": payload}, stamp(session, [posted], turn)


def edit_idea(session: Session, actor: Actor, idea_id: int, text: str) -> tuple[dict, list[Fact]]:
    """Change the text of one's own idea while posting is open; a facilitator, any idea."""
    if actor.is_facilitator:
        return _edit_as_facilitator(session, actor, idea_id, text)
    participant = participant_of(session, actor)
    text = clean_idea_text(text)
    turn = take_turn(session, actor)
    # Read only now: a facilitator who hid or deleted it before this turn has committed.
    idea = _own_idea(session, participant, idea_id)
    hold_phase(actor, turn.room)
    if text == idea.text:
        give_back(session, turn)
        return {"idea": standing_payload(session, idea)}, []
    idea.text = text
    idea.edited_at = utcnow()
    idea.edited_by_facilitator = False  # the words are the author's own again
    session.flush()
    payload = standing_payload(session, idea)
    facts = routed_facts(session, idea.workshop_id,
                         [Fact("idea.edited", idea.workshop_id, {"idea": payload})])
    return {"idea": payload}, _stamp_or_give_back(session, facts, turn)


def _edit_as_facilitator(session: Session, actor: Actor, idea_id: int,
                         text: str) -> tuple[dict, list[Fact]]:
    # In any phase, any idea; every screen marks it "edited by the facilitator".
    workshop = workshop_for_change(session, actor)
    idea = idea_in_workshop(session, workshop.id, idea_id)
    text = clean_idea_text(text)
    if text == idea.text:
        return {"idea": standing_payload(session, idea)}, []
    audit.record(session, actor, "idea.edit", {"idea_id": idea_id},
                 before={"text": idea.text}, after={"text": text},
                 subject_participant_id=idea.participant_id)
    idea.text = text
    idea.edited_at = utcnow()
    idea.edited_by_facilitator = True
    session.flush()
    payload = standing_payload(session, idea)
    edited = Fact("idea.edited", workshop.id, {"idea": payload})
    # A hidden idea's new words are for the facilitators' screens only; those of an idea of
    # a held brainstorm for whoever may see it.
    if idea.hidden:
        return {"idea": payload}, stamp(session, [replace(edited,
                                                          audience=Audience.FACILITATORS)])
    return {"idea": payload}, stamp(session, routed_facts(session, workshop.id, [edited]))


def delete_idea(session: Session, actor: Actor, idea_id: int) -> tuple[dict, list[Fact]]:
    """Delete an idea: a participant their own while posting is open, a facilitator any.

    Ideas merged into it stand again: they were other people's (merges.delete_ideas).
    """
    if actor.is_facilitator:
        workshop = workshop_for_change(session, actor)
        idea = idea_in_workshop(session, workshop.id, idea_id)
        audit.record(session, actor, "idea.delete", {"idea_id": idea_id},
                     before={"text": idea.text, "cluster_id": idea.cluster_id},
                     subject_participant_id=idea.participant_id)
        return {"idea_id": idea_id}, stamp(session, _deleted(session, idea))
    participant = participant_of(session, actor)
    turn = take_turn(session, actor)
    idea = _own_idea(session, participant, idea_id)
    hold_phase(actor, turn.room)
    return {"idea_id": idea_id}, _stamp_or_give_back(session, _deleted(session, idea), turn)


def _deleted(session: Session, idea: Idea) -> list[Fact]:
    # Read before it goes: afterwards nothing says which brainstorm it was in.
    held = held_brainstorms(session, idea.workshop_id)
    facts = routed(delete_ideas(session, idea.workshop_id, [idea.id]), held,
                   {idea.id: idea.activity_id}, {idea.id: idea.table_id})
    if idea.activity_id in held:
        facts.append(count_due("ideas.counted", idea.workshop_id))
    return facts


def _stamp_or_give_back(session: Session, facts: list[Fact], turn: Turn) -> list[Fact]:
    """Stamp the facts with the turn's number, or give it back if none goes to the workshop."""
    if not any(fact.audience is Audience.WORKSHOP for fact in facts):
        give_back(session, turn)
        return stamp(session, facts)
    return stamp(session, facts, turn)


def set_idea_hidden(
    session: Session, actor: Actor, idea_id: int, hidden: bool
) -> tuple[dict, list[Fact]]:
    """Hide an idea from participants' screens, or show it again (facilitator only)."""
    workshop = workshop_for_change(session, actor)
    idea = idea_in_workshop(session, workshop.id, idea_id)
    if idea.hidden == hidden:
        return {"idea_id": idea_id, "hidden": hidden}, []
    idea.hidden = hidden
    audit.record(session, actor, "idea.hide" if hidden else "idea.show", {"idea_id": idea_id},
                 before={"hidden": not hidden}, after={"hidden": hidden})
    session.flush()
    if hidden:
        fact = Fact("idea.hidden", workshop.id, {"idea_id": idea_id})
    else:
        fact = Fact("idea.shown", workshop.id, {"idea": standing_payload(session, idea)})
    held = held_brainstorms(session, workshop.id)
    facts = routed([fact], held, {idea_id: idea.activity_id}, {idea_id: idea.table_id})
    if idea.activity_id in held:
        facts.append(count_due("ideas.counted", workshop.id))
    return {"idea_id": idea_id, "hidden": hidden}, stamp(session, facts)


def idea_in_workshop(
    session: Session, workshop_id: int, idea_id: int, *, fresh: bool = False
) -> Idea:
    """An idea of this workshop; one from another workshop is as unknown as a missing one,
    and so is one merged into another (it is off every screen until the merge is undone).

    fresh=True reads it from the database even if the session already holds it.
    """
    idea = session.get(Idea, idea_id, populate_existing=fresh)
    if idea is None or idea.workshop_id != workshop_id or idea.merge_id is not None:
        raise DomainError("not_found", "no such idea")
    return idea


@dataclass(frozen=True)
class _Seen:
    """The activity the room was at when a post first looked, and how it held ideas back."""

    activity_id: int | None
    held: bool
    at_tables: bool


def _author_and_stored(
    session: Session, actor: Actor, key: str
) -> tuple[Participant, Idea | None, _Seen]:
    # One round trip, no lock: the participant, the idea they may already have stored under
    # this key (a phone re-sends when an answer was lost), and the activity the room is at
    # with whether it holds its ideas back, and whether at tables.
    row = session.execute(
        select(Participant, Idea, Workshop.current_activity_id,
               in_held_brainstorm(Workshop.current_activity_id),
               in_brainstorm_at_tables(Workshop.current_activity_id))
        .join(Workshop, Workshop.id == Participant.workshop_id)
        .outerjoin(Idea, (Idea.participant_id == Participant.id) & (Idea.client_key == key))
        .where(Participant.id == actor.participant_id,
               Participant.workshop_id == actor.workshop_id,
               Participant.removed_at.is_(None))
    ).one_or_none()
    if row is None:
        participant_of(session, actor)  # says why: a facilitator, or not in this workshop
        raise DomainError("not_found", "no such workshop")
    participant, stored, activity_id, held, at_tables = row
    return participant, stored, _Seen(activity_id, bool(held), bool(at_tables))


def _held_at_turn(session: Session, turn: Turn, seen: _Seen) -> str | None:
    """How the brainstorm the idea went into holds its ideas back, as the turn holds it
    (PRIVATE, AT_TABLES, or None).

    Read again under the turn's lock only when the first look said so (a reveal may have
    come in between) or the room has moved since: a post to an open brainstorm, the most
    of them, holds the workshop's row no longer for this.
    """
    if seen.held or turn.activity_id != seen.activity_id:
        return holding_now(session, turn.activity_id)
    # A brainstorm made private in that moment: the idea went in while it was open to all.
    return None


def _insert(session: Session, model: type) -> Insert:
    # INSERT ... ON CONFLICT DO NOTHING is spelled the same on both, but each dialect has
    # its own construct for it. It spares a savepoint around every post.
    dialect = session.get_bind().dialect.name
    return postgresql.insert(model) if dialect == "postgresql" else sqlite.insert(model)


def _own_idea(session: Session, participant: Participant, idea_id: int) -> Idea:
    idea = idea_in_workshop(session, participant.workshop_id, idea_id, fresh=True)
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


def snapshot_part(session: Session, actor: Actor, workshop: Workshop) -> dict:
    """Every idea this actor may see, in posting order; for facilitators, also how many
    ideas each held brainstorm has."""
    rows = session.execute(
        select(Idea, Participant).join(Participant, Idea.participant_id == Participant.id)
        .where(Idea.workshop_id == workshop.id, Idea.merge_id.is_(None)).order_by(Idea.id)
    ).all()
    merged = merged_into(session, workshop.id)
    held = held_brainstorms(session, workshop.id)
    reader_table = seat_of(session, actor)
    part: dict = {"ideas": [
        idea_payload(idea, author, merged.get(idea.id, ())) for idea, author in rows
        if visible_to(idea.hidden, facilitator=actor.is_facilitator)
        and not kept_from(idea.activity_id, idea.participant_id, held,
                          reader=actor.participant_id, facilitator=actor.is_facilitator,
                          table=idea.table_id, reader_table=reader_table)]}
    if actor.is_facilitator:
        part["idea_counts"] = idea_counts(session, workshop.id)["counts"]
    return part


def seat_of(session: Session, actor: Actor) -> int | None:
    """The table a participant sits at (None for a facilitator, or nobody's table)."""
    if actor.participant_id is None:
        return None
    return session.execute(select(Participant.table_id).where(
        Participant.id == actor.participant_id)).scalar_one_or_none()


def told_as_they_stand(session: Session, workshop_id: int, facts: list[dict]) -> bool:
    """Whether every idea these facts carry still stands as told: there, shown, same text.

    A text told before an edit counts as no longer standing, as a hidden, deleted or merged
    one does.
    """
    told = [(idea["id"], idea["text"]) for fact in facts
            for idea in [fact["payload"].get("idea"), *fact["payload"].get("ideas", ())]
            if idea is not None]
    if not told:
        return True
    standing = dict(session.execute(
        select(Idea.id, Idea.text).where(Idea.workshop_id == workshop_id,
                                         Idea.id.in_({idea_id for idea_id, _ in told}),
                                         Idea.hidden.is_(False), Idea.merge_id.is_(None))
    ).all())
    return all(standing.get(idea_id) == text for idea_id, text in told)
