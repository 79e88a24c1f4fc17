"""The worker process's side of workshop/worker.py: read a job, run it, send back its result.

This file is loaded by its path (`BOOTSTRAP`), and the jobs import the package's pure parts
(workshop.reports, workshop.domain) with the package standing bare: importing `workshop` as
usual would run its __init__ (Flask, SQLAlchemy, Socket.IO, the models: over two seconds on
this machine) for nothing a job needs, and every start of a worker would wait for it. A job's
module must therefore import nothing of Flask or the database.
"""

from __future__ import annotations

import importlib
import sys
import types
from multiprocessing.connection import Connection
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent

# Name -> (module, function). Only these can run.
JOBS = {
    "report.pdf": ("workshop.reports.pdf", "write_pdf"),
    "report.warm_up": ("workshop.reports.pdf", "warm_up"),
    # openpyxl holds the GIL for seconds on a large workshop, as WeasyPrint does.
    "export.xlsx": ("workshop.reports.workbook", "workshop_workbook"),
    "series.xlsx": ("workshop.reports.workbook", "series_workbook"),
}

# What `python -c` runs in the child: load this file by its path and call main().
BOOTSTRAP = (
    "import importlib.util, sys; "
    "spec = importlib.util.spec_from_file_location('tupa_worker_process', sys.argv[1]); "
    "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module); "
    "module.main()"
)


def _job(name: str):
    module, function = JOBS[name]
    return getattr(importlib.import_module(module), function)


def _bare_package() -> None:
    """Make `workshop` importable without running its __init__ (see the module's docstring)."""
    package = types.ModuleType(PACKAGE.name)
    package.__path__ = [str(PACKAGE)]
    sys.modules.setdefault(PACKAGE.name, package)


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
    _bare_package()
    serve(Connection(int(sys.argv[2]), writable=False),
          Connection(int(sys.argv[3]), readable=False))
