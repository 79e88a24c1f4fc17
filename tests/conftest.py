"""Fixtures shared by the app-level tests: an app per database, and factories for its rows.

Plain helpers that take their arguments from the test (actors, refusals, counts, signing in)
are in arrange.py.

Every test that asks for `app` (directly or through another fixture) runs on SQLite and,
when TEST_DATABASE_URL is set, once more on PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable

import pytest
from arrange import PASSWORD, Clock
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from workshop import create_app
from workshop.config import TestConfig, database_url
from workshop.domain.agenda import phase_of_kind
from workshop.extensions import db, socketio
from workshop.models import Idea, utcnow
from workshop.services import agenda, facilitators, participants, workshops

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def fresh_postgresql_url(base_url: str) -> tuple[str, Callable[[], None]]:
    """A URL onto a new, empty schema of the test database, and a function that drops it.

    A schema per test run lets several runs (two developers, CI, the e2e servers) share the
    one test database without seeing each other's rows.
    """
    schema = f"tupa_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(database_url(base_url))
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    url = f"{base_url}{separator}options=-csearch_path%3D{schema}"

    def drop() -> None:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()

    return url, drop


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Hundreds of test accounts need no brute-force resistance; scrypt costs 0.3 s each."""
    saved = facilitators.PASSWORD_METHOD
    facilitators.PASSWORD_METHOD = "pbkdf2:sha256:1000"
    yield
    facilitators.PASSWORD_METHOD = saved


@pytest.fixture(scope="session", params=DATABASES)
def app(request, tmp_path_factory):
    """The app on a freshly migrated database: SQLite, then PostgreSQL if configured."""
    drop = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'tupa.db'}"
    else:
        url, drop = fresh_postgresql_url(os.environ["TEST_DATABASE_URL"])
    app = create_app(TestConfig(url))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()
    if drop:
        drop()


@pytest.fixture(autouse=True)
def _empty_tables(request):
    """Each test starts with empty tables; the schema stays."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()


@pytest.fixture
def session(app):
    """A database session inside an app context, as services receive it."""
    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def make_facilitator(app):
    """Factory: a committed facilitator account (password: PASSWORD)."""

    def make(name: str | None = None):
        with app.app_context():
            facilitator = facilitators.create_facilitator(
                db.session, name or f"facilitator-{uuid.uuid4().hex[:8]}", PASSWORD
            )
            db.session.commit()
            return facilitator

    return make


@pytest.fixture
def make_workshop(app, make_facilitator):
    """Factory: a committed workshop in a given phase, e.g. make_workshop(phase="voting")."""

    def make(facilitator=None, *, phase="posting", vote_budget=5, votes_per_idea=None,
             language="en", title="Better bus stops", question="How might we ...?"):
        facilitator = facilitator or make_facilitator()
        with app.app_context():
            workshop, _ = workshops.create_workshop(
                db.session, facilitator, title=title, question=question,
                vote_budget=vote_budget, votes_per_idea=votes_per_idea, language=language,
            )
            if phase != workshop.phase:
                # Straight to the first activity in that phase, as if the facilitator went there.
                activity = next(a for a in agenda.activities_of(db.session, workshop.id)
                                if phase_of_kind(a.kind).value == phase)
                workshop.current_activity_id = activity.id
                workshop.phase = phase
            db.session.commit()
            return workshop

    return make


@pytest.fixture
def make_participant(app):
    """Factory: a committed participant of a workshop; returns (participant, token)."""

    def make(workshop, *, organisation_type="city", nickname="", organisation_name=""):
        with app.app_context():
            (participant, token), _ = participants.join(
                db.session, workshop.id, nickname=nickname, organisation_type=organisation_type,
                organisation_name=organisation_name,
            )
            db.session.commit()
            return participant, token

    return make


@pytest.fixture
def add_idea(app):
    """Factory: a committed idea, whatever the workshop's phase; returns its id."""

    def add(participant, text="An idea", *, hidden=False, key=None, activity_id=None):
        with app.app_context():
            if activity_id is None:
                # The question it answers: the workshop's first brainstorm, unless told.
                activity_id = next((a.id for a in agenda.activities_of(
                    db.session, participant.workshop_id) if a.kind == "brainstorm"), None)
            idea = Idea(workshop_id=participant.workshop_id, participant_id=participant.id,
                        text=text, hidden=hidden, client_key=key or f"seed-{text}",
                        activity_id=activity_id, created_at=utcnow())
            db.session.add(idea)
            db.session.commit()
            return idea.id

    return add


@pytest.fixture
def participant_socket(app):
    """Factory: a connected Socket.IO test client for a participant's token."""
    clients = []

    def connect(workshop, token, lang="en"):
        client = socketio.test_client(
            app, auth={"workshop_id": workshop.id, "token": token, "lang": lang}
        )
        clients.append(client)
        return client

    yield connect
    for client in clients:
        if client.is_connected():
            client.disconnect()


@pytest.fixture
def facilitator_socket(app):
    """Factory: a connected Socket.IO test client for a signed-in facilitator."""
    clients = []

    def connect(workshop, facilitator_id=None, lang="en"):
        http = app.test_client()
        with http.session_transaction() as cookie_session:
            cookie_session["facilitator_id"] = facilitator_id or workshop.facilitator_id
            cookie_session["facilitator_epoch"] = 0  # a new account's, as a sign-in stores it
        client = socketio.test_client(
            app, flask_test_client=http, auth={"workshop_id": workshop.id, "lang": lang}
        )
        clients.append(client)
        return client

    yield connect
    for client in clients:
        if client.is_connected():
            client.disconnect()


@pytest.fixture
def clock():
    """A clock the test moves by hand (arrange.Clock), starting at 1,000 s."""
    return Clock()
