"""k-means clustering: Lloyd's algorithm with k-means++ or random starts.

k-means looks for ``k`` centres (centroids) such that the *inertia*, the sum
of squared distances from each point to its closest centre, is as small as
possible. Lloyd's algorithm alternates two half-steps, each of which can only
lower the inertia:

1. **assign**: give every point the label of its nearest centre;
2. **update**: move every centre to the (weighted) mean of its points.

It stops when the labels no longer change, or when the centres barely move.
Where it ends depends on where it starts, so ``KMeans`` runs it ``n_init``
times from different starting centres and keeps the run of lowest inertia.

The public pieces, from the inside out:

- :func:`init_centroids` picks starting centres ('k-means++' or 'random');
- :func:`lloyd_steps` runs Lloyd's algorithm from given centres and yields the
  state after every half-step (what the app's step-by-step page shows);
- :class:`KMeans` is the scikit-learn style estimator; its ``fit`` consumes the
  very same generator and keeps the last state of the best run.

Speed comes from doing less work, never from a different answer: each trick
sits in a small helper that explains itself (:func:`nearest_two_centers`,
:func:`nearest_in_two_precisions`, :class:`NearestCenterTracker`,
:func:`nearest_labels`, :func:`relabel_statistics`, :class:`HalfStep`,
:func:`draw_by_weight`, :func:`collapse_duplicates`, :func:`blas_threads_for`).
"""

from __future__ import annotations

import functools
import warnings
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.spatial.distance import cdist
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import ThreadpoolController

from clustering._validation import (
    check_data,
    check_in_range,
    check_one_of,
    check_random_state,
    check_sample_weight,
)

__all__ = ["KMeans", "LloydState", "init_centroids", "lloyd_steps"]

INIT_METHODS = ("k-means++", "random")

# Scores handled at once in the assign step (centres x rows of X): the
# block then stays small enough for the CPU cache.
CHUNK_ELEMENTS = 1 << 17

# Collapse duplicate rows (see collapse_duplicates) from this many samples on,
# when the distinct rows are at most this share of all rows.
DEDUP_MIN_SAMPLES = 20_000
DEDUP_MAX_SHARE = 0.8

# From this many centres on, find the nearest two by whole-block reductions
# rather than a loop over the centres (see nearest_two_centers).
MANY_CENTERS = 8

# Below this many multiply-adds per assign step (samples x features x
# centres), the assign step is a plain full pass (see NearestCenterTracker).
SKIP_MIN_WORK = 1 << 16

# Below this many samples, a float32 assign that is unsure of some point is
# redone whole in full precision (see nearest_in_two_precisions).
RECHECK_ALL_BELOW = 20_000

# Below this many multiply-adds per assign step, use one BLAS thread.
BLAS_THREADS_MIN_WORK = 1 << 26


# ---------------------------------------------------------------------------
# Distances and the two half-steps
# ---------------------------------------------------------------------------


def row_sq_norms(X: np.ndarray) -> np.ndarray:
    """``||x||²`` for every row ``x`` of ``X``."""
    return np.einsum("ij,ij->i", X, X)


def squared_distances(A: np.ndarray, B_t: np.ndarray, B_sq_norms: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances between the rows of ``A`` and the columns of ``B_t``.

    Uses ``||a - b||² = ||a||² - 2 a·b + ||b||²``: the middle term for all pairs
    is one matrix product, far faster than subtracting pair by pair; with the
    points of ``B`` as columns (``B_t`` = ``B.T``, contiguous) it reads long
    contiguous rows. Rounding can make a tiny distance come out slightly
    negative, so it is clipped at 0.
    """
    distances = (-2 * A) @ B_t  # exactly -2 (A @ B_t), one pass fewer
    distances += row_sq_norms(A)[:, None]
    distances += B_sq_norms[None, :]
    return np.maximum(distances, 0, out=distances)


def nearest_two_centers(
    points_t: np.ndarray, centers: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every point: the label of its nearest centre and the scores of its
    nearest and second-nearest centres.

    The nearest centre ``c`` minimises ``||x - c||² = ||x||² - 2 x·c + ||c||²``,
    and ``||x||²`` is the same for every centre, so the *score*
    ``||c||² - 2 x·c`` is enough to compare centres: one matrix product for all
    pairs. Add ``||x||²`` to a score to get the squared distance.

    Three details make it fast. The points come transposed, one column per
    point (``points_t`` has shape (n_features, n_samples)), so the product
    reads long contiguous rows. Points are taken in chunks, so that the block
    of scores stays in the CPU cache whatever the number of points. The block
    is laid out one row per centre, and the best centres are found by
    operations on whole rows (see :func:`_two_smallest_by_running_minima`),
    where ``argmin`` over the few centres of each point would pay a per-point
    overhead.

    Returns
    -------
    labels : ndarray of shape (n_samples,), intp
    nearest_scores, second_scores : ndarrays of shape (n_samples,)
        ``second_scores`` is infinite when there is a single centre.
    """
    n_samples, n_clusters = points_t.shape[1], centers.shape[0]
    labels = np.empty(n_samples, dtype=np.intp)
    nearest = np.empty(n_samples, dtype=points_t.dtype)
    second = np.empty(n_samples, dtype=points_t.dtype)
    minus_two_centers = -2 * centers
    c_sq_norms = row_sq_norms(centers)[:, None]
    chunk = max(1, CHUNK_ELEMENTS // n_clusters)
    if n_clusters >= MANY_CENTERS:
        two_smallest = _two_smallest_by_reductions
    else:
        two_smallest = _two_smallest_by_running_minima
    for start in range(0, n_samples, chunk):
        cols = slice(start, start + chunk)
        scores = minus_two_centers @ points_t[:, cols]  # shape (n_clusters, chunk)
        scores += c_sq_norms
        two_smallest(scores, labels[cols], nearest[cols], second[cols])
    return labels, nearest, second


def _two_smallest_by_running_minima(scores, best_row, best, second) -> None:
    """Fill ``best_row``, ``best`` and ``second`` with, for every column of
    ``scores``, the row of its smallest value (the first such row on a tie),
    that value, and the second smallest.

    Walks over the rows keeping running minima, five calls per row, each
    writing into an existing array (no allocation in the loop): the fastest
    way for a few centres.
    """
    best[:] = scores[0]
    second.fill(np.inf)
    best_row.fill(0)
    loser = np.empty_like(best)
    closer = np.empty(best.shape, dtype=bool)
    for row in range(1, scores.shape[0]):
        np.maximum(best, scores[row], out=loser)
        np.minimum(second, loser, out=second)
        np.less(scores[row], best, out=closer)
        np.minimum(best, scores[row], out=best)
        np.copyto(best_row, row, where=closer)


def nearest_labels(points_t: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Only the labels (int32) of :func:`nearest_two_centers`, for tiny work.

    On a few thousand points, NumPy's cost per call outweighs the arithmetic,
    so this saves calls: it takes every point at once, finds the smallest
    score of every point in one reduction, then makes one masked write per
    centre, from the last centre to the first, which leaves on each point
    the first centre that reaches the minimum (as ``argmin`` breaks ties).
    The scores are computed as in :func:`nearest_two_centers`, so exact ties
    fall the same way in both.
    """
    scores = (-2 * centers) @ points_t
    scores += row_sq_norms(centers)[:, None]
    is_best = scores == scores.min(axis=0)
    labels = np.empty(scores.shape[1], dtype=np.int32)
    for row in range(scores.shape[0] - 1, -1, -1):
        labels[is_best[row]] = row
    return labels


def _two_smallest_by_reductions(scores, best_row, best, second) -> None:
    """Same result as :func:`_two_smallest_by_running_minima`, in a fixed
    number of calls whatever the number of rows; ``scores`` is overwritten.

    The minimum down the columns; the first row equal to it; then, with that
    one entry hidden behind infinity, the minimum again: the second smallest
    (equal to the smallest on a tie). The ``argmax`` step costs more per
    column than a running minimum, so this wins only with many centres.
    """
    np.min(scores, axis=0, out=best)
    np.argmax(scores == best, axis=0, out=best_row)
    scores[best_row, np.arange(scores.shape[1])] = np.inf
    np.min(scores, axis=0, out=second)


def nearest_with_margins(
    points_t: np.ndarray, x_sq_norms: np.ndarray, centers: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Labels of the nearest centres, computed in ``points_t``'s precision, and
    each point's *margin*: how much farther (in distance units) its
    second-nearest centre is than its nearest, rounded down.

    The scores carry rounding errors from the ``-2 x·c`` trick: a dot product
    of d terms is off by at most about d machine epsilons of
    ``||x||² + ||c||²`` (plus a few more for rounding x and c to this
    precision). Widening each distance by that bound before taking square
    roots makes the margin safe: where it is positive, the label is the one
    exact arithmetic gives; where it is not, the label may be wrong.
    """
    labels, nearest, second = nearest_two_centers(points_t, centers.astype(points_t.dtype))
    n_terms = points_t.shape[0] + 4
    rounding = n_terms * np.finfo(points_t.dtype).eps * (
        x_sq_norms + row_sq_norms(centers).max()
    )
    nearest_far = np.sqrt(np.maximum(nearest + x_sq_norms, 0) + rounding)
    second_near = np.sqrt(np.maximum(second + x_sq_norms - rounding, 0))
    return labels, second_near - nearest_far


@dataclass(frozen=True)
class PointsForAssign:
    """Points ready for :func:`nearest_in_two_precisions`: besides the points,
    their squared norms and a float32 copy laid out one column per point (the
    fast layout of :func:`nearest_two_centers`)."""

    X: np.ndarray  # (n_samples, n_features), float32 or float64
    X_t32: np.ndarray  # (n_features, n_samples), float32
    sq_norms: np.ndarray  # (n_samples,), float64

    @classmethod
    def of(cls, X: np.ndarray) -> PointsForAssign:
        X_t32 = np.ascontiguousarray(X.T, dtype=np.float32)
        return cls(X, X_t32, row_sq_norms(X.astype(np.float64, copy=False)))


def nearest_in_two_precisions(
    points: PointsForAssign, centers: np.ndarray, rows=slice(None)
) -> tuple[np.ndarray, np.ndarray]:
    """Labels and margins (see :func:`nearest_with_margins`) of ``points.X[rows]``
    (``rows`` an index array, or all points): in float32 first, then in the
    data's precision where the float32 pass is unsure.

    Half as many bytes to move and twice as many numbers per vector
    instruction make the float32 pass two to four times as fast as float64.
    Its answer is only trusted where the margin is positive; elsewhere a point
    is near a tie between two centres and is done again in full precision. So
    the labels do not depend on the shortcut.

    On small data (fewer than ``RECHECK_ALL_BELOW`` points), one unsure point
    is enough to redo the whole pass in full precision: the labels are then
    exactly those of a plain full-precision pass, down to how an exact tie
    (a point halfway between two centres, common on the first assign, where
    the centres are data points) falls by rounding, as in scikit-learn.
    This costs little: after the first assign, unsure points are rare.
    """
    sq_norms = points.sq_norms[rows]
    labels, margins = nearest_with_margins(points.X_t32[:, rows], sq_norms, centers)
    if points.X.dtype == np.float32:
        return labels, margins
    unsure = np.flatnonzero(margins <= 0)
    if unsure.size == 0:
        return labels, margins
    if points.X.shape[0] < RECHECK_ALL_BELOW:
        return nearest_with_margins(points.X[rows].T, sq_norms, centers)
    X_unsure = points.X[rows[unsure] if isinstance(rows, np.ndarray) else unsure]
    labels[unsure], margins[unsure] = nearest_with_margins(X_unsure.T, sq_norms[unsure], centers)
    return labels, margins


def nearest_centers(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """The assign half-step: the label of the nearest centre for every row of ``X`` (int32)."""
    return nearest_in_two_precisions(PointsForAssign.of(X), centers)[0].astype(np.int32)


class NearestCenterTracker:
    """The assign half-step of a Lloyd run, skipping points that cannot change cluster.

    After a point is assigned, remember its *margin*: how much farther its
    second-nearest centre is than its nearest one. When the centres then move,
    each by some distance, the point's distance to its own centre grows by at
    most the distance its centre moved, and its distance to any other centre
    shrinks by at most the largest move (triangle inequality). So as long as the
    margin exceeds these moves, summed over the iterations since, its nearest
    centre cannot have changed and it need not be looked at again (Hamerly's
    bound). Late in a run the centres barely move and most points are skipped;
    the labels are those a full assign would give.
    """

    def __init__(self, X: np.ndarray):
        self.X = X
        self.labels: np.ndarray | None = None  # intp: the fastest type to index with
        self.margins: np.ndarray | None = None
        self.centers: np.ndarray | None = None

    @functools.cached_property
    def points(self) -> PointsForAssign:
        """The points in both precisions, made on first use: tiny work never needs them."""
        return PointsForAssign.of(self.X)

    def assign(self, centers: np.ndarray) -> np.ndarray:
        """Labels of the nearest centres (a new int32 array: earlier ones stay as they were)."""
        if self.X.size * centers.shape[0] < SKIP_MIN_WORK:
            # Tiny work: a plain pass in full precision takes fewer NumPy calls
            # than the bounds and the float32 shortcut would save.
            return nearest_labels(self.X.T, centers)
        if self.labels is None:
            self.labels, self.margins = nearest_in_two_precisions(self.points, centers)
        else:
            moved = np.sqrt(row_sq_norms(centers - self.centers))
            self.margins -= moved[self.labels] + moved.max()
            stale = np.flatnonzero(self.margins <= 0)
            if stale.size > self.labels.size // 2:  # then a plain pass is cheaper than gathering
                stale = slice(None)
            self.labels[stale], self.margins[stale] = nearest_in_two_precisions(
                self.points, centers, stale
            )
        self.centers = centers
        return self.labels.astype(np.int32)


def point_statistics(X: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per point ``[w, w·x, w·||x||²]``, shape (n_samples, n_features + 2), in float64.

    Summed over the points of a cluster (see :func:`cluster_statistics`), these
    give everything Lloyd's algorithm needs about that cluster: its weight
    ``W``, the weighted sum of its points ``S`` (so its mean is ``S / W``) and
    the weighted sum of their squared norms ``Q``, from which its inertia
    around any centre follows (see :func:`inertia_from_statistics`).
    """
    X64 = X.astype(np.float64, copy=False)
    w = weights.astype(np.float64, copy=False)[:, None]
    return np.hstack([w, w * X64, w * row_sq_norms(X64)[:, None]])


def cluster_statistics(
    labels: np.ndarray, point_stats: np.ndarray, n_clusters: int
) -> np.ndarray:
    """Sum the rows of ``point_stats`` cluster by cluster: shape (n_clusters, n_features + 2).

    One ``np.bincount`` does it all: entry ``j`` of point ``i`` goes to bin
    ``labels[i] * width + j`` of a flat (n_clusters x width) table. That is
    a single pass in C, where a loop of one ``bincount`` per column, or
    building a sparse one-hot matrix, pays a Python-level cost per call that
    dominates on small data.
    """
    width = point_stats.shape[1]
    bins = labels[:, None] * width + np.arange(width)
    sums = np.bincount(bins.ravel(), weights=point_stats.ravel(), minlength=n_clusters * width)
    return sums.reshape(n_clusters, width)


def changed_points(old_labels: np.ndarray, new_labels: np.ndarray) -> np.ndarray:
    """Indices of the points whose label changed."""
    return np.flatnonzero(new_labels != old_labels)


def relabel_statistics(
    stats: np.ndarray,
    point_stats: np.ndarray,
    old_labels: np.ndarray,
    new_labels: np.ndarray,
    changed: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`cluster_statistics` of ``new_labels``, from those of ``old_labels``.

    Only the points that changed cluster are looked at: each one's statistics
    leave its old cluster and join its new one. Late in a run few points
    change, so this costs far less than summing every point again. A caller
    that already has :func:`changed_points` passes it as ``changed`` (the
    same comparison also tells Lloyd's algorithm whether it has converged).
    """
    if changed is None:
        changed = changed_points(old_labels, new_labels)
    if changed.size == 0:
        return stats
    moving = point_stats[changed]
    labels = np.concatenate([new_labels[changed], old_labels[changed]])
    return stats + cluster_statistics(labels, np.vstack([moving, -moving]), stats.shape[0])


def inertia_from_statistics(stats: np.ndarray, centers: np.ndarray) -> float:
    """Inertia of the clusters described by ``stats`` around ``centers``.

    Summing ``w ||x - c||² = w||x||² - 2 c·(w x) + ||c||² w`` over a cluster
    gives ``Q - 2 c·S + ||c||² W``: the inertia without another pass over the
    points.
    """
    weight, sums, sq_sums = stats[:, 0], stats[:, 1:-1], stats[:, -1]
    centers = centers.astype(np.float64)
    per_cluster = sq_sums - 2 * np.einsum("ij,ij->i", centers, sums)
    per_cluster += weight * row_sq_norms(centers)
    return float(max(per_cluster.sum(), 0.0))


def farthest_points(X: np.ndarray, centers: np.ndarray, labels: np.ndarray, count: int):
    """Indices of the ``count`` points farthest from their own centre, farthest first."""
    distances = ((X - centers[labels]) ** 2).sum(axis=1)
    return np.argsort(-distances, kind="stable")[:count]


def move_centers_to_means(
    X: np.ndarray,
    labels: np.ndarray,
    point_stats: np.ndarray,
    stats: np.ndarray,
    centers: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The update half-step: each centre moves to the weighted mean of its points.

    A cluster left without points (zero weight) has no mean. As scikit-learn
    does, it is re-seeded on the point farthest from its own centre (the point
    the current centres explain worst), which leaves its former cluster.

    Parameters
    ----------
    X, labels, point_stats :
        The points, their labels and :func:`point_statistics`.
    stats : ndarray of shape (n_clusters, n_features + 2)
        :func:`cluster_statistics` of ``labels``.
    centers : ndarray of shape (n_clusters, n_features)
        The centres the labels were assigned to.

    Returns
    -------
    new_centers, labels, stats
        The moved centres; the labels and statistics after re-seeding (the
        inputs themselves when no cluster was empty).
    """
    if stats[:, 0].all():  # no empty cluster, the common case: a few NumPy calls
        return (stats[:, 1:-1] / stats[:, :1]).astype(centers.dtype, copy=False), labels, stats
    empty = np.flatnonzero(stats[:, 0] == 0)
    seeds = farthest_points(X, centers, labels, empty.size)
    labels, stats = labels.copy(), stats.copy()
    for cluster, seed in zip(empty, seeds, strict=True):
        stats[labels[seed]] -= point_stats[seed]
        stats[cluster] = point_stats[seed]
        labels[seed] = cluster
    new_centers = centers.copy()
    filled = stats[:, 0] > 0
    new_centers[filled] = stats[filled, 1:-1] / stats[filled, :1]
    new_centers[empty] = X[seeds]
    return new_centers, labels, stats


# ---------------------------------------------------------------------------
# Lloyd's algorithm, one half-step at a time
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LloydState:
    """Where Lloyd's algorithm stands after one half-step.

    Attributes
    ----------
    iteration : int
        0 for the starting centres, then the number of the assign/update pair.
        A final assign that only brings the labels in line with the last
        centres (after convergence by ``tol`` or at ``max_iter``) keeps the
        number of the update before it, so the last state's ``iteration`` is
        always the number of iterations run, as scikit-learn's ``n_iter_``.
    phase : {"init", "assign", "update"}
        The half-step just taken.
    centers : ndarray of shape (n_clusters, n_features)
        The centres at this point.
    labels : ndarray of shape (n_samples,) or None
        The cluster of every point (None before the first assign).
    inertia : float
        Sum of weighted squared distances from each point to the centre of
        its label (NaN before the first assign).
    converged : bool
        True on the last state when the algorithm stopped because labels no
        longer changed or the centres moved less than the tolerance.
    center_shift : float
        On an update, the sum over centres of the squared distance each moved
        (NaN otherwise): what the tolerance is compared with.
    """

    iteration: int
    phase: str
    centers: np.ndarray
    labels: np.ndarray | None
    inertia: float
    converged: bool = False
    center_shift: float = float("nan")


def absolute_tolerance(X: np.ndarray, tol: float) -> float:
    """Turn ``tol`` into a squared distance: ``tol`` times the mean feature variance.

    Relative to the spread of the data, the same ``tol`` works whatever the
    units of the features (as in scikit-learn).
    """
    if tol == 0:
        return 0.0
    return float(np.mean(np.var(X, axis=0)) * tol)


class HalfStep(NamedTuple):
    """A half-step of :func:`_lloyd`, before it becomes a :class:`LloydState`.

    A state's inertia and its centres in the caller's coordinates cost a
    dozen NumPy calls, as much as a whole half-step on small data.
    :meth:`KMeans.fit` keeps only the last state of a run, so it turns only
    that one into a :class:`LloydState` (see :func:`lloyd_state`).
    """

    iteration: int
    phase: str
    centers: np.ndarray  # in the coordinates of the shifted data
    labels: np.ndarray | None
    stats: np.ndarray | None  # cluster_statistics of labels (None before the first assign)
    converged: bool = False
    center_shift: float = float("nan")


def lloyd_state(step: HalfStep, offset: np.ndarray) -> LloydState:
    """The :class:`LloydState` of a half-step of :func:`_lloyd` on data shifted by ``-offset``."""
    if step.stats is None:
        inertia = float("nan")
    else:
        inertia = inertia_from_statistics(step.stats, step.centers)
    return LloydState(
        step.iteration,
        step.phase,
        step.centers + offset,
        step.labels,
        inertia,
        step.converged,
        step.center_shift,
    )


def _lloyd(
    X: np.ndarray,
    centers: np.ndarray,
    point_stats: np.ndarray,
    *,
    max_iter: int,
    abs_tol: float,
) -> Iterator[HalfStep]:
    """Lloyd's algorithm on data already shifted by some offset; the core of
    :func:`lloyd_steps` and :meth:`KMeans.fit`.

    Working on centred data keeps ``||x||² - 2 x·c + ||c||²`` accurate;
    :func:`lloyd_state` reports the centres in the caller's coordinates.
    """
    n_clusters = centers.shape[0]
    tracker = NearestCenterTracker(X)

    def assigned_statistics(labels, previous_labels, previous_stats, changed):
        # Each assign's sums come from the previous assign's, touching only the
        # points that changed cluster (the update's may differ by a re-seed).
        if previous_labels is None:
            return cluster_statistics(labels, point_stats, n_clusters)
        return relabel_statistics(previous_stats, point_stats, previous_labels, labels, changed)

    yield HalfStep(0, "init", centers, None, None)
    labels = stats = None
    iteration, shift = 0, float("inf")
    for iteration in range(1, max_iter + 1):
        previous_labels, labels = labels, tracker.assign(centers)
        changed = None if previous_labels is None else changed_points(previous_labels, labels)
        stats = assigned_statistics(labels, previous_labels, stats, changed)
        unchanged = changed is not None and changed.size == 0
        yield HalfStep(iteration, "assign", centers, labels, stats, converged=unchanged)
        if unchanged:
            return
        old_centers = centers
        centers, moved_labels, moved_stats = move_centers_to_means(
            X, labels, point_stats, stats, centers
        )
        shift = float(((centers - old_centers) ** 2).sum())
        yield HalfStep(iteration, "update", centers, moved_labels, moved_stats, center_shift=shift)
        if shift <= abs_tol:
            break
    # Stopped on the tolerance or at max_iter: give the points their nearest
    # centre, so that labels and centres agree (as scikit-learn does).
    previous_labels, labels = labels, tracker.assign(centers)
    stats = assigned_statistics(labels, previous_labels, stats, None)
    yield HalfStep(iteration, "assign", centers, labels, stats, converged=shift <= abs_tol)


def last_step(steps: Iterator[HalfStep]) -> HalfStep:
    """Run the steps through to the end and return only the final one."""
    return deque(steps, maxlen=1).pop()


def lloyd_steps(
    X,
    centers,
    *,
    sample_weight=None,
    max_iter: int = 300,
    tol: float = 1e-4,
) -> Iterator[LloydState]:
    """Run Lloyd's algorithm from ``centers``, yielding the state after each half-step.

    The first state is the starting centres ("init"); then come "assign"
    (labels to the nearest centre) and "update" (centres to the means of their
    points) in turn. It stops when an assign changes no label, when an update
    moves the centres by less than the tolerance, or after ``max_iter``
    iterations; in the last two cases a final assign makes the labels match the
    final centres. :meth:`KMeans.fit` runs the same code, so its result equals
    the last state here.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    centers : array-like of shape (n_clusters, n_features)
        The starting centres, for instance from :func:`init_centroids`.
    sample_weight : array-like of shape (n_samples,), default=None
        How much each point counts in the means and in the inertia.
    max_iter : int, default=300
        The most assign/update iterations to run.
    tol : float, default=1e-4
        Stop when the total squared centre shift is at most ``tol`` times the
        mean variance of the features.

    Yields
    ------
    LloydState
    """
    X = check_points(X)
    centers = check_centers(centers, X, n_clusters=np.shape(centers)[0])
    weights = check_sample_weight(sample_weight, X)
    check_in_range(max_iter, "max_iter", low=1, integer=True)
    check_in_range(tol, "tol", low=0)
    abs_tol = absolute_tolerance(X, tol)
    offset = X.mean(axis=0)
    X = X - offset
    steps = _lloyd(
        X, centers - offset, point_statistics(X, weights), max_iter=max_iter, abs_tol=abs_tol
    )
    for step in steps:
        yield lloyd_state(step, offset)


# ---------------------------------------------------------------------------
# Starting centres
# ---------------------------------------------------------------------------


def draw_by_weight(rng: np.random.RandomState, weights: np.ndarray) -> int:
    """An index drawn with chance proportional to ``weights``: the very draw of
    ``rng.choice(len(weights), p=weights / weights.sum())``, same random number
    and same index, without ``choice``'s checks of ``p``.

    ``choice`` turns one uniform number into an index through the cumulative
    probabilities; its checks of ``p`` alone cost about 20 µs, more than the
    whole draw on small data, and ``KMeans`` draws once per start.
    """
    cumulative = np.cumsum(weights / weights.sum())
    cumulative /= cumulative[-1]
    return int(cumulative.searchsorted(rng.random_sample(), side="right"))


def _kmeans_plusplus(
    X: np.ndarray, n_clusters: int, weights: np.ndarray, rng: np.random.RandomState
) -> np.ndarray:
    """Greedy k-means++: spread the starting centres out, favouring far points.

    The first centre is a random point (chance proportional to its weight).
    Each next one is drawn with chance proportional to weight x squared
    distance to the nearest centre chosen so far; the greedy variant draws
    ``2 + int(ln k)`` candidates and keeps the one that lowers the inertia
    most. Random numbers are drawn as scikit-learn draws them, so the same
    seed picks the same points.
    """
    n_samples = X.shape[0]
    n_candidates = 2 + int(np.log(n_clusters))
    x_sq_norms = row_sq_norms(X)
    X_t = np.ascontiguousarray(X.T)
    chosen = [draw_by_weight(rng, weights)]
    closest = squared_distances(X[chosen], X_t, x_sq_norms)[0]
    potential = closest @ weights
    for _ in range(1, n_clusters):
        targets = rng.uniform(size=n_candidates) * potential
        candidates = np.searchsorted(np.cumsum(weights * closest), targets)
        candidates = np.minimum(candidates, n_samples - 1)
        with_candidate = squared_distances(X[candidates], X_t, x_sq_norms)
        np.minimum(closest, with_candidate, out=with_candidate)
        potentials = with_candidate @ weights
        best = np.argmin(potentials)
        chosen.append(candidates[best])
        closest, potential = with_candidate[best], potentials[best]
    return X[chosen]


def init_centroids(
    X,
    n_clusters: int,
    *,
    method: str = "k-means++",
    random_state=None,
    sample_weight=None,
) -> np.ndarray:
    """Pick ``n_clusters`` starting centres among the rows of ``X``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_clusters : int
        How many centres, between 1 and n_samples.
    method : {"k-means++", "random"}, default="k-means++"
        "random" takes ``n_clusters`` distinct points at random (chance
        proportional to weight). "k-means++" spreads them out: each new centre
        is drawn with chance proportional to its squared distance to the
        centres already chosen (greedy, best of ``2 + int(ln k)`` draws).
    random_state : int, RandomState or None, default=None
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features)
    """
    X = check_points(X)
    check_cluster_count(n_clusters, X.shape[0])
    check_one_of(method, "method", INIT_METHODS)
    weights = check_sample_weight(sample_weight, X)
    return _init_centroids(X, n_clusters, method, weights, check_random_state(random_state))


def _init_centroids(X, n_clusters, method, weights, rng) -> np.ndarray:
    """:func:`init_centroids` without the input checks."""
    if method == "k-means++":
        return _kmeans_plusplus(X, n_clusters, weights, rng)
    seeds = rng.choice(X.shape[0], size=n_clusters, replace=False, p=weights / weights.sum())
    return X[seeds]


# ---------------------------------------------------------------------------
# Input checks specific to k-means
# ---------------------------------------------------------------------------


def check_points(X) -> np.ndarray:
    """Validate data given to a function (estimators use ``check_data``)."""
    return check_array(X, dtype=[np.float64, np.float32], order="C")


def check_cluster_count(n_clusters, n_samples: int) -> None:
    """n_clusters must be a whole number from 1 to the number of samples."""
    check_in_range(n_clusters, "n_clusters", low=1, integer=True)
    if n_clusters > n_samples:
        raise ValueError(
            f"n_clusters={n_clusters} is more than the {n_samples} samples in X: "
            f"ask for at most {n_samples} clusters, or pass more data."
        )


def check_centers(centers, X: np.ndarray, n_clusters: int) -> np.ndarray:
    """Validate starting centres: finite, shape (n_clusters, n_features), X's dtype."""
    centers = np.asarray(centers)
    expected = (n_clusters, X.shape[1])
    if centers.shape != expected:
        raise ValueError(
            f"init has shape {centers.shape}, but it must be (n_clusters, n_features) = "
            f"{expected}: give one starting centre per cluster, one value per feature."
        )
    return check_array(centers, dtype=X.dtype, order="C", copy=True, input_name="init")


# ---------------------------------------------------------------------------
# Speed: same answers, less work
# ---------------------------------------------------------------------------


def collapse_duplicates(
    X: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge identical rows of ``X`` into one row whose weight is their total weight.

    The k-means objective only sees a point through its weight, so clustering
    the distinct rows with summed weights gives exactly the same centres and
    inertia, and ``labels[inverse]`` gives every original row its label. A
    photo has many pixels of the same colour: 2 to 4 times fewer distinct
    colours than pixels, hence 2 to 4 times less work per iteration.

    Returns
    -------
    unique_rows : ndarray of shape (n_unique, n_features)
    unique_weights : ndarray of shape (n_unique,)
    inverse : ndarray of shape (n_samples,)
        ``unique_rows[inverse]`` equals ``X``.
    """
    order = lexicographic_order(X)
    sorted_rows = X[order]
    starts_group = np.ones(len(X), dtype=bool)
    np.any(sorted_rows[1:] != sorted_rows[:-1], axis=1, out=starts_group[1:])
    group = np.cumsum(starts_group) - 1
    inverse = np.empty(len(X), dtype=np.intp)
    inverse[order] = group
    unique_weights = np.bincount(group, weights=weights[order]).astype(X.dtype)
    return sorted_rows[starts_group], unique_weights, inverse


def lexicographic_order(X: np.ndarray) -> np.ndarray:
    """Indices that sort the rows of ``X`` (first column first; equal rows in any order).

    ``np.lexsort`` sorts column by column. When every value is a whole number
    in a small range, as a photo's colours (0 to 255), each row packs exactly
    into one float64 number, ``sum((x_j - low) * base**(d-1-j))``, and these
    numbers sort as the rows do: a single ``argsort`` of n numbers, about
    eight times faster on a photo.
    """
    low, high = X.min(), X.max()
    base = float(high - low + 1)
    if base ** X.shape[1] >= 2**53 or not np.array_equal(X, np.round(X)):
        return np.lexsort(X.T[::-1])
    place_values = base ** np.arange(X.shape[1] - 1, -1, -1)
    return np.argsort((X - low) @ place_values)


def collapse_duplicates_if_worthwhile(X: np.ndarray, weights: np.ndarray):
    """:func:`collapse_duplicates` for large data with enough repeats, else ``(X, weights, None)``.

    Sorting the rows costs about one Lloyd iteration, so it is only tried on
    large data sets, and only used when it removes a good share of the rows.
    """
    if X.shape[0] < DEDUP_MIN_SAMPLES:
        return X, weights, None
    unique_rows, unique_weights, inverse = collapse_duplicates(X, weights)
    if len(unique_rows) > DEDUP_MAX_SHARE * len(X):
        return X, weights, None
    return unique_rows, unique_weights, inverse


@functools.cache
def _blas_controller() -> ThreadpoolController:
    """Find the BLAS libraries once (a search of the loaded libraries takes milliseconds)."""
    return ThreadpoolController()


def blas_threads_for(shape: tuple[int, int], n_clusters: int):
    """A context in which the distance products get the BLAS threads they deserve.

    Starting and synchronising threads costs more than a small matrix product
    saves: on a busy 2-core machine the digits fit (1400 x 64, k=50) ran 60
    times slower with 2 BLAS threads than with 1. Small work gets one thread,
    large work keeps the BLAS default.
    """
    n_samples, n_features = shape
    small = n_samples * n_features * n_clusters < BLAS_THREADS_MIN_WORK
    return _blas_controller().limit(limits=1 if small else None, user_api="blas")


# ---------------------------------------------------------------------------
# The estimator
# ---------------------------------------------------------------------------


class KMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator):
    """k-means clustering with scikit-learn's interface.

    Parameters
    ----------
    n_clusters : int, default=8
        The number of clusters ``k``.
    init : {"k-means++", "random"} or array of shape (n_clusters, n_features)
        How to pick starting centres (see :func:`init_centroids`), or the
        starting centres themselves.
    n_init : "auto" or int, default="auto"
        How many runs from different starts; the one of lowest inertia is kept.
        "auto" means 1 for "k-means++" or an array, 10 for "random". With an
        array there is only one possible start, so only one run.
    max_iter : int, default=300
        The most iterations in one run.
    tol : float, default=1e-4
        A run stops when the centres move (sum of squared shifts) less than
        ``tol`` times the mean variance of the features.
    random_state : int, RandomState or None, default=None
        Seed for the starting centres.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,)
        The cluster of each training point (int32).
    inertia_ : float
        Sum of (weighted) squared distances from each point to its centre.
    n_iter_ : int
        Iterations run by the best run.
    n_features_in_ : int

    Notes
    -----
    The same ``random_state`` draws the same starting centres as scikit-learn,
    so results match scikit-learn's run for run. One exception: on large data
    with many repeated rows (a photo's pixels), ``fit`` clusters the distinct
    rows weighted by their counts (see :func:`collapse_duplicates`). The
    objective and the algorithm are the same, but the random starts are drawn
    among distinct rows, so a given seed picks other (equally likely) starts.
    """

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        random_state=None,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    # -- parameter checks ---------------------------------------------------

    def _init_is_array(self) -> bool:
        return not isinstance(self.init, str)

    def _check_params(self, X: np.ndarray) -> None:
        check_cluster_count(self.n_clusters, X.shape[0])
        if not self._init_is_array() and self.init not in INIT_METHODS:
            raise ValueError(
                f"init must be 'k-means++', 'random' or an array of starting centres of shape "
                f"(n_clusters, n_features); got {self.init!r}."
            )
        if self.n_init != "auto":
            check_in_range(self.n_init, "n_init", low=1, integer=True)
        check_in_range(self.max_iter, "max_iter", low=1, integer=True)
        check_in_range(self.tol, "tol", low=0)

    def _effective_n_init(self) -> int:
        """The number of runs, with scikit-learn's rules for 'auto' and arrays."""
        if self._init_is_array():
            if self.n_init not in ("auto", 1):
                warnings.warn(
                    f"init is an array of starting centres, so there is only one possible "
                    f"start: running once instead of n_init={self.n_init}.",
                    RuntimeWarning,
                    stacklevel=3,
                )
            return 1
        if self.n_init == "auto":
            return 10 if self.init == "random" else 1
        return int(self.n_init)

    # -- fitting ------------------------------------------------------------

    def fit(self, X, y=None, sample_weight=None):
        """Cluster ``X``: run Lloyd's algorithm ``n_init`` times, keep the lowest inertia.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored
        sample_weight : array-like of shape (n_samples,), default=None
            How much each point counts.

        Returns
        -------
        self
        """
        X = check_data(self, X)
        self._check_params(X)
        weights = check_sample_weight(sample_weight, X)
        if self._init_is_array():
            starts = check_centers(self.init, X, self.n_clusters)
        rng = check_random_state(self.random_state)
        abs_tol = absolute_tolerance(X, self.tol)
        offset = X.mean(axis=0)

        # Same objective, less work: repeated rows become one weighted row, and
        # centring the data keeps the distance arithmetic accurate.
        points, weights, inverse = collapse_duplicates_if_worthwhile(X, weights)
        points = points - offset
        point_stats = point_statistics(points, weights)
        best = None
        with blas_threads_for(points.shape, self.n_clusters):
            for _ in range(self._effective_n_init()):
                if self._init_is_array():
                    centers = starts - offset
                else:
                    centers = _init_centroids(points, self.n_clusters, self.init, weights, rng)
                steps = _lloyd(
                    points,
                    centers,
                    point_stats,
                    max_iter=self.max_iter,
                    abs_tol=abs_tol,
                )
                state = lloyd_state(last_step(steps), offset)
                if best is None or state.inertia < best.inertia:
                    best = state

        self.labels_ = best.labels if inverse is None else best.labels[inverse]
        self._warn_if_fewer_clusters(self.labels_)
        self.cluster_centers_ = best.centers
        self.inertia_ = best.inertia
        self.n_iter_ = best.iteration
        self._n_features_out = self.n_clusters
        return self

    def _warn_if_fewer_clusters(self, labels: np.ndarray) -> None:
        found = np.unique(labels).size
        if found < self.n_clusters:
            warnings.warn(
                f"Only {found} distinct clusters found for n_clusters={self.n_clusters}: "
                "X probably has fewer distinct points than clusters asked for.",
                ConvergenceWarning,
                stacklevel=3,
            )

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit, then return the label of each training point (``labels_``)."""
        return self.fit(X, sample_weight=sample_weight).labels_

    def fit_transform(self, X, y=None, sample_weight=None):
        """Fit, then return the distance from each training point to every centre."""
        return self.fit(X, sample_weight=sample_weight)._distances(check_data(self, X, reset=False))

    # -- using a fitted model ---------------------------------------------

    def _check_new_data(self, X) -> np.ndarray:
        check_is_fitted(self)
        return check_data(self, X, reset=False)

    def predict(self, X):
        """The label of the nearest centre for each row of ``X``."""
        X = self._check_new_data(X)
        centers = self.cluster_centers_.astype(X.dtype, copy=False)
        with blas_threads_for(X.shape, self.n_clusters):
            return nearest_centers(X, centers)

    def transform(self, X):
        """Distance from each row of ``X`` to every centre, shape (n_samples, n_clusters).

        With k much smaller than the number of features this is a strong
        reduction of dimension; the distances can also serve as new features.
        """
        return self._distances(self._check_new_data(X))

    def _distances(self, X: np.ndarray) -> np.ndarray:
        return cdist(X, self.cluster_centers_).astype(X.dtype, copy=False)

    def score(self, X, y=None, sample_weight=None):
        """Minus the inertia of ``X`` with the fitted centres (higher is better)."""
        X = self._check_new_data(X)
        weights = check_sample_weight(sample_weight, X)
        centers = self.cluster_centers_.astype(X.dtype, copy=False)
        with blas_threads_for(X.shape, self.n_clusters):
            labels = nearest_centers(X, centers)
        sq_distances = row_sq_norms(X - centers[labels]).astype(np.float64)
        return -float(sq_distances @ weights)
