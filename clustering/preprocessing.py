"""Preparing a table of features for clustering: standardising, and PCA down to a picture.

k-means, DBSCAN and Gaussian mixtures all measure Euclidean distances, so a
feature measured in thousands outweighs one measured in fractions, whatever
the two mean. *Standardising* gives every feature mean 0 and standard deviation 1
first, so each counts the same (:class:`StandardScaler`).

A table with more than two features can still be clustered on all of them,
but a screen shows two. *Principal component analysis* finds the orthogonal
directions along which the (centred) points spread most: the right singular
vectors of the centred data, in order of their singular values. Projecting on
the first two keeps as much of the spread as any flat picture can, and the
share it keeps, ``explained_variance_ratio_``, says how faithful the picture
is (:class:`PCA`).

Both follow scikit-learn's interface (``fit``, ``transform``,
``fit_transform``, learned attributes ending in ``_``) and give its numbers;
scikit-learn is only the test oracle.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_array

from clustering._validation import check_in_range

__all__ = ["PCA", "StandardScaler"]


class StandardScaler(TransformerMixin, BaseEstimator):
    """Shift and scale every feature to mean 0 and standard deviation 1.

    A feature that never changes (standard deviation 0) is only shifted:
    dividing by zero would make it NaN, and it carries no information to scale.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
    scale_ : ndarray of shape (n_features,)
        The population standard deviation of each feature (1 where it is 0).
    n_features_in_ : int
    """

    def fit(self, X, y=None) -> StandardScaler:
        """Learn each feature's mean and standard deviation from ``X``."""
        X = check_array(X, dtype=np.float64)
        self.mean_ = X.mean(axis=0)
        spread = X.std(axis=0)
        self.scale_ = np.where(spread > 0, spread, 1.0)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X) -> np.ndarray:
        """``X`` in standard units: ``(X - mean_) / scale_``."""
        X = check_array(X, dtype=np.float64)
        return (X - self.mean_) / self.scale_

    def inverse_transform(self, X) -> np.ndarray:
        """Standard units back to the original ones."""
        return np.asarray(X, dtype=np.float64) * self.scale_ + self.mean_


class PCA(TransformerMixin, BaseEstimator):
    """Project points on their directions of largest spread.

    Parameters
    ----------
    n_components : int, default=2
        How many directions to keep; at most the number of features.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
    components_ : ndarray of shape (n_components, n_features)
        Unit directions, largest spread first. Each direction's sign is
        chosen so that its largest coordinate (in absolute value) is positive,
        as scikit-learn does, so the picture does not flip between runs.
    explained_variance_ : ndarray of shape (n_components,)
        The variance of the points along each direction.
    explained_variance_ratio_ : ndarray of shape (n_components,)
        That variance as a share of the total: its sum is the share of the
        spread the projection keeps.
    n_features_in_ : int
    """

    def __init__(self, n_components: int = 2):
        self.n_components = n_components

    def fit(self, X, y=None) -> PCA:
        """Find the directions from the singular value decomposition of the centred ``X``."""
        X = check_array(X, dtype=np.float64, ensure_min_samples=2)
        check_in_range(self.n_components, "n_components", low=1, high=X.shape[1], integer=True)
        self.mean_ = X.mean(axis=0)
        _, singular_values, directions = np.linalg.svd(X - self.mean_, full_matrices=False)
        largest = np.argmax(np.abs(directions), axis=1)
        signs = np.sign(directions[np.arange(len(directions)), largest])
        directions *= signs[:, np.newaxis]
        variances = singular_values**2 / (X.shape[0] - 1)
        total = variances.sum()
        kept = slice(0, self.n_components)
        self.components_ = directions[kept]
        self.explained_variance_ = variances[kept]
        self.explained_variance_ratio_ = (
            variances[kept] / total if total > 0 else np.zeros(self.n_components)
        )
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X) -> np.ndarray:
        """The coordinates of ``X`` along the kept directions."""
        X = check_array(X, dtype=np.float64)
        return (X - self.mean_) @ self.components_.T

    def inverse_transform(self, X) -> np.ndarray:
        """The points of feature space at coordinates ``X`` on the kept directions.

        They lie on the flat through ``mean_`` spanned by ``components_``; a
        point's :meth:`transform` followed by this is its nearest point on that
        flat (itself when nothing was dropped).
        """
        X = check_array(X, dtype=np.float64)
        return self.mean_ + X @ self.components_
