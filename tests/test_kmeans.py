"""Our KMeans against scikit-learn's (the oracle) and against the chapter."""

import itertools
import warnings

import numpy as np
import pytest
import sklearn.cluster
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics.pairwise import euclidean_distances
from threadpoolctl import threadpool_limits

from clustering import (
    KMeans,
    init_centroids,
    lloyd_steps,
    load_digits_split,
    make_ellipsoidal_blobs,
    make_five_blobs,
)
from clustering.kmeans import best_of_runs


@pytest.fixture(autouse=True)
def one_thread():
    """sklearn's OpenMP threads make these small fits slow on 2 busy cores."""
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def blobs():
    return make_five_blobs()[0]


@pytest.fixture(scope="module")
def digits():
    return load_digits_split().X_train


def sk_kmeans(*args, **kwargs):
    return sklearn.cluster.KMeans(*args, **kwargs)


# -- agreement with scikit-learn --------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_five_blobs_inertia_within_a_hundredth_percent_of_sklearn(blobs, seed):
    ours = KMeans(5, n_init=10, random_state=seed).fit(blobs)
    theirs = sk_kmeans(5, n_init=10, random_state=seed).fit(blobs)
    assert ours.inertia_ <= theirs.inertia_ * (1 + 1e-4)


def test_chapter_transform_of_new_points(blobs):
    # The chapter's k=5 model (n_init=10, random_state=42) and its printed distances.
    kmeans = KMeans(n_clusters=5, n_init=10, random_state=42).fit(blobs)
    X_new = np.array([[0, 2], [3, 2], [-3, 3], [-3, 2.5]])
    chapter = [
        [2.84, 0.59, 1.5, 2.9, 0.31],
        [5.82, 2.97, 4.48, 5.85, 2.69],
        [1.46, 3.11, 1.69, 0.29, 3.47],
        [0.97, 3.09, 1.55, 0.36, 3.36],
    ]
    np.testing.assert_array_equal(kmeans.transform(X_new).round(2), chapter)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_same_array_init_gives_sklearns_centres(digits, dtype, weighted):
    X = digits.astype(dtype)
    weights = np.random.default_rng(0).uniform(0.5, 2, len(X)) if weighted else None
    start = X[np.random.default_rng(1).choice(len(X), 10, replace=False)]
    ours = KMeans(10, init=start, n_init=1).fit(X, sample_weight=weights)
    theirs = sk_kmeans(10, init=start, n_init=1).fit(X, sample_weight=weights)
    assert ours.cluster_centers_.dtype == dtype
    # 1e-6 in float64; in float32 sums are rounded to ~1e-7 of pixel values up to 16.
    atol = 1e-6 if dtype == np.float64 else 16 * 5e-6
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, atol=atol)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_allclose(ours.inertia_, theirs.inertia_, rtol=1e-5)
    assert ours.n_iter_ == theirs.n_iter_


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_same_seed_draws_the_same_starts_as_sklearn(digits, init):
    # Random numbers are consumed as scikit-learn consumes them, so a seed from
    # the chapter reproduces the chapter's run.
    ours = KMeans(20, init=init, n_init=3, random_state=7).fit(digits)
    theirs = sk_kmeans(20, init=init, n_init=3, random_state=7).fit(digits)
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, atol=1e-9)
    np.testing.assert_allclose(ours.inertia_, theirs.inertia_, rtol=1e-12)


def test_tolerance_stop_matches_sklearn(blobs):
    # A loose tol stops on the centre shift before the labels settle.
    start = blobs[:5]
    ours = KMeans(5, init=start, tol=0.05).fit(blobs)
    theirs = sk_kmeans(5, init=start, n_init=1, tol=0.05).fit(blobs)
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, atol=1e-9)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)


def test_max_iter_stop_matches_sklearn(digits):
    start = digits[:30]
    ours = KMeans(30, init=start, max_iter=2).fit(digits)
    theirs = sk_kmeans(30, init=start, n_init=1, max_iter=2).fit(digits)
    assert ours.n_iter_ == theirs.n_iter_ == 2
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, atol=1e-9)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)


def test_empty_cluster_is_reseeded_as_sklearn_does(blobs):
    # A centre far from every point gets no point on the first assign.
    start = np.vstack([blobs[:4], [[100.0, 100.0]]])
    ours = KMeans(5, init=start).fit(blobs)
    theirs = sk_kmeans(5, init=start, n_init=1).fit(blobs)
    assert np.isfinite(ours.cluster_centers_).all()
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, atol=1e-9)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)


def test_n_init_auto_runs_ten_random_starts_like_sklearn(blobs):
    ours = KMeans(5, init="random", random_state=3).fit(blobs)
    theirs = sk_kmeans(5, init="random", random_state=3).fit(blobs)
    np.testing.assert_allclose(ours.inertia_, theirs.inertia_, rtol=1e-12)


def test_array_init_with_several_runs_warns_and_runs_once(blobs):
    with pytest.warns(RuntimeWarning, match="only one init in KMeans instead of n_init=4"):
        KMeans(5, init=blobs[:5], n_init=4).fit(blobs)


def test_sample_weight_counts_like_repeated_points(blobs):
    X = blobs[:300]
    counts = np.random.default_rng(0).integers(1, 4, len(X))
    start = X[:4]
    weighted = KMeans(4, init=start).fit(X, sample_weight=counts)
    repeated = KMeans(4, init=start).fit(np.repeat(X, counts, axis=0))
    np.testing.assert_allclose(weighted.cluster_centers_, repeated.cluster_centers_, atol=1e-12)
    np.testing.assert_allclose(weighted.inertia_, repeated.inertia_, rtol=1e-12)


# -- the fitted model -------------------------------------------------------


@pytest.fixture(scope="module")
def fitted(blobs):
    return KMeans(5, n_init=3, random_state=0).fit(blobs)


def test_predict_and_transform_use_the_fitted_centres(fitted, blobs):
    X_new = np.random.default_rng(0).uniform(-4, 1, (200, 2))
    distances = fitted.transform(X_new)
    np.testing.assert_allclose(
        distances, euclidean_distances(X_new, fitted.cluster_centers_), atol=1e-12
    )
    np.testing.assert_array_equal(fitted.predict(X_new), distances.argmin(axis=1))
    np.testing.assert_array_equal(fitted.predict(blobs), fitted.labels_)


def test_score_is_minus_the_inertia(fitted, blobs):
    np.testing.assert_allclose(fitted.score(blobs), -fitted.inertia_, rtol=1e-12)
    X_new = blobs[::7] + 0.1
    weights = np.linspace(0, 2, len(X_new))
    closest = euclidean_distances(X_new, fitted.cluster_centers_, squared=True).min(axis=1)
    np.testing.assert_allclose(fitted.score(X_new, sample_weight=weights), -closest @ weights)


def test_fit_predict_and_fit_transform_agree_with_fit(blobs):
    model = KMeans(5, random_state=0)
    labels = model.fit_predict(blobs)
    np.testing.assert_array_equal(labels, model.labels_)
    assert labels.dtype == np.int32
    distances = KMeans(5, random_state=0).fit_transform(blobs)
    np.testing.assert_allclose(distances, model.transform(blobs))
    assert model.n_features_in_ == 2


def test_float32_stays_float32_and_integers_become_float64(blobs):
    model = KMeans(5, random_state=0).fit(blobs.astype(np.float32))
    assert model.cluster_centers_.dtype == np.float32
    assert model.transform(blobs.astype(np.float32)).dtype == np.float32
    counts = np.random.default_rng(0).integers(0, 50, (100, 3))
    assert KMeans(3, random_state=0).fit(counts).cluster_centers_.dtype == np.float64


def test_fewer_distinct_points_than_clusters_warns():
    X = np.repeat([[0.0, 0.0], [1.0, 1.0]], 5, axis=0)
    sklearn_phrase = r"Number of distinct clusters \(2\) found smaller than n_clusters \(3\)"
    with pytest.warns(ConvergenceWarning, match=sklearn_phrase + r".*Ask for at most 2 clusters"):
        model = KMeans(3, random_state=0).fit(X)
    assert np.isfinite(model.cluster_centers_).all()
    with pytest.warns(ConvergenceWarning, match=sklearn_phrase):
        sk_kmeans(3, random_state=0).fit(X)


def test_a_run_cut_short_by_max_iter_warns_as_little_as_sklearn(blobs):
    # scikit-learn's KMeans says nothing when max_iter stops a run ("Best
    # performing initialization did not converge" is GaussianMixture's only);
    # neither does ours, and n_iter_ tells.
    for estimator in (KMeans, sk_kmeans):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            model = estimator(5, init="random", n_init=3, max_iter=2, random_state=0).fit(blobs)
        assert model.n_iter_ == 2
    runs, best = best_of_runs(blobs, 5, init="random", n_init=3, max_iter=2, random_state=0)
    assert not runs[best].converged  # the kept run was indeed cut short


# -- Lloyd's algorithm step by step -----------------------------------------


def test_last_step_equals_fit(blobs):
    start = init_centroids(blobs, 5, random_state=4)
    states = list(lloyd_steps(blobs, start))
    model = KMeans(5, init=start).fit(blobs)
    last = states[-1]
    np.testing.assert_array_equal(last.centers, model.cluster_centers_)
    np.testing.assert_array_equal(last.labels, model.labels_)
    assert last.inertia == model.inertia_
    assert last.iteration == model.n_iter_
    assert last.converged


def test_steps_alternate_and_never_raise_the_inertia(digits):
    start = init_centroids(digits, 10, method="random", random_state=0)
    states = list(lloyd_steps(digits, start))
    first = states[0]
    assert (first.phase, first.iteration, first.labels) == ("init", 0, None)
    np.testing.assert_allclose(first.centers, start)
    phases = [state.phase for state in states[1:]]
    assert phases[::2] == ["assign"] * len(phases[::2])
    assert phases[1::2] == ["update"] * len(phases[1::2])
    inertias = [state.inertia for state in states[1:]]
    assert all(b <= a * (1 + 1e-12) for a, b in itertools.pairwise(inertias))


def test_each_half_step_does_what_it_says(digits):
    weights = np.random.default_rng(0).uniform(0.1, 3, len(digits))
    start = init_centroids(digits, 8, random_state=1, sample_weight=weights)
    states = list(lloyd_steps(digits, start, sample_weight=weights, max_iter=5))
    for state in states[1:]:
        distances = euclidean_distances(digits, state.centers, squared=True)
        own = distances[np.arange(len(digits)), state.labels]
        np.testing.assert_allclose(state.inertia, own @ weights, rtol=1e-9)
        if state.phase == "assign":
            np.testing.assert_array_equal(state.labels, distances.argmin(axis=1))
        else:
            for cluster in range(8):
                members = state.labels == cluster
                mean = np.average(digits[members], axis=0, weights=weights[members])
                np.testing.assert_allclose(state.centers[cluster], mean, atol=1e-9)


def test_update_after_an_empty_cluster_reports_the_right_inertia(blobs):
    start = np.vstack([blobs[:2], [[50.0, -50.0]]])
    update = list(lloyd_steps(blobs, start, max_iter=1))[2]
    assert update.phase == "update"
    own = ((blobs - update.centers[update.labels]) ** 2).sum(axis=1)
    np.testing.assert_allclose(update.inertia, own.sum(), rtol=1e-12)
    assert not np.any(np.all(update.centers == [50.0, -50.0], axis=1))


def test_steps_stop_at_max_iter_with_labels_matching_the_centres(blobs):
    states = list(lloyd_steps(blobs, blobs[:5], max_iter=1))
    assert [(s.iteration, s.phase) for s in states] == [
        (0, "init"), (1, "assign"), (1, "update"), (1, "assign")
    ]
    assert not states[-1].converged
    np.testing.assert_array_equal(states[-1].centers, states[-2].centers)


# -- starting centres -------------------------------------------------------


@pytest.mark.parametrize("method", ["k-means++", "random"])
def test_init_picks_distinct_data_points(digits, method):
    centers = init_centroids(digits, 30, method=method, random_state=0)
    assert centers.shape == (30, 64)
    matches = (centers[:, None, :] == digits[None, :, :]).all(axis=2)
    assert matches.any(axis=1).all()
    assert len(np.unique(centers, axis=0)) == 30


@pytest.mark.parametrize("method", ["k-means++", "random"])
def test_init_never_picks_a_point_of_zero_weight(blobs, method):
    weights = np.zeros(len(blobs))
    weights[::10] = 1.0
    centers = init_centroids(blobs, 5, method=method, random_state=0, sample_weight=weights)
    allowed = blobs[::10]
    assert (centers[:, None, :] == allowed[None]).all(axis=2).any(axis=1).all()


def test_kmeans_plus_plus_spreads_the_starts(blobs):
    # Over many seeds, k-means++ starts have a far lower inertia than random ones.
    def start_inertia(method, seed):
        centers = init_centroids(blobs, 5, method=method, random_state=seed)
        return euclidean_distances(blobs, centers, squared=True).min(axis=1).sum()

    plus = np.median([start_inertia("k-means++", seed) for seed in range(20)])
    random = np.median([start_inertia("random", seed) for seed in range(20)])
    assert plus < random


# -- the chapter's limits of k-means ----------------------------------------


def test_ellipsoidal_blobs_are_split_wrongly():
    X, y = make_ellipsoidal_blobs()
    model = KMeans(3, n_init=10, random_state=42).fit(X)
    theirs = sk_kmeans(3, n_init=10, random_state=42).fit(X)
    np.testing.assert_allclose(model.inertia_, theirs.inertia_, rtol=1e-9)
    # No cluster recovers a true ellipse: each true group is cut or merged.
    contingency = np.zeros((3, 3), int)
    np.add.at(contingency, (y, model.labels_), 1)
    purity = contingency.max(axis=0).sum() / len(y)
    assert purity < 0.95


# -- repeated rows -----------------------------------------------------------


@pytest.fixture(scope="module")
def pixels():
    """Many repeated rows, as the colours of a photo: 25,000 rows, ~4,000 distinct."""
    rng = np.random.default_rng(0)
    return np.round(rng.normal(0, 3, (25_000, 3))).astype(np.float64)


def test_fit_on_collapsed_rows_equals_lloyd_on_all_rows(pixels):
    start = pixels[np.random.default_rng(2).choice(len(pixels), 6, replace=False)]
    model = KMeans(6, init=start).fit(pixels)
    last = list(lloyd_steps(pixels, start))[-1]
    np.testing.assert_allclose(model.cluster_centers_, last.centers, atol=1e-9)
    np.testing.assert_array_equal(model.labels_, last.labels)
    np.testing.assert_allclose(model.inertia_, last.inertia, rtol=1e-9)
    assert model.n_iter_ == last.iteration
    theirs = sk_kmeans(6, init=start, n_init=1).fit(pixels)
    np.testing.assert_allclose(model.cluster_centers_, theirs.cluster_centers_, atol=1e-6)


# -- restarts -----------------------------------------------------------------


def test_best_of_runs_is_what_fit_keeps_and_each_run_is_a_fit_from_its_start(blobs):
    runs, best = best_of_runs(blobs, 4, init="random", n_init=5, random_state=7)
    model = KMeans(4, init="random", n_init=5, random_state=7).fit(blobs)
    np.testing.assert_array_equal(runs[best].labels, model.labels_)
    np.testing.assert_array_equal(runs[best].centers, model.cluster_centers_)
    assert (runs[best].inertia, runs[best].iteration) == (model.inertia_, model.n_iter_)
    # The starts are drawn one after the other from one generator, as the
    # step page's restarts were: each run equals a fit from its own start.
    rng = np.random.RandomState(7)
    for run in runs:
        start = init_centroids(blobs, 4, method="random", random_state=rng)
        alone = KMeans(4, init=start).fit(blobs)
        np.testing.assert_array_equal(run.labels, alone.labels_)
        assert run.inertia == pytest.approx(alone.inertia_, rel=1e-12)
    # The kept run has the lowest inertia, up to rounding: a later run with the
    # same partition, a few units in the last place lower, does not replace it.
    assert runs[best].inertia == pytest.approx(min(run.inertia for run in runs), rel=1e-12)
