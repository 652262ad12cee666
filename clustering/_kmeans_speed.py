"""The fast paths of k-means: the same answers as :mod:`clustering.kmeans`, less work.

:mod:`clustering.kmeans` is the textbook; this module holds what makes it fast,
and every helper here is tested equal to its plain version
(``tests/test_kmeans_speed.py``). Lloyd's loop picks one of two *kernels* at a
single place (``_lloyd`` in :mod:`clustering.kmeans`): the textbook kernel, a
plain ``argmin`` and a plain sum per cluster, or :class:`FastKernel` here.

Layout, from the inside out:

- the assign step: :func:`nearest_two_centers` (one matrix product per
  cache-sized chunk, running minima over few centres), :func:`nearest_labels`
  (tiny work), :func:`nearest_with_margins` and
  :func:`nearest_in_two_precisions` (a float32 first pass, re-checked in
  full precision near a tie), :class:`NearestCenterTracker` (points that
  cannot change cluster are skipped), :func:`nearest_centers`;
- the update step: :func:`cluster_totals` (one ``bincount`` for every
  cluster's weight and sum) and :func:`relabel_totals` (only the points that
  changed cluster);
- :class:`FastKernel`, the two together as Lloyd's loop calls them;
- starts: :func:`squared_distances_to_rows` (k-means++'s distances, one
  matrix product per centre), :func:`draw_by_weight` (``RandomState.choice``
  without its checks);
- repeated rows: :func:`lexicographic_order`, :func:`collapse_duplicates`;
- working coordinates (:class:`WorkingData`): the data as Lloyd's loop sees
  it, scaled by a power of two when huge or tiny (:func:`working_scale`, so
  that no square overflows), centred (so that ``||x||² - 2 x·c + ||c||²``
  keeps its digits), repeated rows collapsed; and the way back, states
  included (:meth:`WorkingData.outward_state`);
- new data for a fitted model: :func:`predict_labels`,
  :func:`distances_to_centers`;
- the tuning constants, just below.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import cdist

from clustering._threads import blas_threads_for
from clustering.metrics import inertia

__all__ = [
    "FastKernel",
    "NearestCenterTracker",
    "WorkingData",
    "cluster_totals",
    "collapse_duplicates",
    "collapse_duplicates_if_worthwhile",
    "distances_to_centers",
    "draw_by_weight",
    "lexicographic_order",
    "nearest_centers",
    "nearest_labels",
    "predict_labels",
    "relabel_totals",
    "row_sq_norms",
    "squared_distances_to_rows",
    "working_scale",
]

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

# Data whose largest magnitude lies outside [2**-50, 2**50] is scaled by a
# power of two before any distance is squared (see working_scale).
UNSCALED_RANGE = (2.0**-50, 2.0**50)


def row_sq_norms(X: np.ndarray) -> np.ndarray:
    """``||x||²`` for every row ``x`` of ``X``, in one pass without a temporary."""
    return np.einsum("ij,ij->i", X, X)


# ---------------------------------------------------------------------------
# The assign step
# ---------------------------------------------------------------------------


def nearest_two_centers(
    points_t: np.ndarray, centers: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every point: the label of its nearest centre and the scores of its
    nearest and second-nearest centres.

    The *score* of centre ``c`` for point ``x`` is ``||c||² - 2 x·c``, the
    squared distance minus ``||x||²`` (the same for every centre): one matrix
    product for all pairs. The points come transposed, one column per point
    (``points_t`` has shape (n_features, n_samples)), so the product reads
    long contiguous rows; they are taken in chunks, so that the block of scores
    stays in the CPU cache; and the two best centres are found by operations
    on whole rows of the block, where ``argmin`` over the few centres of each
    point would pay a per-point overhead.

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
    writing into an existing array: the fastest way for a few centres.
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


def _two_smallest_by_reductions(scores, best_row, best, second) -> None:
    """Same result as :func:`_two_smallest_by_running_minima`, in a fixed
    number of calls whatever the number of rows; ``scores`` is overwritten.

    The minimum down the columns; the first row equal to it; then, with that
    one entry hidden behind infinity, the minimum again: the second smallest.
    """
    np.min(scores, axis=0, out=best)
    np.argmax(scores == best, axis=0, out=best_row)
    scores[best_row, np.arange(scores.shape[1])] = np.inf
    np.min(scores, axis=0, out=second)


def nearest_labels(points_t: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Only the labels (int32) of :func:`nearest_two_centers`, for tiny work.

    On a few thousand points NumPy's cost per call outweighs the arithmetic,
    so this saves calls: the smallest score of every point in one reduction,
    then one masked write per centre, from the last centre to the first, which
    leaves on each point the first centre that reaches the minimum (as
    ``argmin`` breaks ties). A point whose scores are all NaN (impossible for
    the finite, scaled data of :mod:`clustering.kmeans`) gets label 0, never
    an uninitialised one.
    """
    scores = (-2 * centers) @ points_t
    scores += row_sq_norms(centers)[:, None]
    is_best = scores == scores.min(axis=0)
    labels = np.zeros(scores.shape[1], dtype=np.int32)
    for row in range(scores.shape[0] - 1, -1, -1):
        labels[is_best[row]] = row
    return labels


def nearest_with_margins(
    points_t: np.ndarray, x_sq_norms: np.ndarray, centers: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Labels of the nearest centres, computed in ``points_t``'s precision, and
    each point's *margin*: how much farther (in distance units) its
    second-nearest centre is than its nearest, rounded down.

    A dot product of d terms is off by at most about d machine epsilons of
    ``||x||² + ||c||²``. Widening each distance by that bound before taking
    square roots makes the margin safe: where it is positive, the label is the
    one exact arithmetic gives; where it is not (NaN included), it may be wrong.
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
    their squared norms and a float32 copy laid out one column per point."""

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

    Half as many bytes and twice as many numbers per vector instruction make
    the float32 pass two to four times as fast. Its answer is trusted only
    where the margin is positive; elsewhere the point is done again in full
    precision. On small data (fewer than ``RECHECK_ALL_BELOW`` points) one
    unsure point redoes the whole pass, so that even exact ties (common on the
    first assign, where the centres are data points) fall as in a plain
    full-precision pass.
    """
    sq_norms = points.sq_norms[rows]
    labels, margins = nearest_with_margins(points.X_t32[:, rows], sq_norms, centers)
    if points.X.dtype == np.float32:
        return labels, margins
    unsure = np.flatnonzero(~(margins > 0))
    if unsure.size == 0:
        return labels, margins
    if points.X.shape[0] < RECHECK_ALL_BELOW:
        return nearest_with_margins(points.X[rows].T, sq_norms, centers)
    X_unsure = points.X[rows[unsure] if isinstance(rows, np.ndarray) else unsure]
    labels[unsure], margins[unsure] = nearest_with_margins(X_unsure.T, sq_norms[unsure], centers)
    return labels, margins


def nearest_centers(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """The label (int32) of the nearest centre for every row of ``X``, fast."""
    if X.size * centers.shape[0] < SKIP_MIN_WORK:
        return nearest_labels(X.T, centers)
    return nearest_in_two_precisions(PointsForAssign.of(X), centers)[0].astype(np.int32)


class NearestCenterTracker:
    """The assign step of a Lloyd run, skipping points that cannot change cluster.

    After a point is assigned, remember its *margin*: how much farther its
    second-nearest centre is than its nearest one. When the centres move, the
    distance to its own centre grows by at most the distance that centre moved,
    and the distance to any other centre shrinks by at most the largest move
    (triangle inequality). While the margin exceeds these moves, summed since,
    the nearest centre cannot have changed and the point is skipped (Hamerly's
    bound). The labels are those a full assign would give.
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
            # Tiny work: a plain pass takes fewer NumPy calls than the bounds save.
            return nearest_labels(self.X.T, centers)
        if self.labels is None:
            self.labels, self.margins = nearest_in_two_precisions(self.points, centers)
        else:
            moved = np.sqrt(row_sq_norms(centers - self.centers))
            self.margins -= moved[self.labels] + moved.max()
            stale = np.flatnonzero(~(self.margins > 0))
            if stale.size > self.labels.size // 2:  # then a plain pass is cheaper than gathering
                stale = slice(None)
            self.labels[stale], self.margins[stale] = nearest_in_two_precisions(
                self.points, centers, stale
            )
        self.centers = centers
        return self.labels.astype(np.int32)


# ---------------------------------------------------------------------------
# The update step: per-cluster totals
# ---------------------------------------------------------------------------


def cluster_totals(labels: np.ndarray, point_sums: np.ndarray, n_clusters: int) -> np.ndarray:
    """Sum the rows of ``point_sums`` cluster by cluster: shape (n_clusters, width).

    One ``np.bincount`` does it all: entry ``j`` of point ``i`` goes to bin
    ``labels[i] * width + j`` of a flat (n_clusters x width) table, a single
    pass in C, where ``np.add.at`` or one ``bincount`` per column pays far more.
    """
    width = point_sums.shape[1]
    bins = labels[:, None] * width + np.arange(width)
    sums = np.bincount(bins.ravel(), weights=point_sums.ravel(), minlength=n_clusters * width)
    return sums.reshape(n_clusters, width)


def relabel_totals(
    totals: np.ndarray, point_sums: np.ndarray, old_labels: np.ndarray, new_labels: np.ndarray
) -> np.ndarray:
    """:func:`cluster_totals` of ``new_labels``, from those of ``old_labels``.

    Only the points that changed cluster are looked at: each one's row leaves
    its old cluster and joins its new one. Late in a run few points change.
    """
    changed = np.flatnonzero(new_labels != old_labels)
    if changed.size == 0:
        return totals
    moving = point_sums[changed]
    labels = np.concatenate([new_labels[changed], old_labels[changed]])
    return totals + cluster_totals(labels, np.vstack([moving, -moving]), totals.shape[0])


class FastKernel:
    """Lloyd's two costly operations, fast: the kernel ``_lloyd`` uses by default.

    ``assign(centers)`` gives the label of each point's nearest centre (see
    :class:`NearestCenterTracker`); ``cluster_totals(labels, n_clusters)``
    the per-cluster sums of ``point_sums``, updated from the previous call's
    (see :func:`relabel_totals`). Same answers as the textbook kernel in
    :mod:`clustering.kmeans`, up to the order of floating-point sums.
    """

    def __init__(self, X: np.ndarray, point_sums: np.ndarray):
        self.tracker = NearestCenterTracker(X)
        self.point_sums = point_sums
        self.labels: np.ndarray | None = None
        self.totals: np.ndarray | None = None

    def assign(self, centers: np.ndarray) -> np.ndarray:
        return self.tracker.assign(centers)

    def cluster_totals(self, labels: np.ndarray, n_clusters: int) -> np.ndarray:
        if self.labels is None:
            totals = cluster_totals(labels, self.point_sums, n_clusters)
        else:
            totals = relabel_totals(self.totals, self.point_sums, self.labels, labels)
        self.labels, self.totals = labels, totals
        return totals


# ---------------------------------------------------------------------------
# Starts and repeated rows
# ---------------------------------------------------------------------------


def squared_distances_to_rows(X: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """A function that gives, for some rows of ``X``, their squared distances to
    every row of ``X`` (shape (len(rows), n_samples)): what k-means++ asks for
    its candidates, once per centre.

    Uses ``||a - b||² = ||a||² - 2 a·b + ||b||²``: the middle term for all pairs
    is one matrix product, far faster than subtracting pair by pair. The
    points are laid out once as contiguous columns (``X.T``), so the product
    reads long rows, and their squared norms are computed once for every
    call. Rounding can make a tiny distance slightly negative: it is clipped
    at 0.
    """
    X_t, sq_norms = np.ascontiguousarray(X.T), row_sq_norms(X)

    def distances_to(rows) -> np.ndarray:
        A = X[rows]
        distances = (-2 * A) @ X_t
        distances += row_sq_norms(A)[:, None]
        distances += sq_norms[None, :]
        return np.maximum(distances, 0, out=distances)

    return distances_to


def draw_by_weight(rng: np.random.RandomState, weights: np.ndarray) -> int:
    """An index drawn with chance proportional to ``weights``: the very draw of
    ``rng.choice(len(weights), p=weights / weights.sum())``, same random number
    and same index, without ``choice``'s checks of ``p`` (about 20 µs, more
    than the whole draw on small data)."""
    cumulative = np.cumsum(weights / weights.sum())
    cumulative /= cumulative[-1]
    return int(cumulative.searchsorted(rng.random_sample(), side="right"))


def collapse_duplicates(
    X: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge identical rows of ``X`` into one row whose weight is their total weight.

    k-means sees a point only through its weight, so clustering the distinct
    rows with summed weights gives the same centres and inertia, and
    ``labels[inverse]`` gives every original row its label. A photo has 2 to 4
    times fewer distinct colours than pixels.

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

    When every value is a whole number in a small range, as a photo's colours,
    each row packs exactly into one float64 number,
    ``sum((x_j - low) * base**(d-1-j))``, and these sort as the rows do: one
    ``argsort`` of n numbers, about eight times faster than ``np.lexsort``.
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
    large data, and only used when it removes a good share of the rows.
    """
    if X.shape[0] < DEDUP_MIN_SAMPLES:
        return X, weights, None
    unique_rows, unique_weights, inverse = collapse_duplicates(X, weights)
    if len(unique_rows) > DEDUP_MAX_SHARE * len(X):
        return X, weights, None
    return unique_rows, unique_weights, inverse


# ---------------------------------------------------------------------------
# Working coordinates
# ---------------------------------------------------------------------------


def working_scale(*arrays: np.ndarray) -> float:
    """1.0 for ordinary data; for data of huge or tiny magnitude, the power of
    two that brings the largest value of ``arrays`` into [0.5, 1).

    Squares of numbers above about 1e154 overflow float64, and the float32
    first pass of the assign step overflows far earlier. Multiplying by a
    power of two only changes the exponent of every number: it is exact, and
    every later rounding scales with it. So the scaled run gives the very same
    labels, and centres and inertia that divide back exactly (by the scale,
    and its square).
    """
    largest = max(float(np.max(np.abs(a), initial=0.0)) for a in arrays)
    low, high = UNSCALED_RANGE
    if largest == 0 or low <= largest <= high:
        return 1.0
    return float(np.ldexp(1.0, -np.frexp(largest)[1]))


def scaled(X: np.ndarray, scale: float) -> np.ndarray:
    """``X * scale``, without a copy when the scale is 1."""
    return X if scale == 1.0 else X * scale


@dataclass(frozen=True)
class WorkingData:
    """The data as Lloyd's loop sees it, and the way back to the caller's coordinates.

    ``X`` is the caller's data scaled (see :func:`working_scale`), then
    centred on its mean; with ``collapse``, on large data with many repeated
    rows, each distinct row appears once with the total weight of its copies
    (see :func:`collapse_duplicates`). The tolerance is turned into a squared
    distance: ``tol`` times the mean variance of the features, as scikit-learn.
    """

    X: np.ndarray
    weights: np.ndarray
    scale: float
    offset: np.ndarray  # the mean of the scaled data
    abs_tol: float
    inverse: np.ndarray | None = None  # row of X for each of the caller's rows

    @classmethod
    def of(cls, X: np.ndarray, weights: np.ndarray, tol: float, collapse=False) -> WorkingData:
        scale = working_scale(X)
        points = scaled(X, scale)
        offset = points.mean(axis=0)
        abs_tol = float(np.mean(np.var(points, axis=0)) * tol) if tol else 0.0
        inverse = None
        if collapse:
            points, weights, inverse = collapse_duplicates_if_worthwhile(points, weights)
        return cls(points - offset, weights, scale, offset, abs_tol, inverse)

    def inward(self, centers: np.ndarray) -> np.ndarray:
        """The caller's centres in working coordinates."""
        return centers * self.scale - self.offset

    def outward(self, centers: np.ndarray) -> np.ndarray:
        """Centres in working coordinates back in the caller's."""
        return (centers + self.offset) / self.scale

    def every_row(self, labels: np.ndarray) -> np.ndarray:
        """Labels of the working rows spread back to each of the caller's rows."""
        return labels if self.inverse is None else labels[self.inverse]

    def unscale_inertia(self, value: float) -> float:
        """An inertia in working coordinates in the caller's (infinite beyond float64)."""
        with np.errstate(over="ignore"):
            return value / self.scale / self.scale

    def outward_state(self, state, fitted: float | None = None):
        """A :class:`clustering.kmeans.LloydState` of a run in working coordinates,
        in the caller's: centres moved back, labels spread to every row, and
        the inertia (``fitted``: in working coordinates, when already known)."""
        centers = self.outward(state.centers)
        if state.labels is None:
            return state._replace(centers=centers)
        if fitted is None:
            fitted = inertia(self.X, state.labels, state.centers, self.weights)
        return state._replace(
            centers=centers,
            labels=self.every_row(state.labels),
            inertia=self.unscale_inertia(fitted),
        )


# ---------------------------------------------------------------------------
# New data for a fitted KMeans
# ---------------------------------------------------------------------------


def predict_labels(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """:func:`nearest_centers` of the caller's data: in ``X``'s precision, scaled
    when huge or tiny (see :func:`working_scale`), on the threads the work deserves."""
    centers = centers.astype(X.dtype, copy=False)
    scale = working_scale(X, centers)
    with blas_threads_for(X.shape, centers.shape[0]):
        return nearest_centers(scaled(X, scale), scaled(centers, scale))


def distances_to_centers(X: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Euclidean distance from each row of ``X`` to every centre, in ``X``'s dtype.

    Taken as differences (``cdist``), not by the matrix-product shortcut: the
    distances themselves are the answer here, so their every digit counts.
    Huge or tiny data is scaled first, so that no square overflows.
    """
    scale = working_scale(X, centers)
    distances = cdist(scaled(X, scale), scaled(centers, scale)) / scale
    return distances.astype(X.dtype, copy=False)
