"""The background worker's extras for the mixtures page: finished results and a process worker."""

import math
import os
import threading

from jobs import LatestJobs


def test_finished_gives_a_computed_result_and_starts_nothing():
    jobs = LatestJobs()
    assert jobs.finished("a") is None  # never requested: nothing is started for it
    release = threading.Event()
    blocked = jobs.request("a", lambda: release.wait(10) and "done")
    assert jobs.finished("a") is None  # still running
    release.set()
    assert blocked.result(timeout=10) == "done"
    assert jobs.finished("a") == "done"


def test_finished_ignores_a_failed_job():
    jobs = LatestJobs()
    failing = jobs.request("bad", math.sqrt, -1.0)  # ValueError: math domain error
    assert isinstance(failing.exception(timeout=10), ValueError)
    assert jobs.finished("bad") is None


def test_a_process_worker_runs_the_job_in_another_process():
    jobs = LatestJobs(process=True)
    assert jobs.request("pid", os.getpid).result(timeout=60) != os.getpid()
    assert jobs.request("sqrt", math.sqrt, 16.0).result(timeout=60) == 4.0
    assert jobs.finished("sqrt") == 4.0
