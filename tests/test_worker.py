"""The worker process for CPU-heavy jobs: results come back, failures say what they were, a
dead worker is replaced, and only named jobs run."""

from __future__ import annotations

import os
import signal

import pytest
from flask import Flask

from workshop.worker import Worker, WorkerError


@pytest.fixture
def worker():
    app = Flask(__name__)
    made = Worker(deadline=60)
    with app.app_context():
        yield made
    made.stop()


def test_a_job_runs_in_another_process_and_gives_its_result(worker):
    pdf = worker.run("report.pdf", "<!doctype html><p>Hyvää päivää, åäö</p>", "")

    assert pdf.startswith(b"%PDF-")
    assert worker.started
    assert worker._process.pid != os.getpid()


def test_a_failing_job_says_why_and_the_worker_goes_on(worker):
    with pytest.raises(WorkerError, match="TypeError"):
        worker.run("report.pdf", 1, 2)

    assert worker.run("report.pdf", "<p>x</p>", "").startswith(b"%PDF-")


def test_a_worker_that_died_is_replaced_for_the_next_job(worker):
    worker.run("report.warm_up")
    first = worker._process.pid
    os.kill(first, signal.SIGKILL)
    worker._process.wait(timeout=10)

    assert worker.run("report.warm_up") is True
    assert worker._process.pid != first


def test_only_named_jobs_run(worker):
    with pytest.raises(ValueError, match="no such job"):
        worker.run("os.system", "true")
    assert not worker.started


def test_the_workbook_is_written_in_the_worker(worker):
    """The job imports the package's pure parts only: no Flask, no database in the worker."""
    export = {"exported_at": "2026-12-02T10:00:00+00:00",
              "workshop": {"title": "Pyöräily", "question": "Miten?", "join_code": "ABCD2345",
                           "language": "fi", "time_zone": "Europe/Helsinki", "phase": "posting",
                           "created_at": "2026-12-02T09:00:00+00:00"},
              "votes_hidden_until_reveal": True, "agenda": [], "participants": [],
              "ideas": [], "clusters": [], "votes": [], "decisions": [], "audit_log": []}

    workbook = worker.run("export.xlsx", export, "fi")

    assert workbook.startswith(b"PK")  # a zip: what an .xlsx is
    assert worker.run("report.warm_up") is True
