"""Tests of scikit-learn's DBSCAN suite that do not apply to our DBSCAN, and why.

Our DBSCAN has two parameters, ``eps`` and ``min_samples``, on dense
Euclidean data; most of this suite tests the other ways scikit-learn's can be
called. What is left (validation, pickling, the inclusive boundaries of eps
and min_samples) runs on ours.
"""

PRECOMPUTED = "metric='precomputed': we take points, never a distance matrix"
METRIC = "metric parameter: our DBSCAN measures Euclidean distance only, it has no metric argument"
SPARSE = "sparse input: we accept dense arrays only"
ALGORITHM = "algorithm parameter: we choose the neighbour search ourselves (grid or k-d tree)"

DESELECT: dict[str, str] = {
    "test_dbscan_similarity": PRECOMPUTED,
    "test_dbscan_feature": METRIC + " (this test passes metric='euclidean')",
    "test_dbscan_sparse": SPARSE,
    "test_dbscan_sparse_precomputed": PRECOMPUTED + "; " + SPARSE,
    "test_dbscan_sparse_precomputed_different_eps": PRECOMPUTED + "; " + SPARSE,
    "test_dbscan_input_not_modified": METRIC + " (precomputed or minkowski, partly sparse)",
    "test_dbscan_input_not_modified_precomputed_sparse_nodiag": PRECOMPUTED + "; " + SPARSE,
    "test_dbscan_no_core_samples": SPARSE + " (the same test also fits the sparse matrix)",
    "test_dbscan_callable": METRIC + " (a callable metric, and algorithm='ball_tree')",
    "test_dbscan_metric_params": METRIC + " (minkowski/manhattan, metric_params, p)",
    "test_dbscan_balltree": ALGORITHM + "; also metric='precomputed' and p",
    "test_weighted_dbscan": "sample_weight: not offered (and part of it is metric='precomputed')",
    "test_dbscan_core_samples_toy": ALGORITHM,
    "test_dbscan_precomputed_metric_with_degenerate_input_arrays": PRECOMPUTED,
    "test_dbscan_precomputed_metric_with_initial_rows_zero": PRECOMPUTED + "; " + SPARSE,
    "test_dbscan_no_warning_unsorted_precomputed": PRECOMPUTED + " (a sparse neighbours graph)",
    "test_dbscan_no_warning_presorted_precomputed": PRECOMPUTED + " (a sparse neighbours graph)",
}
