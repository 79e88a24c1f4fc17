"""A workshop after its results, written straight into the database: for the report's tests,
its browser test and its benchmark (tests/benchmarks/report_pdf.py).

Participants of three organisation types (each with a nickname and an organisation name the
report must never show), ideas in clusters, votes in the agenda's vote, one hidden idea,
decisions on an idea and on a cluster, and the room at the results.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.models import Activity, Cluster, Decision, Idea, Participant, Vote, Workshop, utcnow

SECRET_NICKNAME = "Salanimi Sirkka"
SECRET_ORGANISATION = "Salaseura Oy"
TYPES = ("city", "company", "research")


def fill(session: Session, workshop_id: int, *, ideas: int = 12, people_per_type: int = 3,
         clusters: int = 3, votes_each: int = 5, text: str = "Idea number {n}") -> dict:
    """Fill the workshop and stand it at its results; the ids and counts made, by name."""
    workshop = session.get(Workshop, workshop_id)
    activities = {a.kind: a for a in session.execute(
        select(Activity).where(Activity.workshop_id == workshop_id)
        .order_by(Activity.position.desc())).scalars()}
    brainstorm, vote, results = activities["brainstorm"], activities["vote"], activities["results"]
    now = utcnow()
    people = []
    for type_number, organisation_type in enumerate(TYPES):
        for n in range(people_per_type):
            person = Participant(workshop_id=workshop_id,
                                 token_hash=f"{workshop_id}-{type_number}-{n}",
                                 nickname=f"{SECRET_NICKNAME} {type_number}{n}",
                                 organisation_type=organisation_type,
                                 organisation_name=SECRET_ORGANISATION, joined_at=now)
            session.add(person)
            people.append(person)
    session.flush()
    made_clusters = []
    for n in range(clusters):
        cluster = Cluster(workshop_id=workshop_id, name=f"Cluster {n + 1}", position=n,
                          activity_id=brainstorm.id, client_key=f"seed-cluster-{n}")
        session.add(cluster)
        made_clusters.append(cluster)
    session.flush()
    made_ideas = []
    for n in range(ideas):
        idea = Idea(workshop_id=workshop_id, participant_id=people[n % len(people)].id,
                    text=text.format(n=n + 1), client_key=f"seed-{n}", activity_id=brainstorm.id,
                    cluster_id=made_clusters[n % clusters].id if made_clusters else None,
                    position=n, created_at=now)
        session.add(idea)
        made_ideas.append(idea)
    hidden = Idea(workshop_id=workshop_id, participant_id=people[0].id, text="Hidden words",
                  client_key="seed-hidden", activity_id=brainstorm.id, hidden=True,
                  created_at=now)
    session.add(hidden)
    session.flush()
    # Everyone gives their first vote to idea 1 (common ground), the rest spread by person.
    count = 0
    for p_number, person in enumerate(people):
        for v in range(votes_each):
            target = made_ideas[0] if v == 0 else made_ideas[(p_number * 3 + v) % len(made_ideas)]
            session.add(Vote(workshop_id=workshop_id, participant_id=person.id,
                             idea_id=target.id, activity_id=vote.id, client_key=f"v{v}",
                             created_at=now))
            count += 1
    session.add(Decision(workshop_id=workshop_id, idea_id=made_ideas[0].id, outcome="pilot",
                         owner_name="Tampereen kaupunki", owner_type="city",
                         next_step="Kokeilu kolmella pysäkillä", due_on=date(2026, 3, 31),
                         created_at=now, updated_at=now))
    if made_clusters:
        session.add(Decision(workshop_id=workshop_id, cluster_id=made_clusters[1].id,
                             outcome="investigate", owner_name="Bussiyhtiö Ab",
                             owner_type="company", next_step="Selvitys kevään aikana",
                             created_at=now, updated_at=now))
    workshop.current_activity_id, workshop.phase = results.id, "results"
    session.flush()
    return {"ideas": [i.id for i in made_ideas], "hidden": hidden.id, "votes": count,
            "participants": len(people), "clusters": [c.id for c in made_clusters]}
