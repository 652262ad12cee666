"""Clustering algorithms in plain NumPy, with scikit-learn's interface.

Every estimator here can be read top to bottom by a student: the algorithm is
ours, written in NumPy (and SciPy for primitives such as a k-d tree), while the
interface (``fit``, ``predict``, ``labels_`` ...) is scikit-learn's, so code
written for ``sklearn.cluster`` runs unchanged.

Each algorithm has a module that reads as the textbook (``kmeans``, ``dbscan``,
``mixture``, ``semi_supervised``, ``metrics``, ``segmentation``), and beside it
what is not the textbook: the fast paths in ``_kmeans_speed`` and
``_dbscan_grid`` (each tested equal to its plain version), the input checks and
their messages in ``_validation``, the BLAS thread policy in ``_threads``.
``datasets`` makes the chapter's data sets; ``images`` reads uploaded pictures.
"""

from clustering.datasets import (
    DigitsSplit,
    load_digits_split,
    make_chapter_moons,
    make_ellipsoidal_blobs,
    make_five_blobs,
)
from clustering.dbscan import (
    DBSCAN,
    NeighborsVoteClassifier,
    classifier_from_dbscan,
    k_distances,
)
from clustering.images import (
    ImageLoadError,
    LoadedImage,
    load_image,
)
from clustering.kmeans import (
    KMeans,
    LloydState,
    init_centroids,
    lloyd_steps,
)
from clustering.metrics import (
    silhouette_samples,
    silhouette_score,
)
from clustering.mixture import (
    CriterionCurve,
    GaussianMixture,
    criterion_curve,
    density_anomalies,
    information_criteria,
)
from clustering.segmentation import (
    ColourTable,
    Segmentation,
    colour_table,
    segment_colours,
    segment_image,
)
from clustering.semi_supervised import (
    least_confident,
    partial_propagation_mask,
    propagate_labels,
    propagation_accuracies,
    representatives,
    training_set_accuracy,
)

__all__: list[str] = [
    "DBSCAN",
    "ColourTable",
    "CriterionCurve",
    "DigitsSplit",
    "GaussianMixture",
    "ImageLoadError",
    "KMeans",
    "LloydState",
    "LoadedImage",
    "NeighborsVoteClassifier",
    "Segmentation",
    "classifier_from_dbscan",
    "colour_table",
    "criterion_curve",
    "density_anomalies",
    "information_criteria",
    "init_centroids",
    "k_distances",
    "least_confident",
    "lloyd_steps",
    "load_digits_split",
    "load_image",
    "make_chapter_moons",
    "make_ellipsoidal_blobs",
    "make_five_blobs",
    "partial_propagation_mask",
    "propagate_labels",
    "propagation_accuracies",
    "representatives",
    "segment_colours",
    "segment_image",
    "silhouette_samples",
    "silhouette_score",
    "training_set_accuracy",
]
