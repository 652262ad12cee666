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

The module is laid out in that order: finding the representatives, spreading
their labels (``propagate_labels``, ``partial_propagation_mask``), then the
training sets built from them (``training_sets``, ``partial_training_set``,
``add_hand_labels``) and what they are worth (``label_accuracy``,
``training_set_accuracy``, ``propagation_accuracies``, ``labelling_results``).
Last comes one round of active learning: ``least_confident`` picks the
instances the classifier is least sure about, the next ones worth labelling by
hand, and ``active_learning_round`` runs it from a training set.

Every classifier here is built by ``fit_chapter_classifier``: the chapter's
logistic regression, fitted with one BLAS thread. It is scikit-learn's: it is
the thing being taught here, not part of our clustering code.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from ._validation import check_in_range
from .kmeans import KMeans

__all__ = [
    "CHAPTER_MAX_ITER",
    "UNLABELLED",
    "active_learning_round",
    "add_hand_labels",
    "fit_chapter_classifier",
    "label_accuracy",
    "labelling_results",
    "least_confident",
    "partial_propagation_mask",
    "partial_training_set",
    "propagate_labels",
    "propagation_accuracies",
    "representatives",
    "training_set_accuracy",
    "training_sets",
]

UNLABELLED = -1
"""The label of an instance nobody has labelled yet."""

CHAPTER_MAX_ITER = 10_000
"""The chapter's ``max_iter`` for its logistic regression (the default 100 stops short)."""


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


def fit_chapter_classifier(X, y, *, max_iter: int = CHAPTER_MAX_ITER) -> LogisticRegression:
    """The chapter's classifier, a logistic regression, fitted on ``X`` and ``y``.

    Every classifier of this module comes from here, so they all are the same
    model. It is fitted with a single BLAS thread: on these small problems
    (1,400 digits of 64 pixels) starting and synchronising threads costs more
    than they save, and on a shared server it leaves the other cores free.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Training instances.
    y : array-like of shape (n_samples,)
        Their labels; at least two classes.
    max_iter : int, default=CHAPTER_MAX_ITER
        The solver's iteration limit.

    Returns
    -------
    LogisticRegression
        The fitted model.
    """
    with threadpool_limits(limits=1):
        return LogisticRegression(max_iter=max_iter).fit(X, y)


def training_set_accuracy(X_train, y_train, X_test, y_test) -> float:
    """Test accuracy of the chapter's classifier trained on the labelled rows only.

    The classifier comes from :func:`fit_chapter_classifier`. Rows labelled
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
    model = fit_chapter_classifier(X_train[labelled], y_train[labelled])
    return float(model.score(X_test, y_test))


def partial_training_set(
    cluster_labels, distances, representative_labels, percentile: float
) -> tuple[np.ndarray, np.ndarray]:
    """The partially propagated training set: which rows to train on, and their labels.

    A row is kept when its cluster's representative is labelled and it lies at
    or under its cluster's ``percentile`` of distance to the centroid (see
    :func:`partial_propagation_mask`).

    Parameters
    ----------
    cluster_labels : array-like of int, shape (n_samples,)
        The cluster of each instance (``kmeans.labels_``).
    distances : array-like of shape (n_samples, k) or (n_samples,)
        Distances to the centroids, as for :func:`partial_propagation_mask`.
    representative_labels : array-like of int, shape (k,)
        The label of each cluster's representative (-1 where unlabelled).
    percentile : float in [0, 100]
        The share of each cluster kept.

    Returns
    -------
    keep : ndarray of bool, shape (n_samples,)
        The rows to train on.
    propagated : ndarray of int, shape (n_samples,)
        Every row's propagated label (-1 where its representative is unlabelled).
    """
    propagated = propagate_labels(cluster_labels, representative_labels)
    keep = partial_propagation_mask(distances, cluster_labels, percentile)
    return keep & (propagated != UNLABELLED), propagated


def training_sets(
    X_train, cluster_labels, distances, representative_labels, *, percentile: float = 99
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The chapter's three semi-supervised training sets, as (instances, labels) pairs.

    Parameters
    ----------
    X_train : array-like of shape (n_samples, n_features)
        The instances that were clustered.
    cluster_labels : array-like of int, shape (n_samples,)
        The cluster of each instance.
    distances : array-like of shape (n_samples, k)
        Every instance's distance to every centroid; the representative of a
        cluster is the instance closest to its centroid.
    representative_labels : array-like of int, shape (k,)
        The label of each cluster's representative (-1 where unlabelled).
    percentile : float, default=99
        For the partially propagated set: the share of each cluster kept.

    Returns
    -------
    dict
        ``"representatives"``: the k representatives and their labels (unlabelled
        ones included, as -1); ``"propagated"``: every instance with its
        representative's label; ``"partially propagated"``: the labelled
        instances near their centroid (:func:`partial_training_set`).
    """
    X_train = np.asarray(X_train)
    distances = np.asarray(distances, dtype=float)
    labels = _as_int_vector(representative_labels, "representative_labels")
    keep, propagated = partial_training_set(cluster_labels, distances, labels, percentile)
    return {
        "representatives": (X_train[distances.argmin(axis=0)], labels),
        "propagated": (X_train, propagated),
        "partially propagated": (X_train[keep], propagated[keep]),
    }


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
    representative_labels, percentile
        As for :func:`training_sets`.

    Returns
    -------
    dict
        ``"representatives"``: trained on the k labelled representatives only;
        ``"propagated"``: on every instance, with its representative's label;
        ``"partially propagated"``: the same without the farthest instances.
    """
    distances = np.asarray(distances, dtype=float)
    sets = training_sets(
        X_train, distances.argmin(axis=1), distances, representative_labels, percentile=percentile
    )
    return {name: training_set_accuracy(X, y, X_test, y_test) for name, (X, y) in sets.items()}


def label_accuracy(labels, truth) -> float:
    """The share of ``labels`` equal to ``truth``, ignoring rows labelled ``UNLABELLED``.

    This measures the propagation itself, before any classifier: how many of
    the labels a representative lent to its cluster are right.

    Returns
    -------
    float
        The share of correct labels, or NaN when no row is labelled.
    """
    labels = _as_int_vector(labels, "labels")
    truth = _as_int_vector(truth, "truth")
    if labels.shape != truth.shape:
        raise ValueError(f"labels has {labels.size} values but truth {truth.size}.")
    labelled = labels != UNLABELLED
    if not labelled.any():
        return float("nan")
    return float(np.mean(labels[labelled] == truth[labelled]))


def labelling_results(
    split, cluster_labels, distances, representative_labels, *, percentile: float = 99
) -> dict[str, float]:
    """Everything a set of representative labels is worth, measured on a labelled split.

    Parameters
    ----------
    split : DigitsSplit or tuple
        ``(X_train, X_test, y_train, y_test)``, as :func:`clustering.load_digits_split`
        returns; ``y_train`` is used only to grade the propagated labels.
    cluster_labels, distances, representative_labels, percentile
        As for :func:`training_sets`.

    Returns
    -------
    dict
        The test accuracy of each of :func:`training_sets` under its name, and
        ``"label accuracy"``: the share of the partially propagated labels that
        are right (:func:`label_accuracy`).
    """
    X_train, X_test, y_train, y_test = split
    sets = training_sets(
        X_train, cluster_labels, distances, representative_labels, percentile=percentile
    )
    results = {name: training_set_accuracy(X, y, X_test, y_test) for name, (X, y) in sets.items()}
    keep, propagated = partial_training_set(
        cluster_labels, distances, representative_labels, percentile
    )
    results["label accuracy"] = label_accuracy(propagated[keep], np.asarray(y_train)[keep])
    return results


def add_hand_labels(keep, labels, rows, hand_labels) -> tuple[np.ndarray, np.ndarray]:
    """A training set with labels typed by hand added, or correcting the propagated ones.

    Parameters
    ----------
    keep : array-like of bool, shape (n_samples,)
        The rows trained on so far.
    labels : array-like of int, shape (n_samples,)
        Every row's label so far.
    rows : array-like of int
        The rows labelled by hand (for example those of :func:`active_learning_round`).
    hand_labels : array-like of int, same length as ``rows``
        Their labels; ``UNLABELLED`` leaves a row as it was.

    Returns
    -------
    keep, labels : ndarray
        New arrays: each hand-labelled row is kept, with its hand label.
    """
    keep = np.array(keep, dtype=bool)
    labels = _as_int_vector(labels, "labels").copy()
    rows = _as_int_vector(rows, "rows")
    hand = _as_int_vector(hand_labels, "hand_labels")
    if rows.shape != hand.shape:
        raise ValueError(f"{rows.size} rows but {hand.size} hand labels: pass one per row.")
    _check_rows(rows, labels.size, "rows")
    given = hand != UNLABELLED
    labels[rows[given]] = hand[given]
    keep[rows[given]] = True
    return keep, labels


def active_learning_round(X_train, keep, labels, n: int, *, exclude=None) -> np.ndarray:
    """One round of active learning: the ``n`` rows most worth labelling by hand next.

    The chapter's classifier is trained on the rows of ``X_train`` marked
    ``keep``, then asked about every row; those it is least sure about come
    back (see :func:`least_confident`).

    Parameters
    ----------
    X_train : array-like of shape (n_samples, n_features)
        All instances.
    keep : array-like of bool, shape (n_samples,)
        The rows to train on (for example from :func:`partial_training_set`).
    labels : array-like of int, shape (n_samples,)
        Every row's label (only the kept rows are used).
    n : int
        How many rows to return.
    exclude : array-like of int, optional
        Rows never to return (for example the representatives, already labelled).

    Returns
    -------
    ndarray of int
        Row numbers into ``X_train``, least sure first.
    """
    X_train = np.asarray(X_train)
    keep = np.asarray(keep, dtype=bool)
    labels = _as_int_vector(labels, "labels")
    if np.unique(labels[keep]).size < 2:
        raise ValueError(
            "The training set holds fewer than two classes, so no classifier can be "
            "trained: label representatives of at least two different digits first."
        )
    model = fit_chapter_classifier(X_train[keep], labels[keep])
    return least_confident(model.predict_proba(X_train), n, exclude=exclude)


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
        excluded = _as_int_vector(np.atleast_1d(exclude), "exclude")
        _check_rows(excluded, len(proba), "exclude")
        confidence[excluded] = np.inf
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


def _check_rows(rows: np.ndarray, n_rows: int, name: str) -> None:
    """Raise a ValueError unless every entry of ``rows`` is a row number 0 .. n_rows-1.

    Negative numbers are refused: NumPy would read -1 as the last row.
    """
    if rows.size and (rows.min() < 0 or rows.max() >= n_rows):
        bad = rows[(rows < 0) | (rows >= n_rows)][0]
        raise ValueError(
            f"{name} holds row {bad}, but rows are numbered 0 to {n_rows - 1}: "
            "pass row numbers within the data."
        )
