"""The chapter's data sets, one call each, with the chapter's parameters.

Every page of the app and every test that reproduces a figure of the chapter
starts from one of these functions, so the numbers match the chapter's. They
are thin wrappers around :mod:`sklearn.datasets` generators: building toy data
is not what the library teaches.

Each function returns ``(X, y)``: ``X`` of shape (n_samples, 2) (64 for the
digits) and ``y`` the true group of each point. Clustering never looks at ``y``;
the app uses it to show how well a clustering recovered the groups.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sklearn.datasets import load_digits, make_blobs, make_moons

__all__ = [
    "DigitsSplit",
    "load_digits_split",
    "make_chapter_moons",
    "make_ellipsoidal_blobs",
    "make_five_blobs",
]

FIVE_BLOB_CENTERS = np.array(
    [[0.2, 2.3], [-1.5, 2.3], [-2.8, 1.8], [-2.8, 2.8], [-2.8, 1.3]]
)
FIVE_BLOB_STDS = np.array([0.4, 0.3, 0.1, 0.1, 0.1])

# The linear map that stretches and turns two round blobs into ellipses.
ELLIPSE_STRETCH = np.array([[0.374, 0.95], [0.732, 0.598]])

DIGITS_TRAIN_SIZE = 1400


def make_five_blobs(
    n_samples: int = 2000, random_state: int | None = 7
) -> tuple[np.ndarray, np.ndarray]:
    """Five round blobs of very different spreads, the chapter's first k-means example.

    One wide blob on the right, a medium one in the middle and three tight ones
    stacked on the left: k-means finds them with k=5, yet mislabels a few points
    between the wide blob and the middle one, because it only looks at the
    distance to each centroid, not at how spread out each cluster is.

    Parameters
    ----------
    n_samples : int, default=2000
        Total number of points, shared equally among the blobs.
    random_state : int or None, default=7
        Seed of the generator (7 in the chapter).

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
        The blob each point was drawn from (0 to 4, in the order of the centres).
    """
    return make_blobs(
        n_samples=n_samples,
        centers=FIVE_BLOB_CENTERS,
        cluster_std=FIVE_BLOB_STDS,
        random_state=random_state,
    )


def make_chapter_moons(
    n_samples: int = 1000, noise: float = 0.05, random_state: int | None = 42
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, the chapter's DBSCAN example.

    Parameters
    ----------
    n_samples : int, default=1000
        Total number of points.
    noise : float, default=0.05
        Standard deviation of the Gaussian noise added to each point.
    random_state : int or None, default=42
        Seed of the generator.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
        The moon each point belongs to (0 or 1).
    """
    return make_moons(n_samples=n_samples, noise=noise, random_state=random_state)


def make_ellipsoidal_blobs(random_state: int | None = 42) -> tuple[np.ndarray, np.ndarray]:
    """Three clusters of different sizes, densities and orientations.

    Two blobs of 500 points are stretched and turned into ellipses by one linear
    map; a third, round blob of 250 points is placed apart from them. k-means
    struggles here (its clusters are round and alike in size), while a Gaussian
    mixture fits them well: the chapter uses this set for both lessons.

    Parameters
    ----------
    random_state : int or None, default=42
        Seed of both generators.

    Returns
    -------
    X : ndarray of shape (1250, 2)
    y : ndarray of shape (1250,)
        0 and 1 for the two ellipses, 2 for the small round blob.
    """
    X_pair, y_pair = make_blobs(
        n_samples=1000, centers=((4, -4), (0, 0)), random_state=random_state
    )
    X_pair = X_pair @ ELLIPSE_STRETCH
    X_round, y_round = make_blobs(n_samples=250, centers=1, random_state=random_state)
    X_round = X_round + np.array([6, -8])
    return np.concatenate([X_pair, X_round]), np.concatenate([y_pair, y_round + 2])


class DigitsSplit(NamedTuple):
    """The 8x8 digit images, split as in the chapter (the set is already shuffled)."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


def load_digits_split() -> DigitsSplit:
    """The digits data set: the first 1,400 images to train on, the other 397 to test.

    Each row is one 8x8 greyscale image flattened to 64 pixel values (0 to 16).
    The result unpacks like scikit-learn's ``train_test_split``::

        X_train, X_test, y_train, y_test = load_digits_split()

    Returns
    -------
    DigitsSplit
        ``X_train`` (1400, 64), ``X_test`` (397, 64), ``y_train`` (1400,),
        ``y_test`` (397,): the digit each image shows.
    """
    X, y = load_digits(return_X_y=True)
    n = DIGITS_TRAIN_SIZE
    return DigitsSplit(X[:n], X[n:], y[:n], y[n:])
