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
from clustering.images import ImageLoadError, LoadedImage, load_image
from clustering.kmeans import KMeans, LloydState, init_centroids, lloyd_steps
from clustering.segmentation import (
    ColourTable,
    Segmentation,
    colour_table,
    segment_colours,
    segment_image,
)

__all__: list[str] = [
    "ColourTable",
    "DigitsSplit",
    "ImageLoadError",
    "KMeans",
    "LloydState",
    "LoadedImage",
    "Segmentation",
    "colour_table",
    "init_centroids",
    "lloyd_steps",
    "load_digits_split",
    "load_image",
    "make_chapter_moons",
    "make_ellipsoidal_blobs",
    "make_five_blobs",
    "segment_colours",
    "segment_image",
]
