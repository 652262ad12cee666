"""Clustering algorithms in plain NumPy, with scikit-learn's interface.

Every estimator here can be read top to bottom by a student: the algorithm is
ours, written in NumPy (and SciPy for primitives such as a k-d tree), while the
interface (``fit``, ``predict``, ``labels_`` ...) is scikit-learn's, so code
written for ``sklearn.cluster`` runs unchanged.
"""

from clustering.datasets import (
    DigitsSplit,
    load_digits_split,
    make_chapter_moons,
    make_ellipsoidal_blobs,
    make_five_blobs,
)
from clustering.kmeans import KMeans, LloydState, init_centroids, lloyd_steps

__all__: list[str] = [
    "DigitsSplit",
    "KMeans",
    "LloydState",
    "init_centroids",
    "lloyd_steps",
    "load_digits_split",
    "make_chapter_moons",
    "make_ellipsoidal_blobs",
    "make_five_blobs",
]
