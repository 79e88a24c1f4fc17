"""Races between connections: bursts of taps, one key from many connections at once, and
PostgreSQL's row locks taken in an order that cannot deadlock.

Each thread is one connection with its own app context and session."""

from __future__ import annotations

import queue
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
from arrange import as_facilitator, as_participant, count, run_at_once
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from workshop.domain.errors import DomainError
from workshop.extensions import db
from workshop.models import Idea, Vote
from workshop.realtime import commands
from workshop.services import agenda, clusters, erasure, ideas, votes
from workshop.services.access import workshop_for_change
from workshop.services.sequence import current_sequence


def votes_by_idea(app) -> Counter:
    """Stored votes per idea, read in a fresh session."""
    with app.app_context():
        return Counter(db.session.execute(select(Vote.idea_id)).scalars())


def test_twenty_taps_at_once_with_five_votes_left_store_exactly_five(
    app, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting", vote_budget=5)
    voter, _ = make_participant(workshop)
    idea_ids = [add_idea(voter, f"Idea {n}") for n in range(4)]
    actor = as_participant(voter)

    outcomes = run_at_once(app, 20, lambda n: votes.cast_vote(
        db.session, actor, f"tap-{n}", idea_ids[n % 4]))

    assert Counter(outcomes) == {"stored": 5, "vote_budget_spent": 15}
    assert sum(votes_by_idea(app).values()) == 5


def test_the_per_idea_cap_holds_under_a_burst(app, make_workshop, make_participant, add_idea):
    workshop = make_workshop(phase="voting", vote_budget=5, votes_per_idea=2)
    voter, _ = make_participant(workshop)
    a = add_idea(voter, "A")
    b = add_idea(voter, "B")
    actor = as_participant(voter)

    outcomes = run_at_once(app, 20, lambda n: votes.cast_vote(
        db.session, actor, f"tap-{n}", a if n % 2 else b))

    assert Counter(outcomes) == {"stored": 4, "vote_cap_reached": 16}
    assert votes_by_idea(app) == {a: 2, b: 2}


def test_one_key_sent_from_many_connections_at_once_stores_one_idea(
    app, make_workshop, make_participant
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    actor = as_participant(author)
    answers = []

    def post(_n: int) -> None:
        answers.append(ideas.post_idea(db.session, actor, "same-key", "Benches"))

    outcomes = run_at_once(app, 10, post)

    assert outcomes == ["stored"] * 10
    assert len({result["idea"]["id"] for result, _ in answers}) == 1
    assert sum(len(facts) for _, facts in answers) == 1
    with app.app_context():
        assert count(db.session, Idea) == 1


def test_one_vote_key_sent_from_many_connections_at_once_stores_one_vote(
    app, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    idea_id = add_idea(voter, "A")
    actor = as_participant(voter)

    outcomes = run_at_once(app, 10, lambda _n: votes.cast_vote(db.session, actor, "v1", idea_id))

    assert outcomes == ["stored"] * 10
    assert votes_by_idea(app) == {idea_id: 1}


def test_a_vote_locks_its_voter_and_shares_the_workshop_with_other_votes(
    app, session, make_workshop, make_participant, add_idea
):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time")
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    idea_id = add_idea(voter, "A")

    votes.cast_vote(session, as_participant(voter), "v1", idea_id)  # not committed yet

    with db.engine.connect() as other:
        # Another participant's vote goes ahead: votes share the workshop's row.
        other.execute(text("SELECT id FROM workshop WHERE id = :id FOR SHARE NOWAIT"),
                      {"id": workshop.id})
        other.rollback()
        # A phase change waits for the votes in flight, so none lands after the reveal.
        with pytest.raises(OperationalError):
            other.execute(text("SELECT id FROM workshop WHERE id = :id FOR NO KEY UPDATE NOWAIT"),
                          {"id": workshop.id})
        other.rollback()
        # Another command of the same voter waits: the count-then-insert is one step.
        with pytest.raises(OperationalError):
            other.execute(text("SELECT id FROM participant WHERE id = :id FOR UPDATE NOWAIT"),
                          {"id": voter.id})


# PostgreSQL's row locks: a participant's idea command waits for the workshop's row before it
# holds any other row, so a facilitator holding the workshop never waits for it (no deadlock),
# and it sees the phase and the idea as the facilitator left them.


def _waiting_for_the_workshop(app, action) -> Future:
    """Start action(session) on its own connection; return once it waits for a lock held here."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time")
    backend = queue.Queue()

    def run() -> str:
        with app.app_context():
            backend.put(db.session.connection().connection.dbapi_connection.get_backend_pid())
            try:
                action(db.session)
                db.session.commit()
                return "stored"
            except DomainError as error:
                db.session.rollback()
                return error.code

    pool = ThreadPoolExecutor(max_workers=1)
    waiting = pool.submit(run)
    pool.shutdown(wait=False)
    pid = backend.get(timeout=10)
    deadline = time.monotonic() + 10
    waited_on = None
    with db.engine.connect() as watcher:
        while time.monotonic() < deadline and not waiting.done():
            # The wait is read live but the query text is not: for a moment after a statement
            # starts waiting, `query` may still show the one before, so look again.
            blocked, query = watcher.execute(text(
                "SELECT cardinality(pg_blocking_pids(pid)) > 0, query FROM pg_stat_activity"
                " WHERE pid = :pid"), {"pid": pid}).one()
            watcher.rollback()  # pg_stat_activity is read once per transaction
            if blocked:
                waited_on = query
                # Its first lock is the workshop's row: it holds none a facilitator may need.
                if query.startswith("UPDATE workshop SET sequence") \
                        or query.endswith(("FOR NO KEY UPDATE", "FOR SHARE")):
                    return waiting
            time.sleep(0.01)
    if waited_on is not None:
        pytest.fail(f"the command waited on another lock first: {waited_on}")
    pytest.fail(f"the command did not wait for the workshop's row: {waiting.result()!r}")


def test_a_post_racing_the_close_of_posting_is_refused_under_the_lock(
    app, session, make_workshop, make_participant
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    agenda.set_phase(session, as_facilitator(workshop), "grouping")  # not committed yet

    # The post reads 'posting' (the change is not committed), then waits for the row.
    posting = _waiting_for_the_workshop(app, lambda s: commands.run(
        "idea.post", s, as_participant(author), {"key": "k1", "text": "Too late"}))
    session.commit()

    assert posting.result(timeout=10) == "posting_closed"
    assert count(session, Idea) == 0
    assert current_sequence(session, workshop.id) == 1  # phase.changed's, nothing after


def test_a_vote_racing_the_close_of_voting_is_refused_under_the_lock(
    app, session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    idea_id = add_idea(voter, "Benches")
    agenda.set_phase(session, as_facilitator(workshop), "results")  # not committed yet

    voting = _waiting_for_the_workshop(app, lambda s: commands.run(
        "vote.cast", s, as_participant(voter), {"key": "v1", "idea_id": idea_id}))
    session.commit()

    # The results told to the room stay the results: no vote lands after them.
    assert voting.result(timeout=10) == "voting_closed"
    assert count(session, Vote) == 0


def test_erasing_a_participant_while_they_post_does_not_deadlock(
    app, session, make_workshop, make_participant
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    board = as_facilitator(workshop)
    workshop_for_change(session, board)

    posting = _waiting_for_the_workshop(app, lambda s: ideas.post_idea(
        s, as_participant(author), "k1", "Mine"))
    # Deleting the author's row would wait for a post that had inserted first.
    erasure.erase_participant(session, board, author.id)
    session.commit()

    assert posting.result(timeout=10) == "not_authenticated"
    assert count(session, Idea) == 0


def test_erasing_a_participant_while_they_vote_for_their_own_idea_does_not_deadlock(
    app, session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop(phase="voting")
    voter, _ = make_participant(workshop)
    own_idea = add_idea(voter, "Mine")
    board = as_facilitator(workshop)
    workshop_for_change(session, board)

    # The vote would lock its voter, then wait for the idea's row the erasure deletes.
    voting = _waiting_for_the_workshop(app, lambda s: votes.cast_vote(
        s, as_participant(voter), "v1", own_idea))
    erasure.erase_participant(session, board, voter.id)
    session.commit()

    assert voting.result(timeout=10) == "not_authenticated"
    assert count(session, Vote) == 0


def test_moving_an_idea_while_its_author_edits_it_does_not_deadlock(
    app, session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Shade")
    board = as_facilitator(workshop)
    cluster_id = clusters.create_cluster(session, board, "c1", "Streets")[0]["cluster"]["id"]
    session.commit()
    workshop_for_change(session, board)

    editing = _waiting_for_the_workshop(app, lambda s: ideas.edit_idea(
        s, as_participant(author), idea_id, "More shade"))
    # Updating the idea's row would wait for an edit that had updated it first.
    _, moved = clusters.move_idea(session, board, idea_id, cluster_id, 0)
    session.commit()

    assert editing.result(timeout=10) == "stored"
    session.expire_all()
    idea = session.get(Idea, idea_id)
    assert (idea.text, idea.cluster_id) == ("More shade", cluster_id)
    assert [f.sequence for f in moved] == [2]
    assert current_sequence(session, workshop.id) == 3


def test_an_idea_hidden_while_its_author_deletes_it_stays(
    app, session, make_workshop, make_participant, add_idea
):
    workshop = make_workshop()
    author, _ = make_participant(workshop)
    idea_id = add_idea(author, "Rude words")
    board = as_facilitator(workshop)
    workshop_for_change(session, board)

    deleting = _waiting_for_the_workshop(app, lambda s: ideas.delete_idea(
        s, as_participant(author), idea_id))
    ideas.set_idea_hidden(session, board, idea_id, hidden=True)
    session.commit()

    # The delete reads the idea once it has the row, so it sees the idea hidden.
    assert deleting.result(timeout=10) == "not_found"
    assert count(session, Idea) == 1
