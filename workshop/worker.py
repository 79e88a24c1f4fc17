"""Work that holds the CPU for seconds (laying out the PDF report) in a process of its own.

A thread is not enough: WeasyPrint is Python that keeps the GIL for most of its seconds, so
the event loop, and every phone of every room, would wait behind it. A second process has a
GIL of its own.

Why not concurrent.futures.ProcessPoolExecutor: its manager thread, queues and locks are the
threading module that eventlet monkey-patches, and its "spawn" and "forkserver" children run
the parent's main script again (run.py: monkey patching, create_app). So the worker is a
plain child (workshop/worker_process.py, which imports nothing of the app), started on first
use (fork and exec at once: no monkey-patched state is carried over), and spoken to through
two pipes with multiprocessing.connection's framing (plain data: names, dicts, strings, bytes).

The parent waits for an answer through workshop/offload.py (eventlet.tpool under run.py):
a real OS thread blocks in the pipe's read without the GIL while the event loop runs. One
job at a time per worker; callers queue on a lock meanwhile. A worker that dies or overruns
its deadline is killed and started afresh for the next job.

Only jobs named in worker_process.JOBS can run: the parent sends a name and its arguments,
never code.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection

from flask import Flask, current_app

from . import worker_process
from .offload import offload

JOBS = worker_process.JOBS
# The app.extensions key of an app's Worker.
WORKER = "tupa.worker"
DEFAULT_DEADLINE = 120.0


class WorkerError(Exception):
    """The job failed in the worker, or the worker died or overran its deadline."""


class Worker:
    """One child process, started when first needed, doing one job at a time."""

    def __init__(self, deadline: float = DEFAULT_DEADLINE) -> None:
        self.deadline = deadline
        self._process: subprocess.Popen | None = None
        self._send: Connection | None = None
        self._receive: Connection | None = None
        # Taken in the caller's own context (a greenlet under eventlet), never in the thread
        # that waits on the pipe: a green lock cannot be handed across OS threads.
        self._one_at_a_time = threading.Lock()
        self.started_at: float | None = None

    @property
    def started(self) -> bool:
        """Whether the worker process is up, or a job is on its way to it."""
        return self._one_at_a_time.locked() or (
            self._process is not None and self._process.poll() is None)

    def run(self, job: str, *args):
        """Run a named job in the worker and return its result; WorkerError if it failed."""
        if job not in JOBS:
            raise ValueError(f"no such job: {job}")
        with self._one_at_a_time:
            return offload()(self._exchange, job, args)

    def _exchange(self, job: str, args: tuple):
        # Runs in the thread offload gives (or here, without an event loop): blocking is fine.
        self._ensure_started()
        # Its own references: a stop() meanwhile (the app shutting down) closes them, which
        # reads as an OSError below, rather than taking them away under this thread.
        send, receive = self._send, self._receive
        if send is None or receive is None:
            raise WorkerError("the worker stopped before the job was sent")
        try:
            send.send((job, args))
            if not receive.poll(self.deadline):
                self.stop()
                raise WorkerError(f"{job} took longer than {self.deadline:.0f} s")
            outcome, value = receive.recv()
        except (EOFError, OSError, BrokenPipeError) as error:
            self.stop()
            raise WorkerError(f"the worker stopped: {error}") from error
        if outcome != "ok":
            raise WorkerError(value)
        return value

    def _ensure_started(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self.stop()
        # Two pipes: jobs go down one, answers come up the other.
        jobs_read, jobs_write = os.pipe()
        answers_read, answers_write = os.pipe()
        try:
            # Our own interpreter and module, two file descriptor numbers: nothing from outside.
            self._process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-I", "-c", worker_process.BOOTSTRAP, worker_process.__file__,
                 str(jobs_read), str(answers_write)],
                pass_fds=(jobs_read, answers_write), stdin=subprocess.DEVNULL,
                close_fds=True)
        except OSError as error:
            os.close(jobs_write)
            os.close(answers_read)
            raise WorkerError(f"the worker could not start: {error}") from error
        finally:
            os.close(jobs_read)
            os.close(answers_write)
        self._send = Connection(jobs_write, readable=False)
        self._receive = Connection(answers_read, writable=False)
        self.started_at = time.monotonic()

    def stop(self) -> None:
        """End the worker process, if there is one; the next job starts another."""
        for connection in (self._send, self._receive):
            if connection is not None:
                with contextlib.suppress(OSError):
                    connection.close()
        self._send = self._receive = None
        self.started_at = None
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired, OSError):
                process.wait(timeout=5)


def worker(app: Flask | None = None) -> Worker:
    """The app's worker (one per server process), made on first use."""
    app = app or current_app
    found = app.extensions.get(WORKER)
    if found is None:
        found = app.extensions.setdefault(WORKER, Worker())
    return found
