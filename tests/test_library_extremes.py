"""DBSCAN and GaussianMixture on finite input of any magnitude (issue 16).

Squared distances overflow from about 1e154 and underflow below 1e-154. Whatever
the magnitude, a fit must either give finite results, the same on every run,
or raise a ValueError that says what to do; never NaN, never a result that
changes from run to run, never a traceback from deep inside NumPy or SciPy.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.cluster import DBSCAN as SklearnDBSCAN

from clustering import DBSCAN, GaussianMixture
from clustering.mixture import COVARIANCE_TYPES

MAGNITUDE = 1e300
FITTED = ("weights_", "means_", "covariances_", "precisions_cholesky_")


def any_magnitude(max_rows: int, max_features: int = 3):
    """Arrays of finite floats anywhere in [-1e300, 1e300], often repeated or tiny."""
    elements = st.one_of(
        st.floats(-MAGNITUDE, MAGNITUDE, allow_nan=False, allow_infinity=False),
        st.sampled_from([0.0, 1.0, -1.0, 1e-300, 1e154, -1e154, 1e300, -1e300]),
    )
    shapes = st.integers(1, max_features).flatmap(
        lambda d: st.tuples(st.integers(2, max_rows), st.just(d))
    )
    return hnp.arrays(np.float64, shapes, elements=elements)


def fit_twice(make, X):
    """Fit two fresh models; return both, or the ValueError both runs raised."""
    outcomes = []
    for _ in range(2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence and overflow warnings are allowed
            try:
                outcomes.append(make().fit(X))
            except ValueError as error:
                outcomes.append(error)
    first, second = outcomes
    if isinstance(first, ValueError) or isinstance(second, ValueError):
        assert type(first) is type(second), (first, second)
        assert str(first) == str(second) and len(str(first)) > 20
        return None
    return first, second


# ---- DBSCAN -------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    X=any_magnitude(40),
    eps=st.floats(1e-300, MAGNITUDE, allow_nan=False),
    min_samples=st.integers(1, 6),
)
def test_dbscan_is_finite_and_deterministic_or_says_why(X, eps, min_samples):
    fits = fit_twice(lambda: DBSCAN(eps=eps, min_samples=min_samples), X)
    if fits is None:
        return
    first, second = fits
    np.testing.assert_array_equal(first.labels_, second.labels_)
    np.testing.assert_array_equal(first.core_sample_indices_, second.core_sample_indices_)
    assert first.labels_.shape == (len(X),) and first.labels_.min() >= -1
    assert np.all(first.labels_[first.core_sample_indices_] >= 0)


@settings(max_examples=150, deadline=None)
@given(
    X=hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 60), st.integers(1, 3)),
        elements=st.floats(-4, 4, allow_nan=False, width=32),
    ),
    eps=st.floats(0.05, 2.0),
    min_samples=st.integers(1, 8),
    exponent=st.integers(-1000, 1000),
)
def test_dbscan_at_any_scale_equals_sklearn_on_the_unscaled_data(X, eps, min_samples, exponent):
    """Scaling points and eps by one power of two is exact, so the labels cannot change."""
    X_scaled = np.ldexp(X, exponent)
    eps_scaled = float(np.ldexp(eps, exponent))
    # Only where the scaled values are exact: no overflow, no digits lost below 1e-308.
    assume(np.isfinite(eps_scaled) and eps_scaled > 0 and np.isfinite(X_scaled).all())
    assume(np.array_equal(np.ldexp(X_scaled, -exponent), X))
    assume(np.ldexp(eps_scaled, -exponent) == eps)
    theirs = SklearnDBSCAN(eps=eps, min_samples=min_samples).fit(X)
    ours = DBSCAN(eps=eps_scaled, min_samples=min_samples).fit(X_scaled)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_array_equal(ours.core_sample_indices_, theirs.core_sample_indices_)


# ---- GaussianMixture ------------------------------------------------------------------


def assert_mixture_finite_and_deterministic(make, X):
    fits = fit_twice(make, X)
    if fits is None:
        return
    first, second = fits
    for name in FITTED:
        assert np.all(np.isfinite(getattr(first, name))), name
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    assert np.isfinite(first.lower_bound_)
    np.testing.assert_array_equal(first.predict(X), second.predict(X))


# The kmeans start runs k-means first: it too must cope with any magnitude.
@pytest.mark.parametrize("init_params", ["random_from_data", "kmeans"])
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    X=any_magnitude(30),
    n_components=st.integers(1, 3),
    covariance_type=st.sampled_from(COVARIANCE_TYPES),
)
def test_mixture_is_finite_and_deterministic_or_says_why(
    init_params, X, n_components, covariance_type
):
    def make():
        return GaussianMixture(
            n_components,
            covariance_type=covariance_type,
            init_params=init_params,
            max_iter=20,
            random_state=0,
        )

    assert_mixture_finite_and_deterministic(make, X)


@pytest.mark.parametrize("init_params", ["random_from_data", "kmeans"])
def test_mixture_on_points_near_1e300_is_a_clear_error(init_params):
    X = np.array([[1e300, -1e300], [-1e300, 1e300], [1e300, 1e300], [0.0, 0.0]])
    # Whichever step meets the overflow first (k-means or EM) must say to scale the data.
    with pytest.raises(ValueError, match=r"(?i)scale"):
        GaussianMixture(2, init_params=init_params, random_state=0).fit(X)
