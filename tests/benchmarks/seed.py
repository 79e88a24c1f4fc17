"""Seed one benchmark workshop straight into the database, with Tupa's own services.

    PYTHONPATH=<tupa tree> DATABASE_URL=... python seed.py PHONES IDEAS PHASE

Run by run.py against a server that has already migrated the database; PYTHONPATH picks
the Tupa tree under test, so the rows match the schema that tree's server made. Prints
{"workshop_id", "tokens", "idea_ids"} as JSON: a token per phone, and the ids of IDEAS
ideas posted by one more participant (who is not a phone) for the phones to vote on.
"""

from __future__ import annotations

import json
import os
import secrets
import sys

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from workshop.config import database_url
from workshop.database import tune_engine
from workshop.domain.agenda import phase_of_kind
from workshop.domain.people import OrganisationType
from workshop.services import agenda, facilitators, ideas, participants, workshops
from workshop.services.access import Actor

KINDS = [kind.value for kind in OrganisationType]


def seed(url: str, phones: int, idea_count: int, phase: str) -> dict:
    """A facilitator, a workshop in `phase`, its phones' participants and ideas to vote on."""
    engine = create_engine(database_url(url))
    tune_engine(engine)
    with Session(engine, expire_on_commit=False) as session:
        facilitator = facilitators.create_facilitator(
            session, f"bench-{secrets.token_hex(4)}", secrets.token_urlsafe(16))
        workshop, _ = workshops.create_workshop(
            session, facilitator, title="Benchmark", question="How might we ...?",
            vote_budget=5, votes_per_idea=None, language="en")
        tokens = []
        for n in range(phones):
            (_participant, token), _ = participants.join(
                session, workshop.id, nickname=f"phone {n}",
                organisation_type=KINDS[n % len(KINDS)],
                organisation_name="")
            tokens.append(token)
        (author, _token), _ = participants.join(session, workshop.id, nickname="author",
                                                organisation_type="city", organisation_name="")
        _stand_at(session, workshop, "posting")  # the ideas to vote on are posted first
        session.flush()
        actor = Actor(workshop_id=workshop.id, participant_id=author.id)
        idea_ids = [
            ideas.post_idea(session, actor, f"seed-{n}", f"Seeded idea {n}")[0]["idea"]["id"]
            for n in range(idea_count)
        ]
        _stand_at(session, workshop, phase)
        session.commit()
        answer = {"workshop_id": workshop.id, "tokens": tokens, "idea_ids": idea_ids}
    engine.dispose()
    return answer


def _stand_at(session: Session, workshop, phase: str) -> None:
    # The first activity in that phase, as if the facilitator went there: a vote's budget is
    # its activity's, and ideas belong to the brainstorm they were posted in.
    activity = next(a for a in agenda.activities_of(session, workshop.id)
                    if phase_of_kind(a.kind).value == phase)
    workshop.current_activity_id, workshop.phase = activity.id, phase
    session.flush()


if __name__ == "__main__":
    print(json.dumps(seed(os.environ["DATABASE_URL"], int(sys.argv[1]), int(sys.argv[2]),
                          sys.argv[3])))
