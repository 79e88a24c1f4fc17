"""Random command sequences by several participants and a facilitator: the rules always hold."""

from __future__ import annotations

import hypothesis.strategies as st
from arrange import as_facilitator, as_participant
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete, func, select, update

from workshop.domain.errors import DomainError
from workshop.domain.phases import Phase
from workshop.extensions import db
from workshop.models import (
    Activity,
    AuditEntry,
    Cluster,
    Decision,
    Idea,
    IdeaMerge,
    Vote,
    utcnow,
)
from workshop.models import Workshop as WorkshopRow
from workshop.realtime import commands
from workshop.services import agenda, archive, clusters, snapshot

BUDGET, CAP, PEOPLE = 3, 2, 3
KEYS = [f"k{i}" for i in range(8)]


def test_rules_hold_under_random_commands(app, make_workshop, make_participant):
    workshop = make_workshop(vote_budget=BUDGET, votes_per_idea=CAP)
    people = [make_participant(workshop)[0] for _ in range(PEOPLE)]
    facilitator = as_facilitator(workshop)
    phones = [as_participant(p) for p in people]

    # Each run starts on the brainstorm again, where the workshop was made to start; its
    # timer closes posting when time is up.
    brainstorm_id = workshop.current_activity_id
    with app.app_context():
        db.session.execute(update(Activity).where(Activity.id == brainstorm_id)
                           .values(closes_when_time_up=True, duration_seconds=60))
        db.session.commit()
        agenda_ids = [a.id for a in agenda.activities_of(db.session, workshop.id)]

    class Workshop(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.context = app.app_context()
            self.context.push()
            self.deleted: set[int] = set()
            self.posted: set[int] = set()
            self.phase = Phase(workshop.phase)
            self.audited = 0  # facilitator commands that changed something
            self.answered: set[int] = set()  # ideas stored: a re-sent key answers them again
            self.votes_before = 0
            self.archived = None  # while archived: the workshop as it was archived

        def teardown(self):
            db.session.rollback()
            for table in (Decision.__table__, Vote.__table__, IdeaMerge.__table__, Idea.__table__,
                          Cluster.__table__):
                db.session.execute(table.delete())
            db.session.execute(update(WorkshopRow).values(phase=Phase.POSTING.value,
                                                          current_activity_id=brainstorm_id,
                                                          input_paused=False,
                                                          results_public=True))
            db.session.execute(update(Activity).values(timer_deadline=None, timer_remaining_ms=None,
                                                       time_up_at=None))
            db.session.execute(update(WorkshopRow).values(closes_at=None, archived_at=None))
            db.session.execute(delete(AuditEntry).where(AuditEntry.command != "workshop.create"))
            db.session.execute(update(Activity).where(Activity.id == brainstorm_id)
                               .values(private=False, revealed_at=None))
            db.session.commit()
            self.context.pop()

        def _run(self, name, actor, payload):
            # Through the command path, as a socket's command goes: the phase is checked there.
            try:
                result, facts = commands.run(name, db.session, actor, payload)
            except DomainError:
                db.session.rollback()
                return None
            db.session.commit()
            if actor.is_facilitator and facts:
                self.audited += 1
            return result

        def _state(self) -> tuple:
            rows = (Idea.id, Idea.text, Idea.hidden, Idea.cluster_id, Idea.merge_id)
            state = (
                sorted(map(tuple, db.session.execute(select(*rows).where(
                    Idea.workshop_id == workshop.id)))),
                db.session.execute(select(func.count()).select_from(Vote)).scalar_one(),
                sorted(map(tuple, db.session.execute(select(Cluster.id, Cluster.name)))),
                tuple(db.session.execute(select(
                    WorkshopRow.phase, WorkshopRow.input_paused, WorkshopRow.closes_at,
                    WorkshopRow.current_activity_id).where(WorkshopRow.id == workshop.id)).one()),
            )
            db.session.commit()
            return state

        # An archived workshop is read, not changed: every command but reading is refused.
        # Half the runs start archived, so that commands meet an archived workshop often.
        @initialize(archived=st.booleans())
        def start_archived(self, archived):
            self.archive(archived)

        @rule(archived=st.booleans())
        def archive(self, archived):
            use = archive.archive_workshop if archived else archive.unarchive_workshop
            _, facts = use(db.session, facilitator)
            db.session.commit()
            if archived != (self.archived is not None):
                self.audited += 1
            # Archiving pauses a running timer: a change of its own, logged and told.
            self.audited += len(facts)
            self.archived = self._state() if archived else None

        @invariant()
        def nothing_changes_while_archived(self):
            if self.archived is not None:
                assert self._state() == self.archived

        def _ideas(self) -> list[int]:
            return list(db.session.execute(
                select(Idea.id).where(Idea.workshop_id == workshop.id)).scalars())

        @rule(who=st.integers(0, PEOPLE - 1), key=st.sampled_from(KEYS),
              text=st.text(min_size=0, max_size=12))
        def post(self, who, key, text):
            result = self._run("idea.post", phones[who], {"key": f"{who}-{key}", "text": text})
            if result:
                self.posted.add(result["idea"]["id"])
                if result["idea"]["id"] not in self.answered:
                    assert self.phase is Phase.POSTING
                    closes_at = db.session.execute(select(WorkshopRow.closes_at).where(
                        WorkshopRow.id == workshop.id)).scalar_one()
                    db.session.commit()
                    assert closes_at is None or closes_at > utcnow(), "posted after time up"
                self.answered.add(result["idea"]["id"])

        @rule(who=st.integers(0, PEOPLE - 1), pick=st.integers(0, 20))
        def delete(self, who, pick):
            existing = self._ideas()
            if existing:
                idea_id = existing[pick % len(existing)]
                if self._run("idea.delete", phones[who], {"idea_id": idea_id}):
                    assert self.phase is Phase.POSTING
                    self.deleted.add(idea_id)

        @rule(who=st.integers(0, PEOPLE - 1), pick=st.integers(0, 20), key=st.sampled_from(KEYS))
        def cast(self, who, pick, key):
            existing = self._ideas()
            if existing:
                self._run("vote.cast", phones[who],
                          {"key": key, "idea_id": existing[pick % len(existing)]})

        @rule(who=st.integers(0, PEOPLE - 1), key=st.sampled_from(KEYS))
        def retract(self, who, key):
            self._run("vote.retract", phones[who], {"key": key})

        @rule(phase=st.sampled_from(list(Phase)))
        def set_phase(self, phase):
            if self._run("phase.set", facilitator, {"phase": phase.value}):
                self.phase = phase

        @rule(key=st.sampled_from(KEYS[:3]), pick=st.integers(0, 20), position=st.integers(0, 5))
        def group(self, key, pick, position):
            made = self._run("cluster.create", facilitator, {"key": key, "name": f"cluster {key}"})
            existing = self._ideas()
            if made and existing:
                self._run("cluster.move_idea", facilitator, {
                    "idea_id": existing[pick % len(existing)],
                    "cluster_id": made["cluster"]["id"], "position": position})

        @rule(pick=st.integers(0, 20))
        def hide(self, pick):
            existing = self._ideas()
            if existing:
                self._run("idea.hide" if pick % 2 else "idea.show", facilitator,
                          {"idea_id": existing[pick % len(existing)]})

        @rule(picks=st.lists(st.integers(0, 20), min_size=2, max_size=4),
              key=st.sampled_from(KEYS[:4]), text=st.none() | st.just("merged"))
        def merge(self, picks, key, text):
            existing = self._ideas()
            if existing:
                chosen = list(dict.fromkeys(existing[p % len(existing)] for p in picks))
                self._run("idea.merge", facilitator, {
                    "key": key, "idea_ids": chosen, "into_idea_id": chosen[-1], "text": text})

        @rule(pick=st.integers(0, 20))
        def unmerge(self, pick):
            merges = list(db.session.execute(select(IdeaMerge.id).where(
                IdeaMerge.workshop_id == workshop.id).order_by(IdeaMerge.id)).scalars())
            if merges:
                self._run("idea.unmerge", facilitator, {"merge_id": merges[pick % len(merges)]})

        @rule(pick=st.integers(0, 20))
        def go(self, pick):
            # Next, back or a jump: any step of the agenda.
            result = self._run("activity.go", facilitator, {"activity_id": agenda_ids[
                pick % len(agenda_ids)]})
            if result:
                self.phase = Phase(result["phase"])

        @rule(command=st.sampled_from(["timer.start", "timer.pause", "timer.resume",
                                       "timer.stop", "timer.adjust"]),
              seconds=st.sampled_from([60, -60, -3600, 600]))
        def timer(self, command, seconds):
            # -3600 ends a running timer now: the brainstorm's input closes by itself.
            payload = {"seconds": abs(seconds)} if command == "timer.start" else {}
            if command == "timer.adjust":
                payload = {"seconds": seconds, "key": f"t{len(self.answered)}-{seconds}"}
            self._run(command, facilitator, payload)

        @rule(paused=st.booleans())
        def pause(self, paused):
            self._run("workshop.pause_input", facilitator, {"paused": paused})

        # A private brainstorm, revealed or not: no phone ever holds another's unrevealed idea.
        # Half the runs start private, so that ideas get posted into one.
        @initialize(private=st.booleans())
        def start_private(self, private):
            self.make_private(private)

        @rule(private=st.booleans())
        def make_private(self, private):
            self._run("activity.update", facilitator,
                      {"activity_id": brainstorm_id, "settings": {"private": private}})

        @rule()
        def reveal(self):
            self._run("brainstorm.reveal", facilitator, {"activity_id": brainstorm_id})

        @invariant()
        def no_phone_holds_anothers_unrevealed_private_idea(self):
            held = db.session.execute(select(Activity.private, Activity.revealed_at).where(
                Activity.id == brainstorm_id)).one()
            if not held.private or held.revealed_at is not None:
                return
            authors = dict(db.session.execute(select(Idea.id, Idea.participant_id).where(
                Idea.workshop_id == workshop.id, Idea.activity_id == brainstorm_id)).all())
            for phone in phones:
                snap = snapshot.snapshot(db.session, phone)
                seen = {i["id"] for i in snap["ideas"]}
                seen |= {i for c in snap["clusters"] for i in c["idea_ids"]}
                others = {i for i, author in authors.items() if author != phone.participant_id}
                assert not seen & others
            db.session.commit()

        @rule(pick=st.integers(0, 20), on_cluster=st.booleans(),
              outcome=st.sampled_from(["pilot", "park", "maybe"]),
              due_on=st.sampled_from([None, "2027-03-31", "2027-02-30"]))
        def decide(self, pick, on_cluster, outcome, due_on):
            # A cluster, or an idea (hidden, merged away or of a held brainstorm included).
            targets = list(db.session.execute(select(Cluster.id).where(
                Cluster.workshop_id == workshop.id)).scalars()) if on_cluster else self._ideas()
            if targets:
                target = {"cluster_id" if on_cluster else "idea_id": targets[pick % len(targets)]}
                self._run("decision.set", facilitator,
                          {**target, "outcome": outcome, "next_step": "Ask", "due_on": due_on})

        @rule(pick=st.integers(0, 20))
        def undecide(self, pick):
            decided = list(db.session.execute(select(Decision.idea_id, Decision.cluster_id).where(
                Decision.workshop_id == workshop.id)).all())
            if decided:
                idea_id, cluster_id = decided[pick % len(decided)]
                self._run("decision.clear", facilitator,
                          {"idea_id": idea_id} if idea_id else {"cluster_id": cluster_id})

        @rule(public=st.booleans())
        def publish(self, public):
            self._run("workshop.set_results_public", facilitator, {"public": public})

        @invariant()
        def decisions_are_one_per_target_of_their_workshop_and_seen_only_when_public(self):
            rows = db.session.execute(
                select(Decision, Idea.workshop_id, Cluster.workshop_id)
                .outerjoin(Idea, Idea.id == Decision.idea_id)
                .outerjoin(Cluster, Cluster.id == Decision.cluster_id)).all()
            targets = [(d.idea_id, d.cluster_id) for d, _, _ in rows]
            assert len(targets) == len(set(targets))
            for decision, idea_workshop, cluster_workshop in rows:
                assert decision.workshop_id == workshop.id
                assert (idea_workshop if decision.idea_id else cluster_workshop) == workshop.id
                assert decision.outcome in {"pilot", "park"}
            public = db.session.execute(select(WorkshopRow.results_public).where(
                WorkshopRow.id == workshop.id)).scalar_one()
            for phone in phones:
                snap = snapshot.snapshot(db.session, phone)
                seen = {i["id"] for i in snap["ideas"]}
                shown = snap["decisions"]
                assert public or shown == []
                assert all(d["idea_id"] in seen for d in shown if d["idea_id"] is not None)
            db.session.commit()

        @invariant()
        def budget_and_cap_hold(self):
            # Each vote activity has its own budget and cap.
            per_person = db.session.execute(
                select(func.count()).select_from(Vote)
                .group_by(Vote.participant_id, Vote.activity_id)).scalars()
            assert all(count <= BUDGET for count in per_person)
            per_idea = db.session.execute(
                select(func.count()).select_from(Vote)
                .group_by(Vote.participant_id, Vote.activity_id, Vote.idea_id)).scalars()
            assert all(count <= CAP for count in per_idea)

        @invariant()
        def every_idea_stands_or_is_merged_into_one_that_does(self):
            ideas = {i.id: i for i in db.session.execute(
                select(Idea).where(Idea.workshop_id == workshop.id)).scalars()}
            for idea in ideas.values():
                if idea.merge_id is not None:
                    merge = db.session.get(IdeaMerge, idea.merge_id)
                    assert merge.undone_at is None
                    assert ideas[merge.into_idea_id].merge_id is None
            voted = set(db.session.execute(select(Vote.idea_id)).scalars())
            assert all(ideas[i].merge_id is None for i in voted)

        @invariant()
        def no_vote_is_cast_outside_voting(self):
            cast = db.session.execute(select(func.count()).select_from(Vote)).scalar_one()
            if self.phase is not Phase.VOTING:
                assert cast <= self.votes_before  # an idea deleted takes its votes along
            self.votes_before = cast

        @invariant()
        def every_facilitators_change_is_in_the_audit_log_once(self):
            logged = db.session.execute(
                select(func.count()).select_from(AuditEntry)
                .where(AuditEntry.workshop_id == workshop.id,
                       AuditEntry.command != "workshop.create")).scalar_one()
            assert logged == self.audited

        @invariant()
        def no_idea_vanishes(self):
            assert set(self._ideas()) == self.posted - self.deleted

        @invariant()
        def every_idea_in_at_most_one_cluster(self):
            seen = [i for c in clusters.clusters_of(db.session, workshop.id)
                    for i in c["idea_ids"]]
            assert len(seen) == len(set(seen))
            assert set(seen) <= set(self._ideas())

        @invariant()
        def counts_reach_participants_only_after_reveal(self):
            snap = snapshot.snapshot(db.session, phones[0])
            db.session.commit()
            phase = Phase(snap["workshop"]["phase"])
            if phase is Phase.RESULTS:
                rows = dict(db.session.execute(
                    select(Vote.idea_id, func.count()).group_by(Vote.idea_id)).all())
                shown = {r["idea_id"]: r["votes"] for r in snap["results"]}
                assert all(shown[i] == rows.get(i, 0) for i in shown)
            else:
                assert snap["results"] is None
                assert "votes" not in str([i.keys() for i in snap["ideas"]])

    run_state_machine_as_test(Workshop, settings=settings(
        max_examples=15, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    ))
