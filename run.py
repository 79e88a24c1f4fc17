"""Start Tupa on eventlet: the one place eventlet is imported, and it must come first."""

import warnings  # noqa: I001  (already loaded by Python itself: it patches nothing)

# Known: eventlet is in bug-fix mode; gevent or threading is these lines plus SOCKETIO_ASYNC_MODE.
warnings.filterwarnings("ignore", message="\\s*Eventlet is deprecated")

import eventlet  # noqa: E402  (must patch before anything else imports socket or threading)

eventlet.monkey_patch()

import gc  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402

from eventlet import tpool  # noqa: E402
from eventlet.support.psycopg2_patcher import make_psycopg_green  # noqa: E402

from workshop import create_app  # noqa: E402
from workshop.extensions import socketio  # noqa: E402
from workshop.offload import install  # noqa: E402
from workshop.startup import prepare  # noqa: E402

# psycopg2 waits in C; this lets a PostgreSQL query yield to other phones' greenlets.
make_psycopg_green()


def _raise_open_file_limit(wanted: int) -> None:
    """Every phone is an open socket: lift the soft file limit towards the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def _collect_garbage_seldom() -> None:
    """Keep Python's collector from pausing a busy room.

    A full collection walks every live object, and 1,000 connected phones are millions of
    them (greenlets, queues, sockets): each pause held every phone's frames for tens of
    milliseconds (1,000 phones posting: fan-out p99 274 ms with the defaults, 148 ms with
    these; docs/performance.md). What start-up made is frozen out of the walk, and the
    collector runs after 50,000 new objects instead of 700; Tupa keeps few reference cycles,
    so memory stays where it was.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


app = create_app()
# Password hashes (and other CPU-heavy work) run in a real OS thread, not on the event loop:
# hashlib.scrypt lets go of the GIL, so every room goes on while a sign-in is checked.
install(app, tpool.execute)

if __name__ == "__main__":
    prepare(app)
    _collect_garbage_seldom()
    _raise_open_file_limit(app.config["MAX_CONNECTIONS"] + 256)
    socketio.run(
        app,
        host=app.config["HOST"],
        port=app.config["PORT"],
        # eventlet.wsgi serves 1,024 sockets at once unless told otherwise: one busy room.
        max_size=app.config["MAX_CONNECTIONS"],
        log_output=os.environ.get("TUPA_ACCESS_LOG") == "1",
    )
