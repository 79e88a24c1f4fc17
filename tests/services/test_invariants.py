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
    HandTally,
    Idea,
    IdeaMerge,
    Participant,
    Table,
    Vote,
    utcnow,
)
from workshop.models import Workshop as WorkshopRow
from workshop.realtime import commands
from workshop.services import agenda, archive, clusters, snapshot

BUDGET, CAP, PEOPLE = 3, 2, 3
KEYS = [f"k{i}" for i in range(8)]
TABLE_KEYS = ["t0", "t1", "t2"]
KINDS = ["city", "company", "research"]


def test_rules_hold_under_random_commands(app, make_workshop, make_participant):
    workshop = make_workshop(vote_budget=BUDGET, votes_per_idea=CAP)
    # Of different organisation types, so that seating at tables has a mix to balance.
    people = [make_participant(workshop, organisation_type=KINDS[n % len(KINDS)])[0]
              for n in range(PEOPLE)]
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
        vote_id = next(a.id for a in agenda.activities_of(db.session, workshop.id)
                       if a.kind == "vote")

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
            self.table_of_idea: dict[int, int | None] = {}  # each idea's table, as stored
            self.entered: dict[tuple[int, str], int] = {}  # (who, key) -> the paper idea

        def teardown(self):
            db.session.rollback()
            for table in (Decision.__table__, Vote.__table__, HandTally.__table__,
                          IdeaMerge.__table__, Idea.__table__, Cluster.__table__):
                db.session.execute(table.delete())
            # Tables go, and the stand-in authors of paper notes with them.
            db.session.execute(update(Table).values(host_id=None))
            db.session.execute(update(Participant).values(table_id=None))
            db.session.execute(delete(Participant).where(Participant.on_paper.is_(True)))
            db.session.execute(delete(Table))
            db.session.execute(update(WorkshopRow).values(phase=Phase.POSTING.value,
                                                          current_activity_id=brainstorm_id,
                                                          input_paused=False,
                                                          results_public=True,
                                                          tables_by_choice=False))
            db.session.execute(update(Activity).values(timer_deadline=None, timer_remaining_ms=None,
                                                       time_up_at=None))
            db.session.execute(update(WorkshopRow).values(closes_at=None, archived_at=None))
            db.session.execute(delete(AuditEntry).where(AuditEntry.command != "workshop.create"))
            db.session.execute(update(Activity).where(Activity.id == brainstorm_id)
                               .values(private=False, revealed_at=None, at_tables=False,
                                       merged_at=None))
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
                    at_tables, seat = self._at_tables(), self._seat(who)
                    if at_tables:
                        # Posted at the poster's table; nobody unseated posts at tables.
                        assert seat is not None
                        assert result["idea"]["table_id"] == seat
                    self.table_of_idea[result["idea"]["id"]] = result["idea"].get("table_id")
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

        # Tables: made, seated, hosted; a brainstorm at tables, merged into the plenary;
        # paper notes typed in and hands counted.

        def _tables(self) -> list[int]:
            found = list(db.session.execute(select(Table.id).where(
                Table.workshop_id == workshop.id).order_by(Table.id)).scalars())
            db.session.commit()
            return found

        def _seat(self, who: int) -> int | None:
            seat = db.session.execute(select(Participant.table_id).where(
                Participant.id == people[who].id)).scalar_one()
            db.session.commit()
            return seat

        def _at_tables(self) -> bool:
            held = db.session.execute(select(Activity.at_tables, Activity.merged_at).where(
                Activity.id == brainstorm_id)).one()
            db.session.commit()
            return held.at_tables and held.merged_at is None

        def _pick_table(self, pick: int | None) -> int | None:
            existing = self._tables()
            return None if pick is None or not existing else existing[pick % len(existing)]

        @initialize(tables=st.integers(0, 3), at_tables=st.booleans())
        def start_at_tables(self, tables, at_tables):
            # Half the runs start with the brainstorm at tables (instead of private), everyone
            # seated at up to three tables and one idea posted from each phone, so that the
            # rules meet ideas of several tables from the first step.
            for key in TABLE_KEYS[:tables]:
                self.create_table(key)
            self.assign(everyone=False)
            if at_tables:
                self._run("activity.update", facilitator, {
                    "activity_id": brainstorm_id,
                    "settings": {"at_tables": True, "private": False}})
                for who in range(PEOPLE):
                    self.post(who, KEYS[0], f"At my table {who}")
                # A host at the first table, and paper notes typed in by them and the
                # facilitator.
                first = self._pick_table(0)
                host = next((who for who in range(PEOPLE) if self._seat(who) == first), None)
                if host is not None:
                    self.set_host(0, host)
                    self.enter(host, KEYS[0], None, None, False)
                self.enter(-1, KEYS[0], 1, "company", True)

        @rule(key=st.sampled_from(TABLE_KEYS))
        def create_table(self, key):
            made = self._run("table.create", facilitator, {"key": key, "name": f"Table {key}"})
            if made:
                # Sent again, the same key answers the same table.
                again = self._run("table.create", facilitator, {"key": key, "name": "Other"})
                assert again["table"]["id"] == made["table"]["id"]

        @rule(pick=st.integers(0, 20))
        def delete_table(self, pick):
            table = self._pick_table(pick)
            if table is None:
                return
            carried = db.session.execute(select(func.count()).select_from(Idea).where(
                Idea.table_id == table)).scalar_one()
            db.session.commit()
            deleted = self._run("table.delete", facilitator, {"table_id": table})
            # The record keeps every idea's table: a table with ideas stays.
            assert (deleted is None) if carried else (
                deleted is not None or self.archived is not None)

        @rule(everyone=st.booleans())
        def assign(self, everyone):
            self._run("tables.assign", facilitator, {"everyone": everyone})

        @rule(who=st.integers(0, PEOPLE - 1), pick=st.none() | st.integers(0, 20))
        def seat(self, who, pick):
            self._run("table.seat", facilitator,
                      {"participant_id": people[who].id, "table_id": self._pick_table(pick)})

        @rule(open_=st.booleans())
        def set_choice(self, open_):
            self._run("tables.set_choice", facilitator, {"open": open_})

        @rule(who=st.integers(0, PEOPLE - 1), pick=st.integers(0, 20))
        def choose(self, who, pick):
            table = self._pick_table(pick)
            if table is None:
                return
            before = self._seat(who)
            try:
                result, facts = commands.run("table.choose", db.session, phones[who],
                                             {"table_id": table})
            except DomainError:
                db.session.rollback()
                return
            db.session.commit()
            assert self._seat(who) == table
            if facts:
                assert before != table
                self.audited += 1  # a participant's change, logged as a facilitator's is

        @rule(pick=st.integers(0, 20), who=st.none() | st.integers(0, PEOPLE - 1))
        def set_host(self, pick, who):
            table = self._pick_table(pick)
            if table is None:
                return
            named = self._run("table.set_host", facilitator, {
                "table_id": table, "participant_id": None if who is None else people[who].id})
            if named and who is not None:
                assert self._seat(who) == table  # a host sits at their table

        @rule(at_tables=st.booleans())
        def hold_at_tables(self, at_tables):
            # Exclusive with private: refused while the brainstorm is private.
            self._run("activity.update", facilitator,
                      {"activity_id": brainstorm_id, "settings": {"at_tables": at_tables}})

        @rule()
        def merge_into_plenary(self):
            self._run("brainstorm.merge", facilitator, {"activity_id": brainstorm_id})

        @rule(by=st.integers(-1, PEOPLE - 1), key=st.sampled_from(KEYS[:3]),
              pick=st.none() | st.integers(0, 20),
              kind=st.sampled_from([None, "city", "company"]),
              into_brainstorm=st.booleans())
        def enter(self, by, key, pick, kind, into_brainstorm):
            # From paper: by the facilitator (by == -1) or by a phone, which must host a table.
            payload = {"key": key, "text": f"On paper {key}", "table_id": self._pick_table(pick),
                       "organisation_type": kind}
            if into_brainstorm:
                payload["activity_id"] = brainstorm_id
            actor = facilitator if by < 0 else phones[by]
            try:
                result, facts = commands.run("idea.enter", db.session, actor, payload)
            except DomainError:
                db.session.rollback()
                return
            db.session.commit()
            idea = result["idea"]
            if (by, key) in self.entered:
                # Sent again: the same idea, stored once, told nobody again.
                assert idea["id"] == self.entered[(by, key)]
                assert not facts
                return
            assert idea["id"] not in self.answered
            assert idea.get("on_paper") is True
            self.entered[(by, key)] = idea["id"]
            self.posted.add(idea["id"])
            self.answered.add(idea["id"])
            self.table_of_idea[idea["id"]] = idea.get("table_id")
            if by >= 0:
                assert idea["table_id"] == self._seat(by)  # a host's note is their table's
            self.audited += 1

        @rule(pick=st.integers(0, 20), hands=st.sampled_from([0, 1, 12]))
        def count_hands(self, pick, hands):
            existing = self._ideas()
            if not existing:
                return
            votes = db.session.execute(select(Vote.idea_id, Vote.participant_id)).all()
            db.session.commit()
            self._run("hands.set", facilitator, {"activity_id": vote_id,
                                                 "idea_id": existing[pick % len(existing)],
                                                 "hands": hands})
            assert db.session.execute(select(Vote.idea_id, Vote.participant_id)).all() == votes
            db.session.commit()

        @invariant()
        def no_phone_holds_another_tables_idea_while_held(self):
            held = db.session.execute(select(Activity.id).where(
                Activity.workshop_id == workshop.id, Activity.at_tables.is_(True),
                Activity.merged_at.is_(None))).scalars().all()
            if not held:
                db.session.commit()
                return
            placed = dict(db.session.execute(select(Idea.id, Idea.table_id).where(
                Idea.workshop_id == workshop.id, Idea.activity_id.in_(held))).all())
            for who, phone in enumerate(phones):
                seat = self._seat(who)
                snap = snapshot.snapshot(db.session, phone)
                assert snap["me"]["table_id"] == seat
                seen = {i["id"] for i in snap["ideas"]}
                seen |= {i for c in snap["clusters"] for i in c["idea_ids"]}
                for idea in seen & placed.keys():
                    assert seat is not None and placed[idea] == seat, (
                        f"phone at table {seat} holds idea {idea} of table {placed[idea]}")
            db.session.commit()

        @invariant()
        def hosts_sit_at_their_tables_and_paper_is_seated_nowhere(self):
            tables = snapshot.snapshot(db.session, facilitator)["tables"]
            for table in tables:
                people_there = {p for p, t in db.session.execute(select(
                    Participant.id, Participant.table_id).where(
                    Participant.workshop_id == workshop.id, Participant.on_paper.is_(False)))
                    if t == table["id"]}
                assert table["host_id"] is None or table["host_id"] in people_there
                # The stand-in author of paper notes is nobody seated.
                assert table["seated"] == len(people_there)
            db.session.commit()

        @invariant()
        def every_idea_keeps_its_table_and_a_merge_shows_each_once(self):
            stored = dict(db.session.execute(select(Idea.id, Idea.table_id).where(
                Idea.workshop_id == workshop.id)).all())
            assert {i: stored[i] for i in self.table_of_idea if i in stored} == {
                i: t for i, t in self.table_of_idea.items() if i in stored}
            merged = db.session.execute(select(Activity.merged_at).where(
                Activity.id == brainstorm_id)).scalar_one()
            if merged is not None:
                standing = set(db.session.execute(select(Idea.id).where(
                    Idea.activity_id == brainstorm_id, Idea.hidden.is_(False),
                    Idea.merge_id.is_(None))).scalars())
                for phone in phones:
                    shown = [i for i in snapshot.snapshot(db.session, phone)["ideas"]
                             if i.get("activity_id") == brainstorm_id]
                    ids = [i["id"] for i in shown]
                    assert len(ids) == len(set(ids)) and set(ids) == standing
                    assert all(i.get("table_id") == stored[i["id"]] for i in shown)
            db.session.commit()

        @invariant()
        def hands_are_counted_beside_the_phones_votes_never_as_them(self):
            snap = snapshot.snapshot(db.session, phones[0])
            tallies = dict(db.session.execute(select(HandTally.idea_id, HandTally.hands)).all())
            votes = dict(db.session.execute(
                select(Vote.idea_id, func.count()).group_by(Vote.idea_id)).all())
            db.session.commit()
            assert all(hands >= 1 for hands in tallies.values())
            for row in snap["results"] or []:
                assert row["votes"] == votes.get(row["idea_id"], 0)
                # A vote with hands counted carries them, and their sum, beside every idea.
                assert row.get("hands", 0) == tallies.get(row["idea_id"], 0)
                assert row.get("total", row["votes"]) == row["votes"] + row.get("hands", 0)

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
