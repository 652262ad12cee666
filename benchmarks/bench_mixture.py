"""GaussianMixture: ours against scikit-learn's, and the mixture page's rerun.

scikit-learn is timed twice, with its default BLAS threads and with one thread
(small EM fits are faster with one on this machine); the sklearn column shows
the faster of the two and the note gives both. Ours limits itself to one
thread. The three runs alternate, so a busy machine slows them alike.
Quality: the best lower bound of each side (mean log-likelihood per sample,
higher is better), or how far apart the log densities are.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext

import numpy as np
from sklearn.mixture import GaussianMixture as SkGaussianMixture
from threadpoolctl import threadpool_limits

from benchmarks.run import Row, format_seconds
from clustering import GaussianMixture, make_ellipsoidal_blobs
from clustering.mixture import COVARIANCE_TYPES

REPEAT = 7
GRID_SIDE = 500
PAGE = "views/mixtures.py"


def interleaved_times(ours: Callable[[], object], theirs: Callable[[], object]):
    """Median times of ours, sklearn with default threads and sklearn with one thread.

    The three alternate within every repeat, so that load from other work on
    the machine falls on all of them alike and the ratios stay meaningful.
    """
    times: dict[str, list[float]] = {"ours": [], "default": [], "one": []}
    results = {}
    for _ in range(REPEAT):
        for name in times:
            func = ours if name == "ours" else theirs
            limits = threadpool_limits(limits=1) if name == "one" else nullcontext()
            with limits:
                start = time.perf_counter()
                results[name] = func()
                times[name].append(time.perf_counter() - start)
    ours_time, default_time, one_time = (statistics.median(times[name]) for name in times)
    note = (
        f"sklearn default threads {format_seconds(default_time)}, "
        f"1 thread {format_seconds(one_time)}"
    )
    return ours_time, min(default_time, one_time), note, results["ours"], results["default"]


def fit_rows(X: np.ndarray) -> Iterator[Row]:
    for covariance_type in COVARIANCE_TYPES:
        settings = dict(n_components=3, covariance_type=covariance_type, n_init=10)
        ours_time, theirs_time, note, ours, theirs = interleaved_times(
            lambda s=settings: GaussianMixture(**s, random_state=42).fit(X),
            lambda s=settings: SkGaussianMixture(**s, random_state=42).fit(X),
        )
        quality = f"lower bound ours {ours.lower_bound_:.6f}, sklearn {theirs.lower_bound_:.6f}"
        name = f"GMM fit {covariance_type}, k=3, n_init=10: ellipsoids 1250x2"
        yield Row(name, ours_time, theirs_time, quality, note)


def score_rows(X: np.ndarray) -> Iterator[Row]:
    axis = np.linspace(-10, 10, GRID_SIDE)
    xx, yy = np.meshgrid(axis, axis)
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    for covariance_type in COVARIANCE_TYPES:
        settings = dict(n_components=3, covariance_type=covariance_type, n_init=10)
        ours = GaussianMixture(**settings, random_state=42).fit(X)
        theirs = SkGaussianMixture(**settings, random_state=42).fit(X)
        ours_time, theirs_time, note, ours_scores, their_scores = interleaved_times(
            lambda m=ours: m.score_samples(grid), lambda m=theirs: m.score_samples(grid)
        )
        quality = f"max |Δ log density| {np.max(np.abs(ours_scores - their_scores)):.1e}"
        name = f"GMM score_samples {covariance_type}: {GRID_SIDE}x{GRID_SIDE} grid"
        yield Row(name, ours_time, theirs_time, quality, note)


def page_rows() -> Iterator[Row]:
    """Server-side rerun of the page after a widget move, on its defaults."""
    from benchmarks._app import rerun_time

    moves = [
        ("anomaly % slider", "slider", "gm_anomaly_pct", [2.5, 3.0, 1.0, 4.0, 1.5, 5.0, 2.0]),
        ("k slider (models fitted with the BIC curve)", "slider", "gm_k", [4, 2, 5, 6, 7, 8, 9]),
        ("sample-size slider", "slider", "gm_n_new", [10, 100, 200, 300, 400, 500, 600]),
        ("n_init slider (refits k = 1..10)", "slider", "gm_n_init", [9, 8, 7, 6, 5, 4, 3]),
    ]
    for label, kind, key, values in moves:
        seconds = rerun_time(PAGE, lambda app, k=key, t=kind: getattr(app, t)(key=k), values)
        yield Row(f"mixtures page rerun: {label}", seconds, None, "median of 6 reruns")


def rows() -> Iterator[Row]:
    X = make_ellipsoidal_blobs()[0]
    yield from fit_rows(X)
    yield from score_rows(X)
    yield from page_rows()
