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
"""

from __future__ import annotations

import warnings
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

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

from clustering._validation import (
    check_data,
    check_in_range,
    check_one_of,
    check_random_state,
    check_sample_weight,
)

__all__ = ["KMeans", "LloydState", "init_centroids", "lloyd_steps"]

INIT_METHODS = ("k-means++", "random")

# Rows of X handled at once when computing distances to the centres: the
# (rows x k) block of distances then stays small enough for the CPU cache.
CHUNK_ELEMENTS = 1 << 15


# ---------------------------------------------------------------------------
# Distances and the two half-steps
# ---------------------------------------------------------------------------


def squared_distances(A: np.ndarray, B: np.ndarray, B_sq_norms: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances between the rows of ``A`` and those of ``B``.

    Uses ``||a - b||² = ||a||² - 2 a·b + ||b||²``: the middle term for all pairs
    is one matrix product, far faster than subtracting pair by pair. Rounding
    can make a tiny distance come out slightly negative, so it is clipped at 0.
    """
    distances = A @ B.T
    distances *= -2
    distances += np.einsum("ij,ij->i", A, A)[:, None]
    distances += B_sq_norms[None, :]
    return np.maximum(distances, 0, out=distances)


def row_sq_norms(X: np.ndarray) -> np.ndarray:
    """``||x||²`` for every row ``x`` of ``X``."""
    return np.einsum("ij,ij->i", X, X)


def nearest_centers(
    X: np.ndarray, centers: np.ndarray, x_sq_norms: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Label of the nearest centre and squared distance to it, for every row of ``X``.

    The nearest centre minimises ``||c||² - 2 x·c`` (``||x||²`` is the same for
    every centre), so only that is compared; ``||x||²`` is added back to the
    winner to get the true squared distance. Rows are processed in chunks so
    that the block of distances stays in cache whatever the size of ``X``.
    """
    n_samples, n_clusters = X.shape[0], centers.shape[0]
    labels = np.empty(n_samples, dtype=np.int32)
    closest = np.empty(n_samples, dtype=X.dtype)
    minus_two_centers_t = -2 * centers.T
    c_sq_norms = row_sq_norms(centers)
    chunk = max(1, CHUNK_ELEMENTS // n_clusters)
    for start in range(0, n_samples, chunk):
        rows = slice(start, start + chunk)
        scores = X[rows] @ minus_two_centers_t
        scores += c_sq_norms
        labels[rows] = scores.argmin(axis=1)
        closest[rows] = np.take_along_axis(scores, labels[rows, None], axis=1)[:, 0]
    closest += x_sq_norms
    return labels, np.maximum(closest, 0, out=closest)


def weighted_inertia(sq_distances: np.ndarray, weights: np.ndarray) -> float:
    """Sum of weighted squared distances, accumulated in float64."""
    return float(np.dot(sq_distances.astype(np.float64), weights.astype(np.float64)))


def cluster_weights_and_sums(
    X: np.ndarray, labels: np.ndarray, weights: np.ndarray, n_clusters: int
) -> tuple[np.ndarray, np.ndarray]:
    """Total weight and weighted sum of the points of every cluster.

    ``sums[j] / totals[j]`` is then the weighted mean of cluster ``j``.
    """
    totals = np.bincount(labels, weights=weights, minlength=n_clusters).astype(X.dtype)
    sums = np.zeros((n_clusters, X.shape[1]), dtype=X.dtype)
    np.add.at(sums, labels, X * weights[:, None])
    return totals, sums


def farthest_points(X: np.ndarray, centers: np.ndarray, labels: np.ndarray, count: int):
    """Indices of the ``count`` points farthest from their own centre, farthest first."""
    distances = ((X - centers[labels]) ** 2).sum(axis=1)
    return np.argsort(-distances, kind="stable")[:count]


def move_centers_to_means(
    X: np.ndarray, labels: np.ndarray, weights: np.ndarray, centers: np.ndarray
) -> tuple[np.ndarray, np.ndarray, bool]:
    """The update half-step: each centre moves to the weighted mean of its points.

    A cluster that lost all its points would have no mean. As scikit-learn does,
    it is re-seeded on the point farthest from its own centre (the point the
    current centres explain worst), and that point's weight is taken away from
    the cluster it came from.

    Returns
    -------
    new_centers : ndarray of shape (n_clusters, n_features)
    cluster_weights : ndarray of shape (n_clusters,)
        Total weight of the points labelled with each cluster.
    reseeded : bool
        Whether some empty cluster was re-seeded.
    """
    n_clusters = centers.shape[0]
    totals, sums = cluster_weights_and_sums(X, labels, weights, n_clusters)
    empty = np.flatnonzero(totals == 0)
    seeds = farthest_points(X, centers, labels, empty.size) if empty.size else empty
    for seed in seeds:
        donor = labels[seed]
        totals[donor] -= weights[seed]
        sums[donor] -= weights[seed] * X[seed]
    new_centers = centers.copy()
    filled = totals > 0
    new_centers[filled] = sums[filled] / totals[filled, None]
    new_centers[empty] = X[seeds]
    return new_centers, totals, empty.size > 0


# ---------------------------------------------------------------------------
# Lloyd's algorithm, one half-step at a time
# ---------------------------------------------------------------------------

PHASES = ("init", "assign", "update")


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


def _lloyd(
    X: np.ndarray,
    centers: np.ndarray,
    weights: np.ndarray,
    *,
    max_iter: int,
    abs_tol: float,
    offset: np.ndarray,
    x_sq_norms: np.ndarray,
) -> Iterator[LloydState]:
    """Lloyd's algorithm on data already shifted by ``-offset``; the core of
    :func:`lloyd_steps` and :meth:`KMeans.fit`.

    Working on centred data keeps ``||x||² - 2 x·c + ||c||²`` accurate; the
    states report centres in the caller's coordinates (``+ offset``).
    """

    def state(iteration, phase, labels, inertia, converged=False, shift=float("nan")):
        return LloydState(iteration, phase, centers + offset, labels, inertia, converged, shift)

    yield state(0, "init", None, float("nan"))
    previous_labels = None
    iteration = 0
    for iteration in range(1, max_iter + 1):
        labels, sq_distances = nearest_centers(X, centers, x_sq_norms)
        inertia = weighted_inertia(sq_distances, weights)
        unchanged = previous_labels is not None and np.array_equal(labels, previous_labels)
        yield state(iteration, "assign", labels, inertia, converged=unchanged)
        if unchanged:
            return
        new_centers, totals, reseeded = move_centers_to_means(X, labels, weights, centers)
        moves = ((new_centers - centers) ** 2).sum(axis=1)
        shift = float(moves.sum())
        if reseeded:
            inertia = weighted_inertia(((X - new_centers[labels]) ** 2).sum(axis=1), weights)
        else:
            # Moving a cluster's centre to its mean lowers the cluster's inertia
            # by exactly (its weight) x (squared distance moved).
            inertia -= float(np.dot(totals.astype(np.float64), moves))
        centers = new_centers
        yield state(iteration, "update", labels, inertia, shift=shift)
        if shift <= abs_tol:
            break
        previous_labels = labels
    labels, sq_distances = nearest_centers(X, centers, x_sq_norms)
    inertia = weighted_inertia(sq_distances, weights)
    yield state(iteration, "assign", labels, inertia, converged=shift <= abs_tol)


def last_state(steps: Iterator[LloydState]) -> LloydState:
    """Run the steps through to the end and return only the final state."""
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
    yield from _lloyd(
        X,
        centers - offset,
        weights,
        max_iter=max_iter,
        abs_tol=abs_tol,
        offset=offset,
        x_sq_norms=row_sq_norms(X),
    )


# ---------------------------------------------------------------------------
# Starting centres
# ---------------------------------------------------------------------------


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
    chosen = [rng.choice(n_samples, p=weights / weights.sum())]
    closest = squared_distances(X[chosen], X, x_sq_norms)[0]
    potential = closest @ weights
    for _ in range(1, n_clusters):
        targets = rng.uniform(size=n_candidates) * potential
        candidates = np.searchsorted(np.cumsum(weights * closest), targets)
        candidates = np.minimum(candidates, n_samples - 1)
        with_candidate = np.minimum(closest, squared_distances(X[candidates], X, x_sq_norms))
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
        if not self._init_is_array():
            check_one_of(self.init, "init", INIT_METHODS)
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
        n_init = self._effective_n_init()
        rng = check_random_state(self.random_state)
        abs_tol = absolute_tolerance(X, self.tol)

        offset = X.mean(axis=0)
        X_centred = X - offset
        x_sq_norms = row_sq_norms(X_centred)
        best = None
        for _ in range(n_init):
            if self._init_is_array():
                centers = starts - offset
            else:
                centers = _init_centroids(X_centred, self.n_clusters, self.init, weights, rng)
            state = last_state(
                _lloyd(
                    X_centred,
                    centers,
                    weights,
                    max_iter=self.max_iter,
                    abs_tol=abs_tol,
                    offset=offset,
                    x_sq_norms=x_sq_norms,
                )
            )
            if best is None or state.inertia < best.inertia:
                best = state

        self._warn_if_fewer_clusters(best.labels)
        self.cluster_centers_ = best.centers
        self.labels_ = best.labels
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
        labels, _ = nearest_centers(X, centers, row_sq_norms(X))
        return labels

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
        _, sq_distances = nearest_centers(X, centers, row_sq_norms(X))
        return -weighted_inertia(sq_distances, weights)
