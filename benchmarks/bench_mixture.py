"""GaussianMixture: ours against scikit-learn's, and the mixture page's rerun.

scikit-learn is timed twice, with its default BLAS threads and with one thread
(small EM fits are faster with one on this machine); the sklearn column shows
the faster of the two and the note gives both. Ours limits itself to one
thread. The three runs alternate, so a busy machine slows them alike.
Quality: the best lower bound of each side (mean log-likelihood per sample,
higher is better), or how far apart the log densities are.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext

import numpy as np
from sklearn.mixture import GaussianMixture as SkGaussianMixture
from threadpoolctl import threadpool_limits

from benchmarks.run import Row, format_seconds, median_time
from clustering import GaussianMixture, information_criteria, make_ellipsoidal_blobs
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


def curve_rows(X: np.ndarray) -> Iterator[Row]:
    """The page's BIC/AIC curve: ten fits, k = 1 … 10, each with n_init = 10."""
    ks = range(1, 11)

    def theirs():
        return [SkGaussianMixture(k, n_init=10, random_state=42).fit(X) for k in ks]

    ours_time, curve = median_time(
        lambda: information_criteria(X, ks, n_init=10, random_state=42), repeat=5
    )
    with threadpool_limits(limits=1):
        theirs_time, models = median_time(theirs, repeat=5)
    gap = np.max(np.abs(curve.bic - [model.bic(X) for model in models]))
    name = "BIC/AIC curve full, k=1..10, n_init=10: ellipsoids"
    yield Row(name, ours_time, theirs_time, f"max |Δ BIC| {gap:.1e}", "sklearn with 1 thread")


# --------------------------------------------------------------------------
# The page: every control's rerun, and how long the background curve takes
# --------------------------------------------------------------------------


def computing(app) -> bool:
    return any(info.value.startswith("Computing…") for info in app.info)


def wait_for_curve(app) -> None:
    """Rerun, as the page's poller does, until the background BIC/AIC curve is shown."""
    while computing(app):
        time.sleep(0.02)
        app.run()


UNUSED_SEEDS = itertools.count(1000)


def new_seed(app) -> None:
    """Move the seed to one no run has used (untimed), so that the next move finds no fit."""
    app.number_input(key="gm_seed").set_value(next(UNUSED_SEEDS)).run()


PAGE_MOVES = [
    # label, widget kind, key, warm-up value then the timed values, prepare
    ("anomaly % slider", "slider", "gm_anomaly_pct", [2.5, 3.0, 1.0, 4.0, 1.5, 5.0, 2.0], None),
    ("sample-size slider", "slider", "gm_n_new", [10, 100, 200, 300, 400, 500, 600], None),
    (
        "k slider, curve ready (model from it)",
        "slider",
        "gm_k",
        [4, 2, 5, 6, 7, 8, 9],
        wait_for_curve,
    ),
    ("k slider, curve not ready (fits k)", "slider", "gm_k", [4, 2, 5, 6, 7, 8, 9], new_seed),
    ("n_init slider (new n_init each move)", "slider", "gm_n_init", [9, 8, 7, 6, 5, 4, 3], None),
    ("seed (new seed each move)", "number_input", "gm_seed", [1, 2, 3, 4, 5, 6, 7], None),
    (
        "covariance type, new seed each move",
        "radio",
        "gm_cov",
        ["tied", "diag", "spherical", "full", "tied", "diag", "spherical"],
        new_seed,
    ),
    (
        "data set, new seed each move",
        "selectbox",
        "gm_data",
        ["moons", "five blobs", "ellipsoidal blobs"] * 2 + ["moons"],
        new_seed,
    ),
]


def page_rows() -> Iterator[Row]:
    """Server-side rerun after each control's move, on the page's defaults.

    Moves follow each other at once, so the worker process is still fitting
    the last move's BIC/AIC curve while the page reruns (the worst case, as
    when a slider is dragged). Rows marked "new seed each move" first move the seed
    to a value never used (untimed), so that the timed move finds no fit cached.
    """
    from benchmarks._app import rerun_time

    for label, kind, key, values, prepare in PAGE_MOVES:
        seconds = rerun_time(
            PAGE, lambda app, k=key, t=kind: getattr(app, t)(key=k), values, prepare
        )
        timed = len(values) - 1
        yield Row(f"mixtures page rerun: {label}", seconds, None, f"median of {timed} reruns")
    yield curve_ready_row()


def curve_ready_row() -> Row:
    """From an n_init move on a settled page until the BIC/AIC chart is shown."""
    from benchmarks._app import open_page, raise_if_failed

    app = open_page(PAGE)
    wait_for_curve(app)
    times = []
    for n_init in (11, 12, 13, 14, 15):
        app.slider(key="gm_n_init").set_value(n_init)
        start = time.perf_counter()
        app.run()
        wait_for_curve(app)
        times.append(time.perf_counter() - start)
        raise_if_failed(app, PAGE)
    return Row(
        "mixtures page: BIC/AIC chart ready after n_init move",
        statistics.median(times),
        None,
        "median of 5, computed in the background",
        "the page itself reruns at once; its poller looks 4 times a second",
    )


def rows() -> Iterator[Row]:
    X = make_ellipsoidal_blobs()[0]
    yield from fit_rows(X)
    yield from score_rows(X)
    yield from curve_rows(X)
    yield from page_rows()
