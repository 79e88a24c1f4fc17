"""Random command sequences by several participants and a facilitator: the rules always hold."""

from __future__ import annotations

import hypothesis.strategies as st
from arrange import as_facilitator, as_participant
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select, update

from workshop.domain.errors import DomainError
from workshop.domain.phases import Phase
from workshop.extensions import db
from workshop.models import Cluster, Idea, Vote
from workshop.models import Workshop as WorkshopRow
from workshop.services import clusters, ideas, snapshot, votes, workshops

BUDGET, CAP, PEOPLE = 3, 2, 3
KEYS = [f"k{i}" for i in range(8)]


def test_rules_hold_under_random_commands(app, make_workshop, make_participant):
    workshop = make_workshop(vote_budget=BUDGET, votes_per_idea=CAP)
    people = [make_participant(workshop)[0] for _ in range(PEOPLE)]
    facilitator = as_facilitator(workshop)
    phones = [as_participant(p) for p in people]

    class Workshop(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.context = app.app_context()
            self.context.push()
            self.deleted: set[int] = set()
            self.posted: set[int] = set()

        def teardown(self):
            db.session.rollback()
            for table in (Vote.__table__, Idea.__table__, Cluster.__table__):
                db.session.execute(table.delete())
            db.session.execute(update(WorkshopRow).values(phase=Phase.POSTING.value))
            db.session.commit()
            self.context.pop()

        def _run(self, service, *args):
            try:
                result, _facts = service(db.session, *args)
            except DomainError:
                db.session.rollback()
                return None
            db.session.commit()
            return result

        def _ideas(self) -> list[int]:
            return list(db.session.execute(
                select(Idea.id).where(Idea.workshop_id == workshop.id)).scalars())

        @rule(who=st.integers(0, PEOPLE - 1), key=st.sampled_from(KEYS),
              text=st.text(min_size=0, max_size=12))
        def post(self, who, key, text):
            result = self._run(ideas.post_idea, phones[who], f"{who}-{key}", text)
            if result:
                self.posted.add(result["idea"]["id"])

        @rule(who=st.integers(0, PEOPLE - 1), pick=st.integers(0, 20))
        def delete(self, who, pick):
            existing = self._ideas()
            if existing:
                idea_id = existing[pick % len(existing)]
                if self._run(ideas.delete_idea, phones[who], idea_id):
                    self.deleted.add(idea_id)

        @rule(who=st.integers(0, PEOPLE - 1), pick=st.integers(0, 20), key=st.sampled_from(KEYS))
        def cast(self, who, pick, key):
            existing = self._ideas()
            if existing:
                self._run(votes.cast_vote, phones[who], key, existing[pick % len(existing)])

        @rule(who=st.integers(0, PEOPLE - 1), key=st.sampled_from(KEYS))
        def retract(self, who, key):
            self._run(votes.retract_vote, phones[who], key)

        @rule(phase=st.sampled_from(list(Phase)))
        def set_phase(self, phase):
            self._run(workshops.set_phase, facilitator, phase.value)

        @rule(key=st.sampled_from(KEYS[:3]), pick=st.integers(0, 20), position=st.integers(0, 5))
        def group(self, key, pick, position):
            made = self._run(clusters.create_cluster, facilitator, key, f"cluster {key}")
            existing = self._ideas()
            if made and existing:
                self._run(clusters.move_idea, facilitator, existing[pick % len(existing)],
                          made["cluster"]["id"], position)

        @rule(pick=st.integers(0, 20))
        def hide(self, pick):
            existing = self._ideas()
            if existing:
                self._run(ideas.set_idea_hidden, facilitator, existing[pick % len(existing)],
                          bool(pick % 2))

        @invariant()
        def budget_and_cap_hold(self):
            per_person = db.session.execute(
                select(Vote.participant_id, func.count()).group_by(Vote.participant_id)).all()
            assert all(count <= BUDGET for _, count in per_person)
            per_idea = db.session.execute(
                select(func.count()).select_from(Vote)
                .group_by(Vote.participant_id, Vote.idea_id)).scalars()
            assert all(count <= CAP for count in per_idea)

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
