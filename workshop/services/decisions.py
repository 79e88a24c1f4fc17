"""The decision record: what is done next with an idea or a cluster, by whom and by when.

Facilitators mark decisions after the results; one per idea or cluster, so setting one again
replaces it. Participants hear of them, and the public results page shows them, only while
the workshop's results are public (`set_results_public`): the facilitator may keep them to
the facilitators' screens.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.decisions import check_decision
from ..domain.errors import DomainError
from ..domain.phases import Phase, tallies_visible
from ..domain.protocol import Audience, Fact
from ..models import Cluster, Decision, Idea, Workshop, utcnow
from . import audit
from .access import Actor, workshop_for_change
from .private_brainstorm import holds_back, in_held_brainstorm
from .sequence import stamp
from .votes import results, vote_in_focus

# The fields a decision's own words are, in the order the audit log and the payload name them.
_WORDS = ("outcome", "owner_name", "owner_type", "next_step", "due_on")


def set_decision(session: Session, actor: Actor, *, idea_id: int | None = None,
                 cluster_id: int | None = None, outcome: str, owner_name: str = "",
                 owner_type: str = "", next_step: str = "",
                 due_on: str | None = None) -> tuple[dict, list[Fact]]:
    """Mark an idea or a cluster of this workshop with a decision, or replace its decision.

    Sending the same decision again changes nothing and tells nobody. A hidden idea, or one
    merged into another, takes none: nobody but the facilitators would see what it is about.
    """
    workshop = workshop_for_change(session, actor)
    fields = check_decision(outcome, owner_name, owner_type, next_step, due_on)
    target = _target(session, workshop, idea_id, cluster_id)
    decision = _decision_on(session, workshop.id, idea_id, cluster_id)
    wanted = {"outcome": fields.outcome.value, "owner_name": fields.owner_name,
              "owner_type": fields.owner_type, "next_step": fields.next_step,
              "due_on": fields.due_on}
    before = _words(decision) if decision is not None else None
    if decision is not None and all(getattr(decision, k) == v for k, v in wanted.items()):
        return {"decision": decision_payload(decision)}, []
    now = utcnow()
    if decision is None:
        decision = Decision(workshop_id=workshop.id, idea_id=idea_id, cluster_id=cluster_id,
                            created_at=now)
        session.add(decision)
    for name, value in wanted.items():
        setattr(decision, name, value)
    decision.decided_by = actor.facilitator_id
    decision.updated_at = now
    session.flush()
    audit.record(session, actor, "decision.set", target, before=before, after=_words(decision))
    payload = decision_payload(decision)
    return {"decision": payload}, stamp(session, [
        _changed(session, workshop, idea_id, cluster_id, payload)])


def clear_decision(session: Session, actor: Actor, *, idea_id: int | None = None,
                   cluster_id: int | None = None) -> tuple[dict, list[Fact]]:
    """Take an idea's or a cluster's decision away; clearing one that has none changes nothing.

    The idea or cluster need only exist in this workshop: a hidden idea's decision can go.
    """
    workshop = workshop_for_change(session, actor)
    target = _target(session, workshop, idea_id, cluster_id, any_idea=True)
    decision = _decision_on(session, workshop.id, idea_id, cluster_id)
    answer = {**target, "cleared": decision is not None}
    if decision is None:
        return answer, []
    audit.record(session, actor, "decision.clear", target, before=_words(decision))
    session.delete(decision)
    session.flush()
    return answer, stamp(session, [_changed(session, workshop, idea_id, cluster_id, None)])


def set_results_public(session: Session, actor: Actor, public: bool) -> tuple[dict, list[Fact]]:
    """Show the decisions to participants and open the public results page, or stop both."""
    workshop = workshop_for_change(session, actor)
    if workshop.results_public == public:
        return {"results_public": public}, []
    audit.record(session, actor, "workshop.set_results_public", {"workshop_id": workshop.id},
                 before={"results_public": workshop.results_public},
                 after={"results_public": public})
    workshop.results_public = public
    session.flush()
    # The whole list: phones that had none now get them all, or drop them all.
    shown = decisions_of(session, workshop.id, public_only=True) if public else []
    fact = Fact("decisions.changed", workshop.id, {"results_public": public, "decisions": shown})
    return {"results_public": public}, stamp(session, [fact])


def decisions_of(session: Session, workshop_id: int, *, public_only: bool = False) -> list[dict]:
    """The workshop's decisions, ideas' first, each in the order it was first made.

    `public_only` leaves out what a participant may not see: decisions on hidden ideas, on
    ideas merged into another, and on ideas of a private brainstorm not yet revealed.
    """
    query = (select(Decision).outerjoin(Idea, Idea.id == Decision.idea_id)
             .where(Decision.workshop_id == workshop_id))
    if public_only:
        query = query.where(
            (Decision.idea_id.is_(None)) | (Idea.hidden.is_(False) & Idea.merge_id.is_(None)
                                             & ~in_held_brainstorm(Idea.activity_id)))
    rows = session.execute(query.order_by(Decision.cluster_id.is_not(None), Decision.id))
    return [decision_payload(decision) for decision in rows.scalars()]


def public_results(session: Session, workshop: Workshop) -> dict | None:
    """What the read-only results page shows anyone with the join link, or None while the
    facilitator keeps the results to the facilitators.

    The ranked results only once revealed (the rule every screen and export keeps), and the
    decisions, each with the words of what it is about. Nobody is named: no nickname, no
    participant's organisation.
    """
    if not workshop.results_public:
        return None
    texts: dict[int, str] = {}
    ranked = None
    if tallies_visible(Phase(workshop.phase)):
        ranked = results(session, workshop.id, vote_in_focus(session, workshop))
        texts = _idea_texts(session, [line["idea_id"] for line in ranked])
        ranked = [{**line, "text": texts[line["idea_id"]]} for line in ranked]
    shown = decisions_of(session, workshop.id, public_only=True)
    texts.update(_idea_texts(session, [d["idea_id"] for d in shown
                                       if d["idea_id"] is not None and d["idea_id"] not in texts]))
    names = dict(session.execute(select(Cluster.id, Cluster.name).where(
        Cluster.workshop_id == workshop.id)).all())
    return {
        "title": workshop.title,
        "results": ranked,
        "decisions": [{**d, "about": texts[d["idea_id"]] if d["idea_id"] is not None
                       else names[d["cluster_id"]]} for d in shown],
    }


def told_as_they_stand(session: Session, workshop_id: int, facts: list[dict]) -> bool:
    """Whether every decision these logged facts carry may still reach a participant: the
    results still public, and each decision's idea still one they see."""
    told = [fact["payload"] for fact in facts
            if fact["name"] in ("decision.changed", "decisions.changed")]
    if not told:
        return True
    if not session.execute(select(Workshop.results_public)
                           .where(Workshop.id == workshop_id)).scalar_one():
        return False
    carried = [payload["decision"] for payload in told if payload.get("decision")]
    carried += [decision for payload in told for decision in payload.get("decisions", ())]
    idea_ids = {decision["idea_id"] for decision in carried if decision["idea_id"] is not None}
    if not idea_ids:
        return True
    seen = set(session.execute(select(Idea.id).where(
        Idea.id.in_(idea_ids), Idea.hidden.is_(False), Idea.merge_id.is_(None),
        ~in_held_brainstorm(Idea.activity_id))).scalars())
    return idea_ids <= seen


def results_page_open(session: Session, workshop: Workshop) -> bool:
    """Whether the join link leads on to the public results page: the facilitator keeps it
    public, and it has something to show (revealed results, or a decision)."""
    if not workshop.results_public:
        return False
    if tallies_visible(Phase(workshop.phase)):
        return True
    return session.execute(select(Decision.id).where(Decision.workshop_id == workshop.id)
                           .limit(1)).first() is not None


def decision_payload(decision: Decision) -> dict:
    """A decision as acks, facts and snapshots carry it; `due_on` is an ISO date or null."""
    return {
        "id": decision.id,
        "idea_id": decision.idea_id,
        "cluster_id": decision.cluster_id,
        "outcome": decision.outcome,
        "owner_name": decision.owner_name,
        "owner_type": decision.owner_type,
        "next_step": decision.next_step,
        "due_on": decision.due_on.isoformat() if decision.due_on else None,
        "updated_at": decision.updated_at.isoformat(),
    }


def snapshot_part(session: Session, actor: Actor, workshop: Workshop) -> dict:
    """The decisions this actor may see, and whether participants see them."""
    if actor.is_facilitator:
        shown = decisions_of(session, workshop.id)
    else:
        shown = decisions_of(session, workshop.id, public_only=True) \
            if workshop.results_public else []
    return {"decisions": shown, "results_public": workshop.results_public}


def _target(session: Session, workshop: Workshop, idea_id: int | None, cluster_id: int | None,
            *, any_idea: bool = False) -> dict:
    """The idea or the cluster a decision is on, checked; as the audit log names it."""
    if (idea_id is None) == (cluster_id is None):
        raise DomainError("invalid_payload", "name either an idea or a cluster", field="idea_id")
    if cluster_id is not None:
        cluster = session.get(Cluster, cluster_id)
        if cluster is None or cluster.workshop_id != workshop.id:
            raise DomainError("not_found", "no such cluster")
        return {"cluster_id": cluster_id}
    idea = session.get(Idea, idea_id)
    # Merged into another, an idea is off every screen: a command naming it is a stale one.
    if idea is None or idea.workshop_id != workshop.id or (idea.merge_id is not None
                                                           and not any_idea):
        raise DomainError("not_found", "no such idea", idea_id=idea_id)
    if idea.hidden and not any_idea:
        raise DomainError("idea_hidden", "a hidden idea takes no decision", idea_id=idea_id)
    return {"idea_id": idea_id}


def _decision_on(session: Session, workshop_id: int, idea_id: int | None,
                 cluster_id: int | None) -> Decision | None:
    query = select(Decision).where(Decision.workshop_id == workshop_id)
    query = query.where(Decision.idea_id == idea_id) if idea_id is not None \
        else query.where(Decision.cluster_id == cluster_id)
    return session.execute(query).scalar_one_or_none()


def _idea_texts(session: Session, idea_ids: list[int]) -> dict[int, str]:
    if not idea_ids:
        return {}
    return dict(session.execute(select(Idea.id, Idea.text).where(Idea.id.in_(idea_ids))).all())


def _words(decision: Decision) -> dict:
    # JSON for the audit row: the date as ISO text.
    words = {name: getattr(decision, name) for name in _WORDS}
    words["due_on"] = decision.due_on.isoformat() if decision.due_on else None
    return words


def _changed(session: Session, workshop: Workshop, idea_id: int | None, cluster_id: int | None,
             decision: dict | None) -> Fact:
    # Phones hear of decisions only while the results are public, and never of one on an idea
    # some of them may not see (hidden, merged away, or in a brainstorm not yet revealed).
    idea = session.get(Idea, idea_id) if idea_id is not None else None
    private = not workshop.results_public or (idea is not None and (
        idea.hidden or idea.merge_id is not None or holds_back(session, idea.activity_id)))
    return Fact("decision.changed", workshop.id,
                {"idea_id": idea_id, "cluster_id": cluster_id, "decision": decision},
                Audience.FACILITATORS if private else Audience.WORKSHOP)
