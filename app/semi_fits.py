"""The semi-supervised page's classifier training, in a module a worker process can import.

Every label the user types changes the training sets, and each set trains
the chapter's logistic regression on up to 1,400 digits. The page sends that
work to the server's worker pool (``jobs.shared_pool``), which runs it in a
separate process: everything a function here needs comes in as arguments,
and the digits are loaded once per process.

One exact shortcut: a test accuracy depends only on the training set (which
rows, with which labels), so each is remembered by exactly that. Moving the
percentile slider retrains only the partially propagated set, and the active
round's accuracy before any hand label is the table's, already known.

:func:`seed_means` steps back from one clustering: the chapter's claim that
leaving out each cluster's farthest digits helps rests on one k-means run, so
the page also averages both propagations over several seeds, with the true
labels.
"""

from __future__ import annotations

import functools

import numpy as np
from limits import REMEMBERED_FITS
from threadpoolctl import threadpool_limits

from clustering.datasets import load_digits_split
from clustering.semi_supervised import (
    UNLABELLED,
    add_hand_labels,
    label_accuracy,
    partial_training_set,
    representatives,
    training_set_accuracy,
)

ROW_REPS = "the k labelled representatives"
ROW_PROPAGATED = "propagated to their clusters"
ROW_PARTIAL = "partially propagated"
LEFT_OUT = "left out"  # labelled digits that partial propagation leaves out
LEFT_OUT_WRONG = "left out with a wrong label"
SEEDS = tuple(range(10))  # the k-means seeds seed_means averages over


@functools.cache
def digits():
    """The chapter's digits split, loaded once per process."""
    return load_digits_split()


def label_results(clusters, distances, labels: list[int], percentile: int) -> dict[str, float]:
    """Test accuracy of each training set built from the user's labels, label accuracy,
    and what partial propagation leaves out (:func:`left_out`)."""
    y_train = digits().y_train
    chosen = np.asarray(distances).argmin(axis=0)
    keep, propagated = partial_training_set(clusters, distances, labels, percentile)
    return {
        ROW_REPS: accuracy(chosen, np.asarray(labels)),
        **propagation_accuracies(keep, propagated),
        "label accuracy": label_accuracy(np.where(keep, propagated, -1), y_train),
        **left_out(keep, propagated, y_train),
    }


def propagation_accuracies(keep: np.ndarray, propagated: np.ndarray) -> dict[str, float]:
    """Test accuracy with every propagated label, and with only the rows in ``keep``."""
    everyone = np.arange(len(propagated))
    return {
        ROW_PROPAGATED: accuracy(everyone, propagated),
        ROW_PARTIAL: accuracy(everyone[keep], propagated[keep]),
    }


def left_out(keep: np.ndarray, propagated: np.ndarray, truth: np.ndarray) -> dict[str, int]:
    """How many labelled rows partial propagation leaves out, and how many of those carry a
    wrong label: leaving a row out helps only if its label was wrong."""
    dropped = (propagated != UNLABELLED) & ~keep
    return {
        LEFT_OUT: int(dropped.sum()),
        LEFT_OUT_WRONG: int((dropped & (propagated != truth)).sum()),
    }


def seed_means(k: int, percentile: int, seeds: tuple[int, ...] = SEEDS) -> dict[str, float]:
    """Full and partial propagation averaged over k-means ``seeds``, with the true labels.

    Which digits one k-means run groups together decides which ones partial
    propagation leaves out, so one seed can make it look better or worse than
    it is; the mean over several runs says what to expect.

    Returns
    -------
    dict
        The mean test accuracy of each propagation (under the table's row
        names), ``"seeds"``: how many, and ``"partial ahead"``: for how many
        seeds leaving out the farthest digits scored higher.
    """
    X_train, y_train = digits().X_train, digits().y_train
    runs = []
    for seed in seeds:
        chosen, kmeans = representatives(X_train, k, random_state=seed)
        keep, propagated = partial_training_set(
            kmeans.labels_, kmeans.transform(X_train), y_train[chosen], percentile
        )
        runs.append(propagation_accuracies(keep, propagated))
    return {
        ROW_PROPAGATED: float(np.mean([run[ROW_PROPAGATED] for run in runs])),
        ROW_PARTIAL: float(np.mean([run[ROW_PARTIAL] for run in runs])),
        "seeds": len(runs),
        "partial ahead": sum(run[ROW_PARTIAL] > run[ROW_PROPAGATED] for run in runs),
    }


def with_hand_labels(clusters, distances, labels, percentile, rows, extra) -> float:
    """Accuracy of the partially propagated set once the hand labels are added or corrected."""
    keep, propagated = add_hand_labels(
        *partial_training_set(clusters, distances, labels, percentile), rows, extra
    )
    return accuracy(np.flatnonzero(keep), propagated[keep])


def accuracy(rows: np.ndarray, labels: np.ndarray) -> float:
    """Test accuracy of the chapter's classifier trained on training ``rows`` with ``labels``."""
    rows, labels = np.asarray(rows, dtype=np.int64), np.asarray(labels, dtype=np.int64)
    return _remembered_accuracy(rows.tobytes(), labels.tobytes())


@functools.lru_cache(maxsize=REMEMBERED_FITS)
def _remembered_accuracy(rows: bytes, labels: bytes) -> float:
    X_train, X_test, _, y_test = digits()
    chosen = np.frombuffer(rows, dtype=np.int64)
    with threadpool_limits(1):  # small fits: extra BLAS threads only slow them down
        return training_set_accuracy(
            X_train[chosen], np.frombuffer(labels, dtype=np.int64), X_test, y_test
        )
