"""k-means clustering: Lloyd's algorithm with k-means++ or random starts.

k-means looks for ``k`` centres that make the *inertia*, the sum of squared
distances from each point to its closest centre, as small as possible.
Lloyd's algorithm alternates two half-steps, each of which can only lower it:

1. **assign**: give every point the label of its nearest centre;
2. **update**: move every centre to the (weighted) mean of its points;

until the labels stop changing or the centres barely move. Where it ends
depends on where it starts, so :class:`KMeans` runs it ``n_init`` times and
keeps the run of lowest inertia.

Read top to bottom: starting centres, the two half-steps, Lloyd's loop
(``_lloyd``), restarts (:func:`best_of_runs`), then :class:`KMeans`, which
documents the parameters they all share. Speed lives beside the textbook, in
:mod:`clustering._kmeans_speed`: the fast kernel ``_lloyd`` picks at one place,
and the *working coordinates* of a run (scaled when huge or tiny, centred,
repeated rows collapsed). Input checks and messages: :mod:`clustering._validation`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
from sklearn import base
from sklearn.utils.validation import check_is_fitted

from clustering import _kmeans_speed as speed
from clustering import _validation as checks
from clustering._threads import blas_threads_for
from clustering.metrics import inertia

__all__ = ["KMeans", "LloydState", "best_of_runs", "init_centroids", "lloyd_steps"]


# -- 1. Starting centres --------------------------------------------------------


def kmeans_plusplus(X: np.ndarray, n_clusters: int, weights: np.ndarray,
                    rng: np.random.RandomState) -> np.ndarray:
    """Greedy k-means++: spread the starting centres out, favouring far points.

    The first centre is a random point (chance proportional to its weight).
    Each next one is drawn with chance proportional to weight x squared
    distance to the nearest centre so far; the greedy variant draws ``2 +
    int(ln k)`` candidates and keeps the one that lowers the inertia most. The
    random numbers are scikit-learn's, so the same seed picks the same points.
    """
    n_candidates = 2 + int(np.log(n_clusters))
    distances_to = speed.squared_distances_to_rows(X)  # rows -> their distances to every point
    chosen = [speed.draw_by_weight(rng, weights)]  # rng.choice(n, p=weights/sum), faster
    closest = distances_to(chosen)[0]
    potential = closest @ weights
    for _ in range(1, n_clusters):
        targets = rng.uniform(size=n_candidates) * potential
        candidates = np.searchsorted(np.cumsum(weights * closest), targets)
        candidates = np.minimum(candidates, X.shape[0] - 1)
        with_candidate = np.minimum(closest, distances_to(candidates))
        potentials = with_candidate @ weights
        best = np.argmin(potentials)
        chosen.append(candidates[best])
        closest, potential = with_candidate[best], potentials[best]
    return X[chosen]


def _init_centroids(X, n_clusters, method, weights, rng) -> np.ndarray:
    """:func:`init_centroids` without the input checks."""
    if method == "k-means++":
        return kmeans_plusplus(X, n_clusters, weights, rng)
    seeds = rng.choice(X.shape[0], size=n_clusters, replace=False, p=weights / weights.sum())
    return X[seeds]


def init_centroids(X, n_clusters: int, *, method: str = "k-means++", random_state=None,
                   sample_weight=None) -> np.ndarray:
    """``n_clusters`` starting centres, rows of ``X``: shape (n_clusters, n_features).

    ``method`` is "k-means++" (spread out, see :func:`kmeans_plusplus`) or
    "random" (distinct points, chance proportional to weight); the other
    parameters are as in :class:`KMeans` and its ``fit``.
    """
    X, weights = checks.check_kmeans_data(X, n_clusters, sample_weight, "init_centroids")
    checks.check_one_of(method, "method", checks.INIT_METHODS, owner="init_centroids")
    scale = speed.working_scale(X)  # 1 but for huge or tiny data: see _kmeans_speed
    rng = checks.check_random_state(random_state)
    return _init_centroids(speed.scaled(X, scale), n_clusters, method, weights, rng) / scale


# -- 2. The two half-steps ------------------------------------------------------


def assign(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """The assign half-step: the label (int32) of the nearest centre for every row of ``X``.

    ``||x - c||² = ||x||² - 2 x·c + ||c||²`` and ``||x||²`` is the same for
    every centre, so the smallest ``||c||² - 2 x·c`` marks the nearest: one
    matrix product for all pairs, then ``argmin`` (the first centre wins a tie).
    """
    # ||c||² as the fast kernel sums it, so that exact ties fall the same way in both.
    scores = speed.row_sq_norms(centers) - 2 * (X @ centers.T)
    return np.argmin(scores, axis=1).astype(np.int32)


def point_sums(X: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per point ``[w, w·x]``, float64: summed over a cluster (:func:`cluster_totals`),
    its weight ``W`` and weighted sum ``S``, so that its mean is ``S / W``."""
    w = weights.astype(np.float64, copy=False)[:, None]
    return np.hstack([w, w * X])


def cluster_totals(labels: np.ndarray, sums: np.ndarray, n_clusters: int) -> np.ndarray:
    """Add up the rows of ``sums`` cluster by cluster: shape (n_clusters, width)."""
    totals = np.zeros((n_clusters, sums.shape[1]))
    np.add.at(totals, labels, sums)
    return totals


def move_to_means(X, labels, sums, totals, centers) -> tuple[np.ndarray, np.ndarray]:
    """The update half-step: each centre moves to the weighted mean of its points.

    ``totals`` are the :func:`cluster_totals` of ``labels``. An empty cluster
    has no mean: it is re-seeded (:func:`reseed_empty_clusters`), or if still
    empty sits on the heaviest cluster's mean. Returns the new centres and the
    labels after re-seeding.
    """
    weight = totals[:, 0]
    if weight.all():  # the common case: no cluster is empty
        return (totals[:, 1:] / weight[:, None]).astype(centers.dtype, copy=False), labels
    labels, totals = reseed_empty_clusters(X, labels, sums, totals, centers)
    weight = totals[:, 0]
    filled = weight > 0
    new_centers = np.empty(centers.shape)
    new_centers[filled] = totals[filled, 1:] / weight[filled, None]
    new_centers[~filled] = new_centers[np.argmax(weight)]
    return new_centers.astype(centers.dtype, copy=False), labels


def reseed_empty_clusters(X, labels, sums, totals, centers) -> tuple[np.ndarray, np.ndarray]:
    """Move into each empty cluster one of the points farthest from their centres
    (those the centres explain worst); none when every point sits on its centre
    (nothing to gain, as in scikit-learn). Returns the labels and totals after."""
    empty = np.flatnonzero(totals[:, 0] == 0)
    distances = ((X - centers[labels]) ** 2).sum(axis=1)
    if distances.max() == 0:
        return labels, totals
    # The len(empty) largest distances, largest first (argpartition, as scikit-learn).
    farthest = np.argpartition(distances, -empty.size)[-empty.size :][::-1]
    labels, totals = labels.copy(), totals.copy()
    for cluster, point in zip(empty, farthest, strict=True):
        totals[labels[point]] -= sums[point]
        totals[cluster] = sums[point]
        labels[point] = cluster
    return labels, totals


class TextbookKernel:
    """Lloyd's two costly operations as the textbook states them (the reference
    for ``_kmeans_speed.FastKernel``)."""

    def __init__(self, X: np.ndarray, sums: np.ndarray):
        self.X, self.sums = X, sums

    def assign(self, centers: np.ndarray) -> np.ndarray:
        return assign(self.X, centers)

    def cluster_totals(self, labels: np.ndarray, n_clusters: int) -> np.ndarray:
        return cluster_totals(labels, self.sums, n_clusters)


# -- 3. Lloyd's loop ------------------------------------------------------------


class LloydState(NamedTuple):
    """Where Lloyd's algorithm stands after one half-step.

    ``phase`` is the half-step just taken: "init" (``iteration`` 0, ``labels``
    None), "assign" or "update". ``iteration`` counts assign/update pairs (a
    final aligning assign keeps the count, so the last state's is
    scikit-learn's ``n_iter_``). ``inertia`` is NaN inside ``_lloyd``;
    ``converged`` is set on the last state; ``center_shift``, on an update, is
    the sum of the centres' squared moves.
    """

    iteration: int
    phase: str
    centers: np.ndarray
    labels: np.ndarray | None
    inertia: float = float("nan")
    converged: bool = False
    center_shift: float = float("nan")


def _lloyd(X, centers, sums, *, max_iter: int, abs_tol: float, fast=True) -> Iterator[LloydState]:
    """Lloyd's algorithm from ``centers``: every half-step, as it happens.

    It stops when an assign changes no label, when an update moves the centres
    by at most ``abs_tol`` (a squared distance) or after ``max_iter``
    iterations; in the last two cases a final assign aligns the labels with
    the centres (scikit-learn's rules). Works in working coordinates.
    """
    n_clusters = centers.shape[0]
    # The one place where the fast path meets the textbook: same labels and
    # sums, less work (float32 first, skipped points, incremental sums).
    kernel = speed.FastKernel(X, sums) if fast else TextbookKernel(X, sums)
    yield LloydState(0, "init", centers, None)
    labels, shift, iteration = None, np.inf, 0
    for iteration in range(1, max_iter + 1):
        previous, labels = labels, kernel.assign(centers)
        unchanged = previous is not None and np.array_equal(labels, previous)
        yield LloydState(iteration, "assign", centers, labels, converged=unchanged)
        if unchanged:
            return
        totals = kernel.cluster_totals(labels, n_clusters)
        new_centers, moved_labels = move_to_means(X, labels, sums, totals, centers)
        shift = float(((new_centers - centers) ** 2).sum())
        centers = new_centers
        yield LloydState(iteration, "update", centers, moved_labels, center_shift=shift)
        if shift <= abs_tol:
            break
    labels = kernel.assign(centers)
    yield LloydState(iteration, "assign", centers, labels, converged=shift <= abs_tol)


def lloyd_steps(X, centers, *, sample_weight=None, max_iter: int = 300,
                tol: float = 1e-4) -> Iterator[LloydState]:
    """Run Lloyd's algorithm from ``centers``, yielding the state after each half-step.

    First "init", then "assign" and "update" in turn; :meth:`KMeans.fit` runs
    the same loop, so its result is the last state. ``centers`` has shape
    (n_clusters, n_features); the other parameters are as in :class:`KMeans`.
    """
    X, weights, centers = checks.check_run_inputs(X, np.shape(centers)[0], centers, sample_weight,
                                                  "lloyd_steps", max_iter=max_iter, tol=tol)
    work = speed.WorkingData.of(X, weights, tol)
    sums = point_sums(work.X, work.weights)
    for step in _lloyd(work.X, work.inward(centers), sums, max_iter=max_iter, abs_tol=work.abs_tol):
        yield work.outward_state(step)


# -- 4. Restarts ----------------------------------------------------------------


def same_partition(labels: np.ndarray, other: np.ndarray, n_clusters: int) -> bool:
    """Whether each cluster of ``labels`` lies inside one cluster of ``other``: for two
    runs with k non-empty clusters each, the same partition numbered differently."""
    mapping = np.full(n_clusters, -1, dtype=np.intp)
    mapping[labels] = other
    return bool(np.array_equal(mapping[labels], other))


def best_of_runs(X, n_clusters: int, *, init="k-means++", n_init: int = 1, random_state=None,
                 sample_weight=None, max_iter: int = 300, tol: float = 1e-4,
                 ) -> tuple[list[LloydState], int]:
    """Run Lloyd's algorithm ``n_init`` times from different starts; say which run to keep.

    The starts come one after the other from one random generator. A later
    run replaces the best so far only if its inertia is lower *and* its
    partition differs (the same clusters numbered differently differ only by
    rounding; scikit-learn's rule). Parameters as in :class:`KMeans`. Returns
    the last :class:`LloydState` of every run and the index of the run kept.
    """
    X, weights, init = checks.check_run_inputs(X, n_clusters, init, sample_weight, "best_of_runs",
                                               max_iter=max_iter, tol=tol, n_init=n_init)
    rng = checks.check_random_state(random_state)
    return _best_of_runs(X, weights, n_clusters, init, n_init, rng, max_iter=max_iter, tol=tol)


def _best_of_runs(X, weights, n_clusters, init, n_init, rng, *, max_iter, tol):
    """:func:`best_of_runs` on checked input (``init`` a method's name or centres)."""
    work = speed.WorkingData.of(X, weights, tol, collapse=True)
    sums = point_sums(work.X, work.weights)
    finals, inertias, best = [], [], 0
    with blas_threads_for(work.X.shape, n_clusters):
        for run in range(n_init):
            if isinstance(init, str):
                start = _init_centroids(work.X, n_clusters, init, work.weights, rng)
            else:
                start = work.inward(init)
            steps = _lloyd(work.X, start, sums, max_iter=max_iter, abs_tol=work.abs_tol)
            final = deque(steps, maxlen=1).pop()  # the last half-step
            finals.append(final)
            inertias.append(inertia(work.X, final.labels, final.centers, work.weights))
            lower = inertias[run] < inertias[best]
            if lower and not same_partition(final.labels, finals[best].labels, n_clusters):
                best = run
    runs = [work.outward_state(final, value) for final, value in zip(finals, inertias, strict=True)]
    return runs, best


# -- 5. The estimator -----------------------------------------------------------


class KMeans(base.ClassNamePrefixFeaturesOutMixin, base.TransformerMixin, base.ClusterMixin,
             base.BaseEstimator):
    """k-means clustering with scikit-learn's interface.

    Parameters
    ----------
    n_clusters : int, default=8
        The number of clusters ``k``, at most the number of samples.
    init : {"k-means++", "random"} or array of shape (n_clusters, n_features)
        How to pick starting centres (see :func:`init_centroids`), or the
        starting centres themselves.
    n_init : "auto" or int, default="auto"
        Runs from different starts: "auto" is 1 for "k-means++", 10 for
        "random"; an array is one start, so one run.
    max_iter : int, default=300
        The most assign/update iterations in one run.
    tol : float, default=1e-4
        A run stops when the centres move (sum of squared shifts) by at most
        ``tol`` times the mean variance of the features.
    random_state : int, RandomState or None, default=None
        Seed for the starting centres.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,)
        The cluster of each training point (int32).
    inertia_ : float
        Sum of (weighted) squared distances from each point to its centre,
        each difference taken before squaring (accurate far from the origin).
    n_iter_ : int
        Iterations run by the run kept.
    n_features_in_ : int

    Notes
    -----
    The same ``random_state`` draws the same starts as scikit-learn, runs the
    same steps and keeps the same run: ``labels_``, ``n_iter_`` and
    ``inertia_`` (up to rounding) equal scikit-learn's on the chapter's five
    blobs, moons and ellipsoids, k 1 to 10, seeds 0 to 4, either init
    (``tests/test_kmeans_parity.py``). They can differ only where

    - ``X`` has 20,000 rows or more, at most 80% distinct (a photo's pixels):
      the distinct rows are clustered, weighted by their counts (the same
      objective), so a seed draws its starts among other rows;
    - ``X`` is float32: we sum in float64, scikit-learn in float32, and the
      rounding can tip a point lying on a tie;
    - a cluster stays empty because every point sits on its centre: ours sits
      on the heaviest cluster's mean, scikit-learn's on its weighted *sum*
      when the heaviest cluster comes later in the numbering;
    - a point is equidistant from two centres up to the last bit.

    As in scikit-learn, stopping at ``max_iter`` does not warn. Data of
    magnitude above 2**50 or below 2**-50 is scaled by a power of two (exact)
    so that squares never overflow; an inertia beyond float64 raises a ``ValueError``.
    """

    def __init__(self, n_clusters=8, *, init="k-means++", n_init="auto", max_iter=300,
                 tol=1e-4, random_state=None):
        self.n_clusters, self.init, self.n_init = n_clusters, init, n_init
        self.max_iter, self.tol, self.random_state = max_iter, tol, random_state

    def fit(self, X, y=None, sample_weight=None):
        """Cluster ``X`` (n_samples, n_features): ``n_init`` runs, keep the best.
        ``sample_weight`` (n_samples,) says how much each point counts (default
        1 each); ``y`` is ignored."""
        checks.check_kmeans_params(self)
        X = checks.check_data(self, X)
        weights, init = checks.check_weights_and_init(X, self.n_clusters, self.init,
                                                      sample_weight, "KMeans")
        self._n_init = checks.resolve_n_init(self.init, self.n_init)  # as scikit-learn records it
        rng = checks.check_random_state(self.random_state)
        runs, best = _best_of_runs(X, weights, self.n_clusters, init, self._n_init, rng,
                                   max_iter=self.max_iter, tol=self.tol)
        kept = runs[best]
        checks.check_finite_inertia(kept.inertia)
        self.labels_, self.cluster_centers_ = kept.labels, kept.centers
        self.inertia_, self.n_iter_ = kept.inertia, kept.iteration
        self._n_features_out = self.n_clusters
        checks.warn_if_fewer_clusters(self.labels_, self.n_clusters)
        return self

    def _check_new_data(self, X) -> np.ndarray:
        check_is_fitted(self)
        return checks.check_data(self, X, reset=False)

    def predict(self, X):
        """The label of the nearest centre for each row of ``X``."""
        return speed.predict_labels(self._check_new_data(X), self.cluster_centers_)

    def transform(self, X):
        """Distance from each row of ``X`` to every centre, shape (n_samples, n_clusters):
        new features, far fewer than the old ones when k is small."""
        return speed.distances_to_centers(self._check_new_data(X), self.cluster_centers_)

    def score(self, X, y=None, sample_weight=None):
        """Minus the inertia of ``X`` with the fitted centres (higher is better)."""
        X = self._check_new_data(X)
        weights = checks.check_sample_weight(sample_weight, X)
        labels = speed.predict_labels(X, self.cluster_centers_)
        return -inertia(X, labels, self.cluster_centers_, weights)
