"""Clustering as a labelling aid: label a few representative instances, spread the labels.

Labelling is slow and costly, clustering is cheap. The idea of this module,
in four steps:

1. Cluster the unlabelled training set with k-means, k well above the number
   of classes (50 clusters for 10 digits), and take in each cluster the
   instance closest to the centroid: its *representative* (``representatives``).
2. A person labels only those k representatives.
3. Every instance of a cluster gets its representative's label
   (``propagate_labels``): thousands of labels for the price of k.
4. Instances far from their centroid are the likeliest to be mislabelled by
   that guess, so drop the farthest few percent of each cluster
   (``partial_propagation_mask``) before training.

``propagation_accuracies`` measures what each step is worth with the chapter's
classifier, a logistic regression, and ``least_confident`` picks the instances
that classifier is least sure about, the next ones worth labelling by hand
(active learning). The classifier is scikit-learn's: it is the thing being
taught here, not part of our clustering code.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from ._validation import check_in_range
from .kmeans import KMeans

__all__ = [
    "UNLABELLED",
    "least_confident",
    "partial_propagation_mask",
    "propagate_labels",
    "propagation_accuracies",
    "representatives",
    "training_set_accuracy",
]

UNLABELLED = -1
"""The label of an instance nobody has labelled yet."""


def representatives(
    X, n_clusters: int, *, random_state=None
) -> tuple[np.ndarray, KMeans]:
    """Cluster ``X`` with k-means and return the instance closest to each centroid.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The unlabelled instances.
    n_clusters : int
        How many clusters, hence how many representatives to label.
    random_state : int, RandomState or None
        Seed of k-means (10 restarts, the best inertia kept, as in the chapter).

    Returns
    -------
    indices : ndarray of shape (n_clusters,)
        ``indices[i]`` is the row of ``X`` closest to centroid ``i``.
    kmeans : KMeans
        The fitted model: ``labels_`` says which cluster each row is in, and
        ``transform(X)`` gives every row's distance to every centroid.
    """
    kmeans = KMeans(n_clusters=n_clusters, n_init=10, random_state=random_state)
    distances = kmeans.fit_transform(X)
    return distances.argmin(axis=0), kmeans


def propagate_labels(cluster_labels, representative_labels) -> np.ndarray:
    """Give every instance the label of its cluster's representative.

    Parameters
    ----------
    cluster_labels : array-like of int, shape (n_samples,)
        The cluster of each instance, 0 to k-1 (``kmeans.labels_``).
    representative_labels : array-like of int, shape (k,)
        The label given to each cluster's representative, ``UNLABELLED`` (-1)
        where nobody has labelled it yet.

    Returns
    -------
    ndarray of int, shape (n_samples,)
        The propagated labels; -1 for the instances of a cluster whose
        representative is still unlabelled.
    """
    clusters = _as_int_vector(cluster_labels, "cluster_labels")
    labels = _as_int_vector(representative_labels, "representative_labels")
    if clusters.size and clusters.min() < 0:
        raise ValueError("cluster_labels must be cluster numbers 0, 1, ..., k-1; found a negative.")
    if labels.size and labels.min() < UNLABELLED:
        raise ValueError(
            "representative_labels must be class labels (0 or more) or -1 for unlabelled; "
            f"found {labels.min()}."
        )
    if clusters.size and clusters.max() >= labels.size:
        raise ValueError(
            f"cluster_labels refers to cluster {clusters.max()}, but only {labels.size} "
            "representative labels were given: pass one label per cluster."
        )
    return labels[clusters]


def partial_propagation_mask(distances, cluster_labels, percentile: float) -> np.ndarray:
    """Keep, in each cluster, the instances at or under that cluster's distance percentile.

    An instance far from its centroid sits near a cluster border, where the
    representative's label is the least trustworthy. With ``percentile=99``
    the farthest 1% of each cluster is dropped.

    Parameters
    ----------
    distances : array-like of shape (n_samples, k) or (n_samples,)
        Either every instance's distance to every centroid (``kmeans.transform``)
        or only its distance to its own centroid.
    cluster_labels : array-like of int, shape (n_samples,)
        The cluster of each instance.
    percentile : float in [0, 100]
        Which share of each cluster to keep, by closeness to the centroid.

    Returns
    -------
    ndarray of bool, shape (n_samples,)
        True for the instances to train on.
    """
    check_in_range(percentile, "percentile", low=0, high=100)
    clusters = _as_int_vector(cluster_labels, "cluster_labels")
    own_distance = _distance_to_own_centroid(np.asarray(distances, dtype=float), clusters)
    keep = np.zeros(clusters.size, dtype=bool)
    for cluster in np.unique(clusters):
        members = clusters == cluster
        cutoff = np.percentile(own_distance[members], percentile)
        keep[members] = own_distance[members] <= cutoff
    return keep


def training_set_accuracy(X_train, y_train, X_test, y_test) -> float:
    """Test accuracy of the chapter's classifier trained on the labelled rows only.

    The classifier is ``LogisticRegression(max_iter=10_000)``. Rows labelled
    ``UNLABELLED`` are left out of training.

    Returns
    -------
    float
        The share of test instances classified correctly, or NaN when fewer
        than two classes are labelled (no classifier can be trained yet).
    """
    X_train = np.asarray(X_train)
    y_train = _as_int_vector(y_train, "y_train")
    if y_train.size != X_train.shape[0]:
        raise ValueError(
            f"y_train has {y_train.size} labels for {X_train.shape[0]} rows of X_train."
        )
    labelled = y_train != UNLABELLED
    if np.unique(y_train[labelled]).size < 2:
        return float("nan")
    model = LogisticRegression(max_iter=10_000)
    model.fit(X_train[labelled], y_train[labelled])
    return float(model.score(X_test, y_test))


def propagation_accuracies(
    X_train, X_test, y_test, distances, representative_labels, *, percentile: float = 99
) -> dict[str, float]:
    """The chapter's three semi-supervised training sets and the test accuracy of each.

    Parameters
    ----------
    X_train : array-like of shape (n_samples, n_features)
        The instances that were clustered.
    X_test, y_test : array-like
        The labelled test set.
    distances : array-like of shape (n_samples, k)
        Every training instance's distance to every centroid, from any fitted
        k-means (ours or scikit-learn's): the clusters and representatives are
        read from it.
    representative_labels : array-like of int, shape (k,)
        The label of each cluster's representative (-1 where unlabelled).
    percentile : float, default=99
        For the partially propagated set: the share of each cluster kept.

    Returns
    -------
    dict
        ``"representatives"``: trained on the k labelled representatives only;
        ``"propagated"``: on every instance, with its representative's label;
        ``"partially propagated"``: the same without the farthest instances.
    """
    distances = np.asarray(distances, dtype=float)
    clusters = distances.argmin(axis=1)
    closest = distances.argmin(axis=0)
    labels = np.asarray(representative_labels)
    propagated = propagate_labels(clusters, labels)
    keep = partial_propagation_mask(distances, clusters, percentile)
    X_train = np.asarray(X_train)
    return {
        "representatives": training_set_accuracy(X_train[closest], labels, X_test, y_test),
        "propagated": training_set_accuracy(X_train, propagated, X_test, y_test),
        "partially propagated": training_set_accuracy(
            X_train[keep], propagated[keep], X_test, y_test
        ),
    }


def least_confident(probabilities, n: int, *, exclude=None) -> np.ndarray:
    """The ``n`` instances a classifier is least sure about, least sure first.

    A classifier's confidence in an instance is the probability of the class
    it predicts (the largest of its class probabilities). Labelling the
    least confident instances by hand teaches the model the most per label:
    this is uncertainty sampling, the simplest kind of active learning.

    Parameters
    ----------
    probabilities : array-like of shape (n_samples, n_classes)
        ``predict_proba`` of the classifier on the candidate instances.
    n : int
        How many instances to return (fewer if fewer candidates remain).
    exclude : array-like of int, optional
        Row numbers never to return (for example, instances already labelled).

    Returns
    -------
    ndarray of int
        Row numbers into ``probabilities``.
    """
    check_in_range(n, "n", low=0, integer=True)
    proba = np.asarray(probabilities, dtype=float)
    if proba.ndim != 2:
        raise ValueError(
            f"probabilities must be 2-D (one row per instance), got shape {proba.shape}."
        )
    confidence = proba.max(axis=1)
    if exclude is not None:
        confidence[np.asarray(exclude, dtype=int)] = np.inf
    order = np.argsort(confidence, kind="stable")
    candidates = order[np.isfinite(confidence[order])]
    return candidates[:n]


def _as_int_vector(values, name: str) -> np.ndarray:
    """``values`` as a 1-D integer array, or a ValueError naming ``name``."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one value per instance), got shape {array.shape}.")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        if not np.issubdtype(array.dtype, np.number) or np.any(array != np.round(array)):
            raise ValueError(f"{name} must hold whole numbers.")
    return array.astype(np.int64)


def _distance_to_own_centroid(distances: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """Each instance's distance to its own centroid, from either accepted layout."""
    if distances.shape[0] != clusters.size:
        raise ValueError(
            f"distances has {distances.shape[0]} rows but cluster_labels {clusters.size}: "
            "pass one row per instance."
        )
    if distances.ndim == 1:
        return distances
    if distances.ndim == 2 and clusters.size and clusters.max() < distances.shape[1]:
        return distances[np.arange(clusters.size), clusters]
    raise ValueError(
        "distances must be (n_samples,) or (n_samples, k) with a column for every cluster; "
        f"got shape {distances.shape}."
    )
