"""The hybrid room: ideas typed in from paper notes, and hands counted in a vote.

Both are marked wherever they appear: an idea from paper has a stand-in author (one per
table and organisation type, `Participant.on_paper`) and remembers who typed it in; hands are
a tally of their own beside the phones' votes, never counted as them.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..domain.agenda import ActivityKind
from ..domain.errors import DomainError
from ..domain.ideas import clean_idea_text
from ..domain.people import OrganisationType
from ..domain.phases import Phase, tallies_visible
from ..domain.protocol import Audience, Fact, count_due
from ..domain.tables import check_hands
from ..domain.tokens import new_token, token_digest
from ..models import Activity, HandTally, Idea, Participant, Table, Workshop, utcnow
from . import audit
from .access import Actor, workshop_for_change, workshop_for_participant_change
from .ideas import idea_in_workshop
from .payloads import idea_payload
from .private_brainstorm import holds_back, routed_facts
from .sequence import stamp
from .tables import hosted_table
from .votes import results, vote_in_focus


def enter_idea(session: Session, actor: Actor, key: str, text: str,
               table_id: int | None = None, organisation_type: str | None = None,
               activity_id: int | None = None) -> tuple[dict, list[Fact]]:
    """An idea from a paper note, typed in by a facilitator or a table's host, once per key.

    It goes into the given brainstorm (else the current one), for a table (a host's: their
    own) and an organisation type if known, and is told as a post is: to its table only
    while its brainstorm is at tables.
    """
    if actor.is_facilitator:
        workshop = workshop_for_change(session, actor)
    else:
        workshop = workshop_for_participant_change(session, actor)
        hosted = hosted_table(session, actor)
        if table_id not in (None, hosted.id):
            raise DomainError("forbidden", "a host enters ideas for their own table")
        table_id, activity_id = hosted.id, None  # their table, in the brainstorm at hand
    stored = _stored(session, actor, workshop.id, key)
    if stored is not None:
        return {"idea": idea_payload(stored, stored.participant)}, []
    text = clean_idea_text(text)
    brainstorm = _brainstorm(session, workshop, activity_id)
    if table_id is not None:
        _table_of(session, workshop.id, table_id)
    kind = _organisation_type(organisation_type)
    author = _stand_in(session, workshop.id, table_id, kind)
    idea = Idea(workshop_id=workshop.id, participant_id=author.id, text=text,
                activity_id=brainstorm.id, table_id=table_id, client_key=key,
                created_at=utcnow(), entered_by_facilitator_id=actor.facilitator_id,
                entered_by_participant_id=actor.participant_id)
    session.add(idea)
    session.flush()
    audit.record(session, actor, "idea.enter", {"idea_id": idea.id},
                 after={"text": text, "table_id": table_id, "organisation_type": kind,
                        "activity_id": brainstorm.id})
    payload = idea_payload(idea, author)
    facts = routed_facts(session, workshop.id, [Fact("idea.posted", workshop.id,
                                                     {"idea": payload})])
    if holds_back(session, brainstorm.id):
        facts.append(count_due("ideas.counted", workshop.id))
    return {"idea": payload}, stamp(session, facts)


def set_hands(session: Session, actor: Actor, activity_id: int, idea_id: int,
              hands: int) -> tuple[dict, list[Fact]]:
    """Set how many hands went up for an idea in a vote; 0 takes the tally away."""
    workshop = workshop_for_change(session, actor)
    vote = session.get(Activity, activity_id)
    if vote is None or vote.workshop_id != workshop.id or vote.kind != ActivityKind.VOTE:
        raise DomainError("not_found", "no such vote")
    idea = idea_in_workshop(session, workshop.id, idea_id)
    if idea.hidden:
        raise DomainError("idea_hidden", "a hidden idea takes no votes")
    hands = check_hands(hands)
    tally = session.execute(select(HandTally).where(
        HandTally.activity_id == vote.id, HandTally.idea_id == idea.id)).scalar_one_or_none()
    before = tally.hands if tally is not None else 0
    answer = {"activity_id": vote.id, "idea_id": idea.id, "hands": hands}
    if before == hands:
        return answer, []
    audit.record(session, actor, "hands.set", {"activity_id": vote.id, "idea_id": idea.id},
                 before={"hands": before}, after={"hands": hands})
    if hands == 0:
        session.delete(tally)
    elif tally is None:
        session.add(HandTally(workshop_id=workshop.id, activity_id=vote.id, idea_id=idea.id,
                              hands=hands, entered_by=actor.facilitator_id,
                              updated_at=utcnow()))
    else:
        tally.hands, tally.entered_by, tally.updated_at = hands, actor.facilitator_id, utcnow()
    session.flush()
    facts = [Fact("hands.changed", workshop.id, answer, Audience.FACILITATORS)]
    if tallies_visible(Phase(workshop.phase)):
        # The room sees the results: they are told again, ranked with the hands.
        focus = vote_in_focus(session, workshop)
        facts.append(Fact("results.revealed", workshop.id, {
            "results": results(session, workshop.id, focus),
            "vote_activity_id": focus.id if focus is not None else None}))
    return answer, stamp(session, facts)


def hands_of(session: Session, workshop_id: int) -> list[dict]:
    """Every hand tally of the workshop."""
    return [{"activity_id": a, "idea_id": i, "hands": h} for a, i, h in session.execute(
        select(HandTally.activity_id, HandTally.idea_id, HandTally.hands)
        .where(HandTally.workshop_id == workshop_id)
        .order_by(HandTally.activity_id, HandTally.idea_id))]


def snapshot_part(session: Session, actor: Actor, workshop: Workshop) -> dict:
    """The hand tallies, for the facilitators' screens (phones see them in the results)."""
    return {"hands": hands_of(session, workshop.id)} if actor.is_facilitator else {}


def _stored(session: Session, actor: Actor, workshop_id: int, key: str) -> Idea | None:
    # Whoever typed it in owns the key: a re-sent note is found whatever it was entered as.
    typed_by = (Idea.entered_by_facilitator_id == actor.facilitator_id if actor.is_facilitator
                else Idea.entered_by_participant_id == actor.participant_id)
    return session.execute(select(Idea).where(
        Idea.workshop_id == workshop_id, Idea.client_key == key, typed_by,
        or_(Idea.entered_by_facilitator_id.is_not(None),
            Idea.entered_by_participant_id.is_not(None)))).scalar_one_or_none()


def _brainstorm(session: Session, workshop: Workshop, activity_id: int | None) -> Activity:
    chosen = activity_id if activity_id is not None else workshop.current_activity_id
    activity = session.get(Activity, chosen) if chosen is not None else None
    if activity is None or activity.workshop_id != workshop.id:
        if activity_id is not None:
            raise DomainError("not_found", "no such brainstorm")
        raise DomainError("not_brainstorm", "the room is not at a brainstorm")
    if activity.kind != ActivityKind.BRAINSTORM:
        raise DomainError("not_brainstorm", "ideas go into a brainstorm")
    return activity


def _table_of(session: Session, workshop_id: int, table_id: int) -> Table:
    table = session.get(Table, table_id)
    if table is None or table.workshop_id != workshop_id:
        raise DomainError("not_found", "no such table")
    return table


def _organisation_type(value: str | None) -> str:
    if value is None or value == "":
        return OrganisationType.OTHER.value  # not known: the paper did not say
    try:
        return OrganisationType(value).value
    except ValueError:
        raise DomainError("invalid_payload", "unknown organisation type",
                          field="organisation_type") from None


def _stand_in(session: Session, workshop_id: int, table_id: int | None,
              organisation_type: str) -> Participant:
    """The author of a table's (or no table's) paper notes of one organisation type."""
    found = session.execute(select(Participant).where(
        Participant.workshop_id == workshop_id, Participant.on_paper.is_(True),
        Participant.table_id.is_(None) if table_id is None else Participant.table_id == table_id,
        Participant.organisation_type == organisation_type)).scalars().first()
    if found is not None:
        return found
    # A token nobody holds: the row must have one, and no phone may ever open it.
    stand_in = Participant(workshop_id=workshop_id, token_hash=token_digest(new_token()),
                           organisation_type=organisation_type, table_id=table_id,
                           on_paper=True, joined_at=utcnow())
    session.add(stand_in)
    session.flush()
    return stand_in
