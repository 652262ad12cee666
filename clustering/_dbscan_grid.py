"""The eps/sqrt(d) grid: DBSCAN's fast path in 1 to 3 dimensions.

:mod:`clustering.dbscan` holds the textbook algorithm (neighbourhoods -> core
points -> expand clusters). This module answers the same three questions
faster where points crowd into few dimensions, and :class:`DBSCAN` uses it
where it pays (see :meth:`Grid.build`). Each answer is tested equal to the
textbook path's.

The points are dropped into square cells of side ``eps / sqrt(d)``. The
diagonal of such a cell is ``eps``, so any two points of one cell are
neighbours:

1. *Core points* (:meth:`Grid.core_mask`): a cell holding ``min_samples``
   points is all core, with no distance computed; only the points of sparser
   cells are counted against their neighbouring cells.
2. *Expanding clusters* (:meth:`Grid.core_components`): the core points of one
   cell are one cluster already, so clusters are found on the much smaller
   graph of cells, two cells linked as soon as one pair of their core points
   is within ``eps``.
3. *Border points* (:meth:`Grid.assign_border_points`): each joins the
   lowest-numbered cluster among the core points within ``eps``, as in the
   textbook path.

Memory stays O(n), where a list of every point's neighbours can take tens of
gigabytes at a million points. Everything inside works on the points sorted
cell by cell; the three methods take and return arrays in the caller's order.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["Grid", "squared_distances_rowwise"]

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


class Grid:
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
    def build(cls, X: np.ndarray, eps: float, *, only_if_it_pays: bool = True) -> Grid | None:
        """Sort ``X`` into cells, or return None where a k-d tree would serve better.

        That is in more than ``GRID_MAX_DIMENSIONS`` dimensions, when the grid
        would be too fine, and (unless ``only_if_it_pays`` is False, as tests
        do) when cells would hold fewer than ``GRID_MIN_POINTS_PER_CELL``
        points on average.
        """
        n_features = X.shape[1]
        side = eps / math.sqrt(n_features) * CELL_SHRINK
        lowest = X.min(axis=0)
        with np.errstate(over="ignore"):  # a span beyond floats is too wide for a grid anyway
            too_wide = np.any((X.max(axis=0) - lowest) / side >= GRID_MAX_CELLS_PER_AXIS)
        if n_features > GRID_MAX_DIMENSIONS or too_wide:
            return None
        cells = np.floor((X - lowest) / side).astype(np.int64)
        # How many cells away a neighbour can sit. Every cell is shifted by that
        # much so that a neighbouring cell's key never wraps onto another row.
        reach = math.floor(eps / side) + 1
        shape = cells.max(axis=0) + 1 + 2 * reach
        keys = np.ravel_multi_index((cells + reach).T, shape)
        if only_if_it_pays and X.shape[0] < GRID_MIN_POINTS_PER_CELL * len(np.unique(keys)):
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

    def core_mask(self, min_samples: int) -> np.ndarray:
        """Which points are core: ``min_samples`` points (themselves included) within eps.

        A cell holding ``min_samples`` points is all core at once; the points
        of sparser cells are counted against the cells around them.
        """
        counts = np.diff(self.start)
        is_core = np.repeat(counts >= min_samples, counts)
        for cell in np.flatnonzero(counts < min_samples):
            members = self.members(cell)
            n_neighbours = self.within_eps(members, self.nearby(cell)).sum(axis=1)
            is_core[members] = n_neighbours >= min_samples
        return self._in_original_order(is_core)

    def core_components(self, is_core: np.ndarray) -> np.ndarray:
        """A component id per point: core points within reach of each other share one.

        Only the ids of core points mean anything; they are arbitrary numbers,
        which :func:`clustering.dbscan.number_clusters` turns into labels.
        """
        cell_components = self._link_core_cells(is_core[self.order])
        return self._in_original_order(cell_components[self.cell_of_sorted_point])

    def assign_border_points(self, is_core: np.ndarray, labels: np.ndarray) -> None:
        """Give each non-core point the lowest cluster among the core points within eps.

        ``labels`` (the core points' clusters, -1 elsewhere) is updated in place.
        """
        sorted_core, sorted_labels = is_core[self.order], labels[self.order]
        no_cluster = np.iinfo(np.intp).max
        for cell in np.unique(self.cell_of_sorted_point[~sorted_core]):
            members = self.members(cell)
            border = members[~sorted_core[members]]
            nearby = self.nearby(cell)
            nearby = nearby[sorted_core[nearby]]
            reachable = np.where(self.within_eps(border, nearby), sorted_labels[nearby], no_cluster)
            lowest = reachable.min(axis=1, initial=no_cluster)
            reached = lowest < no_cluster
            sorted_labels[border[reached]] = lowest[reached]
        labels[self.order] = sorted_labels

    def _in_original_order(self, sorted_values: np.ndarray) -> np.ndarray:
        """Per-point values given in sorted order, rearranged into the caller's order."""
        values = np.empty_like(sorted_values)
        values[self.order] = sorted_values
        return values

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
        roots = np.array(parent)
        while not np.array_equal(roots[roots], roots):  # follow the links to each root at once
            roots = roots[roots]
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
            distances = squared_distances_rowwise(ours[:, j, None, :], theirs)
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


def squared_distances_rowwise(A: np.ndarray, B: np.ndarray) -> np.ndarray:
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
