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
