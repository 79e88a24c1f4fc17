"""A workshop's agenda: its activities in order, which one the room is at, and editing them.

The room's state that participants' commands check (the phase of the current activity and
when its timer closes input) is kept on the workshop's row, set here together with the
current activity, so a post or a vote reads it with the lock it takes anyway.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.agenda import (
    KINDS,
    MAX_ACTIVITIES,
    ActivityDraft,
    ActivityKind,
    check_agenda,
    default_agenda,
    draft,
    phase_of_kind,
    welcome,
)
from ..domain.errors import DomainError
from ..domain.phases import Phase, tallies_visible
from ..domain.protocol import Fact
from ..models import Activity, Cluster, Idea, Vote, Workshop, utcnow
from . import audit
from .access import Actor, workshop_for_change
from .payloads import activity_payload
from .sequence import stamp
from .timer import timer_payload
from .votes import results, vote_in_focus

# Which kind of activity each kind's source must be.
_SOURCE_KIND = {
    ActivityKind.GROUP: ActivityKind.BRAINSTORM,
    ActivityKind.VOTE: ActivityKind.BRAINSTORM,
    ActivityKind.RESULTS: ActivityKind.VOTE,
}

Planned = ActivityDraft | tuple[ActivityDraft, int | None]


def add_activities(session: Session, workshop: Workshop, planned: list[Planned]) -> list[Activity]:
    """Append activities to a workshop's agenda, in order.

    Each is a draft, or a draft with the index (in `planned`) of the earlier activity it
    takes its ideas or votes from, as method files name it before any id exists.
    """
    last = session.execute(select(func.max(Activity.position))
                           .where(Activity.workshop_id == workshop.id)).scalar_one()
    added: list[Activity] = []
    for offset, item in enumerate(planned):
        activity_draft, source_index = item if isinstance(item, tuple) else (item, None)
        source_id = activity_draft.settings.get("source_activity_id")
        if source_index is not None:
            if not 0 <= source_index < offset:
                raise DomainError("invalid_activity", "a source must come earlier",
                                  field="source_activity_id")
            source_id = added[source_index].id
        start = 0 if last is None else last + 1
        activity = _activity(workshop.id, start + offset, activity_draft, source_id)
        session.add(activity)
        session.flush()
        if source_id is not None:
            _check_source(session, workshop.id, activity)
        added.append(activity)
    return added


def start_agenda(session: Session, workshop: Workshop, planned: list[Planned] | None, *,
                 question: str, vote_budget: int, votes_per_idea: int,
                 language: str) -> list[Activity]:
    """A new workshop's agenda (the given one, or the single-question default), at its start.

    A new workshop opens on its first activity; every agenda begins with a welcome, so
    early arrivals wait for the question to be introduced instead of posting.
    """
    if planned is None:
        planned = default_agenda(question, vote_budget, votes_per_idea, language)
    first = check_agenda(planned)[0]
    if (first[0] if isinstance(first, tuple) else first).kind is not ActivityKind.WELCOME:
        planned = [welcome(language), *(_shifted(item) for item in planned)]
    activities = add_activities(session, workshop, planned)
    _enter(workshop, activities[0])
    brainstorms = [a for a in activities if a.kind == ActivityKind.BRAINSTORM]
    if brainstorms:
        workshop.question = brainstorms[0].prompt
    return activities


def _shifted(item: Planned) -> Planned:
    # A welcome put in front moves every source index on by one.
    if isinstance(item, tuple):
        activity_draft, index = item
        return activity_draft, None if index is None else index + 1
    return item


def go_to(session: Session, actor: Actor, activity_id: int) -> tuple[dict, list[Fact]]:
    """Make an activity the current one: the room does what it allows from now on.

    Going to where the room already is changes nothing, so a re-sent move is harmless.
    """
    workshop = workshop_for_change(session, actor)
    activity = activity_in_workshop(session, workshop.id, activity_id)
    if workshop.current_activity_id == activity.id:
        return {"activity_id": activity.id, "phase": workshop.phase}, []
    audit.record(session, actor, actor.command or "activity.go", {"workshop_id": workshop.id},
                 before={"activity_id": workshop.current_activity_id, "phase": workshop.phase},
                 after={"activity_id": activity.id, "phase": phase_of_kind(activity.kind)})
    _enter(workshop, activity)
    session.flush()
    return {"activity_id": activity.id, "phase": workshop.phase}, stamp(
        session, _entered(session, workshop, activity))


def set_phase(session: Session, actor: Actor, phase: str) -> tuple[dict, list[Fact]]:
    """Go to the next activity (after the current one, else the first) in this phase.

    The shortcut the board's first versions used, kept for clients that speak in phases.
    """
    try:
        wanted = Phase(phase)
    except ValueError:
        raise DomainError("invalid_phase", "unknown phase", field="phase") from None
    workshop = workshop_for_change(session, actor)
    if Phase(workshop.phase) is wanted:
        return {"activity_id": workshop.current_activity_id, "phase": wanted.value}, []
    agenda = activities_of(session, workshop.id)
    ids = [a.id for a in agenda]
    here = ids.index(workshop.current_activity_id) if workshop.current_activity_id in ids else -1
    candidates = [a for a in agenda[here + 1:] + agenda[:here + 1]
                  if phase_of_kind(a.kind) is wanted]
    if not candidates:
        raise DomainError("no_such_activity", f"the agenda has no {wanted} activity",
                          field="phase")
    return go_to(session, actor, candidates[0].id)


def add_activity(session: Session, actor: Actor, key: str, kind: str, title: str,
                 prompt: str | None = None, duration_seconds: int | None = None,
                 closes_when_time_up: bool | None = None, settings: dict | None = None,
                 position: int | None = None) -> tuple[dict, list[Fact]]:
    """Add one activity to the agenda, at its end or at a position; once per client key."""
    workshop = workshop_for_change(session, actor)
    existing = session.execute(select(Activity).where(
        Activity.workshop_id == workshop.id, Activity.client_key == key)).scalar_one_or_none()
    if existing is not None:
        return {"activity": activity_payload(existing)}, []
    activity_draft = draft(kind, title, prompt or "", duration_seconds,
                           bool(closes_when_time_up), settings)
    agenda = activities_of(session, workshop.id)
    if len(agenda) >= MAX_ACTIVITIES:
        raise DomainError("invalid_activity", f"at most {MAX_ACTIVITIES} activities")
    activity = _activity(workshop.id, len(agenda), activity_draft,
                         activity_draft.settings.get("source_activity_id"))
    activity.client_key = key
    try:
        with session.begin_nested():
            session.add(activity)
    except IntegrityError:
        # The same key raced in from another tab: answer with what that one stored.
        return {"activity": activity_payload(session.execute(select(Activity).where(
            Activity.workshop_id == workshop.id, Activity.client_key == key)).scalar_one())}, []
    _check_source(session, workshop.id, activity)
    if position is not None:
        _place(session, workshop.id, activity, position)
    audit.record(session, actor, "activity.add", {"activity_id": activity.id},
                 after=_described(activity))
    return {"activity": activity_payload(activity)}, _agenda_changed(session, workshop)


def update_activity(session: Session, actor: Actor, activity_id: int, title: str | None = None,
                    prompt: str | None = None, duration_seconds: int | None = None,
                    closes_when_time_up: bool | None = None,
                    settings: dict | None = None) -> tuple[dict, list[Fact]]:
    """Change an activity's words or settings; what is not sent stays as it is."""
    workshop = workshop_for_change(session, actor)
    activity = activity_in_workshop(session, workshop.id, activity_id)
    before = _described(activity)
    current_settings = {name: before[name] for name in _settings_names(activity.kind)}
    checked = draft(
        activity.kind,
        activity.title if title is None else title,
        activity.prompt if prompt is None else prompt,
        activity.duration_seconds if duration_seconds is None else duration_seconds,
        activity.closes_when_time_up if closes_when_time_up is None else closes_when_time_up,
        {**current_settings, **(settings or {})},
    )
    if activity.kind == ActivityKind.VOTE and _has_votes(session, activity.id) and (
            checked.settings["vote_budget"] != activity.vote_budget
            or checked.settings["votes_per_idea"] != activity.votes_per_idea):
        # Votes already given were counted against the old budget and cap.
        raise DomainError("activity_in_use", "votes have been given: the budget stays",
                          field="vote_budget")
    _apply(activity, checked, checked.settings.get("source_activity_id"))
    session.flush()
    _check_source(session, workshop.id, activity)
    after = _described(activity)
    if after == before:
        return {"activity": activity_payload(activity)}, []
    audit.record(session, actor, "activity.update", {"activity_id": activity.id},
                 before=before, after=after)
    if workshop.current_activity_id == activity.id:
        _enter(workshop, activity)
    brainstorms = _first_brainstorm(session, workshop.id)
    if brainstorms is not None:
        workshop.question = brainstorms.prompt
    session.flush()
    return {"activity": activity_payload(activity)}, _agenda_changed(session, workshop)


def remove_activity(session: Session, actor: Actor, activity_id: int) -> tuple[dict, list[Fact]]:
    """Take an activity off the agenda, unless the room is at it or anything belongs to it.

    Nothing is lost this way: a brainstorm with ideas or a vote with votes stays.
    """
    workshop = workshop_for_change(session, actor)
    activity = activity_in_workshop(session, workshop.id, activity_id)
    if workshop.current_activity_id == activity.id:
        raise DomainError("activity_in_use", "the room is at this activity")
    owned = session.execute(select(func.count()).select_from(Idea)
                            .where(Idea.activity_id == activity.id)).scalar_one()
    if owned or _has_votes(session, activity.id):
        raise DomainError("activity_in_use", "ideas or votes belong to this activity")
    audit.record(session, actor, "activity.remove", {"activity_id": activity.id},
                 before=_described(activity))
    session.execute(update(Cluster).where(Cluster.activity_id == activity.id)
                    .values(activity_id=None))
    session.delete(activity)
    session.flush()
    _renumber(session, workshop.id, [a for a in activities_of(session, workshop.id)])
    return {"activity_id": activity_id}, _agenda_changed(session, workshop)


def move_activity(session: Session, actor: Actor, activity_id: int,
                  position: int) -> tuple[dict, list[Fact]]:
    """Put an activity at another place in the agenda (0 is first)."""
    workshop = workshop_for_change(session, actor)
    activity = activity_in_workshop(session, workshop.id, activity_id)
    before = activity.position
    _place(session, workshop.id, activity, position)
    if activity.position == before:
        return {"activity": activity_payload(activity)}, []
    audit.record(session, actor, "activity.move", {"activity_id": activity.id},
                 before={"position": before}, after={"position": activity.position})
    return {"activity": activity_payload(activity)}, _agenda_changed(session, workshop)


def activities_of(session: Session, workshop_id: int) -> list[Activity]:
    """A workshop's agenda in order."""
    return list(session.execute(
        select(Activity).where(Activity.workshop_id == workshop_id)
        .order_by(Activity.position, Activity.id)
    ).scalars())


def activity_in_workshop(session: Session, workshop_id: int, activity_id: int) -> Activity:
    """An activity of this workshop; one of another workshop is as unknown as a missing one."""
    activity = session.get(Activity, activity_id)
    if activity is None or activity.workshop_id != workshop_id:
        raise DomainError("not_found", "no such activity")
    return activity


def current_activity(session: Session, workshop: Workshop) -> Activity | None:
    """The activity the room is at."""
    if workshop.current_activity_id is None:
        return None
    return session.get(Activity, workshop.current_activity_id)


def agenda_payload(session: Session, workshop_id: int) -> list[dict]:
    """The agenda as every screen shows it."""
    return [activity_payload(a) for a in activities_of(session, workshop_id)]


def snapshot_part(session: Session, actor: Actor, workshop: Workshop) -> dict:
    """The agenda and which activity the room is at."""
    return {"agenda": agenda_payload(session, workshop.id),
            "current_activity_id": workshop.current_activity_id}


def _enter(workshop: Workshop, activity: Activity) -> None:
    workshop.current_activity_id = activity.id
    workshop.phase = phase_of_kind(activity.kind).value
    # A running timer that closes input goes on closing it; a paused or stopped one does not.
    workshop.closes_at = activity.timer_deadline if activity.closes_when_time_up else None


def _entered(session: Session, workshop: Workshop, activity: Activity) -> list[Fact]:
    facts = [Fact("phase.changed", workshop.id, {
        "phase": workshop.phase, "activity_id": activity.id,
        # With its timer: an activity returned to may have one running, or ended.
        "activity": {**activity_payload(activity), "timer": timer_payload(activity, utcnow())}})]
    if tallies_visible(Phase(workshop.phase)):
        vote = vote_in_focus(session, workshop)
        facts.append(Fact("results.revealed", workshop.id, {
            "results": results(session, workshop.id, vote),
            "vote_activity_id": vote.id if vote is not None else None}))
    return facts


def _agenda_changed(session: Session, workshop: Workshop) -> list[Fact]:
    return stamp(session, [Fact("agenda.changed", workshop.id,
                                {"agenda": agenda_payload(session, workshop.id),
                                 "current_activity_id": workshop.current_activity_id})])


def _activity(workshop_id: int, position: int, activity_draft: ActivityDraft,
              source_id: int | None) -> Activity:
    activity = Activity(workshop_id=workshop_id, position=position, created_at=utcnow())
    _apply(activity, activity_draft, source_id)
    return activity


def _apply(activity: Activity, activity_draft: ActivityDraft, source_id: int | None) -> None:
    settings = activity_draft.settings
    activity.kind = activity_draft.kind.value
    activity.title = activity_draft.title
    activity.prompt = activity_draft.prompt
    activity.duration_seconds = activity_draft.duration_seconds
    activity.closes_when_time_up = activity_draft.closes_when_time_up
    activity.private = settings.get("private", False)
    activity.at_tables = settings.get("at_tables", False)
    activity.vote_budget = settings.get("vote_budget")
    activity.votes_per_idea = settings.get("votes_per_idea")
    activity.source_activity_id = source_id
    activity.cluster_ids = settings.get("cluster_ids")


def _check_source(session: Session, workshop_id: int, activity: Activity) -> None:
    """A group, vote or results takes from an earlier brainstorm or vote of the same workshop;
    a vote's clusters are that workshop's."""
    if activity.source_activity_id is not None:
        source = session.get(Activity, activity.source_activity_id)
        wanted = _SOURCE_KIND.get(ActivityKind(activity.kind))
        if source is None or source.workshop_id != workshop_id or source.id == activity.id \
                or wanted is None or source.kind != wanted:
            raise DomainError("invalid_activity", "no such activity to take from",
                              field="source_activity_id")
    if activity.cluster_ids:
        known = set(session.execute(select(Cluster.id).where(
            Cluster.workshop_id == workshop_id, Cluster.id.in_(activity.cluster_ids))).scalars())
        if known != set(activity.cluster_ids):
            raise DomainError("invalid_activity", "no such cluster", field="cluster_ids")


def _place(session: Session, workshop_id: int, activity: Activity, position: int) -> None:
    agenda = [a for a in activities_of(session, workshop_id) if a.id != activity.id]
    position = max(0, min(position, len(agenda)))
    agenda.insert(position, activity)
    _renumber(session, workshop_id, agenda)


def _renumber(session: Session, workshop_id: int, agenda: list[Activity]) -> None:
    for position, activity in enumerate(agenda):
        activity.position = position
    session.flush()


def _has_votes(session: Session, activity_id: int) -> bool:
    return session.execute(select(Vote.id).where(Vote.activity_id == activity_id)
                           .limit(1)).first() is not None


def _first_brainstorm(session: Session, workshop_id: int) -> Activity | None:
    return next((a for a in activities_of(session, workshop_id)
                 if a.kind == ActivityKind.BRAINSTORM), None)


def _settings_names(kind: str) -> list[str]:
    return sorted(KINDS[ActivityKind(kind)].settings)


def _described(activity: Activity) -> dict:
    payload = activity_payload(activity)
    return {name: payload[name] for name in (
        "kind", "title", "prompt", "duration_seconds", "closes_when_time_up", "private",
        "at_tables", "vote_budget", "votes_per_idea", "source_activity_id", "cluster_ids",
        "position")}
