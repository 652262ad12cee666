"""KMeans on hostile numbers: huge or tiny magnitudes, far from the origin, bad parameters."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from clustering import KMeans, init_centroids, lloyd_steps

FINITE = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False)


def fit_result(X, k, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fewer distinct clusters than k
        model = KMeans(k, n_init=2, random_state=seed).fit(X)
    return model.labels_, model.cluster_centers_, model.inertia_, model.n_iter_


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    X=arrays(np.float64, st.tuples(st.integers(1, 30), st.integers(1, 3)), elements=FINITE),
    k=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_any_finite_input_gives_finite_repeatable_results_or_a_clear_error(X, k, seed):
    k = min(k, len(X))
    try:
        first = fit_result(X, k, seed)
    except ValueError as error:
        assert "largest float64" in str(error)
        return
    labels, centers, inertia, n_iter = first
    assert labels.min() >= 0 and labels.max() < k
    assert np.isfinite(centers).all() and math.isfinite(inertia) and inertia >= 0
    assert 1 <= n_iter <= 300
    second = fit_result(X, k, seed)
    np.testing.assert_array_equal(second[0], labels)
    np.testing.assert_array_equal(second[1], centers)
    assert (second[2], second[3]) == (inertia, n_iter)


@pytest.fixture(scope="module")
def two_blobs():
    rng = np.random.default_rng(0)
    return np.vstack([rng.normal(0, 1, (40, 2)), rng.normal(6, 1, (40, 2))])


@pytest.mark.parametrize("magnitude", [2.0**-500, 1e-100, 1.0, 1e100, 2.0**500])
def test_scaled_data_gives_scaled_results(two_blobs, magnitude):
    X = two_blobs
    reference = KMeans(2, random_state=0).fit(X)
    model = KMeans(2, random_state=0).fit(X * magnitude)
    np.testing.assert_array_equal(model.labels_, reference.labels_)
    np.testing.assert_allclose(model.cluster_centers_ / magnitude, reference.cluster_centers_)
    assert model.n_iter_ == reference.n_iter_
    assert model.inertia_ / magnitude / magnitude == pytest.approx(reference.inertia_)
    np.testing.assert_array_equal(model.predict(X * magnitude), reference.labels_)
    np.testing.assert_allclose(model.transform(X * magnitude) / magnitude, reference.transform(X))


def test_steps_on_huge_data_keep_finite_centres(two_blobs):
    start = two_blobs[[0, 50]]
    reference = list(lloyd_steps(two_blobs, start))
    huge = list(lloyd_steps(two_blobs * 1e300, start * 1e300))
    assert len(huge) == len(reference)
    for ours, theirs in zip(huge[1:], reference[1:], strict=True):
        np.testing.assert_array_equal(ours.labels, theirs.labels)
        np.testing.assert_allclose(ours.centers / 1e300, theirs.centers)


def test_inertia_beyond_float64_is_a_clear_error():
    X = np.array([[-1e300, 0.0], [1e300, 0.0], [0.0, 1e300]])
    with pytest.raises(ValueError, match=r"inertia .* exceeds the largest float64"):
        KMeans(1).fit(X)


def test_huge_starts_are_finite_and_spread():
    X = np.array([[1e300, 0.0], [-1e300, 0.0], [1e300, 1.0], [0.0, 1e300]])
    starts = init_centroids(X, 3, random_state=0)
    assert np.isfinite(starts).all()
    assert len(np.unique(starts, axis=0)) == 3


def test_inertia_far_from_the_origin_is_exact():
    X = np.array([[1e9 + 1], [1e9 + 1], [1e9 - 1], [1e9 - 1], [5e9]])
    assert KMeans(2, random_state=0).fit(X).inertia_ == 4.0
    last = list(lloyd_steps(X, [[1e9], [5e9]]))[-1]
    assert last.inertia == 4.0


def test_more_centres_than_points_is_a_clear_error():
    with pytest.raises(ValueError, match="n_samples=2 should be >= n_clusters=3"):
        next(lloyd_steps(np.zeros((2, 2)), np.ones((3, 2))))


@pytest.mark.parametrize(
    "params",
    [
        {"tol": math.nan},
        {"tol": math.inf},
        {"max_iter": math.nan},
        {"n_init": math.inf},
        {"n_clusters": math.nan},
    ],
    ids=["tol=nan", "tol=inf", "max_iter=nan", "n_init=inf", "n_clusters=nan"],
)
def test_non_finite_parameters_are_refused(params):
    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="must be"):
        KMeans(**{"n_clusters": 2, **params}).fit(X)
