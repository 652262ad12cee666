"""DBSCAN: clusters are regions where points crowd together.

A point is a *core* point when at least ``min_samples`` points (itself
included) lie within distance ``eps`` of it. Core points closer than ``eps`` to
each other belong to the same cluster, so a chain of core points makes one
cluster of any shape. A point that is not core but lies within ``eps`` of a core
point is a *border* point and joins that core point's cluster; every other point
is an anomaly, labelled -1.

Below the estimator, the module reads top to bottom as the algorithm's three steps:

1. **Neighbourhoods** (:func:`neighbourhood_pairs`): every pair of points
   within ``eps`` of each other, found by a k-d tree (scipy's ``cKDTree``).
2. **Core points** (:func:`core_points`): count each point's neighbours.
3. **Expand clusters** (:func:`expand_clusters`): start a cluster at a core
   point, add every core point within ``eps`` of it, then theirs, and so on,
   until the cluster stops growing; that is, the connected components of the
   graph of core points. Clusters are numbered in the order of their
   lowest-index core point (:func:`number_clusters`), and a border point within
   reach of several clusters joins the lowest-numbered one
   (:func:`join_border_points`), the one scikit-learn's depth-first search
   reaches it from first. So our labels equal scikit-learn's exactly.

Listing every pair costs memory in proportion to the neighbourhoods' sizes:
tens of gigabytes at a million points. In 1 to 3 dimensions :class:`DBSCAN`
therefore takes the same three steps on a grid of cells of side
``eps / sqrt(d)`` where that pays (:mod:`clustering._dbscan_grid`), with the
same results.

Squared distances overflow beyond about 1e154 and underflow below 1e-154, so
before anything else the data and ``eps`` are multiplied by one power of two
that brings ``eps`` near 1 when it is extreme (exact: only the exponent
changes), and where coordinates are too large to square the pairs are found
axis by axis first (:func:`neighbourhood_pairs`).

The module ends with the helpers of the chapter's DBSCAN section:
:func:`k_distances`, the curve used to choose ``eps``;
:class:`NeighborsVoteClassifier` and :func:`classifier_from_dbscan`, which assign
*new* points to the clusters of a fitted DBSCAN (DBSCAN itself has no
``predict``); and :func:`point_kinds` (core, border or anomaly).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from sklearn.base import BaseEstimator, ClassifierMixin, ClusterMixin
from sklearn.utils.validation import check_is_fitted

from clustering._dbscan_grid import Grid, squared_distances_rowwise
from clustering._validation import check_data, check_in_range

__all__ = [
    "DBSCAN",
    "NeighborsVoteClassifier",
    "classifier_from_dbscan",
    "cluster_by_pairs",
    "cluster_on_grid",
    "core_points",
    "expand_clusters",
    "join_border_points",
    "k_distances",
    "neighbourhood_pairs",
    "number_clusters",
    "point_kinds",
]

# Coordinates and distances up to 2**SAFE_EXPONENT (about 1e120) can be squared
# and summed over up to 2**20 features without overflow; eps down to
# 2**-SAFE_EXPONENT squares to a normal float, well clear of underflow.
SAFE_EXPONENT = 400
NO_CLUSTER = np.iinfo(np.intp).max


class DBSCAN(ClusterMixin, BaseEstimator):
    """Density-based clustering with noise (DBSCAN).

    Parameters
    ----------
    eps : float, default=0.5
        The radius of a point's neighbourhood. Must be positive and finite.
    min_samples : int, default=5
        How many points (the point itself included) a neighbourhood needs for
        its centre to be a core point. Must be at least 1; with 1 every point is
        core and nothing is an anomaly.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each training point, numbered from 0 in the order of each
        cluster's lowest-index core point; -1 marks anomalies (noise).
    core_sample_indices_ : ndarray of shape (n_core_samples,)
        Indices of the core points, in increasing order.
    components_ : ndarray of shape (n_core_samples, n_features)
        The core points themselves.
    n_features_in_ : int
        Number of features seen in ``fit``.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> X, _ = make_moons(n_samples=1000, noise=0.05, random_state=42)
    >>> labels = DBSCAN(eps=0.2, min_samples=5).fit(X).labels_
    >>> sorted(set(labels.tolist()))
    [0, 1]
    """

    def __init__(self, eps: float = 0.5, min_samples: int = 5):
        self.eps = eps
        self.min_samples = min_samples

    def fit(self, X, y=None) -> DBSCAN:
        """Find the core points and the clusters of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training points.
        y : ignored
            Present for scikit-learn's API.

        Returns
        -------
        self : DBSCAN
            The fitted estimator.
        """
        check_in_range(self.eps, "eps", low=0, low_inclusive=False, owner="DBSCAN")
        check_in_range(self.min_samples, "min_samples", low=1, integer=True, owner="DBSCAN")
        X = check_data(self, X, dtype=np.float64)
        X_safe, eps = in_safe_units(X, float(self.eps))
        grid = Grid.build(X_safe, eps)
        if grid is None:
            is_core, labels = cluster_by_pairs(X_safe, eps, self.min_samples)
        else:
            is_core, labels = cluster_on_grid(grid, self.min_samples)
        self.core_sample_indices_ = np.flatnonzero(is_core)
        self.components_ = X[self.core_sample_indices_].copy()
        self.labels_ = labels
        return self

    def fit_predict(self, X, y=None) -> np.ndarray:
        """Fit on ``X`` and return ``labels_``."""
        return self.fit(X).labels_


def cluster_by_pairs(X: np.ndarray, eps: float, min_samples: int):
    """DBSCAN the textbook way: neighbourhoods, core points, expanded clusters.

    Returns
    -------
    is_core : ndarray of bool, shape (n_samples,)
    labels : ndarray of int, shape (n_samples,)
        As :class:`DBSCAN`'s ``labels_``.
    """
    pairs = neighbourhood_pairs(X, eps)
    is_core = core_points(pairs, X.shape[0], min_samples)
    return is_core, expand_clusters(pairs, is_core)


def cluster_on_grid(grid: Grid, min_samples: int):
    """The same three steps as :func:`cluster_by_pairs`, asked of the grid's cells."""
    is_core = grid.core_mask(min_samples)
    labels = number_clusters(is_core, grid.core_components(is_core))
    grid.assign_border_points(is_core, labels)
    return is_core, labels


def neighbourhood_pairs(X: np.ndarray, eps: float) -> np.ndarray:
    """Every pair of points within ``eps`` of each other, as rows ``(i, j)`` with ``i < j``.

    Where coordinates are too large to square (beyond ``2**SAFE_EXPONENT``),
    the k-d tree first lists the pairs within ``eps`` along every axis, which
    needs no squares (a pair within ``eps`` is within ``eps`` on each axis),
    and only those pairs' differences, at most ``eps``, are squared.

    Raises
    ------
    ValueError
        If the data span more than the largest float along an axis.
    """
    tree = cKDTree(X)
    if np.abs(X).max(initial=0) <= 2.0**SAFE_EXPONENT:
        return tree.query_pairs(eps, output_type="ndarray")
    with np.errstate(over="ignore"):
        span = X.max(axis=0) - X.min(axis=0)
    if not np.all(np.isfinite(span)):
        raise ValueError(
            "X spans more than the largest float (about 1.8e308) along an axis, so "
            "differences between its points cannot be computed: scale X and eps alike, "
            "for instance divide both by 4."
        )
    close_on_every_axis = tree.query_pairs(eps, p=np.inf, output_type="ndarray")
    first, second = close_on_every_axis.T
    distances = squared_distances_rowwise(X[first], X[second])
    return close_on_every_axis[distances <= eps * eps]


def core_points(pairs: np.ndarray, n_samples: int, min_samples: int) -> np.ndarray:
    """Which points have ``min_samples`` points (themselves included) within eps."""
    n_neighbours = 1 + np.bincount(pairs.ravel(), minlength=n_samples)
    return n_neighbours >= min_samples


def expand_clusters(pairs: np.ndarray, is_core: np.ndarray) -> np.ndarray:
    """Grow a cluster from each core point through the core points within eps; return labels.

    Expanding a cluster until no core point can be added is finding a
    connected component of the graph whose nodes are the core points and
    whose edges join core points within eps; scipy finds them all at once.
    """
    both_core = pairs[is_core[pairs[:, 0]] & is_core[pairs[:, 1]]]
    n_samples = is_core.size
    graph = coo_matrix(
        (np.ones(len(both_core)), (both_core[:, 0], both_core[:, 1])),
        shape=(n_samples, n_samples),
    )
    _, component = connected_components(graph, directed=False)
    labels = number_clusters(is_core, component)
    join_border_points(pairs, is_core, labels)
    return labels


def number_clusters(is_core: np.ndarray, component: np.ndarray) -> np.ndarray:
    """Labels from arbitrary component ids: 0, 1, ... by each cluster's lowest core point.

    ``component`` holds an id per point; only the core points' ids are read.
    Every point that is not core is labelled -1 for now.
    """
    core_indices = np.flatnonzero(is_core)
    _, first_point, which = np.unique(
        component[core_indices], return_index=True, return_inverse=True
    )
    number = np.empty(len(first_point), dtype=np.intp)
    number[np.argsort(first_point)] = np.arange(len(first_point))
    labels = np.full(is_core.size, -1, dtype=np.intp)
    labels[core_indices] = number[which]
    return labels


def join_border_points(pairs: np.ndarray, is_core: np.ndarray, labels: np.ndarray) -> None:
    """Give each non-core point within eps of a core point the lowest such cluster (in place)."""
    one_core = pairs[is_core[pairs[:, 0]] != is_core[pairs[:, 1]]]
    first_is_core = is_core[one_core[:, 0]]
    core_end = np.where(first_is_core, one_core[:, 0], one_core[:, 1])
    border_end = np.where(first_is_core, one_core[:, 1], one_core[:, 0])
    lowest = np.full(is_core.size, NO_CLUSTER)
    np.minimum.at(lowest, border_end, labels[core_end])
    reached = lowest < NO_CLUSTER
    labels[reached] = lowest[reached]


def in_safe_units(X: np.ndarray, eps: float) -> tuple[np.ndarray, float]:
    """``X`` and ``eps`` multiplied by one power of two that brings an extreme ``eps`` near 1.

    DBSCAN only compares distances with ``eps``, so scaling both by the same
    factor changes nothing, and a power of two changes only the exponents: the
    scaled values are exact. ``eps`` within ``2**±SAFE_EXPONENT`` is left alone.

    Raises
    ------
    ValueError
        If the data are so large compared with ``eps`` (beyond about 1e308
        times) that they cannot be expressed in units of ``eps``.
    """
    exponent = math.frexp(eps)[1] - 1  # eps = m * 2**exponent with 1 <= m < 2
    if abs(exponent) <= SAFE_EXPONENT:
        return X, eps
    with np.errstate(over="ignore", under="ignore"):
        X_scaled = np.ldexp(X, -exponent)
    if not np.all(np.isfinite(X_scaled)):
        raise ValueError(
            f"X spans more than 1e308 times eps={eps!r}, beyond what floating point can "
            "compare: raise eps, or scale X (for instance divide it by a power of two)."
        )
    return X_scaled, math.ldexp(eps, -exponent)


def shrink_exponent(X: np.ndarray) -> int:
    """The power of two that brings ``X``'s largest magnitude under ``2**SAFE_EXPONENT``.

    0 where it already is. Distances measured on ``np.ldexp(X, -exponent)``
    times ``2**exponent`` are the distances of ``X``.
    """
    largest = float(np.abs(X).max(initial=0))
    return 0 if largest <= 2.0**SAFE_EXPONENT else math.frexp(largest)[1]


def k_distances(X, k: int = 5) -> np.ndarray:
    """Each point's distance to its k-th nearest neighbour, sorted in increasing order.

    The point itself counts as its first neighbour, as in DBSCAN's
    ``min_samples``: with ``k = min_samples``, a point is a core point exactly
    when its k-distance is at most ``eps``. Plotting the curve shows how many
    points would be core at each ``eps``; a good ``eps`` sits where the curve
    bends sharply upward (below it: the dense clusters; above: the anomalies).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data.
    k : int, default=5
        Which neighbour, counting the point itself; 1 <= k <= n_samples.

    Returns
    -------
    distances : ndarray of shape (n_samples,)
        The k-distances, smallest first.
    """
    check_in_range(k, "k", low=1, integer=True)
    X = check_data(_Unfitted(), X, dtype=np.float64)
    if k > X.shape[0]:
        raise ValueError(f"k={k} is more than the {X.shape[0]} points: choose k <= n_samples.")
    X_safe = np.ldexp(X, -(exponent := shrink_exponent(X)))
    distances, _ = cKDTree(X_safe).query(X_safe, k=[k])
    with np.errstate(over="ignore"):
        return np.sort(np.ldexp(distances[:, 0], exponent))


class _Unfitted(BaseEstimator):
    """A stand-in estimator for validating the data of a plain function."""


class NeighborsVoteClassifier(ClassifierMixin, BaseEstimator):
    """Predict the cluster of new points from labelled points: the k nearest vote.

    This is how the chapter gives DBSCAN a ``predict``: train it on the core
    samples of a fitted DBSCAN (see :func:`classifier_from_dbscan`), then each
    new point takes the most common cluster among its ``n_neighbors`` nearest
    core samples, and the share of each cluster among those neighbours is its
    probability. With ``max_distance``, a point farther than that from every
    training point is an anomaly (-1) whatever the vote says.

    Parameters
    ----------
    n_neighbors : int, default=50
        How many training points vote. If there are fewer training points,
        all of them vote.
    max_distance : float or None, default=None
        Points whose nearest training point is farther than this are predicted
        -1. None: never.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The cluster labels seen in ``fit``, sorted.
    n_features_in_ : int
        Number of features seen in ``fit``.
    """

    def __init__(self, n_neighbors: int = 50, max_distance: float | None = None):
        self.n_neighbors = n_neighbors
        self.max_distance = max_distance

    def fit(self, X, y) -> NeighborsVoteClassifier:
        """Remember the labelled points ``X`` (for DBSCAN: its core samples) and labels ``y``."""
        check_in_range(self.n_neighbors, "n_neighbors", low=1, integer=True)
        if self.max_distance is not None:
            check_in_range(self.max_distance, "max_distance", low=0)
        X = check_data(self, X, dtype=np.float64)
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y has shape {y.shape}: pass one label per row of X ({len(X)}).")
        self.classes_, self.y_codes_ = np.unique(y, return_inverse=True)
        # Very large points are measured in units of a power of two (see shrink_exponent).
        self.exponent_ = shrink_exponent(X)
        self.tree_ = cKDTree(np.ldexp(X, -self.exponent_))
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Share of each class (column, in ``classes_`` order) among the nearest neighbours."""
        proba, _ = self._vote(X)
        return proba

    def predict(self, X) -> np.ndarray:
        """The winning class of the vote (ties: the smaller), or -1 beyond ``max_distance``."""
        proba, nearest = self._vote(X)
        labels = self.classes_[np.argmax(proba, axis=1)]
        if self.max_distance is not None:
            labels = np.where(nearest > self.max_distance, -1, labels)
        return labels

    def kneighbors(self, X, n_neighbors: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Distances to the nearest training points and their row numbers, nearest first.

        As scikit-learn's ``kneighbors``: ``n_neighbors`` defaults to the
        classifier's own (at most the number of training points). For DBSCAN's
        core samples, the first column says how far each point is from the
        nearest core sample, which ``max_distance`` compares.

        Returns
        -------
        distances, indices : ndarrays of shape (n_points, n_neighbors)
        """
        check_is_fitted(self)
        X = check_data(self, X, reset=False, dtype=np.float64)
        X_safe = np.ldexp(X, -self.exponent_)
        if np.abs(X_safe).max(initial=0) > 2.0**SAFE_EXPONENT:
            raise ValueError(
                f"X holds values up to {np.abs(X).max():.3g}, too far beyond the training "
                "points' scale to measure distances in floating point: scale X and the "
                "training points alike, or drop those points."
            )
        wanted = self.n_neighbors if n_neighbors is None else n_neighbors
        check_in_range(wanted, "n_neighbors", low=1, integer=True)
        k = min(wanted, self.tree_.n)
        distances, indices = self.tree_.query(X_safe, k=list(range(1, k + 1)))
        return np.ldexp(distances, self.exponent_), indices

    def _vote(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Each point's class shares among its nearest neighbours, and its nearest distance."""
        distances, indices = self.kneighbors(X)
        k = indices.shape[1]
        n_points, n_classes = len(indices), len(self.classes_)
        # Count all votes at once: point i's vote for class c lands in bin i * n_classes + c.
        bins = np.arange(n_points)[:, None] * n_classes + self.y_codes_[indices]
        votes = np.bincount(bins.ravel(), minlength=n_points * n_classes)
        return votes.reshape(n_points, n_classes) / k, distances[:, 0]


def classifier_from_dbscan(
    dbscan: DBSCAN, n_neighbors: int = 50, max_distance: float | None = None
) -> NeighborsVoteClassifier:
    """A :class:`NeighborsVoteClassifier` trained on a fitted DBSCAN's core samples.

    The chapter's recipe: ``dbscan.components_`` labelled with their clusters.

    Raises
    ------
    ValueError
        If the DBSCAN found no core samples (every point is an anomaly), so there
        is nothing to vote.
    """
    check_is_fitted(dbscan)
    if len(dbscan.core_sample_indices_) == 0:
        raise ValueError(
            "This DBSCAN found no core samples, so no cluster can vote: "
            "increase eps or lower min_samples."
        )
    core_labels = dbscan.labels_[dbscan.core_sample_indices_]
    classifier = NeighborsVoteClassifier(n_neighbors=n_neighbors, max_distance=max_distance)
    return classifier.fit(dbscan.components_, core_labels)


def point_kinds(dbscan: DBSCAN) -> np.ndarray:
    """What each training point of a fitted DBSCAN is: ``"core"``, ``"border"`` or ``"anomaly"``.

    Core points are listed in ``core_sample_indices_``; of the others, those in
    a cluster are border points and those labelled -1 anomalies.
    """
    check_is_fitted(dbscan)
    kinds = np.where(dbscan.labels_ == -1, "anomaly", "border").astype(object)
    kinds[dbscan.core_sample_indices_] = "core"
    return kinds
