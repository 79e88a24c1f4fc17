"""Moderation: merging ideas that say the same (and undoing it), pausing the room's input,
removing a participant.

A merge keeps every row it touches: the ideas merged away keep theirs (merge_id set: off
every screen), and each moved vote remembers the idea it was cast on, so an undo puts
things back as they were. Two rules keep undoing simple and exact: an idea that holds
merged ideas is not merged away itself (merge the others into it instead), and merges into
one idea are undone last first (each remembers the text the one before it left).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..domain.errors import DomainError
from ..domain.ideas import check_merge, clean_idea_text, votes_over_cap
from ..domain.phases import Phase, tallies_visible
from ..domain.private_brainstorm import AT_TABLES
from ..domain.protocol import Audience, Fact, count_due
from ..models import Activity, Idea, IdeaMerge, Participant, Table, Vote, Workshop, utcnow
from . import audit, presence
from .access import Actor, workshop_for_change
from .clusters import clusters_of
from .merges import delete_ideas, standing_payload, undo
from .private_brainstorm import holding_now, holds_back, routed_facts
from .sequence import stamp
from .votes import results, vote_in_focus


def merge_ideas(session: Session, actor: Actor, key: str, idea_ids: list, into_idea_id: int,
                text: str | None = None) -> tuple[dict, list[Fact]]:
    """Merge ideas into the one that stays, once per client key; their votes follow it.

    `text` None keeps the text of the idea that stays, else it becomes the facilitator's
    combined text. Per participant and vote activity, votes on the merged idea never exceed
    that activity's per-idea cap: the excess is given back to be spent again.
    """
    workshop = workshop_for_change(session, actor)
    stored = _merge_by_key(session, workshop.id, key)
    if stored is not None:
        return _merge_answer(session, stored), []
    away_ids = check_merge(idea_ids, into_idea_id)
    if text is not None:
        text = clean_idea_text(text)
    ideas = {idea.id: idea for idea in session.scalars(select(Idea).where(Idea.id.in_(idea_ids)))}
    for idea_id in idea_ids:
        idea = ideas.get(idea_id)
        # A merged idea is off every screen: a merge naming it comes from a stale one.
        if idea is None or idea.workshop_id != workshop.id or idea.merge_id is not None:
            raise DomainError("not_found", "no such idea", idea_id=idea_id)
        if idea.hidden:
            raise DomainError("idea_hidden", "a hidden idea is not merged", idea_id=idea_id)
    questions = {ideas[i].activity_id for i in idea_ids}
    if len(questions) > 1 and any(holds_back(session, q) for q in questions):
        # The idea that stays would carry a private idea's author and id onto every phone.
        raise DomainError("idea_private", "an unrevealed private idea merges only with its own "
                          "brainstorm's ideas")
    tables = {ideas[i].table_id for i in idea_ids}
    if len(tables) > 1 and any(holding_now(session, q) == AT_TABLES for q in questions):
        # The idea that stays would carry another table's words and author to its table.
        raise DomainError("tables_not_merged", "ideas of different tables are merged after "
                          "the tables are merged into the plenary")
    holding = session.scalars(select(IdeaMerge.into_idea_id).where(
        IdeaMerge.into_idea_id.in_(away_ids), IdeaMerge.undone_at.is_(None))).first()
    if holding is not None:
        raise DomainError("idea_holds_merges", "merge the others into the idea that holds merges",
                          idea_id=holding)
    into = ideas[into_idea_id]
    before = {"ideas": [{"id": i, "text": ideas[i].text} for i in idea_ids],
              "votes": _votes_per_idea(session, idea_ids)}
    merge = IdeaMerge(workshop_id=workshop.id, into_idea_id=into.id, text_before=into.text,
                      client_key=key, created_at=utcnow())
    session.add(merge)
    session.flush()
    for idea_id in away_ids:
        ideas[idea_id].merge_id = merge.id
    if text is not None:
        into.text = text
    # SET reads the row as it was: cast_on_idea_id takes the idea the vote was cast on.
    session.execute(update(Vote).where(Vote.idea_id.in_(away_ids))
                    .values(merge_id=merge.id, cast_on_idea_id=Vote.idea_id, idea_id=into.id))
    given_back = _keep_within_cap(session, workshop, into.id, merge.id)
    session.flush()
    audit.record(session, actor, "idea.merge", {"merge_id": merge.id, "idea_ids": idea_ids},
                 before=before,
                 after={"idea_id": into.id, "text": into.text, "votes_given_back": given_back,
                        "votes": _votes_per_idea(session, [into.id])})
    answer = _merge_answer(session, merge)
    facts = [Fact("idea.merged", workshop.id, answer)]
    if any(ideas[i].cluster_id is not None for i in away_ids):
        facts.append(_clusters_changed(session, workshop.id))
    facts += _counts_changed(session, workshop)
    return answer, stamp(session, routed_facts(session, workshop.id, facts))


def unmerge_ideas(session: Session, actor: Actor, merge_id: int) -> tuple[dict, list[Fact]]:
    """Undo a merge: its ideas stand again with their votes and clusters, the text as before.

    Votes the merge gave back stay given back: the participant may have spent them since,
    and restoring them could then break their budget.
    """
    workshop = workshop_for_change(session, actor)
    merge = session.get(IdeaMerge, merge_id)
    if merge is None or merge.workshop_id != workshop.id:
        raise DomainError("not_found", "no such merge")
    answer = {"merge_id": merge.id, "undone": True}
    if merge.undone_at is not None:
        return answer, []
    later = session.scalars(select(IdeaMerge.id).where(
        IdeaMerge.into_idea_id == merge.into_idea_id, IdeaMerge.undone_at.is_(None),
        IdeaMerge.id > merge.id)).first()
    if later is not None:
        raise DomainError("merge_not_last", "undo the later merge into this idea first",
                          merge_id=later)
    into = session.get(Idea, merge.into_idea_id)
    audit.record(session, actor, "idea.unmerge", {"merge_id": merge.id},
                 before={"idea_id": into.id, "text": into.text,
                         "votes": _votes_per_idea(session, [into.id])},
                 after={"text": merge.text_before})
    restored = undo(session, merge)
    session.flush()
    ideas = [into, *restored]
    audience_sees = [idea for idea in ideas if not idea.hidden]
    facts = [Fact("idea.unmerged", workshop.id, {
        "merge_id": merge.id, "ideas": [standing_payload(session, i) for i in audience_sees]})]
    if into.hidden:
        # Participants never had it: its restored text is for the facilitators' screens only.
        facts.append(Fact("idea.edited", workshop.id, {"idea": standing_payload(session, into)},
                          Audience.FACILITATORS))
    if any(idea.cluster_id is not None for idea in restored):
        facts.append(_clusters_changed(session, workshop.id))
    facts += _counts_changed(session, workshop)
    return answer, stamp(session, routed_facts(session, workshop.id, facts))


def pause_input(session: Session, actor: Actor, paused: bool) -> tuple[dict, list[Fact]]:
    """Stop all input from the room (posting, editing, voting), or let it go on again."""
    workshop = workshop_for_change(session, actor)
    if workshop.input_paused == paused:
        return {"paused": paused}, []
    audit.record(session, actor, "workshop.pause_input", {"workshop_id": workshop.id},
                 before={"paused": workshop.input_paused}, after={"paused": paused})
    workshop.input_paused = paused
    session.flush()
    return {"paused": paused}, stamp(session, [Fact("input.changed", workshop.id,
                                                    {"paused": paused})])


def remove_participant(session: Session, actor: Actor, participant_id: int,
                       remove_ideas: bool) -> tuple[dict, list[Fact]]:
    """Remove a participant from the room: their token stops working, their phones are to
    hang up (`sockets`), and their ideas (with the votes on them) go too if asked.

    Their own votes stay unless their ideas go: they were cast in good faith. Removing them
    again changes nothing more, but still hangs up a phone that is somehow still there.
    """
    workshop = workshop_for_change(session, actor)
    participant = session.get(Participant, participant_id)
    if participant is None or participant.workshop_id != workshop.id:
        raise DomainError("not_found", "no such participant")
    sockets = presence.sockets_to_close(session, workshop.id, participant.id)
    answer = {"participant_id": participant.id, "removed": True}
    if participant.removed_at is not None:
        return {**answer, "sockets": sockets}, []
    ideas = session.execute(
        select(Idea.id, Idea.activity_id, Idea.table_id)
        .where(Idea.participant_id == participant.id).order_by(Idea.id)).all()
    activity_of = {idea.id: idea.activity_id for idea in ideas}
    table_of = {idea.id: idea.table_id for idea in ideas}
    idea_ids = list(activity_of)
    audit.record(session, actor, "participant.remove", {"participant_id": participant.id},
                 before={"nickname": participant.nickname,
                         "organisation_type": participant.organisation_type,
                         "ideas": len(idea_ids)},
                 after={"removed": True, "ideas_removed": remove_ideas and bool(idea_ids)},
                 subject_participant_id=participant.id)
    participant.removed_at = utcnow()
    # A removed host hosts no more: their table's groups wait for a new one.
    session.execute(update(Table).where(Table.host_id == participant.id).values(host_id=None))
    facts: list[Fact] = []
    if remove_ideas and idea_ids:
        facts += delete_ideas(session, workshop.id, idea_ids)
        facts.append(_clusters_changed(session, workshop.id))
        facts += _counts_changed(session, workshop)
    session.flush()
    return {**answer, "sockets": sockets}, stamp(
        session, routed_facts(session, workshop.id, facts, activity_of, table_of))


def _merge_answer(session: Session, merge: IdeaMerge) -> dict:
    into = session.get(Idea, merge.into_idea_id)
    merged_ids = list(session.scalars(
        select(Idea.id).where(Idea.merge_id == merge.id).order_by(Idea.id)))
    return {"merge_id": merge.id, "idea": standing_payload(session, into),
            "merged_idea_ids": merged_ids}


def _merge_by_key(session: Session, workshop_id: int, key: str) -> IdeaMerge | None:
    return session.scalars(select(IdeaMerge).where(
        IdeaMerge.workshop_id == workshop_id, IdeaMerge.client_key == key)).one_or_none()


def _votes_per_idea(session: Session, idea_ids: list[int]) -> dict[str, int]:
    # JSON keys are text: the audit row reads the same after a round trip.
    rows = session.execute(select(Vote.idea_id, func.count()).where(Vote.idea_id.in_(idea_ids))
                           .group_by(Vote.idea_id))
    counted = dict(rows.all())
    return {str(i): counted.get(i, 0) for i in idea_ids}


def _keep_within_cap(session: Session, workshop: Workshop, idea_id: int, merge_id: int) -> int:
    """Give back each participant's votes on the idea past their vote activity's cap.

    Moved votes go first, the latest first: the votes cast on the idea that stays are the
    ones its voters chose for it. Returns how many were given back.
    """
    rows = session.execute(
        select(Vote.id, Vote.participant_id, Vote.activity_id, Vote.merge_id)
        .where(Vote.idea_id == idea_id).order_by(Vote.id)).all()
    groups: dict[tuple[int, int | None], list] = defaultdict(list)
    for row in rows:
        groups[(row.participant_id, row.activity_id)].append(row)
    caps = _caps(session, workshop)
    doomed: list[int] = []
    for (_participant, activity_id), votes in groups.items():
        excess = votes_over_cap(len(votes), caps.get(activity_id, workshop.votes_per_idea))
        if excess:
            order = sorted(votes, key=lambda v: (v.merge_id == merge_id, v.id), reverse=True)
            doomed += [v.id for v in order[:excess]]
    if doomed:
        session.execute(delete(Vote).where(Vote.id.in_(doomed)))
    return len(doomed)


def _caps(session: Session, workshop: Workshop) -> dict[int | None, int]:
    # Each vote activity's own cap; votes from before agendas have the workshop's.
    caps: dict[int | None, int] = {None: workshop.votes_per_idea}
    for activity_id, budget, cap in session.execute(
            select(Activity.id, Activity.vote_budget, Activity.votes_per_idea)
            .where(Activity.workshop_id == workshop.id)):
        caps[activity_id] = cap or budget or workshop.votes_per_idea
    return caps


def _clusters_changed(session: Session, workshop_id: int) -> Fact:
    return Fact("clusters.changed", workshop_id, {"clusters": clusters_of(session, workshop_id)})


def _counts_changed(session: Session, workshop: Workshop) -> list[Fact]:
    # Votes moved or were given back: the progress is recounted, revealed results told again.
    facts = [count_due("votes.progressed", workshop.id)]
    if tallies_visible(Phase(workshop.phase)):
        facts.append(Fact("results.revealed", workshop.id, {
            "results": results(session, workshop.id, vote_in_focus(session, workshop))}))
    return facts
