"""Each fast path of k-means gives the answer of its plain, textbook version."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.metrics.pairwise import euclidean_distances
from threadpoolctl import threadpool_info

from clustering import _kmeans_speed as speed
from clustering import load_digits_split
from clustering._threads import blas_threads_for
from clustering.kmeans import (
    TextbookKernel,
    _lloyd,
    assign,
    cluster_totals,
    init_centroids,
    point_sums,
)


@pytest.fixture(scope="module")
def digits():
    return load_digits_split().X_train


@pytest.fixture(scope="module")
def pixels():
    """Many repeated rows, as the colours of a photo: 25,000 rows, ~4,000 distinct."""
    rng = np.random.default_rng(0)
    return np.round(rng.normal(0, 3, (25_000, 3))).astype(np.float64)


# -- the kernels and the whole loop -------------------------------------------


@pytest.mark.parametrize("k", [3, 12])
def test_fast_kernel_equals_the_textbook_kernel_along_a_run(digits, k):
    X = digits - digits.mean(axis=0)
    sums = point_sums(X, np.random.default_rng(0).uniform(0.5, 2, len(X)))
    fast, plain = speed.FastKernel(X, sums), TextbookKernel(X, sums)
    centers = init_centroids(X, k, random_state=0)
    rng = np.random.default_rng(1)
    for step in range(8):
        labels = plain.assign(centers)
        np.testing.assert_array_equal(fast.assign(centers), labels)
        totals = plain.cluster_totals(labels, k)
        np.testing.assert_allclose(fast.cluster_totals(labels, k), totals, rtol=1e-10, atol=1e-9)
        jump = 5.0 if step % 4 == 3 else 0.3  # now and then a centre jumps far
        centers = centers + rng.normal(0, jump, centers.shape)


@pytest.mark.parametrize("data", ["digits", "pixels"])
def test_fast_loop_takes_the_textbook_loops_steps(data, request):
    X = request.getfixturevalue(data)[:5000]
    X = X - X.mean(axis=0)
    sums = point_sums(X, np.ones(len(X)))
    start = X[:6] + 0.25  # a centre on a data point would tie with exact whole numbers
    fast = list(_lloyd(X, start, sums, max_iter=50, abs_tol=0.0))
    plain = list(_lloyd(X, start, sums, max_iter=50, abs_tol=0.0, fast=False))
    assert [(s.iteration, s.phase, s.converged) for s in fast] == [
        (s.iteration, s.phase, s.converged) for s in plain
    ]
    for ours, reference in zip(fast[1:], plain[1:], strict=True):
        np.testing.assert_array_equal(ours.labels, reference.labels)
        np.testing.assert_allclose(ours.centers, reference.centers, rtol=1e-10, atol=1e-10)


# -- the assign step ------------------------------------------------------------


def test_tracker_skips_only_points_that_keep_their_centre(digits):
    rng = np.random.default_rng(0)
    tracker = speed.NearestCenterTracker(digits)
    centers = digits[:10].copy()
    for step in range(12):
        np.testing.assert_array_equal(tracker.assign(centers), assign(digits, centers))
        jump = 5.0 if step % 4 == 3 else 0.3
        centers = centers + rng.normal(0, jump, centers.shape)


@pytest.mark.parametrize("k", [1, 5, 20])
def test_nearest_centers_is_the_plain_argmin(digits, k):
    centers = digits[::97][:k] + 0.5
    np.testing.assert_array_equal(speed.nearest_centers(digits, centers), assign(digits, centers))
    small = digits[:40]
    np.testing.assert_array_equal(speed.nearest_centers(small, centers), assign(small, centers))


@pytest.mark.parametrize("magnitude", [1.0, 2.0**400])
def test_new_data_labels_and_distances_are_the_plain_ones(digits, magnitude):
    plain_X, plain_centers = digits[:300], digits[::131][:6] + 0.5
    X, centers = plain_X * magnitude, plain_centers * magnitude  # exact: a power of two
    np.testing.assert_array_equal(speed.predict_labels(X, centers), assign(plain_X, plain_centers))
    plain = cdist(plain_X, plain_centers) * magnitude
    np.testing.assert_allclose(speed.distances_to_centers(X, centers), plain, rtol=1e-12)


def test_float32_shortcut_keeps_labels_of_points_near_a_tie():
    # Points a hair's breadth from the plane halfway between two centres:
    # float32 cannot tell the sides apart, float64 can. Large enough for the
    # shortcut to recheck only the unsure points.
    rng = np.random.default_rng(0)
    centers = rng.uniform(0, 255, (6, 3))
    a, b = rng.integers(0, 6, (2, 30_000))
    b = np.where(a == b, (b + 1) % 6, b)
    midpoints = (centers[a] + centers[b]) / 2
    X = midpoints + 1e-8 * (centers[a] - centers[b]) * rng.choice([-1, 1], (30_000, 1))
    exact = euclidean_distances(X, centers, squared=True)
    ordered = np.sort(exact, axis=1)
    clear = ordered[:, 1] - ordered[:, 0] > 1e-9 * ordered[:, 1]
    labels = speed.nearest_centers(X, centers)
    np.testing.assert_array_equal(labels[clear], exact.argmin(axis=1)[clear])
    assert clear.mean() > 0.9


def test_tiny_assign_breaks_exact_ties_as_argmin():
    # Whole numbers keep every score exact, and a repeated centre ties with
    # its twin on every point: the first of the two must win, as in argmin.
    rng = np.random.default_rng(0)
    X = rng.integers(-3, 4, (500, 2)).astype(np.float64)
    centers = X[[7, 7, 20, 31, 20]]
    np.testing.assert_array_equal(speed.nearest_labels(X.T, centers), assign(X, centers))
    np.testing.assert_array_equal(assign(X, centers), cdist(X, centers, "sqeuclidean").argmin(1))


def test_tiny_assign_never_leaves_a_label_uninitialised():
    X = np.array([[np.nan, 0.0], [1.0, 1.0], [np.inf, -np.inf]])
    centers = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    for _ in range(5):  # uninitialised memory would differ from call to call
        with np.errstate(invalid="ignore"):
            labels = speed.nearest_labels(X.T, centers)
        np.testing.assert_array_equal(labels, [0, 1, 0])


# -- the update step --------------------------------------------------------------


def test_bincount_totals_equal_the_plain_sums(digits):
    rng = np.random.default_rng(0)
    sums = point_sums(digits, rng.uniform(0.5, 2, len(digits)))
    labels = rng.integers(0, 7, len(digits))
    labels[labels == 3] = 4  # an empty cluster
    np.testing.assert_allclose(
        speed.cluster_totals(labels, sums, 7), cluster_totals(labels, sums, 7), rtol=1e-12
    )


def test_relabelled_totals_equal_those_summed_afresh(digits):
    rng = np.random.default_rng(0)
    sums = point_sums(digits, rng.uniform(0.5, 2, len(digits)))
    old = rng.integers(0, 7, len(digits))
    new = np.where(rng.random(len(digits)) < 0.1, rng.integers(0, 7, len(digits)), old)
    relabelled = speed.relabel_totals(cluster_totals(old, sums, 7), sums, old, new)
    np.testing.assert_allclose(relabelled, cluster_totals(new, sums, 7), rtol=1e-12)


# -- starts and repeated rows -------------------------------------------------------


def test_kmeans_plusplus_distances_are_the_plain_squared_distances(digits):
    rows = np.array([3, 0, 3, 911])  # a row asked twice, as candidates can be
    distances = speed.squared_distances_to_rows(digits)(rows)
    plain = cdist(digits[rows], digits, "sqeuclidean")
    np.testing.assert_allclose(distances, plain, rtol=1e-12, atol=1e-9)
    assert (distances >= 0).all()


@pytest.mark.parametrize("seed", range(5))
def test_draw_by_weight_is_randomstate_choice(seed):
    weights = np.random.default_rng(seed).uniform(0, 2, 50)
    weights[seed] = 0
    ours, theirs = np.random.RandomState(seed), np.random.RandomState(seed)
    draws = [speed.draw_by_weight(ours, weights) for _ in range(20)]
    expected = [theirs.choice(50, p=weights / weights.sum()) for _ in range(20)]
    assert draws == expected
    assert ours.uniform() == theirs.uniform()  # the same numbers were used up


@pytest.mark.parametrize("whole_numbers", [True, False])
def test_lexicographic_order_sorts_rows(whole_numbers):
    rng = np.random.default_rng(0)
    X = rng.integers(-3, 4, (2_000, 3)).astype(np.float64)
    if not whole_numbers:
        X += 0.5 * rng.integers(0, 2, X.shape)
    sorted_rows = X[speed.lexicographic_order(X)]
    np.testing.assert_array_equal(sorted_rows, X[np.lexsort(X.T[::-1])])


def test_collapse_duplicates_keeps_every_row_and_weight(pixels):
    weights = np.random.default_rng(1).uniform(0, 2, len(pixels))
    unique_rows, unique_weights, inverse = speed.collapse_duplicates(pixels, weights)
    np.testing.assert_array_equal(unique_rows, np.unique(pixels, axis=0))
    np.testing.assert_array_equal(unique_rows[inverse], pixels)
    np.testing.assert_allclose(np.bincount(inverse, weights=weights), unique_weights)
    assert speed.collapse_duplicates_if_worthwhile(pixels, weights)[2] is not None
    assert speed.collapse_duplicates_if_worthwhile(pixels[:500], weights[:500])[2] is None


# -- threads ------------------------------------------------------------------------


def blas_thread_counts() -> set[int]:
    return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}


def test_small_work_runs_on_one_blas_thread():
    if not blas_thread_counts():
        pytest.fail("no BLAS library found by threadpoolctl")
    with blas_threads_for((1_000, 10), 8):
        assert blas_thread_counts() == {1}
