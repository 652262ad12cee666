"""KMeans: ours against scikit-learn's on the chapter's workloads.

Each workload runs ``n_init=10`` starts with the same seed on both sides; the
time is the median of 5 fits and the quality column gives each side's
inertia (lower is better) and how far ours is above scikit-learn's.

Wall time on a shared 2-core machine depends on the load: scikit-learn's
OpenMP threads suffer more than our single thread when the cores are busy.
So the photos get a second row: CPU time with one thread on each side, the
work each implementation really does.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator

import numpy as np
import sklearn.cluster
from sklearn.datasets import load_sample_image
from threadpoolctl import threadpool_limits

from benchmarks.run import Row, median_time
from clustering import KMeans, load_digits_split, make_five_blobs

REPEAT = 5


def workloads() -> Iterator[tuple[str, np.ndarray, int]]:
    """(name, X, k) for every workload of the issue."""
    yield "five blobs 2000x2 k=5", make_five_blobs()[0], 5
    yield "digits train 1400x64 k=50", load_digits_split().X_train, 50
    for photo in ("china.jpg", "flower.jpg"):
        pixels = load_sample_image(photo).reshape(-1, 3)
        yield f"{photo} {pixels.shape[0]}x3 k=8", pixels, 8


def median_cpu_time(func: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Like ``median_time`` but CPU time of this process, with one BLAS/OpenMP thread."""
    times, result = [], None
    with threadpool_limits(1):
        for _ in range(repeat):
            start = time.process_time()
            result = func()
            times.append(time.process_time() - start)
    return statistics.median(times), result


def compare(name: str, X: np.ndarray, k: int, timer) -> Row:
    def ours():
        return KMeans(k, n_init=10, random_state=0).fit(X)

    def theirs():
        return sklearn.cluster.KMeans(k, n_init=10, random_state=0).fit(X)

    ours_time, ours_model = timer(ours, REPEAT)
    theirs_time, theirs_model = timer(theirs, REPEAT)
    excess = 100 * (ours_model.inertia_ / theirs_model.inertia_ - 1)
    quality = (
        f"inertia ours {ours_model.inertia_:.6g}, sklearn {theirs_model.inertia_:.6g} "
        f"({excess:+.3f}%)"
    )
    return Row(name, ours_time, theirs_time, quality)


def rows() -> Iterator[Row]:
    for name, X, k in workloads():
        yield compare(f"KMeans n_init=10 {name}", X, k, median_time)
        if name.endswith("x3 k=8"):  # the photos
            yield compare(f"  CPU, 1 thread each: {name}", X, k, median_cpu_time)
