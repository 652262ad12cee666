"""Tests of scikit-learn's unsupervised-metrics suite that do not apply to ours, and why.

We offer ``silhouette_samples`` and ``silhouette_score`` on dense points with
Euclidean distance. The suite's other metrics (Calinski-Harabasz,
Davies-Bouldin) are scikit-learn's own: their tests would only test its code.
"""

PRECOMPUTED = "metric='precomputed': we take points, never a distance matrix"
SPARSE = "sparse input: we accept dense arrays only"
NOT_OURS = "a metric we do not offer: the test would run scikit-learn's own code"

DESELECT: dict[str, str] = {
    "test_silhouette": PRECOMPUTED + " (and metric='euclidean' passed by name; partly sparse)",
    "test_silhouette_paper_example": PRECOMPUTED,
    "test_silhouette_nonzero_diag": PRECOMPUTED,
    "test_silhouette_samples_precomputed_sparse": PRECOMPUTED + "; " + SPARSE,
    "test_silhouette_samples_euclidean_sparse": SPARSE,
    "test_silhouette_reduce": "tests scikit-learn's private _silhouette_reduce, on sparse input",
    "test_calinski_harabasz_score": NOT_OURS,
    "test_davies_bouldin_score": NOT_OURS,
    "test_silhouette_score_integer_precomputed": PRECOMPUTED,
}
