"""Slow results computed off the page's script thread, in one bounded pool for the server.

A Streamlit page reruns from the top on every click or key press. When a rerun
also has to retrain a model, a quick typist's next key presses would queue up
behind it. So the page asks this pool for the result instead: it shows the
result if it is ready, and otherwise the last one it had while a poller reruns
the page once the new one is in.

One pool serves every session of the server, with these rules:

- **Results are cached by their inputs and shared.** A request names its
  inputs with a key; the same key from any session is computed once (a class
  filling in the true labels all asks for the same thing).
- **Per session, only the newest request matters.** A session's new request
  cancels that session's older queued request for the same function, never
  another session's; a queued job that several sessions asked for runs as
  long as one of them still wants it.
- **Newest first, sessions in turn.** A free worker takes the newest request
  of the session that was served longest ago.
- **Quick results are never stuck behind slow ones.** A kind of job (its
  function) whose recent jobs took over ``SLOW_JOB_SECONDS`` each never takes
  the last free worker: a class moving a slider at once asks for several
  slow averages, and without this they filled every worker for tens of
  seconds while the accuracy tables waited.
- **Debounce.** A request may say "not before ``delay`` seconds from now": a
  person typing replaces it before it starts, so only the pause is computed.
- **Bounded.** At most ``max_queued`` jobs wait; beyond that a request is
  refused at once (the page says results are catching up and asks again),
  so a page never blocks on the pool.
- **Faults.** A worker process that dies is replaced on the next dispatch, and
  the jobs it was running are run again once.

Workers are processes on the server (see :func:`shared_pool`): a worker
thread would share Python's global lock with the page scripts, and measured
on this project's pages it made a concurrent rerun about twice as slow; a
process does not. Functions sent to a process, their arguments and their
results must pickle, and the functions must live in a module the worker can
import (``mixture_fits``, ``semi_fits``), not in a page script.
"""

from __future__ import annotations

import functools
import importlib
import json
import multiprocessing
import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import streamlit as st
from limits import POOL_QUEUE, POOL_RESULTS
from streamlit.runtime.scriptrunner import get_script_run_ctx

POLL_SECONDS = 0.25  # how often a page looks whether its result is in, on a quiet server
POLLS_PER_SECOND = 20  # ... and at most this often for all waiting pages together
MAX_POLL_SECONDS = 1.5
DEBOUNCE_SECONDS = 0.3  # a pause this long after a key press is when a retrain starts
SLOW_JOB_SECONDS = 2.0  # a kind of job this slow (median of its recent runs) is "slow"
CATCHING_UP_SECONDS = 1.0  # ready this long and still waiting: the page says so
ABANDON_SECONDS = 30.0  # nobody asked about a queued job this long: its tab is gone
PARENT_CHECK_SECONDS = 1.0  # how often a worker looks whether its server still runs
ATTEMPTS = 2  # a job whose worker died runs once more; a second death is its own fault
NO_SESSION = "no-session"
# Niceness of the workers: 5 lets a page rerun win a contested core about 3:1 over a
# retrain, yet keeps retraining when other work fills the machine (with 10, about 9:1, a
# retrain measured 4.5 s instead of 0.7 s here while other programs kept both cores busy).
WORKER_NICENESS = 5
LOG_ENV = "CLUSTERING_JOBS_LOG"  # append one JSON line per finished job to this file
WORKERS_ENV = "CLUSTERING_WORKERS"
PRELOAD = ("semi_fits", "mixture_fits")  # imported by each worker process as it starts


class WorkerLost(RuntimeError):
    """The worker process died twice while running the same job."""


class Job(Future):
    """A requested result: a :class:`~concurrent.futures.Future` with its bookkeeping.

    ``wanted`` maps each session that still wants the result to the last time
    it asked; the times (``time.monotonic``) give the queue and compute times
    the pool reports.
    """

    def __init__(self, key: tuple, func: Callable[..., Any], args: tuple, delay: float):
        super().__init__()
        self.key, self.func, self.args = key, func, args
        self.wanted: dict[str, float] = {}
        self.requested = time.monotonic()
        self.ready = self.requested + delay  # not started before this
        self.started: float | None = None
        self.attempts = 0
        self.refused = False  # the queue was full: nothing was queued

    @property
    def channel(self) -> str:
        return self.key[0]


class LatestJobs:
    """A pool of workers that runs ``func(*args)`` per key, newest request per session first.

    Parameters
    ----------
    workers : int
        How many jobs run at once.
    process : bool
        Run jobs in child processes (spawned, so a threaded server is never
        forked) instead of threads; see the module notes for the trade-off.
    keep : int
        How many finished results to remember (the least recently asked for
        are forgotten first).
    max_queued : int
        How many jobs may wait for a worker; further requests are refused.
    preload : iterable of str
        Modules each worker process imports as it starts, so that the first
        job does not pay for the imports.
    log_path : str, optional
        Append one JSON line per finished job (queue and compute seconds,
        sessions served) to this file, for the load benchmark.
    """

    def __init__(
        self,
        workers: int = 1,
        *,
        process: bool = False,
        keep: int = POOL_RESULTS,
        max_queued: int = POOL_QUEUE,
        preload: Iterable[str] = (),
        log_path: str | None = None,
    ):
        self.workers, self.process = workers, process
        self._keep, self._max_queued = keep, max_queued
        self._preload = tuple(preload)
        self._log_path = log_path
        self._jobs: OrderedDict[tuple, Job] = OrderedDict()  # by (channel, key)
        self._queue: list[Job] = []
        self._running: set[Job] = set()
        self._latest: dict[tuple[str, str], Job] = {}  # (session, channel) -> newest request
        self._served: dict[str, float] = {}  # session -> when a job of it last started
        self._cond = threading.Condition()
        self._executor: Executor | None = None
        self._dispatcher: threading.Thread | None = None
        self.counts = dict.fromkeys(
            ("requests", "shared", "computed", "cancelled", "refused", "failed", "restarts"), 0
        )
        self.queue_seconds: deque[float] = deque(maxlen=1000)
        self.compute_seconds: deque[float] = deque(maxlen=1000)
        self._recent_compute: dict[str, deque[float]] = {}  # channel -> its latest times

    # ----- what pages call -------------------------------------------------------------

    def request(
        self,
        key: Hashable,
        func: Callable[..., Any],
        *args: Any,
        session: str | None = None,
        delay: float = 0.0,
    ) -> Job:
        """The job computing ``func(*args)`` for ``key``, queued now unless already known.

        Never blocks on a worker. ``key`` must name every input that changes
        the result (it is the cache key, with ``func``'s name). ``session``
        defaults to the calling Streamlit session. ``delay`` is the debounce:
        the job does not start before that many seconds have passed, so a
        newer request from the same session can replace it first. A refused
        job (``job.refused``, queue full) is not queued: ask again later.
        """
        session = session or current_session()
        cache_key = (channel_of(func), key)
        with self._cond:
            self.counts["requests"] += 1
            job = self._jobs.get(cache_key)
            if job is None or job.cancelled():
                job = self._new_job(cache_key, func, args, delay)
            elif job.wanted.keys() - {session}:
                self.counts["shared"] += 1
            if not job.refused:
                self._jobs.move_to_end(cache_key)
            self._make_latest(session, job)
            return job

    def finished(self, key: Hashable, func: Callable[..., Any]) -> Any | None:
        """The result for ``key`` if a job has already computed it, else None; starts nothing."""
        with self._cond:
            job = self._jobs.get((channel_of(func), key))
        if job is None or not job.done() or job.cancelled() or job.exception():
            return None
        return job.result()

    def refresh(self, job: Future, session: str | None = None) -> Future:
        """The job for the same request, asked again: keeps it wanted, re-queues a refused one.

        The poller calls this. It does nothing for a request that its session
        has since replaced by a newer one.
        """
        if not isinstance(job, Job):
            return job
        session = session or current_session()
        with self._cond:
            if self._latest.get((session, job.channel)) not in (job, None):
                return job
        if job.refused:
            return self.request(job.key[1], job.func, *job.args, session=session)
        with self._cond:
            if session in job.wanted:
                job.wanted[session] = time.monotonic()
        return job

    def waiting_note(self, job: Future) -> str | None:
        """What to tell the user while ``job`` is late, or None while all is well."""
        if not isinstance(job, Job) or job.done():
            return None
        if job.refused:
            return (
                "The server is busy with many requests: your results are catching up "
                "and will appear here as soon as there is room."
            )
        with self._cond:
            if job not in self._queue or time.monotonic() - job.ready < CATCHING_UP_SECONDS:
                return None
            ahead = sum(self._priority(other) < self._priority(job) for other in self._queue)
        ahead += len(self._running)
        return (
            f"The server is busy: your results are catching up ({ahead} "
            f"{'request' if ahead == 1 else 'requests'} ahead of yours)."
        )

    def poll_seconds(self) -> float:
        """How often a page waiting for a result should look whether it is in.

        Each look is a (small) run of the page's script, and a server runs
        scripts on about one core: thirty pages looking four times a second
        took a third of it while a class typed. So the waiting pages share
        ``POLLS_PER_SECOND`` looks, each at least every ``MAX_POLL_SECONDS``.
        """
        with self._cond:
            waiting = sum(not job.done() for job in self._latest.values())
        return min(max(POLL_SECONDS, waiting / POLLS_PER_SECOND), MAX_POLL_SECONDS)

    def stats(self) -> dict[str, Any]:
        """Counts since start, what is queued and running now, and recent median times."""
        with self._cond:
            return {
                **self.counts,
                "queued": len(self._queue),
                "running": len(self._running),
                "median queue seconds": _median(self.queue_seconds),
                "median compute seconds": _median(self.compute_seconds),
            }

    def shutdown(self) -> None:
        """Stop the workers (queued jobs are cancelled)."""
        with self._cond:
            for job in self._queue:
                job.cancel()
            self._queue.clear()
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    # ----- queue bookkeeping (under the lock) ---------------------------------------------

    def _new_job(self, cache_key: tuple, func, args: tuple, delay: float) -> Job:
        job = Job(cache_key, func, args, delay)
        if len(self._queue) >= self._max_queued:
            job.refused = True
            self.counts["refused"] += 1
            self._log("refused", job)
            return job
        self._jobs[cache_key] = job
        self._queue.append(job)
        self._forget_old()
        self._start_dispatcher()
        self._cond.notify_all()
        return job

    def _make_latest(self, session: str, job: Job) -> None:
        """Record ``job`` as the session's newest request; drop the one it replaces."""
        if not job.refused:
            job.wanted[session] = time.monotonic()
        older = self._latest.get((session, job.channel))
        self._latest[(session, job.channel)] = job
        if older is not None and older is not job:
            older.wanted.pop(session, None)
            self._drop_if_unwanted(older)

    def _drop_if_unwanted(self, job: Job) -> None:
        if job.wanted or job not in self._queue:
            return  # still wanted, or already running or done: nothing to cancel
        self._queue.remove(job)
        job.cancel()
        self._jobs.pop(job.key, None)
        self.counts["cancelled"] += 1

    def _forget_old(self) -> None:
        """Forget the least recently asked-for results, and sessions whose jobs are all gone."""
        finished = [key for key, job in self._jobs.items() if job.done()]
        for key in finished[: max(len(self._jobs) - self._keep, 0)]:
            del self._jobs[key]
        for latest, job in list(self._latest.items()):
            if job.done() and self._jobs.get(job.key) is not job:
                del self._latest[latest]
        active = {session for session, _ in self._latest}
        for session in self._served.keys() - active:
            del self._served[session]

    def _priority(self, job: Job) -> tuple[float, float]:
        """Sort key: the least recently served of its sessions first, then the newest job."""
        served = min((self._served.get(s, 0.0) for s in job.wanted), default=0.0)
        return served, -job.requested

    def _next_ready(self) -> tuple[Job | None, float | None]:
        """The job to start now, or None and how long until one is ready (None: none queued)."""
        now = time.monotonic()
        for job in list(self._queue):
            for session, asked in list(job.wanted.items()):
                if now - asked > ABANDON_SECONDS:  # its tab has stopped asking
                    del job.wanted[session]
            self._drop_if_unwanted(job)
        ready = [job for job in self._queue if job.ready <= now and self._may_start(job)]
        if ready:
            return min(ready, key=self._priority), None
        # Held slow jobs wait for a worker to finish, which wakes the dispatcher anyway.
        waits = [job.ready - now for job in self._queue if job.ready > now]
        return None, min(waits) if waits else None

    def _may_start(self, job: Job) -> bool:
        """False for a slow kind of job when it would take the last free worker (with a
        single worker, anything may run)."""
        if self.workers == 1 or not self._is_slow(job.channel):
            return True
        return self.workers - len(self._running) > 1

    def _is_slow(self, channel: str) -> bool:
        recent = self._recent_compute.get(channel)
        return bool(recent) and _median(recent) > SLOW_JOB_SECONDS

    # ----- running jobs -----------------------------------------------------------------

    def _start_dispatcher(self) -> None:
        if self._dispatcher is None or not self._dispatcher.is_alive():
            self._dispatcher = threading.Thread(
                target=self._dispatch_forever, name="jobs-dispatcher", daemon=True
            )
            self._dispatcher.start()

    def _dispatch_forever(self) -> None:
        """Start the best ready job whenever a worker is free; sleep until something changes."""
        while True:
            with self._cond:
                job, wait = (None, None)
                if len(self._running) < self.workers:
                    job, wait = self._next_ready()
                if job is None:
                    self._cond.wait(timeout=wait if wait is not None else 5.0)
                    continue
                self._queue.remove(job)
                if not job.set_running_or_notify_cancel():
                    continue
                self._start(job)
            self._submit(job)

    def _start(self, job: Job) -> None:
        job.started = time.monotonic()
        self._running.add(job)
        for session in job.wanted:
            self._served[session] = job.started
        self.queue_seconds.append(job.started - job.ready)

    def _submit(self, job: Job) -> None:
        """Hand ``job`` to the executor, replacing the executor once if it is broken."""
        job.attempts += 1
        for _ in range(2):
            executor = self._live_executor()
            try:
                work = executor.submit(job.func, *job.args)
            except BrokenProcessPool:
                self._replace_executor(executor)
                continue
            work.add_done_callback(functools.partial(self._finish, job, executor))
            return
        self._finish_with(job, error=WorkerLost("no worker process could be started"))

    def _finish(self, job: Job, executor: Executor, work: Future) -> None:
        error = work.exception()
        if isinstance(error, BrokenProcessPool):  # a worker died: this pool is unusable
            self._replace_executor(executor)
            if job.attempts < ATTEMPTS:
                self._submit(job)
                return
            error = WorkerLost(
                "the worker process stopped twice while computing this; "
                "try other settings, and tell the course's server admin"
            )
        self._finish_with(job, result=None if error else work.result(), error=error)

    def _finish_with(self, job: Job, *, result: Any = None, error: BaseException | None = None):
        with self._cond:
            self._running.discard(job)
            seconds = time.monotonic() - (job.started or time.monotonic())
            self.compute_seconds.append(seconds)
            self._recent_compute.setdefault(job.channel, deque(maxlen=5)).append(seconds)
            self.counts["failed" if error else "computed"] += 1
            self._cond.notify_all()
        if error is None:
            job.set_result(result)
        else:
            job.set_exception(error)
        self._log("finished", job, compute=seconds, ok=error is None)

    def _live_executor(self) -> Executor:
        with self._cond:
            if self._executor is None:
                self._executor = self._make_executor()
            return self._executor

    def _replace_executor(self, broken: Executor) -> None:
        """Throw away a broken process pool; the next submit starts a new one."""
        with self._cond:
            if self._executor is not broken:
                return  # already replaced (another job on it saw it break too)
            self._executor = None
            self.counts["restarts"] += 1
        broken.shutdown(wait=False, cancel_futures=True)
        self._log("restart", None)

    def _make_executor(self) -> Executor:
        if self.process:
            executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),  # no fork of a threaded server
                initializer=_prepare_worker_process,
                initargs=(os.getpid(), self._preload),
            )
            for _ in range(self.workers):  # start every worker now, not on its first job
                executor.submit(os.getpid)
            return executor
        return ThreadPoolExecutor(
            max_workers=self.workers, thread_name_prefix="jobs", initializer=_lower_priority
        )

    def _log(self, event: str, job: Job | None, **fields: Any) -> None:
        if not self._log_path:
            return
        record = {"event": event, "time": time.time(), **fields}
        if job is not None:
            record.update(
                channel=job.channel,
                sessions=len(job.wanted),
                debounce=job.ready - job.requested,
                queue=(job.started - job.ready) if job.started else None,
                attempts=job.attempts,
            )
        with open(self._log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")


def _median(values: Iterable[float]) -> float | None:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else None


def channel_of(func: Callable[..., Any]) -> str:
    """What a request is for: its function's full name (one newest request per session each)."""
    name = getattr(func, "__qualname__", type(func).__qualname__)
    return f"{func.__module__}.{name}"


def current_session() -> str:
    """The id of the Streamlit session running this code, or a fixed name outside one."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else NO_SESSION


def _lower_priority() -> None:
    """Let the page's own threads win the CPU over the worker (Linux: per-thread niceness)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)
    except (AttributeError, OSError):  # other systems: keep the normal priority
        pass


def _prepare_worker_process(server: int, modules: tuple[str, ...]) -> None:
    """A worker process of ``server``: low priority, one BLAS thread (small fits), modules
    imported."""
    from threadpoolctl import threadpool_limits

    _lower_priority()
    threadpool_limits(1)
    threading.Thread(target=_exit_with_parent, args=(server,), daemon=True).start()
    for name in modules:
        importlib.import_module(name)


def _exit_with_parent(parent: int) -> None:
    """End this worker once the server that started it is gone.

    A server killed outright (a lost replica, an out-of-memory kill) cannot
    stop its workers, and they would wait for jobs forever; seen here.
    """
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def default_workers() -> int:
    """Worker processes for the server: ``CLUSTERING_WORKERS``, else one per core."""
    return max(1, int(os.environ.get(WORKERS_ENV) or os.cpu_count() or 1))


@st.cache_resource(show_spinner=False)
def shared_pool() -> LatestJobs:
    """The one pool of worker processes that every page of every session uses."""
    return LatestJobs(
        default_workers(), process=True, preload=PRELOAD, log_path=os.environ.get(LOG_ENV)
    )


def rerun_when_done(future: Future) -> None:
    """Look at ``future`` a few times a second; rerun the whole page once it is done.

    Call it on a run that had to show "computing…": the rerun it triggers then
    finds the result ready and shows it. Meanwhile it keeps the request
    wanted, asks again if the pool was full, and says so when results are
    late because the server is busy. How often it looks is the pool's
    :meth:`LatestJobs.poll_seconds`, decided at each run of the page.
    """
    st.fragment(_look_until_done, run_every=shared_pool().poll_seconds())(future)


def _look_until_done(future: Future) -> None:
    pool = shared_pool()
    future = pool.refresh(future)
    if future.done():
        st.rerun(scope="app")
    note = pool.waiting_note(future)
    if note is not None:
        st.caption(note)


def newest_result(future: Future, shown: dict, slot: Hashable) -> tuple[Any, bool]:
    """The result of ``future`` and True once it is done, else the last one shown and False.

    ``shown`` remembers the last result per ``slot`` (keep it in session
    state), so while a new result is being computed the page shows the
    previous one (None before the first), and a poller reruns the page as
    soon as the new one is ready. A failed job shows its error and counts as
    done: nothing waits silently for a result that will not come.
    """
    if not future.done():
        rerun_when_done(future)
        return shown.get(slot), False
    error = future.exception()
    if error is not None:
        st.error(f"This result could not be computed: {error}")
        return shown.get(slot), True
    shown[slot] = future.result()
    return shown[slot], True


__all__ = [
    "DEBOUNCE_SECONDS",
    "Job",
    "LatestJobs",
    "WorkerLost",
    "newest_result",
    "rerun_when_done",
    "shared_pool",
]
