"""DBSCAN: our grid / k-d tree against scikit-learn, time and peak memory, on the moons.

Each fit runs in a fresh Python process so that its peak memory can be read
from the operating system (``VmHWM``, the resident-set high-water mark, minus
the resident size just before the fit): scikit-learn's neighbour lists and
scipy's k-d tree live outside what ``tracemalloc`` sees. The labels of both
sides are compared through a hash of the label array.

At 1,000,000 points scikit-learn's neighbour lists would need tens of
gigabytes, more than this machine has: its process runs with its address space
capped (``SKLEARN_MEMORY_CAP``) so that it fails with a MemoryError instead of
pushing everyone else's work out of memory, and the row says how much it would
have needed (estimated from the mean neighbourhood size of a sample of points).

Usage: ``make bench BENCH=dbscan``.
"""

from __future__ import annotations

import hashlib
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator

import numpy as np
from scipy.spatial import cKDTree
from sklearn.datasets import make_moons

from benchmarks._app import rerun_time
from benchmarks.run import Row, median_time

SKLEARN_MEMORY_CAP = 4 * 2**30
WORKLOADS = [(1_000, 0.05), (1_000, 0.2), (100_000, 0.05), (1_000_000, 0.05)]
SKLEARN_TOO_BIG = 1_000_000
MIN_SAMPLES = 5
PAGE = "views/dbscan.py"
RERUN_TARGET = 0.2
# Each slider's warm-up value, then distinct values: every timed rerun is a new setting.
PAGE_MOVES = {
    "db_eps": [0.2, 0.05, 0.1, 0.15, 0.25, 0.3, 0.12, 0.08],
    "db_min_samples": [5, 3, 8, 10, 4, 6, 12, 2],
    "db_k": [50, 10, 20, 30, 40, 60, 70, 80],
}


def moons(n_samples: int) -> np.ndarray:
    """The chapter's moons (noise 0.05, random_state 42) with ``n_samples`` points."""
    X, _ = make_moons(n_samples=n_samples, noise=0.05, random_state=42)
    return X


def memory_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in KiB (VmRSS, VmHWM ...)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def measure(side: str, n_samples: int, eps: float) -> dict:
    """Fit one side in this process; return its median time, extra peak memory and labels hash."""
    if side == "sklearn":
        from sklearn.cluster import DBSCAN
    else:
        from clustering import DBSCAN
    X = moons(n_samples)
    repeat = 7 if n_samples <= 10_000 else 1
    DBSCAN(eps=eps, min_samples=MIN_SAMPLES).fit(X[:100])  # warm the imports
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # restart the high-water mark (VmHWM) from the current size
    before = memory_kib("VmRSS")
    seconds, model = median_time(lambda: DBSCAN(eps=eps, min_samples=MIN_SAMPLES).fit(X), repeat)
    labels = model.labels_.astype(np.int64)
    return {
        "seconds": seconds,
        "peak_mib": (memory_kib("VmHWM") - before) / 1024,
        "labels": hashlib.sha1(labels.tobytes()).hexdigest(),
        "clusters": int(labels.max()) + 1,
    }


def measure_in_subprocess(side: str, n_samples: int, eps: float, cap: int | None = None):
    """Run :func:`measure` in a fresh process, its memory capped at ``cap`` bytes.

    Returns the measurement (None if the process failed), the failure and how long it ran.
    """
    command = [sys.executable, "-m", "benchmarks.bench_dbscan", side, str(n_samples), str(eps)]

    def limit_memory():
        if cap is not None:
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, preexec_fn=limit_memory)
    if done.returncode != 0:
        reason = "MemoryError" if "MemoryError" in done.stderr else done.stderr.strip()[-200:]
        return None, reason, time.perf_counter() - start
    return json.loads(done.stdout), "", 0.0


def neighbour_list_gib(n_samples: int, eps: float, sample: int = 2000) -> float:
    """Estimated size of scikit-learn's neighbour lists: n × mean neighbourhood × 8 bytes."""
    X = moons(n_samples)
    rows = np.random.default_rng(0).choice(n_samples, sample, replace=False)
    sizes = cKDTree(X).query_ball_point(X[rows], eps, return_length=True)
    return n_samples * sizes.mean() * 8 / 2**30


def rows() -> Iterator[Row]:
    yield from library_rows()
    yield from page_rows()


def page_rows() -> Iterator[Row]:
    """Server-side rerun of the DBSCAN page after a slider move, on its defaults."""
    for key, values in PAGE_MOVES.items():
        seconds = rerun_time(PAGE, lambda app, key=key: app.slider(key=key), values)
        verdict = "under" if seconds < RERUN_TARGET else "OVER"
        yield Row(
            f"DBSCAN page rerun after moving {key}",
            seconds,
            quality=f"{verdict} the {RERUN_TARGET * 1000:.0f} ms target",
            note="median of 7 new settings, fits not cached yet",
        )


def library_rows() -> Iterator[Row]:
    """Our DBSCAN against scikit-learn's on the moons, time and peak memory."""
    for n_samples, eps in WORKLOADS:
        name = f"DBSCAN moons {n_samples:,} eps={eps}"
        ours, _, _ = measure_in_subprocess("ours", n_samples, eps)
        memory = f"peak mem ours {ours['peak_mib']:.0f} MiB"
        cap = SKLEARN_MEMORY_CAP if n_samples >= SKLEARN_TOO_BIG else None
        theirs, failure, waited = measure_in_subprocess("sklearn", n_samples, eps, cap)
        if theirs is None:
            needed = neighbour_list_gib(n_samples, eps)
            yield Row(
                name,
                ours["seconds"],
                None,
                f"{ours['clusters']} clusters; sklearn: {failure} after {waited:.0f} s "
                f"under a {SKLEARN_MEMORY_CAP / 2**30:.0f} GiB cap",
                f"{memory}; sklearn's neighbour lists would need ≈{needed:.0f} GiB",
            )
            continue
        same = "identical labels" if ours["labels"] == theirs["labels"] else "LABELS DIFFER"
        yield Row(
            name,
            ours["seconds"],
            theirs["seconds"],
            f"{same}, {ours['clusters']} clusters",
            f"{memory}, sklearn {theirs['peak_mib']:.0f} MiB",
        )


if __name__ == "__main__":
    side, n, eps_text = sys.argv[1:]
    print(json.dumps(measure(side, int(n), float(eps_text))))
