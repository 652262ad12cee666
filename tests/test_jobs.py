"""The server's worker pool: shared results, per-session newest-first, faults, saturation."""

import json
import math
import os
import signal
import subprocess
import sys
import threading
import time

import jobs
import numpy as np
import pytest
import semi_fits
from jobs import LatestJobs

from clustering.datasets import load_digits_split
from clustering.semi_supervised import propagation_accuracies, representatives

WAIT = 60  # seconds: generous, the machine may be busy; tests never assert on time


def sleep_then_pid(seconds: float) -> int:
    """A job for a worker process: sleep, then say which process ran it."""
    time.sleep(seconds)
    return os.getpid()


@pytest.fixture
def pool():
    """A thread pool with one worker, shut down after the test."""
    pool = LatestJobs()
    yield pool
    pool.shutdown()


@pytest.fixture
def process_pool():
    """A pool with one worker process, shut down after the test."""
    pool = LatestJobs(process=True)
    yield pool
    pool.shutdown()


def occupy(pool: LatestJobs) -> threading.Event:
    """Keep the pool's one worker busy until the returned event is set."""
    release, started = threading.Event(), threading.Event()

    def blocker():
        started.set()
        release.wait(WAIT)

    pool.request("blocker", blocker, session="someone else")
    assert started.wait(WAIT)
    return release


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.01)


def test_finished_gives_a_computed_result_and_starts_nothing(pool):
    def answer():
        return "done"

    assert pool.finished("a", answer) is None  # never requested: nothing is started for it
    release = occupy(pool)
    queued = pool.request("a", answer)
    assert pool.finished("a", answer) is None  # still waiting
    release.set()
    assert queued.result(timeout=WAIT) == "done"
    assert pool.finished("a", answer) == "done"


def test_a_failed_job_reports_its_error_and_is_not_a_result(pool):
    failing = pool.request("bad", math.sqrt, -1.0)  # ValueError: math domain error
    assert isinstance(failing.exception(timeout=WAIT), ValueError)
    assert pool.finished("bad", math.sqrt) is None
    assert pool.request("bad", math.sqrt, -1.0) is failing  # the same inputs fail the same way


def test_a_process_worker_runs_the_job_in_another_process(process_pool):
    assert process_pool.request("pid", os.getpid).result(timeout=WAIT) != os.getpid()
    assert process_pool.request("sqrt", math.sqrt, 16.0).result(timeout=WAIT) == 4.0
    assert process_pool.finished("sqrt", math.sqrt) == 4.0


def test_a_killed_worker_is_replaced_and_the_next_request_succeeds(process_pool):
    worker = process_pool.request("pid", os.getpid).result(timeout=WAIT)
    os.kill(worker, signal.SIGKILL)
    wait_until(lambda: _is_gone(worker), "the worker died")
    assert process_pool.request("sqrt", math.sqrt, 16.0).result(timeout=WAIT) == 4.0
    assert process_pool.request("pid again", os.getpid).result(timeout=WAIT) != worker
    assert process_pool.stats()["restarts"] == 1


def test_a_job_whose_worker_is_killed_runs_again_on_a_new_one(process_pool):
    worker = process_pool.request("pid", os.getpid).result(timeout=WAIT)
    slow = process_pool.request("slow", sleep_then_pid, 2.0)
    wait_until(slow.running, "the slow job started")
    os.kill(worker, signal.SIGKILL)
    assert slow.result(timeout=WAIT) != worker
    assert slow.attempts == 2
    assert process_pool.stats()["restarts"] == 1


def test_workers_end_when_their_server_is_killed():
    """A server killed outright (SIGKILL) leaves no worker process behind."""
    script = (
        "import multiprocessing, os, sys, time; sys.path.insert(0, 'app'); "
        "from jobs import LatestJobs; pool = LatestJobs(2, process=True); "
        "pool.request('pid', os.getpid).result(timeout=60); "
        "print(*(p.pid for p in multiprocessing.active_children()), flush=True); "
        "time.sleep(60)"
    )
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in server.stdout.readline().split()]
    server.kill()
    server.wait()
    assert len(workers) == 2
    for worker in workers:
        wait_until(lambda worker=worker: _is_gone(worker), f"orphaned worker {worker} exited")


def _is_gone(pid: int) -> bool:
    """The process has exited (it may linger as a zombie until its parent reaps it)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return "zombie" in status.read()
    except FileNotFoundError:
        return True


def test_the_same_input_from_two_sessions_is_computed_once(pool):
    calls = []

    def train(labels):
        calls.append(labels)
        return len(labels)

    release = occupy(pool)
    first = pool.request("3141", train, "3141", session="A")
    second = pool.request("3141", train, "3141", session="B")
    assert second is first
    release.set()
    assert first.result(timeout=WAIT) == 4
    later = pool.request("3141", train, "3141", session="C")
    assert later.done() and later.result() == 4  # already known: nothing started
    assert calls == ["3141"]
    stats = pool.stats()
    assert stats["shared"] == 2
    assert stats["computed"] == 2  # the blocker and "3141"
    assert stats["median compute seconds"] is not None


def test_a_sessions_new_request_cancels_only_its_own_stale_job(pool):
    release = occupy(pool)
    bs_job = pool.request("b1", str, "b1", session="B")
    cs_old = pool.request("c1", str, "c1", session="C")
    cs_new = pool.request("c2", str, "c2", session="C")
    assert cs_old.cancelled()
    assert not bs_job.cancelled()
    release.set()
    assert bs_job.result(timeout=WAIT) == "b1"
    assert cs_new.result(timeout=WAIT) == "c2"


def test_a_job_two_sessions_want_survives_when_one_moves_on(pool):
    release = occupy(pool)
    shared = pool.request("x", str, "x", session="A")
    pool.request("x", str, "x", session="B")
    pool.request("y", str, "y", session="A")  # A moves on, B still waits for x
    assert not shared.cancelled()
    pool.request("z", str, "z", session="B")  # now nobody wants x
    assert shared.cancelled()
    release.set()


def test_newest_request_first_within_a_session_and_sessions_take_turns(pool):
    order = []

    def f(name):
        order.append(name)

    def g(name):
        order.append(name)

    def h(name):
        order.append(name)

    release = occupy(pool)
    last = pool.request("b1", f, "b1", session="B")
    pool.request("a1", f, "a1", session="A")
    pool.request("a2", g, "a2", session="A")
    pool.request("a3", h, "a3", session="A")
    release.set()
    wait_until(lambda: len(order) == 4, "four jobs ran")
    assert last.done()
    # A's newest first; B's only job does not wait behind all of A's.
    assert order == ["a3", "b1", "a2", "a1"]


def test_a_slow_kind_of_job_never_takes_the_last_free_worker(monkeypatch):
    monkeypatch.setattr(jobs, "SLOW_JOB_SECONDS", 0.05)
    pool = LatestJobs(workers=2)
    try:
        pool.request("learn", sleep_then_pid, 0.1, session="A").result(timeout=WAIT)
        release = occupy(pool)  # one worker busy, one free
        slow = pool.request("slow", sleep_then_pid, 0.0, session="A")
        quick = pool.request("quick", math.sqrt, 4.0, session="B")
        assert quick.result(timeout=WAIT) == 2.0  # the free worker went to the quick job
        assert not slow.running() and not slow.done()
        release.set()
        assert slow.result(timeout=WAIT) > 0  # both workers free again: the slow job runs
    finally:
        pool.shutdown()


def test_a_full_queue_refuses_at_once_and_says_results_are_catching_up():
    pool = LatestJobs(max_queued=2)
    try:
        release = occupy(pool)
        pool.request("s1", str, "s1", session="S1")
        pool.request("s2", str, "s2", session="S2")
        start = time.monotonic()
        refused = pool.request("s3", str, "s3", session="S3")
        assert time.monotonic() - start < WAIT  # returned, did not wait for a worker
        assert refused.refused and not refused.done()
        assert "catching up" in pool.waiting_note(refused)
        assert pool.stats()["refused"] == 1
        release.set()
        wait_until(lambda: pool.stats()["queued"] == 0, "the queue drained")
        again = pool.refresh(refused, session="S3")  # what the page's poller does
        assert not again.refused
        assert again.result(timeout=WAIT) == "s3"
    finally:
        pool.shutdown()


def test_a_long_wait_in_the_queue_is_explained(pool, monkeypatch):
    monkeypatch.setattr(jobs, "CATCHING_UP_SECONDS", 0.0)
    release = occupy(pool)
    waiting = pool.request("w", str, "w", session="W")
    assert pool.waiting_note(waiting) == (
        "The server is busy: your results are catching up (1 request ahead of yours)."
    )
    release.set()
    waiting.result(timeout=WAIT)
    assert pool.waiting_note(waiting) is None


def test_typing_only_trains_on_the_labels_at_the_pause(pool):
    calls = []

    def train(labels):
        calls.append(labels)
        return labels

    typed = [pool.request(x, train, x, session="typist", delay=0.5) for x in ("3", "31", "314")]
    assert typed[-1].result(timeout=WAIT) == "314"
    assert typed[0].cancelled() and typed[1].cancelled()
    assert calls == ["314"]


@pytest.fixture(scope="module")
def scenario():
    split = load_digits_split()
    _, kmeans = representatives(split.X_train, 20, random_state=7)
    labels = [int(y) if i % 3 else -1 for i, y in enumerate(split.y_train[:20])]
    return split, kmeans.labels_, kmeans.transform(split.X_train), labels


def test_semi_results_equal_the_librarys_and_a_percentile_move_retrains_one_set(scenario):
    split, clusters, distances, labels = scenario
    semi_fits._remembered_accuracy.cache_clear()
    shown = semi_fits.label_results(clusters, distances, labels, 99)
    expected = propagation_accuracies(
        split.X_train, split.X_test, split.y_test, distances, labels, percentile=99
    )
    assert shown[semi_fits.ROW_REPS] == expected["representatives"]
    assert shown[semi_fits.ROW_PROPAGATED] == expected["propagated"]
    assert shown[semi_fits.ROW_PARTIAL] == expected["partially propagated"]
    assert semi_fits._remembered_accuracy.cache_info().misses == 3

    moved = semi_fits.label_results(clusters, distances, labels, 90)
    assert semi_fits._remembered_accuracy.cache_info().misses == 4  # only the partial set
    again = propagation_accuracies(
        split.X_train, split.X_test, split.y_test, distances, labels, percentile=90
    )
    assert moved[semi_fits.ROW_PARTIAL] == again["partially propagated"]
    assert np.isfinite(moved["label accuracy"])


def test_a_new_session_rebuilds_the_scenario_from_the_link_and_says_so(app_at):
    """A reload or a server restart keeps what the link holds: k, seed, percentile, labels."""
    labels = "3141" + "." * 16
    app = app_at("views/semi_supervised.py")
    app.query_params = {
        "semi_k": "20",
        "semi_seed": "3",
        "semi_percentile": "90",
        "semi_labels": labels,
    }
    app.run()
    assert not app.exception
    assert app.slider(key="semi_k").value == 20
    assert app.number_input(key="semi_seed").value == 3
    assert app.slider(key="semi_percentile").value == 90
    [grid] = [e for e in app.get("bidi_component") if e.key == "semi_grid"]
    assert json.loads(grid.proto.json)["labels"] == [3, 1, 4, 1] + [-1] * 16
    assert app.toast[0].value.startswith("Restored from the link: k = 20, seed 3 and 4 labels.")
    app.slider(key="semi_percentile").set_value(80).run()
    assert app.query_params["semi_labels"] == labels
    assert not app.toast  # said once, when the session began


def test_waiting_pages_share_a_budget_of_looks_and_each_looks_at_least_every_so_often():
    pool = LatestJobs(max_queued=1000)
    try:
        release = occupy(pool)
        assert pool.poll_seconds() == jobs.POLL_SECONDS  # one page waits: it looks often
        few = round(jobs.POLLS_PER_SECOND * jobs.POLL_SECONDS) - 1
        for session in range(few):
            pool.request(("few", session), str, session, session=f"s{session}")
        assert pool.poll_seconds() == jobs.POLL_SECONDS
        for session in range(few, 2 * jobs.POLLS_PER_SECOND):
            pool.request(("many", session), str, session, session=f"s{session}")
        waiting = 2 * jobs.POLLS_PER_SECOND + 1  # and the blocker's session
        assert pool.poll_seconds() == pytest.approx(
            min(waiting / jobs.POLLS_PER_SECOND, jobs.MAX_POLL_SECONDS)
        )
        for session in range(2 * jobs.POLLS_PER_SECOND, 10 * jobs.POLLS_PER_SECOND):
            pool.request(("crowd", session), str, session, session=f"s{session}")
        assert pool.poll_seconds() == jobs.MAX_POLL_SECONDS  # nobody waits longer than this
        release.set()
        wait_until(lambda: pool.poll_seconds() == jobs.POLL_SECONDS, "the pages' looks speed up")
    finally:
        pool.shutdown()
