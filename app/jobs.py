"""Slow results computed off the page's script thread, the latest request first.

A Streamlit page reruns from the top on every click or key press. When a rerun
also has to retrain a model (a few hundred milliseconds), a quick typist's
next key presses queue up behind it, and Streamlit may merge two queued
presses into one rerun. Training in a background thread keeps every rerun
short: the page asks for a result, shows it if ready, and otherwise shows the
last one it had while a poller reruns the page once the new one is in.

Only the newest request matters while the user is still typing, so a new
request cancels every older one that has not started yet.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import streamlit as st

POLL_SECONDS = 0.25


class LatestJobs:
    """Run ``func(*args)`` in one worker, remembering results by key.

    Parameters
    ----------
    keep : int
        How many finished results to remember (the oldest are forgotten).
    process : bool
        Work in a child process instead of a thread. A thread shares Python's
        global lock with the page, so Python-heavy work (many small NumPy
        calls) slows every rerun down while it runs; a process does not, but
        ``func``, its arguments and its result must pickle, and ``func`` must
        live in a module the child can import (not in a page script).
    """

    def __init__(self, keep: int = 256, *, process: bool = False):
        if process:
            self._executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),  # no fork of a threaded server
                initializer=_lower_priority,
            )
        else:
            self._executor = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="latest-jobs", initializer=_lower_priority
            )
        self._futures: OrderedDict[Hashable, Future] = OrderedDict()
        self._lock = threading.Lock()
        self._keep = keep

    def request(self, key: Hashable, func: Callable[..., Any], *args: Any) -> Future:
        """The future result for ``key``, started now unless already known."""
        with self._lock:
            future = self._futures.get(key)
            if future is not None and not future.cancelled():
                self._futures.move_to_end(key)
                return future
            for older in self._futures.values():
                older.cancel()  # only succeeds for jobs still waiting to start
            future = self._executor.submit(func, *args)
            self._futures[key] = future
            self._forget_old()
            return future

    def finished(self, key: Hashable) -> Any | None:
        """The result for ``key`` if a job has already computed it, else None; starts nothing."""
        with self._lock:
            future = self._futures.get(key)
        if future is None or not future.done() or future.cancelled() or future.exception():
            return None
        return future.result()

    def _forget_old(self) -> None:
        while len(self._futures) > self._keep:
            self._futures.popitem(last=False)


def _lower_priority() -> None:
    """Let the page's own threads win the CPU over the worker (Linux: per-thread niceness)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):  # other systems: keep the normal priority
        pass


@st.fragment(run_every=POLL_SECONDS)
def rerun_when_done(future: Future) -> None:
    """Look at ``future`` a few times a second; rerun the whole page once it is done.

    Call it on a run that had to show "computing…": the rerun it triggers then
    finds the result ready and shows it.
    """
    if future.done():
        st.rerun(scope="app")
