"""GaussianMixture: ours against scikit-learn's, and the mixture page's rerun.

scikit-learn is timed twice, with its default BLAS threads and with one thread
(small EM fits are faster with one on this machine); the sklearn column shows
the faster of the two and the note gives both. Ours limits itself to one
thread. Quality: the best lower bound of each side (mean log-likelihood per
sample, higher is better), or how far apart the log densities are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from sklearn.mixture import GaussianMixture as SkGaussianMixture
from threadpoolctl import threadpool_limits

from benchmarks.run import Row, format_seconds, median_time
from clustering import GaussianMixture, make_ellipsoidal_blobs
from clustering.mixture import COVARIANCE_TYPES

REPEAT = 5
GRID_SIDE = 500
PAGE = "views/mixtures.py"


def sklearn_times(func: Callable[[], object]) -> tuple[float, object, str]:
    """scikit-learn's median time, the faster of default threads and one thread."""
    default_time, result = median_time(func, REPEAT)
    with threadpool_limits(limits=1):
        one_thread_time, _ = median_time(func, REPEAT)
    note = (
        f"sklearn default threads {format_seconds(default_time)}, "
        f"1 thread {format_seconds(one_thread_time)}"
    )
    return min(default_time, one_thread_time), result, note


def fit_rows(X: np.ndarray) -> Iterator[Row]:
    for covariance_type in COVARIANCE_TYPES:
        settings = dict(n_components=3, covariance_type=covariance_type, n_init=10)
        ours_time, ours = median_time(
            lambda s=settings: GaussianMixture(**s, random_state=42).fit(X), REPEAT
        )
        theirs_time, theirs, note = sklearn_times(
            lambda s=settings: SkGaussianMixture(**s, random_state=42).fit(X)
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
        ours_time, ours_scores = median_time(lambda m=ours: m.score_samples(grid), REPEAT)
        theirs_time, their_scores, note = sklearn_times(lambda m=theirs: m.score_samples(grid))
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
