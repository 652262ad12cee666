import numpy as np
import pytest

from clustering._validation import (
    check_in_range,
    check_one_of,
    check_run_inputs,
    check_sample_weight,
)


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        (0, {"low": 1, "integer": True}, r"n must be in \[1, inf\], got 0"),
        (2.5, {"low": 1, "integer": True}, "n must be an integer"),
        (True, {"low": 0}, "n must be a number"),
        (0.0, {"low": 0, "low_inclusive": False}, r"n must be in \(0, inf\]"),
        (11, {"low": 1, "high": 10, "integer": True}, r"\[1, 10\], got 11"),
    ],
)
def test_check_in_range_refuses(value, kwargs, message):
    with pytest.raises(ValueError, match=message):
        check_in_range(value, "n", **kwargs)


def test_check_in_range_accepts_bounds():
    check_in_range(1, "n", low=1, high=1, integer=True)
    check_in_range(np.int64(3), "n", low=1, integer=True)
    check_in_range(0.5, "eps", low=0, low_inclusive=False)


def test_check_one_of():
    check_one_of("full", "covariance_type", ["full", "diag"])
    with pytest.raises(ValueError, match="must be one of 'full', 'diag'; got 'ful'"):
        check_one_of("ful", "covariance_type", ["full", "diag"])


def test_check_sample_weight():
    X = np.zeros((3, 2), dtype=np.float32)
    assert check_sample_weight(None, X).tolist() == [1, 1, 1]
    assert check_sample_weight(None, X).dtype == np.float32
    assert check_sample_weight(2, X).tolist() == [2, 2, 2]
    with pytest.raises(ValueError, match="one weight per row"):
        check_sample_weight([1, 2], X)
    with pytest.raises(ValueError, match="non-negative"):
        check_sample_weight([1, -1, 1], X)
    with pytest.raises(ValueError, match="zero everywhere"):
        check_sample_weight([0, 0, 0], X)


@pytest.mark.parametrize(
    ("X", "advice"),
    [
        ([[0.0, 1.0], [np.inf, 2.0]], "Replace or drop the infinite values"),
        ([[0.0, 1.0], [np.nan, 2.0]], "Drop or impute the missing values"),
        (np.empty((0, 2)), "Pass at least one row of data"),
        (np.empty((3, 0)), "Pass data with at least one column"),
    ],
)
def test_check_data_says_what_to_do(X, advice):
    from clustering import KMeans
    from clustering._validation import check_data

    with pytest.raises(ValueError, match=advice):
        check_data(KMeans(), X)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf, float("nan"), np.float32("nan")])
def test_check_in_range_refuses_non_finite(value):
    with pytest.raises(ValueError, match="tol must be a finite number"):
        check_in_range(value, "tol", low=0)
    with pytest.raises(ValueError, match="tol must be a finite number"):
        check_in_range(value, "tol")


def test_check_in_range_accepts_huge_integers():
    check_in_range(10**400, "n", low=1, integer=True)


@pytest.mark.parametrize("value", [np.nan, np.inf])
@pytest.mark.parametrize("name", ["reg_covar", "tol"])
def test_gaussian_mixture_refuses_non_finite_parameters(name, value):
    from clustering import GaussianMixture

    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match=f"'{name}' parameter of GaussianMixture .* Got {value}"):
        GaussianMixture(2, **{name: value}).fit(X)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_vote_classifier_refuses_non_finite_max_distance(value):
    from clustering import NeighborsVoteClassifier

    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="max_distance must be a finite number"):
        NeighborsVoteClassifier(max_distance=value).fit(X, np.arange(20) % 2)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_dbscan_refuses_non_finite_eps(value):
    from clustering import DBSCAN

    with pytest.raises(ValueError, match=f"'eps' parameter of DBSCAN .* Got {value} instead"):
        DBSCAN(eps=value).fit(np.zeros((3, 2)))


def test_check_run_inputs_returns_checked_data_weights_and_init():
    X, weights, init = check_run_inputs(
        [[0, 1], [2, 3], [4, 5]], 2, "random", [1, 2, 3], "best_of_runs", max_iter=10, tol=0
    )
    assert X.dtype == np.float64 and X.flags.c_contiguous
    assert weights.tolist() == [1, 2, 3] and init == "random"
    centers = np.array([[0.0, 0.0], [1.0, 1.0]])
    _, _, checked = check_run_inputs(np.ones((3, 2)), 2, centers, None, "lloyd_steps",
                                     max_iter=10, tol=0)
    np.testing.assert_array_equal(checked, centers)
    assert checked is not centers  # a copy: the run never writes into the caller's centres


@pytest.mark.parametrize(
    ("X", "n_clusters", "init", "max_iter", "message"),
    [
        ([[np.nan, 1.0]], 1, "random", 10, "NaN"),
        (np.ones((3, 2)), 4, "random", 10, "n_samples=3 should be >= n_clusters=4"),
        (np.ones((3, 2)), 2, np.ones((2, 3)), 10, "shape of the initial centers"),
        (np.ones((3, 2)), 2, "kmeans", 10, "The 'init' parameter of best_of_runs"),
        (np.ones((3, 2)), 2, "random", 0, "The 'max_iter' parameter of best_of_runs"),
    ],
)
def test_check_run_inputs_refuses_in_scikit_learns_words(X, n_clusters, init, max_iter, message):
    with pytest.raises(ValueError, match=message):
        check_run_inputs(X, n_clusters, init, None, "best_of_runs", max_iter=max_iter, tol=0)
