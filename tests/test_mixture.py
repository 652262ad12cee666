"""GaussianMixture against scikit-learn's, on the chapter's ellipsoids and on random data."""

import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture as SkGaussianMixture
from sklearn.utils.estimator_checks import check_estimator
from threadpoolctl import threadpool_limits

from clustering import (
    GaussianMixture,
    criterion_curve,
    density_anomalies,
    information_criteria,
)
from clustering.datasets import make_ellipsoidal_blobs
from clustering.mixture import COVARIANCE_TYPES, precision_cholesky

CHAPTER = dict(n_components=3, n_init=10, random_state=42)
# The weights the chapter prints for this fit, largest cluster first.
CHAPTER_WEIGHTS = [0.40007391, 0.39025715, 0.20966893]
FITTED = ("weights_", "means_", "covariances_", "precisions_cholesky_")


@pytest.fixture(scope="module", autouse=True)
def one_blas_thread():
    """scikit-learn's mixture is several times faster with one BLAS thread on small data."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def X():
    return make_ellipsoidal_blobs()[0]


@pytest.fixture(scope="module", params=COVARIANCE_TYPES)
def fitted_pair(request, X):
    """Ours and scikit-learn's mixture fitted as in the chapter, for one covariance type."""
    settings_ = dict(CHAPTER, covariance_type=request.param)
    return GaussianMixture(**settings_).fit(X), SkGaussianMixture(**settings_).fit(X)


def matching_order(ours_means, their_means):
    """The permutation of our components that lines them up with scikit-learn's."""
    distances = np.linalg.norm(ours_means[:, None] - their_means[None], axis=2)
    ours, theirs = linear_sum_assignment(distances)
    return ours[np.argsort(theirs)]


def reordered(model, name, order):
    """A fitted attribute with its components reordered; a tied covariance has none."""
    values = getattr(model, name)
    return values if model.covariance_type == "tied" and name == "covariances_" else values[order]


def with_their_parameters(theirs):
    """Our estimator holding exactly the parameters scikit-learn learned."""
    ours = GaussianMixture(theirs.n_components, covariance_type=theirs.covariance_type)
    for name in (*FITTED, "n_features_in_"):
        setattr(ours, name, getattr(theirs, name))
    return ours


# ---- the chapter's fit ------------------------------------------------------


def test_parameters_match_sklearn(fitted_pair):
    ours, theirs = fitted_pair
    order = matching_order(ours.means_, theirs.means_)
    for name in ("weights_", "means_", "covariances_"):
        mine = reordered(ours, name, order)
        np.testing.assert_allclose(mine, getattr(theirs, name), atol=1e-3, err_msg=name)


def test_converges_in_a_few_iterations_like_sklearn(fitted_pair):
    ours, theirs = fitted_pair
    assert ours.converged_ and theirs.converged_
    # Our KMeans draws the same random numbers, so EM starts and ends alike.
    assert ours.n_iter_ == theirs.n_iter_
    assert len(ours.lower_bounds_) == ours.n_iter_
    assert ours.lower_bound_ == pytest.approx(theirs.lower_bound_, abs=1e-8)


def test_full_fit_reproduces_the_chapter(X):
    model = GaussianMixture(**CHAPTER).fit(X)
    np.testing.assert_allclose(np.sort(model.weights_)[::-1], CHAPTER_WEIGHTS, atol=1e-3)
    assert model.converged_
    assert model.n_iter_ == 4  # as in the chapter


def test_lower_bound_is_mean_log_likelihood_before_the_last_m_step(X):
    model = GaussianMixture(**CHAPTER).fit(X)
    # After the last M-step the likelihood can only have risen, by less than tol.
    assert 0 <= model.score(X) - model.lower_bound_ < model.tol


def test_predict_proba_rows_sum_to_one(fitted_pair, X):
    ours, _ = fitted_pair
    proba = ours.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_array_equal(proba.argmax(axis=1), ours.predict(X))


def test_fit_predict_equals_predict_after_fit(X):
    model = GaussianMixture(**CHAPTER)
    np.testing.assert_array_equal(model.fit_predict(X), model.predict(X))


# ---- same parameters, same numbers ---------------------------------------------


def test_same_parameters_give_sklearns_scores(fitted_pair, X):
    _, theirs = fitted_pair
    ours = with_their_parameters(theirs)
    grid = np.random.default_rng(0).uniform(-10, 10, size=(500, 2))
    for points in (X, grid):
        np.testing.assert_allclose(
            ours.score_samples(points), theirs.score_samples(points), rtol=0, atol=1e-8
        )
        np.testing.assert_allclose(
            ours.predict_proba(points), theirs.predict_proba(points), atol=1e-8
        )
        np.testing.assert_array_equal(ours.predict(points), theirs.predict(points))
    assert ours.bic(X) == pytest.approx(theirs.bic(X), rel=1e-10)
    assert ours.aic(X) == pytest.approx(theirs.aic(X), rel=1e-10)
    assert ours.n_parameters() == theirs._n_parameters()


def test_seventeen_free_parameters_for_three_full_gaussians_in_2d(X):
    # 2 weights + 3 means of 2 + 3 symmetric 2x2 covariances of 3 entries each.
    assert GaussianMixture(**CHAPTER).fit(X).n_parameters() == 17


def test_precision_factors_match_sklearn(fitted_pair):
    ours, theirs = fitted_pair
    mine = precision_cholesky(theirs.covariances_, theirs.covariance_type)
    np.testing.assert_allclose(mine, theirs.precisions_cholesky_, rtol=1e-10)
    if ours.covariance_type in ("full", "tied"):
        inverse = np.linalg.inv(ours.covariances_)
    else:
        inverse = 1 / ours.covariances_
    np.testing.assert_allclose(ours.precisions_, inverse, rtol=1e-10)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("init_params", ["k-means++", "random", "random_from_data"])
def test_seeded_inits_follow_sklearns_path_exactly(X, covariance_type, init_params):
    """Both draw the same random numbers, so every EM step must agree."""
    settings_ = dict(CHAPTER, covariance_type=covariance_type, init_params=init_params)
    ours = GaussianMixture(**settings_).fit(X)
    theirs = SkGaussianMixture(**settings_).fit(X)
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.lower_bounds_, theirs.lower_bounds_, rtol=1e-10)
    for name in FITTED:
        np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name), atol=1e-10)


def test_sample_is_grouped_by_component_and_equals_sklearns(fitted_pair):
    ours, theirs = fitted_pair
    X_new, y_new = ours.sample(300)
    assert X_new.shape == (300, 2)
    assert np.all(np.diff(y_new) >= 0)
    # Same parameters and seed: scikit-learn draws the very same points.
    X_sk, y_sk = with_their_parameters(theirs).set_params(random_state=42).sample(300)
    X_their, y_their = theirs.sample(300)
    np.testing.assert_allclose(X_sk, X_their, atol=1e-10)
    np.testing.assert_array_equal(y_sk, y_their)


def test_density_integrates_to_one(fitted_pair):
    ours, _ = fitted_pair
    step = 0.05
    axis = np.arange(-10, 10, step)
    xx, yy = np.meshgrid(axis, axis)
    density = np.exp(ours.score_samples(np.column_stack([xx.ravel(), yy.ravel()])))
    assert density.sum() * step**2 == pytest.approx(1.0, abs=1e-4)


# ---- random data ------------------------------------------------------------------


@st.composite
def blob_data(draw):
    """A few Gaussian blobs at random places, with random sizes and spreads."""
    seed = draw(st.integers(0, 2**32 - 1))
    n_blobs = draw(st.integers(1, 4))
    rng = np.random.default_rng(seed)
    sizes = rng.integers(10, 80, size=n_blobs)
    centres = rng.uniform(-6, 6, size=(n_blobs, 2))
    spreads = rng.uniform(0.2, 1.5, size=n_blobs)
    X = np.concatenate(
        [
            c + s * rng.standard_normal((n, 2))
            for c, s, n in zip(centres, spreads, sizes, strict=True)
        ]
    )
    return X, draw(st.integers(1, 4)), draw(st.sampled_from(COVARIANCE_TYPES)), seed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blob_data())
def test_best_lower_bound_never_worse_than_sklearns(case):
    X, k, covariance_type, seed = case
    settings_ = dict(n_components=k, covariance_type=covariance_type, n_init=3, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = GaussianMixture(**settings_).fit(X)
        theirs = SkGaussianMixture(**settings_).fit(X)
    assert ours.lower_bound_ >= theirs.lower_bound_ - 1e-3


# ---- helpers for the page ------------------------------------------------------------


def test_density_anomalies_are_the_lowest_two_percent(X):
    model = GaussianMixture(**CHAPTER).fit(X)
    is_anomaly, threshold = density_anomalies(model, X, percent=2)
    densities = SkGaussianMixture(**CHAPTER).fit(X).score_samples(X)
    np.testing.assert_array_equal(is_anomaly, densities < np.percentile(densities, 2))
    assert threshold == pytest.approx(np.percentile(densities, 2), abs=1e-6)
    assert is_anomaly.sum() == 25  # 2 % of 1,250 points


def test_information_criteria_equal_sklearns_and_pick_three(X):
    curve = information_criteria(X, range(1, 6), n_init=10, random_state=42)
    for k, bic, aic in zip(curve.n_components, curve.bic, curve.aic, strict=True):
        theirs = SkGaussianMixture(k, n_init=10, random_state=42).fit(X)
        assert bic == pytest.approx(theirs.bic(X), rel=1e-6)
        assert aic == pytest.approx(theirs.aic(X), rel=1e-6)
    np.testing.assert_allclose(curve.model(3).means_, GaussianMixture(**CHAPTER).fit(X).means_)
    # The chapter's data were made from three blobs, and both criteria say so.
    assert curve.best_bic == 3
    assert curve.best_aic == 3


@pytest.mark.parametrize("percent", [-1, 101, "2%"])
def test_density_anomalies_need_a_percentage(X, percent):
    model = GaussianMixture(2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="percent must be"):
        density_anomalies(model, X, percent=percent)


def test_information_criteria_need_a_range():
    with pytest.raises(ValueError, match="n_components_range is empty"):
        information_criteria(np.zeros((5, 2)), [])


def test_criterion_curve_of_fitted_models_needs_one(X):
    with pytest.raises(ValueError, match="no models given"):
        criterion_curve([], X)
    models = [GaussianMixture(k, random_state=0).fit(X) for k in (2, 3)]
    curve = criterion_curve(models, X)
    np.testing.assert_array_equal(curve.n_components, [2, 3])
    assert curve.bic[1] == models[1].bic(X)


# ---- bad input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            dict(n_components=0),
            r"'n_components' .* GaussianMixture must be an int in the range \[1, inf\)",
        ),
        (dict(n_components=2.5), r"Got 2\.5 instead\. Set n_components to a whole number of"),
        (dict(reg_covar=-1e-3), r"'reg_covar' .* must be a float in the range \[0\.0, inf\)"),
        (
            dict(covariance_type="round"),
            r"'covariance_type' .* a str among \{.*\}\. Got 'round' instead\. Choose",
        ),
        (dict(init_params="kmedoids"), r"'init_params' parameter of GaussianMixture must be a str"),
        (dict(n_init=0), r"'n_init' .* GaussianMixture must be an int in the range \[1, inf\)"),
        (dict(tol=-1), r"'tol' .* GaussianMixture must be a float in the range \[0\.0, inf\)"),
        (
            dict(max_iter=-1),
            r"'max_iter' .* GaussianMixture must be an int in the range \[0, inf\)",
        ),
    ],
)
def test_bad_parameters_raise_value_error(X, params, message):
    with pytest.raises(ValueError, match=message):
        GaussianMixture(**params).fit(X)


def test_more_components_than_samples_is_refused():
    message = "Expected n_samples >= n_components but got n_components = 4, n_samples = 3. A"
    with pytest.raises(ValueError, match=re.escape(message)):
        GaussianMixture(4).fit(np.arange(6.0).reshape(3, 2))


def test_nan_is_refused(X):
    bad = X.copy()
    bad[10, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        GaussianMixture(3).fit(bad)


def test_sampling_nothing_is_refused(X):
    model = GaussianMixture(2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="n_samples must be in"):
        model.sample(0)


def test_duplicated_points_fit_thanks_to_reg_covar():
    rng = np.random.default_rng(0)
    X = np.concatenate([np.full((40, 2), 3.0), rng.standard_normal((60, 2))])
    model = GaussianMixture(2, random_state=0).fit(X)
    collapsed = np.argmin(np.linalg.norm(model.means_ - 3.0, axis=1))
    np.testing.assert_allclose(model.means_[collapsed], [3.0, 3.0])
    np.testing.assert_allclose(model.covariances_[collapsed], 1e-6 * np.eye(2), atol=1e-12)
    assert np.all(np.isfinite(model.score_samples(X)))


def test_singular_covariance_without_regularisation_is_explained():
    X = np.concatenate([np.full((40, 2), 3.0), np.full((40, 2), -3.0)])
    with pytest.raises(ValueError, match="raise reg_covar"):
        GaussianMixture(2, reg_covar=0, random_state=0).fit(X)


def test_warns_when_the_best_run_did_not_converge(X):
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model = GaussianMixture(3, max_iter=1, random_state=0).fit(X)
    assert not model.converged_
    assert model.n_iter_ == 1


def test_unfitted_model_cannot_score(X):
    with pytest.raises(ValueError, match="not fitted"):
        GaussianMixture(3).score_samples(X)


# ---- scikit-learn's estimator checks ---------------------------------------------------


def test_passes_sklearns_estimator_checks():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check_estimator(GaussianMixture(n_init=2, max_iter=5))


def test_sampling_more_than_memory_allows_is_refused(X):
    model = GaussianMixture(2, random_state=0).fit(X)
    with pytest.raises(ValueError, match=r"n_samples=1000000000000 would take .* GiB"):
        model.sample(10**12)
    assert model.sample(5)[0].shape == (5, 2)


def test_criterion_curve_refuses_a_k_it_did_not_fit(X):
    curve = information_criteria(X, [2, 3], random_state=0)
    with pytest.raises(ValueError, match=r"n_components=99 .* choose one of \[2, 3\]"):
        curve.model(99)
    assert curve.model(3).n_components == 3


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_data_too_spread_for_floats_is_a_clear_error(covariance_type):
    X = np.random.default_rng(0).normal(size=(40, 2)) * 1e200
    model = GaussianMixture(2, covariance_type=covariance_type, init_params="random_from_data")
    with pytest.raises(ValueError, match=r"too spread out for floating point.*Scale the data"):
        model.fit(X)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_tiny_data_fit_finitely_as_sklearns(covariance_type):
    X = np.random.default_rng(0).normal(size=(40, 2)) * 1e-200
    params = dict(covariance_type=covariance_type, init_params="random_from_data", random_state=0)
    model = GaussianMixture(2, **params).fit(X)
    assert all(np.all(np.isfinite(getattr(model, name))) for name in FITTED)
    assert model.lower_bound_ == pytest.approx(SkGaussianMixture(2, **params).fit(X).lower_bound_)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_far_data_with_a_lone_start_is_refused_like_sklearn(covariance_type):
    # One point per start, reg_covar=1e-6 against a spread of 1e90: a component
    # collapses on one point. scikit-learn refuses too ("ill-defined empirical
    # covariance"); we must say so rather than return NaN.
    X = 1e100 + np.random.default_rng(0).normal(size=(40, 2)) * 1e90
    params = dict(covariance_type=covariance_type, init_params="random_from_data", random_state=0)
    with pytest.raises(ValueError, match="ill-defined empirical covariance"):
        SkGaussianMixture(2, **params).fit(X)
    with pytest.raises(ValueError, match=r"ill-defined empirical covariance.*scale the input data"):
        GaussianMixture(2, **params).fit(X)


@pytest.mark.parametrize(
    ("covariance_type", "expected"), [("spherical", 13), ("diag", 21), ("tied", 26), ("full", 41)]
)
def test_free_parameter_counts(covariance_type, expected):
    # k=2 components in d=5: 1 weight, 10 means, then 2, 10, 15 or 30 covariance entries.
    X = np.random.default_rng(0).normal(size=(50, 5))
    model = GaussianMixture(2, covariance_type=covariance_type, random_state=0).fit(X)
    assert model.n_parameters() == expected
