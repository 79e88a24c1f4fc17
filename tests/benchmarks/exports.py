"""How long a large workshop's exports take, and how long gathering one holds the event loop.

    .venv/bin/python tests/benchmarks/exports.py [--ideas 5000] [--people 500] [--votes 10000]
                                                 [--postgresql-url URL] [--runs 3]

Seeds one workshop (at its results, with clusters, decisions and an audit log as long as its
ideas) straight into a fresh database (a temporary SQLite file; PostgreSQL: a schema of its
own, dropped afterwards), then gathers its export `--runs` times and writes every format once.

Gathering runs on the server's event loop; it pauses between chunks of rows
(reports/gather.py). "Longest stretch" is the longest time between two pauses, that is how
long the room's other greenlets could wait at most. Garbage collections that happen during a
stretch are shown beside it: a full collection walks the whole heap of the process and cannot
be split by chunking. The writers run off the event loop (offload()); their times are CPU.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPOSITORY))
sys.path.insert(0, str(REPOSITORY / "tests"))

from conftest import fresh_postgresql_url  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from workshop import create_app  # noqa: E402
from workshop.config import TestConfig  # noqa: E402
from workshop.domain.people import OrganisationType  # noqa: E402
from workshop.extensions import db  # noqa: E402
from workshop.models import (  # noqa: E402
    AuditEntry,
    Cluster,
    Decision,
    Idea,
    Participant,
    Vote,
    utcnow,
)
from workshop.reports import gather  # noqa: E402
from workshop.reports.formats import ideas_csv, ideas_excel_csv, workshop_json  # noqa: E402
from workshop.reports.standings import standings_of  # noqa: E402
from workshop.reports.workbook import workshop_workbook  # noqa: E402
from workshop.services import agenda, facilitators, workshops  # noqa: E402
from workshop.services.access import Actor  # noqa: E402

TYPES = [t.value for t in OrganisationType]
CLUSTERS = 40


def seed(people_count: int, idea_count: int, vote_count: int) -> Actor:
    """A workshop at its results with the given numbers of people, ideas and votes."""
    session = db.session
    facilitator = facilitators.create_facilitator(session, "bench", "bench-password-1")
    workshop, _ = workshops.create_workshop(session, facilitator, title="Benchmark",
                                            question="How might we ...?", vote_budget=20,
                                            language="fi")
    session.flush()
    activities = agenda.agenda_payload(session, workshop.id)
    brainstorm = next(a["id"] for a in activities if a["kind"] == "brainstorm")
    vote = next(a["id"] for a in activities if a["kind"] == "vote")
    now = utcnow()
    people = [Participant(workshop_id=workshop.id, token_hash=f"{n:064d}", nickname="",
                          organisation_type=TYPES[n % len(TYPES)],
                          organisation_name=f"Organisation {n % 37}", joined_at=now)
              for n in range(people_count)]
    session.add_all(people)
    clusters = [Cluster(workshop_id=workshop.id, activity_id=brainstorm, name=f"Cluster {n}",
                        position=n, client_key=f"c{n}") for n in range(CLUSTERS)]
    session.add_all(clusters)
    session.flush()
    ideas = [Idea(workshop_id=workshop.id, participant_id=people[n % people_count].id,
                  activity_id=brainstorm, cluster_id=clusters[n % CLUSTERS].id if n % 3 else None,
                  text=f"Idea {n}: benches, shelters and timetables at the stop " * 2,
                  client_key=f"i{n}", created_at=now, hidden=n % 97 == 0)
             for n in range(idea_count)]
    session.add_all(ideas)
    session.flush()
    chance = random.Random(1)
    session.add_all([Vote(workshop_id=workshop.id, participant_id=people[n % people_count].id,
                          idea_id=ideas[chance.randrange(idea_count)].id, activity_id=vote,
                          client_key=f"v{n}", created_at=now) for n in range(vote_count)])
    session.add_all([Decision(workshop_id=workshop.id, idea_id=ideas[n].id, outcome="pilot",
                              owner_name="Espoo", owner_type="city", next_step="Try it",
                              created_at=now, updated_at=now) for n in range(1, 30)])
    # Grouping every idea is what makes a long log: one move per idea.
    session.add_all([AuditEntry(workshop_id=workshop.id, at=now, facilitator_id=facilitator.id,
                                command="cluster.move_idea",
                                objects={"idea_id": idea.id, "cluster_id": idea.cluster_id},
                                before={"cluster_id": None}, after={"cluster_id": idea.cluster_id})
                     for idea in ideas])
    workshop.phase = "results"
    session.commit()
    actor = Actor(workshop.id, facilitator_id=facilitator.id)
    session.expunge_all()
    return actor


def gather_once(actor: Actor) -> tuple[dict, float, float, list[int]]:
    """One export: (export, seconds, longest stretch between pauses, collections in ms)."""
    stretches: list[float] = []
    collections: list[int] = []
    last = [0.0]

    def pause() -> None:
        now = time.perf_counter()
        stretches.append(now - last[0])
        last[0] = now

    def collected(phase: str, info: dict, started=[0.0]) -> None:  # noqa: B006
        if phase == "start":
            started[0] = time.perf_counter()
        elif info["generation"] == 2:
            collections.append(round((time.perf_counter() - started[0]) * 1000))

    gather._let_others_run, saved = pause, gather._let_others_run
    gc.callbacks.append(collected)
    try:
        start = last[0] = time.perf_counter()
        export, _ = gather.workshop_export(db.session, actor)
        end = time.perf_counter()
        stretches.append(end - last[0])
    finally:
        gather._let_others_run = saved
        gc.callbacks.remove(collected)
        db.session.rollback()
    return export, end - start, max(stretches), collections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=5000)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--votes", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgresql-url")
    arguments = parser.parse_args()
    facilitators.PASSWORD_METHOD = "pbkdf2:sha256:1000"
    drop = None
    with tempfile.TemporaryDirectory() as folder:
        if arguments.postgresql_url:
            url, drop = fresh_postgresql_url(arguments.postgresql_url)
            kind = "postgresql"
        else:
            url, kind = f"sqlite:///{folder}/bench.db", "sqlite"
        app = create_app(TestConfig(url))
        try:
            with app.app_context():
                upgrade()
                actor = seed(arguments.people, arguments.ideas, arguments.votes)
                gc.collect()
                print(f"{kind}: {arguments.ideas} ideas, {arguments.people} participants, "
                      f"{arguments.votes} votes, {arguments.ideas} audit rows")
                for _ in range(arguments.runs):
                    export, took, longest, collections = gather_once(actor)
                    print(f"  gather {took * 1000:.0f} ms; longest stretch without a pause "
                          f"{longest * 1000:.0f} ms; full collections (ms): {collections}")
                start = time.perf_counter()
                standings_of(export)
                took = time.perf_counter() - start
                print(f"  standings (ranks, votes by type) {took * 1000:.0f} ms")
                for name, write, extra in (("JSON", workshop_json, ()), ("CSV", ideas_csv, ()),
                                           ("CSV for Excel", ideas_excel_csv, ("fi",)),
                                           ("XLSX", workshop_workbook, ("fi",))):
                    start = time.perf_counter()
                    data = write(export, *extra)
                    print(f"  write {name} {(time.perf_counter() - start) * 1000:.0f} ms, "
                          f"{len(data) / 1e6:.2f} MB")
                tracemalloc.start()
                workshop_workbook(export, "fi")
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                print(f"  XLSX peak memory while writing {peak / 1e6:.1f} MB")
                db.engine.dispose()
        finally:
            if drop:
                drop()


if __name__ == "__main__":
    main()
