"""Tests of scikit-learn's GaussianMixture suite that do not apply to ours, and why.

Our GaussianMixture has the parameters of the design's table (n_components,
covariance_type, tol, reg_covar, max_iter, n_init, init_params, random_state)
on NumPy arrays. Every other test of the suite runs on it.
"""

INIT_ARRAYS = "weights_init / means_init / precisions_init: we offer no initial parameter arrays"
WARM_START = "warm_start: every fit starts afresh"
PRIVATE = "tests scikit-learn's private helpers (_estimate_gaussian_*, _suffstat ...), not ours"
ARRAY_API = "array API namespaces (torch, cupy, array-api-strict): we compute with NumPy only"
N_PARAMETERS = (
    "calls the private _n_parameters(); ours is the public n_parameters(), whose counts "
    "tests/test_mixture.py checks"
)

DESELECT: dict[str, str] = {
    "test_check_weights": INIT_ARRAYS,
    "test_check_means": INIT_ARRAYS,
    "test_check_precisions": INIT_ARRAYS,
    "test_suffstat_sk_full": PRIVATE,
    "test_suffstat_sk_tied": PRIVATE,
    "test_suffstat_sk_diag": PRIVATE,
    "test_gaussian_suffstat_sk_spherical": PRIVATE,
    "test_compute_log_det_cholesky": PRIVATE,
    "test_gaussian_mixture_log_probabilities": PRIVATE,
    "test_gaussian_mixture_estimate_log_prob_resp": INIT_ARRAYS + " (and a private helper)",
    "test_gaussian_mixture_predict_predict_proba": INIT_ARRAYS,
    "test_gaussian_mixture_fit_predict": INIT_ARRAYS,
    "test_gaussian_mixture_n_parameters": N_PARAMETERS,
    "test_gaussian_mixture_aic_bic": N_PARAMETERS,
    "test_gaussian_mixture_verbose": "verbose / verbose_interval: we print nothing",
    "test_warm_start": WARM_START,
    "test_convergence_detected_with_warm_start": WARM_START,
    "test_monotonic_likelihood": WARM_START + " (one EM step per fit)",
    "test_gaussian_mixture_setting_best_params": INIT_ARRAYS,
    "test_max_iter_zero": INIT_ARRAYS,
    "test_gaussian_mixture_precisions_init_diag": INIT_ARRAYS,
    "test_gaussian_mixture_precisions_init": INIT_ARRAYS,
    "test_gaussian_mixture_all_init_does_not_estimate_gaussian_parameters": INIT_ARRAYS,
    "test_gaussian_mixture_array_api_compliance": ARRAY_API,
    "test_gaussian_mixture_raises_where_array_api_not_implemented": ARRAY_API,
}
