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
"""

from __future__ import annotations

import functools

import numpy as np
from limits import REMEMBERED_FITS
from threadpoolctl import threadpool_limits

from clustering.datasets import load_digits_split
from clustering.semi_supervised import (
    add_hand_labels,
    label_accuracy,
    partial_training_set,
    training_set_accuracy,
)

ROW_REPS = "the k labelled representatives"
ROW_PROPAGATED = "propagated to their clusters"
ROW_PARTIAL = "partially propagated"


@functools.cache
def digits():
    """The chapter's digits split, loaded once per process."""
    return load_digits_split()


def label_results(clusters, distances, labels: list[int], percentile: int) -> dict[str, float]:
    """Test accuracy of each training set built from the user's labels, and label accuracy."""
    y_train = digits().y_train
    representatives = np.asarray(distances).argmin(axis=0)
    keep, propagated = partial_training_set(clusters, distances, labels, percentile)
    everyone = np.arange(len(clusters))
    return {
        ROW_REPS: accuracy(representatives, np.asarray(labels)),
        ROW_PROPAGATED: accuracy(everyone, propagated),
        ROW_PARTIAL: accuracy(everyone[keep], propagated[keep]),
        "label accuracy": label_accuracy(np.where(keep, propagated, -1), y_train),
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
