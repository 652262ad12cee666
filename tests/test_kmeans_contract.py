"""KMeans keeps scikit-learn's estimator contract and refuses bad input clearly."""

import warnings

import numpy as np
import pytest
import sklearn.cluster
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits

from clustering import KMeans, init_centroids, lloyd_steps

# Checks that scikit-learn's own KMeans fails too, with scikit-learn's reason
# (sklearn/utils/_test_common/instance_generator.py, PER_ESTIMATOR_XFAIL_CHECKS):
# fitting with integer weights is not the same as repeating points, because the
# random starts are drawn differently from the two data sets.
SKLEARN_KMEANS_FAILS = {
    "check_sample_weight_equivalence_on_dense_data": (
        "sample_weight is not equivalent to removing/repeating samples."
    ),
}


# check_array_api_input skips itself unless SCIPY_ARRAY_API=1 is set before SciPy
# is imported; run by hand with it set, it passes (as do all the other checks).
@parametrize_with_checks(
    [KMeans(n_clusters=2, n_init=2, max_iter=5)],
    expected_failed_checks=lambda estimator: SKLEARN_KMEANS_FAILS,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


# -- against scikit-learn on generated data ---------------------------------


@st.composite
def clustering_problems(draw):
    """Blobs of random sizes, spreads and positions, sometimes with repeated points."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_features = draw(st.integers(1, 5))
    n_blobs = draw(st.integers(1, 6))
    sizes = [draw(st.integers(1, 60)) for _ in range(n_blobs)]
    scale = 10.0 ** draw(st.integers(-3, 4))
    parts = [
        rng.normal(rng.uniform(-10, 10, n_features), rng.uniform(0.05, 3), (size, n_features))
        for size in sizes
    ]
    X = np.concatenate(parts) * scale
    if draw(st.booleans()):  # repeated points, as pixels of the same colour
        X = np.round(X / scale) * scale
    n_clusters = draw(st.integers(1, min(8, len(X))))
    return X, n_clusters, draw(st.integers(0, 1000))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clustering_problems())
def test_best_inertia_over_ten_starts_is_never_1_percent_above_sklearns(problem):
    X, n_clusters, seed = problem
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")  # fewer distinct points than clusters
        ours = KMeans(n_clusters, n_init=10, random_state=seed).fit(X)
        theirs = sklearn.cluster.KMeans(n_clusters, n_init=10, random_state=seed).fit(X)
    # Our inertia comes from per-cluster sums, exact up to rounding relative to
    # the total scatter of the data (the inertia for k = 1).
    total_scatter = ((X - X.mean(axis=0)) ** 2).sum()
    assert ours.inertia_ <= theirs.inertia_ * 1.01 + 1e-10 * total_scatter


# -- bad input ----------------------------------------------------------------


X_OK = np.random.default_rng(0).normal(size=(20, 2))


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.array([[0.0, 1.0], [np.nan, 2.0], [1.0, 1.0]]), "contains NaN"),
        (np.array([[0.0, 1.0], [np.inf, 2.0], [1.0, 1.0]]), "contains infinity"),
        (np.zeros((0, 2)), r"0 sample\(s\)"),
        (np.arange(6.0), "Reshape your data"),
    ],
    ids=["nan", "inf", "empty", "1-D"],
)
def test_bad_data_is_refused(X, message):
    with pytest.raises(ValueError, match=message):
        KMeans(1).fit(X)
    with pytest.raises(ValueError, match=message):
        next(lloyd_steps(X, np.zeros((1, 2))))
    with pytest.raises(ValueError, match=message):
        init_centroids(X, 1)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"n_clusters": 0}, r"int in the range \[1, inf\)\. Got 0 instead\. Set n_clusters to"),
        ({"n_clusters": 2.5}, r"'n_clusters' parameter of KMeans must be an int .* Got 2\.5"),
        ({"n_clusters": 21}, "n_samples=20 should be >= n_clusters=21. Ask for at most 20"),
        ({"init": "kmeans"}, r"'init' parameter of KMeans must be a str among .*Pass 'k-"),
        (
            {"n_clusters": 3, "init": np.zeros((2, 2))},
            r"initial centers \(2, 2\) does not match the number of clusters 3.*shape \(3, 2\)",
        ),
        (
            {"n_clusters": 2, "init": np.zeros((2, 3))},
            r"initial centers \(2, 3\) does not match the number of features of the data 2",
        ),
        ({"n_clusters": 1, "init": [[np.nan, 0.0]]}, "init contains NaN"),
        ({"n_init": 0}, r"'n_init' .* \{'auto'\} or an int in the range \[1, inf\)\. Got 0"),
        ({"n_init": "many"}, "Got 'many' instead. Leave n_init at 'auto'"),
        ({"max_iter": 0}, r"'max_iter' parameter of KMeans must be an int in the range \[1, inf\)"),
        ({"tol": -1.0}, r"'tol' .* KMeans must be a float in the range \[0\.0, inf\)\. Got -1\.0"),
    ],
)
def test_bad_parameters_say_what_to_change(params, message):
    with pytest.raises(ValueError, match=message):
        KMeans(**params).fit(X_OK)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (np.ones(5), r"sample_weight.shape == \(5,\), expected \(20,\).*one weight per row of X"),
        (-np.ones(20), "Negative values in data passed to sample_weight.*finite and non-negative"),
        (np.full(20, np.nan), "Input sample_weight contains NaN.*finite and non-negative"),
        (np.zeros(20), "at least one non-zero number.*at least one sample must count"),
    ],
)
def test_bad_sample_weight_is_refused(weights, message):
    with pytest.raises(ValueError, match=message):
        KMeans(2).fit(X_OK, sample_weight=weights)


def test_functions_check_their_own_parameters():
    with pytest.raises(
        ValueError, match="'method' parameter of init_centroids must be a str among"
    ):
        init_centroids(X_OK, 2, method="kmeans")
    with pytest.raises(ValueError, match="n_samples=20 should be >= n_clusters=30"):
        init_centroids(X_OK, 30)
    with pytest.raises(ValueError, match=r"initial centers \(3,\) does not match"):
        next(lloyd_steps(X_OK, np.zeros(3)))
    with pytest.raises(ValueError, match=r"'max_iter' parameter of lloyd_steps must be an int"):
        next(lloyd_steps(X_OK, X_OK[:2], max_iter=0))


def test_new_data_must_have_the_training_features():
    model = KMeans(2, random_state=0).fit(X_OK)
    with pytest.raises(ValueError, match="2 features"):
        model.predict(np.zeros((3, 5)))
