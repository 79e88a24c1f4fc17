"""The worker process's side of workshop/worker.py: read a job, run it, send back its result.

Standard library only, and loaded by its file path (`BOOTSTRAP`), as are the jobs' modules:
importing the `workshop` package would run its __init__ (Flask, SQLAlchemy, Socket.IO, the
models: over two seconds on this machine) for nothing the worker needs, and every start of a
worker would wait for it.
"""

from __future__ import annotations

import importlib.util
import sys
from multiprocessing.connection import Connection
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent

# Name -> (module file within the package, function). Only these can run.
JOBS = {
    "report.pdf": ("reports/pdf.py", "write_pdf"),
    "report.warm_up": ("reports/pdf.py", "warm_up"),
}

# What `python -c` runs in the child: load this file by its path and call main().
BOOTSTRAP = (
    "import importlib.util, sys; "
    "spec = importlib.util.spec_from_file_location('tupa_worker_process', sys.argv[1]); "
    "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module); "
    "module.main()"
)

_loaded: dict[str, object] = {}


def _job(name: str):
    path, function = JOBS[name]
    module = _loaded.get(path)
    if module is None:
        spec = importlib.util.spec_from_file_location(
            "tupa_job_" + path.replace("/", "_").removesuffix(".py"), PACKAGE / path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _loaded[path] = module
    return getattr(module, function)


def serve(jobs: Connection, answers: Connection) -> None:
    """Run each job sent and send back ("ok", result) or ("error", what went wrong)."""
    while True:
        try:
            name, args = jobs.recv()
        except (EOFError, OSError):
            return  # the server went away: so does its worker
        try:
            answer = ("ok", _job(name)(*args))
        except Exception as error:  # noqa: BLE001 (any failure goes back to say what it was)
            answer = ("error", f"{type(error).__name__}: {error}")
        answers.send(answer)


def main() -> None:
    """The worker process: `python -c BOOTSTRAP <this file> <jobs fd> <answers fd>`.

    It ends when the server does: only the server holds the other end of its jobs pipe, so
    reading the next job finds the pipe closed. (Not PR_SET_PDEATHSIG: that follows the
    thread that started the worker, which may end long before the server.)
    """
    serve(Connection(int(sys.argv[2]), writable=False),
          Connection(int(sys.argv[3]), readable=False))
