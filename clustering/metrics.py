"""How good a clustering is: the inertia, silhouette coefficients, and agreement with truth.

The *inertia* is the sum of (weighted) squared distances from each point to
the centre of its cluster: what k-means makes as small as possible
(:func:`inertia`). It always falls as ``k`` grows, so it cannot choose ``k``
alone. Any grouping has an inertia about its own means
(:func:`partition_inertia`): the true groups of a data set can be scored as
k-means scores itself.

Silhouette coefficients say how well each point sits in its cluster.

For a point, let ``a`` be its mean distance to the other points of its own
cluster and ``b`` its mean distance to the points of the nearest other
cluster. Its silhouette coefficient is ``(b - a) / max(a, b)``, between -1 and
+1: close to +1 the point is well inside its cluster and far from the others,
near 0 it sits on a border, below 0 it is probably in the wrong cluster. The
silhouette score is the mean over all points; plotted against ``k`` it helps to
choose the number of clusters, where the inertia keeps falling as ``k`` grows.

Every coefficient needs the distances from its point to all the others, so the
work grows as ``n²``. Here the distance matrix is never held whole: rows are
processed in chunks whose distance block stays under a fixed memory budget.

When true groups are known, the *adjusted Rand index* says how far a
clustering agrees with them (:func:`adjusted_rand_score`), whatever numbers
either uses for its groups.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.spatial.distance import cdist
from sklearn.utils import check_array

from clustering._validation import check_in_range, check_random_state

__all__ = [
    "adjusted_rand_score",
    "cluster_means",
    "contingency_matrix",
    "inertia",
    "partition_inertia",
    "silhouette_samples",
    "silhouette_score",
]

# The most bytes a block of distances (chunk rows x n_samples) may take.
CHUNK_BYTES = 64 * 2**20


def _check_points_and_labels(X, labels) -> tuple[np.ndarray, np.ndarray, int]:
    """Validate ``X`` and ``labels``; return X, labels as 0..K-1, and K."""
    X = check_array(X, dtype=np.float64)
    labels = np.asarray(labels)
    if labels.shape != (X.shape[0],):
        raise ValueError(
            f"labels has shape {labels.shape}, but X has {X.shape[0]} samples: "
            "pass one label per row of X."
        )
    names, codes = np.unique(labels, return_inverse=True)
    n_labels, n_samples = names.size, X.shape[0]
    if not 2 <= n_labels <= n_samples - 1:
        raise ValueError(
            f"Number of labels is {n_labels}. Valid values are 2 to n_samples - 1 (inclusive). "
            f"The silhouette needs between 2 and n_samples - 1 = {n_samples - 1} distinct "
            f"labels, got {n_labels}: with one cluster there is no other cluster to compare "
            "with, and with one cluster per point there is no cluster to sit in. "
            "Choose a number of clusters in that range."
        )
    return X, codes.reshape(-1), n_labels


def _rows_per_chunk(n_samples: int) -> int:
    """How many rows of the distance matrix fit in the memory budget at once."""
    return max(1, CHUNK_BYTES // (8 * n_samples))


def _distance_sums_to_clusters(X: np.ndarray, labels: np.ndarray, n_labels: int):
    """Yield, chunk by chunk, the total distance from each row to each cluster.

    A one-hot matrix (sample -> cluster) turns "sum of the distances to the
    points of each cluster" into one product per chunk of rows.
    """
    n_samples = X.shape[0]
    one_hot = sparse.csr_matrix(
        (np.ones(n_samples), (np.arange(n_samples), labels)), shape=(n_samples, n_labels)
    )
    chunk = _rows_per_chunk(n_samples)
    for start in range(0, n_samples, chunk):
        distances = cdist(X[start : start + chunk], X)
        yield start, np.asarray(distances @ one_hot)


def silhouette_samples(X, labels) -> np.ndarray:
    """The silhouette coefficient of every point (Euclidean distance).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
        The cluster of each point; any values, 2 to n_samples - 1 distinct ones.

    Returns
    -------
    coefficients : ndarray of shape (n_samples,)
        In [-1, 1]. A point alone in its cluster gets 0.
    """
    X, labels, n_labels = _check_points_and_labels(X, labels)
    sizes = np.bincount(labels, minlength=n_labels)
    own = np.empty(X.shape[0])
    nearest_other = np.empty(X.shape[0])
    for start, totals in _distance_sums_to_clusters(X, labels, n_labels):
        rows = np.arange(start, start + totals.shape[0])
        chunk_labels = labels[rows]
        # The point itself is at distance 0, hence "- 1" in its cluster's size.
        own[rows] = totals[rows - start, chunk_labels]
        totals[rows - start, chunk_labels] = np.inf
        nearest_other[rows] = (totals / sizes).min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        own /= sizes[labels] - 1
        coefficients = (nearest_other - own) / np.maximum(own, nearest_other)
    # A point alone in its cluster has no "own" distance (0/0): its coefficient is 0.
    return np.nan_to_num(coefficients)


def silhouette_score(X, labels, *, sample_size: int | None = None, random_state=None) -> float:
    """Mean silhouette coefficient over all points, or over a random sample of them.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
    sample_size : int or None, default=None
        Score a random subset of this many points (the work grows as its
        square). None scores every point.
    random_state : int, RandomState or None, default=None
        Which subset; the same seed picks the same points as scikit-learn.

    Returns
    -------
    score : float
        In [-1, 1]; higher means tighter, better separated clusters.
    """
    if sample_size is not None:
        X, labels, _ = _check_points_and_labels(X, labels)
        check_in_range(sample_size, "sample_size", low=1, high=X.shape[0], integer=True)
        chosen = check_random_state(random_state).permutation(X.shape[0])[:sample_size]
        X, labels = X[chosen], labels[chosen]
    return float(np.mean(silhouette_samples(X, labels)))


def inertia(X, labels, centers, sample_weight=None) -> float:
    """Sum of (weighted) squared distances from each point to the centre of its cluster.

    Each point's difference to its centre is taken before anything is squared
    or summed, so the result stays accurate far from the origin (for
    ``[[1e9+1], [1e9+1], [1e9-1], [1e9-1], [5e9]]`` around ``[[1e9], [5e9]]``
    it is 4, where expanding ``||x||² - 2 x·c + ||c||²`` loses every digit).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
        Cluster index of each point, a row of ``centers``.
    centers : array-like of shape (n_clusters, n_features)
    sample_weight : array-like of shape (n_samples,), default=None
        How much each point counts; 1 each when None.

    Returns
    -------
    float
        Infinite (with NumPy's overflow warning) only when the true value
        exceeds the largest float64.
    """
    X = np.asarray(X, dtype=float)
    own_centers = np.take(np.asarray(centers, dtype=float), np.asarray(labels), axis=0)
    # X - own_centers, written into the gathered array: a fresh one is 2-4x slower here.
    residuals = np.subtract(X, own_centers, out=own_centers)
    per_point = np.einsum("ij,ij->i", residuals, residuals)
    if sample_weight is None:
        return float(per_point.sum())
    return float(per_point @ np.asarray(sample_weight))


def cluster_means(X, labels) -> np.ndarray:
    """The mean of the points of each label ``0 .. max(labels)``, one row per label.

    A label with no point gets a row of NaN.
    """
    X = np.asarray(X, dtype=float)
    labels = np.asarray(labels)
    n_labels = int(labels.max()) + 1
    counts = np.bincount(labels, minlength=n_labels)[:, None]
    sums = np.zeros((n_labels, X.shape[1]))
    np.add.at(sums, labels, X)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


def partition_inertia(X, labels) -> float:
    """The inertia of a grouping about its own means: what k-means would score it.

    k-means' answer is the lowest such value it found; a grouping with a lower
    inertia would have been preferred, one with a higher inertia (the true
    groups of elongated clusters, say) never will be.
    """
    return inertia(X, labels, cluster_means(X, labels))


def contingency_matrix(labels_true, labels_pred) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How many points each pair (true group, cluster) shares.

    Parameters
    ----------
    labels_true, labels_pred : array-like of shape (n_samples,)
        Any values; each distinct value is one group.

    Returns
    -------
    true_names : ndarray
        The distinct true labels, sorted: the rows.
    pred_names : ndarray
        The distinct cluster labels, sorted: the columns.
    counts : ndarray of shape (len(true_names), len(pred_names))
        ``counts[i, j]`` points have true label ``true_names[i]`` and cluster ``pred_names[j]``.
    """
    labels_true, labels_pred = np.asarray(labels_true), np.asarray(labels_pred)
    if labels_true.ndim != 1 or labels_true.shape != labels_pred.shape:
        raise ValueError(
            f"labels_true has shape {labels_true.shape} and labels_pred {labels_pred.shape}: "
            "pass two 1-D arrays with one label per point each."
        )
    true_names, rows = np.unique(labels_true, return_inverse=True)
    pred_names, columns = np.unique(labels_pred, return_inverse=True)
    counts = np.zeros((true_names.size, pred_names.size), dtype=np.int64)
    np.add.at(counts, (rows.reshape(-1), columns.reshape(-1)), 1)
    return true_names, pred_names, counts


def _pairs(counts: np.ndarray) -> float:
    """How many unordered pairs the groups of these sizes hold: the sum of n(n-1)/2."""
    counts = counts.astype(np.float64)
    return float(np.sum(counts * (counts - 1) / 2))


def adjusted_rand_score(labels_true, labels_pred) -> float:
    """Agreement of two partitions of the same points, 1 when equal, about 0 by chance.

    Count the pairs of points that both partitions put together. Two random
    partitions with the same group sizes share some such pairs by chance;
    the index subtracts that expectation and divides by its largest possible
    excess, so it is 1 for identical partitions (whatever the label values),
    close to 0 for unrelated ones and can be negative for worse than chance.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        The known groups.
    labels_pred : array-like of shape (n_samples,)
        The clustering (noise labelled -1 counts as one more group).

    Returns
    -------
    float
        scikit-learn's ``adjusted_rand_score``.
    """
    _, _, counts = contingency_matrix(labels_true, labels_pred)
    together_in_both = _pairs(counts)
    together_in_truth = _pairs(counts.sum(axis=1))
    together_in_clusters = _pairs(counts.sum(axis=0))
    all_pairs = _pairs(np.array([counts.sum()]))
    if all_pairs == 0:
        return 1.0
    expected = together_in_truth * together_in_clusters / all_pairs
    largest = (together_in_truth + together_in_clusters) / 2
    if largest == expected:
        # Both partitions are one group, or both are all single points: they agree.
        return 1.0
    return float((together_in_both - expected) / (largest - expected))
