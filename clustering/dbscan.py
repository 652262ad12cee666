"""DBSCAN: clusters are regions where points crowd together.

A point is a *core* point when at least ``min_samples`` points (itself
included) lie within distance ``eps`` of it. Core points closer than ``eps`` to
each other belong to the same cluster, so a chain of core points makes one
cluster of any shape. A point that is not core but lies within ``eps`` of a core
point is a *border* point and joins that core point's cluster; every other point
is an anomaly, labelled -1.

Everything hinges on one question: which points lie within ``eps`` of which.
Asking it of every pair costs n² distances, and storing the answers (one
neighbour list per point, as scikit-learn does) can take tens of gigabytes at a
million points. We answer it two ways:

* In 1 to 3 dimensions we drop the points into a grid of cells of side
  ``eps / sqrt(d)``. The diagonal of such a cell is ``eps``, so any two points of
  one cell are neighbours: a cell holding ``min_samples`` points is all core,
  with no distance computed, and its core points are one cluster already.
  Clusters are then found on the much smaller graph of *cells*, linking two
  cells as soon as one pair of their core points is within ``eps``.
* Where cells would hold only a point or two (small ``eps``, few points) or the
  dimension is high (a cell has too many neighbouring cells), a k-d tree
  (scipy's ``cKDTree``) lists the pairs of points within ``eps`` directly.

Both give exactly scikit-learn's labels: clusters are numbered in the order of
their lowest-index core point, and a border point within reach of several
clusters joins the lowest-numbered one, which is the cluster that scikit-learn's
depth-first search reaches it from first.

The module also holds the two helpers of the chapter's DBSCAN section:
:func:`k_distances`, the curve used to choose ``eps``, and
:class:`NeighborsVoteClassifier`, which assigns *new* points to the clusters of a
fitted DBSCAN (DBSCAN itself has no ``predict``).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from sklearn.base import BaseEstimator, ClassifierMixin, ClusterMixin
from sklearn.utils.validation import check_is_fitted

from clustering._validation import check_data, check_in_range

__all__ = ["DBSCAN", "NeighborsVoteClassifier", "classifier_from_dbscan", "k_distances"]

# The grid pays off when its cells hold several points each and a cell has few
# neighbouring cells (25 in 2-D, 125 in 3-D, 16,807 in 5-D).
GRID_MAX_DIMENSIONS = 3
GRID_MIN_POINTS_PER_CELL = 4
# Cells are a hair smaller than eps / sqrt(d), so that two points sharing a cell
# are within eps even after the rounding of computing their cell; this holds
# while cell coordinates stay below GRID_MAX_CELLS_PER_AXIS.
CELL_SHRINK = 1 - 1e-9
GRID_MAX_CELLS_PER_AXIS = 2**20
# Two dense neighbouring cells are usually linked by their points closest to
# each other: try that many from each side before comparing all pairs.
LINK_FIRST_TRY = 64


class DBSCAN(ClusterMixin, BaseEstimator):
    """Density-based clustering with noise (DBSCAN).

    Parameters
    ----------
    eps : float, default=0.5
        The radius of a point's neighbourhood. Must be positive.
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
        check_in_range(self.eps, "eps", low=0, low_inclusive=False)
        if not math.isfinite(self.eps):
            raise ValueError(f"eps must be a finite distance, got {self.eps!r}.")
        check_in_range(self.min_samples, "min_samples", low=1, integer=True)
        X = check_data(self, X, dtype=np.float64)
        grid = _Grid.build(X, self.eps)
        if grid is not None:
            is_core, labels = grid.cluster(self.min_samples)
        else:
            is_core, labels = _cluster_with_kdtree(X, self.eps, self.min_samples)
        self.core_sample_indices_ = np.flatnonzero(is_core)
        self.components_ = X[self.core_sample_indices_].copy()
        self.labels_ = labels
        return self

    def fit_predict(self, X, y=None) -> np.ndarray:
        """Fit on ``X`` and return ``labels_``."""
        return self.fit(X).labels_


def _cluster_with_kdtree(X: np.ndarray, eps: float, min_samples: int):
    """DBSCAN from the list of all pairs of points within ``eps`` (a k-d tree finds them).

    Returns the core mask and the labels (see :class:`DBSCAN`).
    """
    n_samples = X.shape[0]
    pairs = cKDTree(X).query_pairs(eps, output_type="ndarray")
    n_neighbours = 1 + np.bincount(pairs.ravel(), minlength=n_samples)
    is_core = n_neighbours >= min_samples

    core_ids = np.cumsum(is_core) - 1  # position of each core point among core points
    both_core = pairs[is_core[pairs[:, 0]] & is_core[pairs[:, 1]]]
    n_core = int(is_core.sum())
    graph = coo_matrix(
        (np.ones(len(both_core)), (core_ids[both_core[:, 0]], core_ids[both_core[:, 1]])),
        shape=(n_core, n_core),
    )
    _, core_components = connected_components(graph, directed=False)
    labels = _labels_of_core_points(is_core, core_components)

    # A border point joins the lowest-numbered cluster among its core neighbours.
    one_core = pairs[is_core[pairs[:, 0]] != is_core[pairs[:, 1]]]
    core_end = np.where(is_core[one_core[:, 0]], one_core[:, 0], one_core[:, 1])
    border_end = np.where(is_core[one_core[:, 0]], one_core[:, 1], one_core[:, 0])
    no_cluster = np.iinfo(np.intp).max
    lowest = np.full(n_samples, no_cluster)
    np.minimum.at(lowest, border_end, labels[core_end])
    reached = lowest < no_cluster
    labels[reached] = lowest[reached]
    return is_core, labels


def _labels_of_core_points(is_core: np.ndarray, core_components: np.ndarray) -> np.ndarray:
    """Turn arbitrary component ids of the core points into scikit-learn's labels.

    Clusters are numbered 0, 1, ... in the order of their lowest-index core
    point; every point that is not core gets -1 for now.
    """
    core_indices = np.flatnonzero(is_core)
    n_components = int(core_components.max()) + 1 if len(core_indices) else 0
    first_point = np.full(n_components, is_core.size)
    np.minimum.at(first_point, core_components, core_indices)
    number_of_component = np.empty(n_components, dtype=np.intp)
    number_of_component[np.argsort(first_point)] = np.arange(n_components)
    labels = np.full(is_core.size, -1, dtype=np.intp)
    labels[core_indices] = number_of_component[core_components]
    return labels


class _Grid:
    """The points sorted into square cells of side (just under) ``eps / sqrt(d)``.

    Cells are numbered 0 .. n_cells-1 in the order of their position in the
    grid, and the points are sorted cell by cell: sorted point ``p`` is original
    point ``order[p]``, and cell ``c`` holds sorted points ``start[c]`` to
    ``start[c + 1] - 1``, whose coordinates are those rows of ``points``.
    Use :meth:`build`, which declines when a grid would not pay off.
    """

    def __init__(self, X: np.ndarray, eps: float, keys: np.ndarray, neighbour_steps: np.ndarray):
        self.eps = eps
        self.n_samples = X.shape[0]
        self.order = np.argsort(keys, kind="stable")
        sorted_keys = keys[self.order]
        is_first = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
        self.cell_keys = sorted_keys[is_first]
        self.start = np.r_[np.flatnonzero(is_first), self.n_samples]
        self.cell_of_sorted_point = np.cumsum(is_first) - 1
        self.points = X[self.order]
        wanted = self.cell_keys[:, None] + neighbour_steps[None, :]
        found = np.searchsorted(self.cell_keys, wanted).clip(max=len(self.cell_keys) - 1)
        # neighbours[c]: the non-empty cells that may hold points within eps of cell c (-1: none)
        self.neighbours = np.where(self.cell_keys[found] == wanted, found, -1)

    @classmethod
    def build(cls, X: np.ndarray, eps: float) -> _Grid | None:
        """Sort ``X`` into cells, or return None where a k-d tree would serve better.

        That is in more than ``GRID_MAX_DIMENSIONS`` dimensions, when the grid
        would be too fine, and when cells would hold fewer than
        ``GRID_MIN_POINTS_PER_CELL`` points on average.
        """
        n_features = X.shape[1]
        side = eps / math.sqrt(n_features) * CELL_SHRINK
        lowest = X.min(axis=0)
        if n_features > GRID_MAX_DIMENSIONS or np.any(
            (X.max(axis=0) - lowest) / side >= GRID_MAX_CELLS_PER_AXIS
        ):
            return None
        cells = np.floor((X - lowest) / side).astype(np.int64)
        # How many cells away a neighbour can sit. Every cell is shifted by that
        # much so that a neighbouring cell's key never wraps onto another row.
        reach = math.floor(eps / side) + 1
        shape = cells.max(axis=0) + 1 + 2 * reach
        keys = np.ravel_multi_index((cells + reach).T, shape)
        if X.shape[0] < GRID_MIN_POINTS_PER_CELL * len(np.unique(keys)):
            return None
        steps = np.arange(-reach, reach + 1)
        offsets = np.stack(np.meshgrid(*[steps] * n_features, indexing="ij"), -1)
        offsets = offsets.reshape(-1, n_features)
        # Keep the offsets whose cells' nearest corners are within eps.
        gap_in_cells = np.maximum(np.abs(offsets) - 1, 0)
        gaps = (gap_in_cells**2).sum(axis=1)
        # Nearest cells first: linking them first often spares testing farther ones.
        offsets = offsets[np.argsort(gaps, kind="stable")][np.sort(gaps) * side**2 <= eps**2]
        # Moving one cell along axis k moves the key by the product of the later axes' sizes.
        strides = np.r_[np.cumprod(shape[::-1])[::-1][1:], 1]
        return cls(X, eps, keys, offsets @ strides)

    def members(self, cell: int) -> np.ndarray:
        """Sorted positions of the points of ``cell``."""
        return np.arange(self.start[cell], self.start[cell + 1])

    def nearby(self, cell: int) -> np.ndarray:
        """Sorted positions of every point in the cells around ``cell`` (itself included)."""
        return np.concatenate([self.members(c) for c in self.neighbours[cell] if c >= 0])

    def within_eps(self, rows: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Boolean matrix: which ``candidates`` lie within eps of each of ``rows``.

        Both are positions in sorted order.
        """
        distances = _squared_distances(self.points[rows], self.points[candidates])
        return distances <= self.eps**2

    def cluster(self, min_samples: int):
        """Run DBSCAN on the grid; return the core mask and labels in the original order."""
        counts = np.diff(self.start)
        is_core = np.repeat(counts >= min_samples, counts)  # a full cell is all core
        for cell in np.flatnonzero(counts < min_samples):
            members = self.members(cell)
            is_core[members] = self.within_eps(members, self.nearby(cell)).sum(axis=1) >= (
                min_samples
            )
        cell_components = self._link_core_cells(is_core)

        is_core_original = np.empty(self.n_samples, dtype=bool)
        is_core_original[self.order] = is_core
        component = np.empty(self.n_samples, dtype=np.intp)
        component[self.order] = cell_components[self.cell_of_sorted_point]
        labels = _labels_of_core_points(is_core_original, component[is_core_original])
        sorted_labels = labels[self.order]
        self._assign_border_points(is_core, sorted_labels)
        labels[self.order] = sorted_labels
        return is_core_original, labels

    def _link_core_cells(self, is_core: np.ndarray) -> np.ndarray:
        """Connected components of the cells that hold a core point.

        Two such cells are linked when a core point of one is within eps of a
        core point of the other (all core points of one cell are within eps of
        each other). Most links are confirmed at once, for all pairs of cells
        together, by the cells' outermost core points; the pairs left are tested
        one by one, skipping those that union-find already shows connected.
        Returns a component id per cell (-1 for cells without core points).
        """
        n_cells = len(self.cell_keys)
        cell, other = self._candidate_links(is_core)
        confirmed = self._linked_by_outermost_points(cell, other, is_core)
        links = coo_matrix(
            (np.ones(confirmed.sum()), (cell[confirmed], other[confirmed])),
            shape=(n_cells, n_cells),
        )
        _, component = connected_components(links, directed=False)
        # Union-find over cells, starting from those components (each led by its first cell).
        leader = np.full(component.max() + 1, n_cells)
        np.minimum.at(leader, component, np.arange(n_cells))
        parent = leader[component].tolist()

        def root(cell):
            while parent[cell] != cell:
                parent[cell] = parent[parent[cell]]
                cell = parent[cell]
            return cell

        for a, b in zip(cell[~confirmed].tolist(), other[~confirmed].tolist(), strict=True):
            if root(a) != root(b) and self._core_points_touch(a, b, is_core):
                parent[root(b)] = root(a)
        has_core = np.zeros(n_cells, dtype=bool)
        has_core[self.cell_of_sorted_point[is_core]] = True
        roots = np.array([root(cell) for cell in range(n_cells)])
        return np.where(has_core, roots, -1)

    def _core_segments(self, is_core: np.ndarray):
        """The core points in sorted order, the cells holding some, and where each cell's begin."""
        core_points = self.points[is_core]
        first_core = np.searchsorted(np.flatnonzero(is_core), self.start[:-1])
        cells_with_core = np.flatnonzero(first_core < np.r_[first_core[1:], len(core_points)])
        return core_points, cells_with_core, first_core[cells_with_core]

    def _candidate_links(self, is_core: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pairs of neighbouring cells (each pair once) whose core points might be within eps.

        A pair is left out when the bounding boxes of the two cells' core points
        are farther than eps apart (or a cell has no core point). Pairs come
        nearest offsets first: once the adjacent cells are linked, many of the
        farther pairs are already connected and need no test.
        """
        core_points, cells_with_core, starts = self._core_segments(is_core)
        low = np.full((len(self.cell_keys), self.points.shape[1]), np.inf)
        high = np.full_like(low, -np.inf)
        if len(core_points):
            low[cells_with_core] = np.minimum.reduceat(core_points, starts)
            high[cells_with_core] = np.maximum.reduceat(core_points, starts)
        cells = np.arange(len(self.cell_keys))
        pairs = []
        for others in self.neighbours.T:
            keep = others > cells
            cell, other = cells[keep], others[keep]
            gap = np.maximum(low[other] - high[cell], 0) + np.maximum(low[cell] - high[other], 0)
            close = (gap**2).sum(axis=1) <= self.eps**2
            pairs.append(np.stack([cell[close], other[close]]))
        return tuple(np.concatenate(pairs, axis=1))

    def _linked_by_outermost_points(self, cell, other, is_core) -> np.ndarray:
        """For each candidate pair, True if their outermost core points prove a link.

        A cell's outermost core points are the farthest ones in each direction
        of {-1, 0, 1}^d (8 directions in 2-D): right, upper-right, up ... Two
        crowded neighbouring cells almost always have a pair of these within
        eps (the points on the sides facing each other), so comparing only
        those settles most pairs with a few array operations.
        """
        n_features = self.points.shape[1]
        directions = np.array(list(itertools.product((-1, 0, 1), repeat=n_features)))
        directions = directions[np.any(directions != 0, axis=1)]
        core_points, cells_with_core, starts = self._core_segments(is_core)
        outermost = np.full((len(self.cell_keys), len(directions), n_features), np.inf)
        if len(core_points):
            segment = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(core_points)]))
            for j, scores in enumerate(directions @ core_points.T):
                best = np.flatnonzero(scores == np.maximum.reduceat(scores, starts)[segment])
                first_best = best[np.r_[True, segment[best][1:] != segment[best][:-1]]]
                outermost[cells_with_core, j] = core_points[first_best]
        ours, theirs = outermost[cell], outermost[other]
        confirmed = np.zeros(len(cell), dtype=bool)
        for j in range(len(directions)):
            distances = _squared_distances_rowwise(ours[:, j, None, :], theirs)
            confirmed |= np.any(distances <= self.eps**2, axis=1)
        return confirmed

    def _core_points_touch(self, cell: int, other: int, is_core: np.ndarray) -> bool:
        """Whether some core point of ``cell`` is within eps of a core point of ``other``.

        Only points within eps of the other cell's bounding box can touch it.
        Those nearest the other cell are tried first: between two crowded cells
        that settles it at once, before any other pair is compared.
        """
        ours = self.points[self.members(cell)[is_core[self.members(cell)]]]
        theirs = self.points[self.members(other)[is_core[self.members(other)]]]
        ours = _nearest_first(ours, theirs, self.eps)
        theirs = _nearest_first(theirs, ours, self.eps)
        eps2 = self.eps**2
        first = LINK_FIRST_TRY
        if np.any(_squared_distances(ours[:first], theirs[:first]) <= eps2):
            return True
        return any(
            np.any(_squared_distances(ours[i : i + first], theirs) <= eps2)
            for i in range(0, len(ours), first)
        )

    def _assign_border_points(self, is_core: np.ndarray, sorted_labels: np.ndarray) -> None:
        """Give each non-core point the lowest cluster among the core points within eps.

        ``sorted_labels`` (labels in sorted order) is updated in place.
        """
        for cell in np.unique(self.cell_of_sorted_point[~is_core]):
            members = self.members(cell)
            border = members[~is_core[members]]
            nearby = self.nearby(cell)
            nearby = nearby[is_core[nearby]]
            no_cluster = np.iinfo(np.intp).max
            reachable = np.where(self.within_eps(border, nearby), sorted_labels[nearby], no_cluster)
            lowest = reachable.min(axis=1, initial=no_cluster)
            reached = lowest < no_cluster
            sorted_labels[border[reached]] = lowest[reached]


def _squared_distances(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """All squared Euclidean distances between rows of ``A`` and rows of ``B``.

    Summed coordinate by coordinate from differences (not as ||a||² - 2a·b +
    ||b||²), the way scikit-learn's k-d tree does, so that a distance of
    exactly eps compares the same.
    """
    distances = np.zeros((len(A), len(B)))
    for k in range(A.shape[1]):
        distances += (A[:, k, None] - B[None, :, k]) ** 2
    return distances


def _squared_distances_rowwise(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances along the last axis of ``A - B`` (broadcast).

    Summed coordinate by coordinate like :func:`_squared_distances`.
    """
    distances = (A[..., 0] - B[..., 0]) ** 2
    for k in range(1, A.shape[-1]):
        distances += (A[..., k] - B[..., k]) ** 2
    return distances


def _nearest_first(points: np.ndarray, others: np.ndarray, eps: float) -> np.ndarray:
    """The rows of ``points`` within eps of the bounding box of ``others``, nearest first."""
    if len(others) == 0:
        return points[:0]
    outside = np.maximum(others.min(axis=0) - points, 0) + np.maximum(
        points - others.max(axis=0), 0
    )
    distances = (outside**2).sum(axis=1)
    close = np.flatnonzero(distances <= eps**2)
    return points[close[np.argsort(distances[close], kind="stable")]]


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
    distances, _ = cKDTree(X).query(X, k=[k])
    return np.sort(distances[:, 0])


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
        self.tree_ = cKDTree(X)
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

    def _vote(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Each point's class shares among its nearest neighbours, and its nearest distance."""
        check_is_fitted(self)
        X = check_data(self, X, reset=False, dtype=np.float64)
        k = min(self.n_neighbors, self.tree_.n)
        distances, indices = self.tree_.query(X, k=list(range(1, k + 1)))
        n_points, n_classes = len(X), len(self.classes_)
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
