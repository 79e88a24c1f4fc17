"""Plain helpers the tests share: who acts, what a refusal looks like, counting rows, signing in.

Fixtures (rows made per test, per database) live in conftest.py, where pytest finds them by
name. These are ordinary functions a test calls with its own arguments, so they live in an
ordinary module and are imported by name (`from arrange import as_participant`): a reader
sees where each comes from, and nothing depends on importing conftest.py as a module.
"""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from workshop.domain.errors import DomainError
from workshop.extensions import db
from workshop.models import Cluster, FactLog, Idea, Participant, Presence, Vote, Workshop
from workshop.services.access import Actor

PASSWORD = "correct horse battery"


# Services ---------------------------------------------------------------------------------------


@contextmanager
def refused(code: str):
    """Expect a DomainError with this code."""
    with pytest.raises(DomainError) as info:
        yield info
    assert info.value.code == code, info.value.message


def as_participant(participant: Participant) -> Actor:
    """The actor for a participant."""
    return Actor(participant.workshop_id, participant_id=participant.id)


def as_facilitator(workshop) -> Actor:
    """The actor for a workshop's own facilitator."""
    return Actor(workshop.id, facilitator_id=workshop.facilitator_id)


def names(facts) -> list[str]:
    """The names of facts, in order."""
    return [f.name for f in facts]


def count(session, model) -> int:
    """Rows of one table."""
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def rows_of(session, workshop_id: int) -> dict[str, int]:
    """Rows of each table that belong to one workshop, by table name."""
    counts = {}
    for model in (Workshop, Participant, Idea, Cluster, Vote, Presence, FactLog):
        column = model.id if model is Workshop else model.workshop_id
        counts[model.__tablename__] = session.execute(
            select(func.count()).select_from(model).where(column == workshop_id)).scalar_one()
    return counts


def participant_count(app) -> int:
    """Participants in the database, read in a fresh session."""
    with app.app_context():
        participants = count(db.session, Participant)
        db.session.rollback()
        return participants


def run_at_once(app, count_: int, action) -> list[str]:
    """Run action(n) for n in range(count_) in as many threads, released together.

    Each thread is one connection with its own app context and session; returns "stored" or
    the refusal's code per thread, in order.
    """
    start = threading.Barrier(count_, timeout=30)

    def one(n: int) -> str:
        with app.app_context():
            start.wait()
            try:
                action(n)
                db.session.commit()
                return "stored"
            except DomainError as error:
                db.session.rollback()
                return error.code

    with ThreadPoolExecutor(max_workers=count_) as pool:
        return list(pool.map(one, range(count_)))


# Sockets ----------------------------------------------------------------------------------------


def command(client, name: str, payload=None):
    """Send a command and return its acknowledgement."""
    if payload is None:
        return client.emit(name, callback=True)
    return client.emit(name, payload, callback=True)


def facts(client, name: str | None = None) -> list[tuple[str, dict]]:
    """The facts a test client received since last asked, optionally only one name."""
    received = [(fact["name"], fact["payload"])
                for frame in client.get_received() if frame["name"] == "facts"
                for fact in frame["args"][0]]
    return [r for r in received if name is None or r[0] == name]


# Pages ------------------------------------------------------------------------------------------


def browser(app):
    """A test browser that prefers English, as these tests read English words."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def from_address(app, address: str):
    """A test browser whose requests come from `address`."""
    client = browser(app)
    client.environ_base["REMOTE_ADDR"] = address
    return client


def csrf(html: str) -> str:
    """The CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, facilitator, password=PASSWORD, next_url=None):
    """Sign in through the form, as a browser does."""
    page = client.get("/signin")
    data = {"name": facilitator.name, "password": password, "csrf_token": csrf(page.text)}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/signin", data=data)


def signed_in(app, facilitator):
    """A browser signed in as the facilitator."""
    client = browser(app)
    assert sign_in(client, facilitator).status_code == 302
    return client


def page_data(html: str) -> dict:
    """The JSON block a realtime page reads at start."""
    found = re.search(r'<script type="application/json" id="tupa-page">(.*?)</script>', html,
                      re.S)
    return json.loads(found.group(1))


class Clock:
    """A clock the test moves by hand, so that refills need no sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
