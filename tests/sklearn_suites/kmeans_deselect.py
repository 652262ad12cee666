"""Tests of scikit-learn's k-means suite that do not apply to our KMeans.

scikit-learn's ``sklearn/cluster/tests/test_k_means.py`` runs with
``sklearn.cluster.KMeans`` replaced by ``clustering.KMeans``. The tests
below exercise what we deliberately lack; every other test must pass.

A key is a test function's name (all its cases) or a pattern over a case's
id ``name[parameters]`` in which ``*`` stands for any text (every other
character, brackets included, stands for itself), as
``sklearn_suites.plugin.listed_as`` reads it.
"""

from __future__ import annotations

SPARSE = "sparse input: our KMeans takes dense arrays only"
ALGORITHM = "passes `algorithm` (lloyd/elkan): we have Lloyd's algorithm only, no such parameter"
MINIBATCH = "MiniBatchKMeans only: scikit-learn's own estimator, which we do not provide"
PRIVATE = "tests a private helper of scikit-learn's k-means, not the estimator"
CALLABLE = "a callable init: ours takes 'k-means++', 'random' or an array, and refuses callables"
FUNCTION = "tests scikit-learn's function {}: we have no such function"

DESELECT = {
    # sparse input, in the cases parametrised with sparse containers
    "test_*[*sparse*]": SPARSE,
    "test_*[*csr*]": SPARSE,
    "test_dense_sparse": SPARSE,
    "test_predict_dense_sparse": SPARSE,
    # the `algorithm` parameter (each builds KMeans(..., algorithm=...))
    "test_kmeans_results": ALGORITHM,
    "test_kmeans_relocated_clusters": ALGORITHM,
    "test_kmeans_elkan_results": ALGORITHM,
    "test_kmeans_convergence": ALGORITHM,
    "test_kmeans_predict": ALGORITHM,
    "test_kmeans_elkan_iter_attribute": ALGORITHM,
    "test_warning_elkan_1_cluster": ALGORITHM,
    "test_k_means_1_iteration": ALGORITHM,
    "test_relocating_with_duplicates": ALGORITHM,
    "test_predict_does_not_change_cluster_centers": ALGORITHM,
    # other parameters we do not have
    "test_kmeans_verbose": "passes `verbose` and `algorithm`: we print nothing, run Lloyd's only",
    "test_kmeans_copyx": "passes `copy_x`: we never modify X, so there is nothing to switch",
    "test_all_init[KMeans-callable-*]": CALLABLE,
    "test_kmeans_init_auto_with_initial_centroids[KMeans-<lambda>-*]": CALLABLE,
    "test_wrong_params[param2-*-KMeans]": CALLABLE,
    "test_wrong_params[param4-*-KMeans]": CALLABLE,
    "test_result_equal_in_diff_n_threads": (
        "limits OpenMP threads, which only scikit-learn's compiled k-means uses"
    ),
    # scikit-learn's private helpers and functions
    "test_relocate_empty_clusters": PRIVATE,
    "test_euclidean_distance": PRIVATE,
    "test_inertia": PRIVATE,
    "test_is_same_clustering": PRIVATE,
    "test_sample_weight_init": "calls the private method KMeans._init_centroids of scikit-learn",
    "test_sample_weight_zero": "calls the private method KMeans._init_centroids of scikit-learn",
    "test_k_means_function": FUNCTION.format("k_means"),
    "test_kmeans_plusplus_*": FUNCTION.format("kmeans_plusplus"),
    # MiniBatchKMeans
    "test_minibatch_*": MINIBATCH,
    "test_*[MiniBatchKMeans*]": MINIBATCH,
    "test_*[*-MiniBatchKMeans*]": MINIBATCH,
    "test_n_init_auto[MiniBatchKMeans-*]": MINIBATCH,
}

