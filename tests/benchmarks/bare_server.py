"""The stack's floor: Flask-SocketIO on eventlet doing one insert and one broadcast, nothing more.

The same protocol shape as Tupa (connect auth {workshop_id, token}, `workshop.sync`,
`idea.post` -> `idea.posted` to the room, `vote.cast`, acks {ok, data}), so the same load
generator drives both, but no Tupa logic: no identity check, no presence, no phases, no
budget, no sequence log. Whatever Tupa costs beyond this server is Tupa's own.

Started by run.py as `python bare_server.py` with HOST, PORT and DATABASE_URL. Like run.py,
it must patch before anything else imports socket or threading: a benchmark fixture is the
one other place eventlet is imported.
"""

import eventlet  # noqa: I001

eventlet.monkey_patch()

import os  # noqa: E402
import resource  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from eventlet.support.psycopg2_patcher import make_psycopg_green  # noqa: E402
from flask import Flask, request  # noqa: E402
from flask_socketio import ConnectionRefusedError, SocketIO, join_room  # noqa: E402
from sqlalchemy import (  # noqa: E402
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
    select,
)

from workshop.config import database_url  # noqa: E402
from workshop.database import tune_engine  # noqa: E402

make_psycopg_green()

MAX_CONNECTIONS = 10_000

metadata = MetaData()
ideas = Table(
    "bench_idea", metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, nullable=False, index=True),
    Column("author", String(64), nullable=False),
    Column("client_key", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
votes = Table(
    "bench_vote", metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, nullable=False),
    Column("author", String(64), nullable=False),
    Column("idea_id", Integer, nullable=False),
    Column("client_key", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The same pool size as Flask-SQLAlchemy gives Tupa, and the same SQLite tuning.
engine = create_engine(database_url(os.environ["DATABASE_URL"]))
tune_engine(engine)

app = Flask(__name__)
app.config["SECRET_KEY"] = "bare"  # noqa: S105  (nothing here is signed)
socketio = SocketIO(app, async_mode="eventlet", max_http_buffer_size=64 * 1024,
                    manage_session=False)

# sid -> (workshop id, token): the only state, as little as Tupa's own per-connection record.
phones: dict[str, tuple[int, str]] = {}


def _idea(row_id: int, workshop_id: int, author: str, text: str, created_at: datetime) -> dict:
    # Shaped and sized like Tupa's idea payload, so the bytes on the wire compare.
    return {"id": row_id, "text": text, "cluster_id": None, "position": 0, "hidden": False,
            "author": {"id": author, "nickname": "", "organisation_type": "city"},
            "created_at": created_at.isoformat(), "edited_at": None,
            "workshop_id": workshop_id}


@socketio.on("connect")
def on_connect(auth=None):
    """Take anyone who names a workshop; put them in its room."""
    if not isinstance(auth, dict) or not isinstance(auth.get("workshop_id"), int):
        raise ConnectionRefusedError("not_authenticated")
    phones[request.sid] = (auth["workshop_id"], str(auth.get("token", ""))[:64])
    join_room(f"workshop:{auth['workshop_id']}")


@socketio.on("disconnect")
def on_disconnect(*_reason):
    """Forget the connection."""
    phones.pop(request.sid, None)


@socketio.on("workshop.sync")
def on_sync(_payload=None):
    """Every idea of the workshop, as a reconnecting phone would ask for them."""
    workshop_id, _token = phones[request.sid]
    with engine.connect() as connection:
        rows = connection.execute(select(ideas).where(ideas.c.workshop_id == workshop_id)
                                  .order_by(ideas.c.id)).all()
    listed = [_idea(r.id, r.workshop_id, r.author, r.text, r.created_at) for r in rows]
    return {"ok": True, "data": {"seq": rows[-1].id if rows else 0, "ideas": listed}}


@socketio.on("idea.post")
def on_idea_post(payload):
    """Insert, commit, broadcast to the room, acknowledge."""
    workshop_id, token = phones[request.sid]
    now = datetime.now(UTC)
    with engine.begin() as connection:
        row_id = connection.execute(insert(ideas).values(
            workshop_id=workshop_id, author=token, client_key=payload["key"],
            text=payload["text"], created_at=now,
        )).inserted_primary_key[0]
    idea = _idea(row_id, workshop_id, token, payload["text"], now)
    socketio.emit("idea.posted", {"seq": row_id, "idea": idea}, to=f"workshop:{workshop_id}")
    return {"ok": True, "data": {"idea": idea}}


@socketio.on("vote.cast")
def on_vote_cast(payload):
    """Insert, commit, acknowledge: no budget, no cap."""
    workshop_id, token = phones[request.sid]
    with engine.begin() as connection:
        connection.execute(insert(votes).values(
            workshop_id=workshop_id, author=token, idea_id=payload["idea_id"],
            client_key=payload["key"], created_at=datetime.now(UTC),
        ))
    return {"ok": True, "data": {"vote": {"key": payload["key"], "idea_id": payload["idea_id"]},
                                 "votes_left": 0}}


if __name__ == "__main__":
    metadata.create_all(engine)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(MAX_CONNECTIONS + 256, hard), hard))
    print(f"bare server on http://{os.environ['HOST']}:{os.environ['PORT']}", flush=True)
    socketio.run(app, host=os.environ["HOST"], port=int(os.environ["PORT"]),
                 max_size=MAX_CONNECTIONS, log_output=False)
