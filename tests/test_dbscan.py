"""Our DBSCAN against scikit-learn's: identical labels, not merely the same partition."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.cluster import DBSCAN as SklearnDBSCAN
from sklearn.datasets import make_moons
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors
from sklearn.utils.estimator_checks import check_estimator

from clustering import DBSCAN, NeighborsVoteClassifier, classifier_from_dbscan, k_distances
from clustering._dbscan_grid import Grid as _Grid
from clustering.dbscan import cluster_by_pairs, cluster_on_grid

X_NEW = np.array([[-0.5, 0], [0, 0.5], [1, -0.1], [2, 1]])


@pytest.fixture(scope="module")
def moons():
    """The chapter's moons: 1,000 points, noise 0.05, random_state 42."""
    X, _ = make_moons(n_samples=1000, noise=0.05, random_state=42)
    return X


def assert_same_as_sklearn(X, eps, min_samples):
    ours = DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    theirs = SklearnDBSCAN(eps=eps, min_samples=min_samples).fit(X)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_array_equal(ours.core_sample_indices_, theirs.core_sample_indices_)
    np.testing.assert_array_equal(ours.components_, theirs.components_)
    return ours


@pytest.mark.parametrize(
    ("eps", "n_clusters", "many_anomalies"), [(0.05, 7, True), (0.2, 2, False)]
)
def test_chapter_moons(moons, eps, n_clusters, many_anomalies):
    ours = assert_same_as_sklearn(moons, eps, 5)
    assert ours.labels_.max() + 1 == n_clusters
    n_anomalies = int(np.sum(ours.labels_ == -1))
    assert (n_anomalies > 50) if many_anomalies else (n_anomalies == 0)


def test_chapter_first_labels(moons):
    """The chapter prints the first ten labels and core indices at eps=0.05."""
    ours = DBSCAN(eps=0.05, min_samples=5).fit(moons)
    assert ours.labels_[:10].tolist() == [0, 2, -1, -1, 1, 0, 0, 0, 2, 5]
    assert ours.core_sample_indices_[:10].tolist() == [0, 4, 5, 6, 7, 8, 10, 11, 12, 13]


@pytest.mark.parametrize("eps", [0.02, 0.05, 0.1, 0.2, 0.3])
@pytest.mark.parametrize("min_samples", [1, 3, 10])
def test_moons_sweep(moons, eps, min_samples):
    assert_same_as_sklearn(moons, eps, min_samples)


def test_both_neighbour_searches_run_and_agree():
    """The grid and the k-d tree are each chosen somewhere, and both match sklearn."""
    X, _ = make_moons(n_samples=20_000, noise=0.08, random_state=0)
    assert _Grid.build(X, 0.05) is not None
    assert _Grid.build(X, 0.002) is None
    assert_same_as_sklearn(X, 0.05, 5)
    assert_same_as_sklearn(X, 0.002, 2)
    X3 = np.random.default_rng(0).uniform(size=(5000, 3))
    assert _Grid.build(X3, 0.2) is not None
    assert_same_as_sklearn(X3, 0.2, 40)


def test_cells_linked_pair_by_pair_without_the_outermost_points_shortcut(monkeypatch, moons):
    """The shortcut settles nearly every pair of cells; the point-by-point test must agree too."""
    tested = []
    touch = _Grid._core_points_touch

    def counted_touch(self, cell, other, is_core):
        tested.append(touch(self, cell, other, is_core))
        return tested[-1]

    monkeypatch.setattr(
        _Grid, "_linked_by_outermost_points", lambda self, cell, other, is_core: cell < 0
    )
    monkeypatch.setattr(_Grid, "_core_points_touch", counted_touch)
    for eps in (0.1, 0.2, 0.3):
        assert_same_as_sklearn(moons, eps, 5)
    # Two cells whose core points' bounding boxes are 0.85 apart, yet no pair is within
    # eps = 1: the pair is a candidate, and the test must say "not linked".
    corners = np.repeat([[0.0, 0.6], [0.6, 0.0], [1.2, 1.2]], 10, axis=0)
    assert _Grid.build(corners, 1.0) is not None
    assert assert_same_as_sklearn(corners, 1.0, 10).labels_.max() == 1
    assert True in tested and False in tested  # both outcomes were exercised


# Coordinates on a half-integer lattice make distances of exactly eps (and
# duplicate points) common, and exact in floating point for every method.
lattice_data = st.integers(1, 5).flatmap(
    lambda d: hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 120), st.just(d)),
        elements=st.integers(0, 8).map(lambda v: v / 2),
    )
)


@settings(max_examples=150, deadline=None)
@given(
    X=lattice_data,
    eps=st.sampled_from([0.5, 1.0, 1.5, 2**0.5 / 2]),
    min_samples=st.integers(1, 8),
)
def test_random_lattice_data(X, eps, min_samples):
    assert_same_as_sklearn(X, eps, min_samples)


def float_data(max_rows: int, max_features: int, elements):
    """Arrays of 1..max_rows points in 1..max_features dimensions."""
    shapes = st.integers(1, max_features).flatmap(
        lambda d: st.tuples(st.integers(1, max_rows), st.just(d))
    )
    return hnp.arrays(np.float64, shapes, elements=elements)


@settings(max_examples=60, deadline=None)
@given(
    X=float_data(300, 5, st.floats(-3, 3, allow_nan=False, width=32)),
    eps=st.floats(0.05, 2.0),
    min_samples=st.integers(1, 10),
)
def test_random_float_data(X, eps, min_samples):
    assert_same_as_sklearn(X, eps, min_samples)


def test_dense_lattice_uses_grid_with_exact_eps_distances():
    """Many duplicates per cell and neighbours at exactly eps, through the grid path."""
    rng = np.random.default_rng(1)
    X = rng.integers(0, 12, size=(3000, 2)) / 2
    assert _Grid.build(X, 0.5) is not None
    for min_samples in (1, 20, 25, 40):
        assert_same_as_sklearn(X, 0.5, min_samples)


def test_all_noise_and_single_cluster():
    X = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    all_noise = assert_same_as_sklearn(X, 1.0, 2)
    assert all_noise.labels_.tolist() == [-1, -1, -1]
    assert all_noise.components_.shape == (0, 2)
    one_cluster = assert_same_as_sklearn(X, 20.0, 3)
    assert one_cluster.labels_.tolist() == [0, 0, 0]


def test_fit_predict_returns_labels(moons):
    model = DBSCAN(eps=0.2)
    np.testing.assert_array_equal(model.fit_predict(moons), model.labels_)


def test_check_estimator():
    """Every scikit-learn estimator check passes (sklearn's own DBSCAN passes them all too)."""
    results = check_estimator(DBSCAN(), on_fail=None)
    failed = [r["check_name"] for r in results if r["status"] == "failed"]
    assert failed == []


@pytest.mark.parametrize(
    ("X", "params", "message"),
    [
        ([[0.0, np.nan], [1.0, 1.0]], {}, "NaN"),
        ([[0.0, np.inf], [1.0, 1.0]], {}, "infinity"),
        (np.empty((0, 2)), {}, "0 sample"),
        (
            [[0.0, 1.0]],
            {"eps": 0},
            r"'eps' parameter of DBSCAN .* float in the range \(0\.0, inf\)\. Got 0",
        ),
        (
            [[0.0, 1.0]],
            {"eps": -0.1},
            r"Got -0\.1 instead\. Set eps to a finite number greater than 0",
        ),
        ([[0.0, 1.0]], {"eps": np.inf}, r"'eps' parameter of DBSCAN .* Got inf instead"),
        (
            [[0.0, 1.0]],
            {"min_samples": 0},
            r"'min_samples' .* DBSCAN must be an int in the range \[1, inf\)",
        ),
        (
            [[0.0, 1.0]],
            {"min_samples": 2.5},
            r"Got 2\.5 instead\. Set min_samples to a whole number",
        ),
        ([["a", "b"], ["c", "d"]], {}, "could not convert|numeric"),
        ([0.0, 1.0, 2.0], {}, "2D array"),
    ],
)
def test_bad_input(X, params, message):
    with pytest.raises(ValueError, match=message):
        DBSCAN(**params).fit(X)


def test_k_distances_match_nearest_neighbours(moons):
    for k in (1, 5, 20):
        distances, _ = NearestNeighbors(n_neighbors=k).fit(moons).kneighbors(moons)
        np.testing.assert_allclose(k_distances(moons, k), np.sort(distances[:, -1]))
    assert k_distances(moons, 1).max() == 0  # the point itself is its first neighbour


def test_k_distances_agree_with_core_points(moons):
    """With k = min_samples, a point is core exactly when its k-distance is <= eps."""
    n_core = len(DBSCAN(eps=0.05, min_samples=5).fit(moons).core_sample_indices_)
    assert np.sum(k_distances(moons, 5) <= 0.05) == n_core


@pytest.mark.parametrize(
    ("k", "message"), [(0, r"k must be in \[1, inf\]"), (1001, "more than the 1000 points")]
)
def test_k_distances_bad_k(moons, k, message):
    with pytest.raises(ValueError, match=message):
        k_distances(moons, k)


def test_chapter_classifier(moons):
    """50 neighbours among the eps=0.2 core samples, as in the chapter."""
    dbscan = DBSCAN(eps=0.2).fit(moons)
    knn = classifier_from_dbscan(dbscan, n_neighbors=50)
    predicted = knn.predict(X_NEW)
    # Chapter: [1, 0, 1, 0]; the two moons may be numbered the other way round.
    lower_moon = predicted[0]
    assert predicted.tolist() == [lower_moon, 1 - lower_moon, lower_moon, 1 - lower_moon]
    proba = knn.predict_proba(X_NEW)
    chapter_proba = np.array([[0.18, 0.82], [1, 0], [0.12, 0.88], [1, 0]])
    if lower_moon == 0:
        chapter_proba = chapter_proba[:, ::-1]
    np.testing.assert_allclose(proba, chapter_proba)
    far = classifier_from_dbscan(dbscan, n_neighbors=50, max_distance=0.2).predict(X_NEW)
    assert far.tolist() == [-1, 1 - lower_moon, lower_moon, -1]


def test_classifier_matches_sklearn_knn():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(200, 2)), rng.integers(0, 3, size=200)
    X_query = rng.normal(size=(50, 2))
    ours = NeighborsVoteClassifier(n_neighbors=7).fit(X, y)
    theirs = KNeighborsClassifier(n_neighbors=7).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X_query), theirs.predict_proba(X_query))
    np.testing.assert_array_equal(ours.predict(X_query), theirs.predict(X_query))


def test_classifier_with_few_training_points_lets_all_vote():
    knn = NeighborsVoteClassifier(n_neighbors=50).fit([[0.0], [1.0], [5.0]], [2, 2, 7])
    np.testing.assert_allclose(knn.predict_proba([[0.0]]), [[2 / 3, 1 / 3]])
    assert knn.predict([[5.0]]).tolist() == [2]


def test_classifier_bad_input(moons):
    all_noise = DBSCAN(eps=0.001, min_samples=5).fit(moons)
    with pytest.raises(ValueError, match="no core samples"):
        classifier_from_dbscan(all_noise)
    fitted = DBSCAN(eps=0.2).fit(moons)
    with pytest.raises(ValueError, match="n_neighbors must be in"):
        classifier_from_dbscan(fitted, n_neighbors=0)
    with pytest.raises(ValueError, match=r"max_distance must be in \[0, inf\]"):
        classifier_from_dbscan(fitted, max_distance=-1.0)
    with pytest.raises(ValueError, match="one label per row"):
        NeighborsVoteClassifier().fit([[0.0], [1.0]], [0])
    knn = classifier_from_dbscan(fitted)
    with pytest.raises(ValueError, match="features"):
        knn.predict([[0.0, 1.0, 2.0]])


# ---- the grid against the textbook path ------------------------------------------


def assert_grid_equals_textbook(X, eps, min_samples):
    grid = _Grid.build(X, eps, only_if_it_pays=False)
    assert grid is not None, "the grid declined: this case tests nothing"
    grid_core, grid_labels = cluster_on_grid(grid, min_samples)
    core, labels = cluster_by_pairs(X, eps, min_samples)
    np.testing.assert_array_equal(grid_core, core)
    np.testing.assert_array_equal(grid_labels, labels)


@pytest.mark.parametrize("eps", [0.05, 0.1, 0.2, 0.3])
@pytest.mark.parametrize("min_samples", [1, 5, 12])
def test_grid_equals_textbook_on_the_moons(moons, eps, min_samples):
    assert_grid_equals_textbook(moons, eps, min_samples)


@settings(max_examples=60, deadline=None)
@given(
    X=float_data(
        400,
        3,
        st.one_of(
            st.floats(-2, 2, allow_nan=False, width=32), st.integers(-4, 4).map(lambda v: v / 4)
        ),
    ),
    eps=st.sampled_from([0.25, 0.5, 0.8, 1.0]),
    min_samples=st.integers(1, 12),
)
def test_grid_equals_textbook_on_random_data(X, eps, min_samples):
    assert_grid_equals_textbook(X, eps, min_samples)


# ---- extreme magnitudes ----------------------------------------------------------


@pytest.mark.parametrize("exponent", [-900, -600, -300, 300, 600, 900])
def test_moons_scaled_by_a_power_of_two_keep_their_labels(moons, exponent):
    """DBSCAN compares distances with eps only: scaling both exactly changes nothing."""
    expected = SklearnDBSCAN(eps=0.05, min_samples=5).fit(moons)
    scaled = DBSCAN(eps=np.ldexp(0.05, exponent), min_samples=5).fit(np.ldexp(moons, exponent))
    np.testing.assert_array_equal(scaled.labels_, expected.labels_)
    np.testing.assert_array_equal(scaled.core_sample_indices_, expected.core_sample_indices_)


@pytest.mark.parametrize("offset", [1e160, 1e250, 1e300])
def test_far_from_the_origin_with_a_fitting_eps(moons, offset):
    X = moons * (offset / 1e10) + offset
    labels = DBSCAN(eps=0.2 * offset / 1e10).fit(X).labels_
    np.testing.assert_array_equal(labels, SklearnDBSCAN(eps=0.2).fit(moons).labels_)


def test_huge_eps_and_huge_spread_equal_sklearn(moons):
    assert_same_as_sklearn(moons, 1e155, 5)
    assert_same_as_sklearn(moons, 1e300, 5)
    spread = np.random.default_rng(0).normal(size=(60, 3)) * 1e200
    spread[:10] = spread[0]  # ten copies of one point make a cluster
    ours = assert_same_as_sklearn(spread, 0.5, 5)
    assert ours.labels_[:10].tolist() == [0] * 10 and np.all(ours.labels_[10:] == -1)


def test_spans_beyond_floats_are_a_clear_error():
    X = np.array([[1e308, 0.0], [-1e308, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="spans more than the largest float"):
        DBSCAN(eps=1.0).fit(X)
    with pytest.raises(ValueError, match="spans more than 1e308 times eps"):
        DBSCAN(eps=1e-300).fit(X)


def test_vote_and_k_distances_on_huge_points():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2)) * 1e200
    y = np.arange(60) % 3
    ours = NeighborsVoteClassifier(n_neighbors=5).fit(X, y)
    theirs = KNeighborsClassifier(n_neighbors=5, algorithm="brute").fit(X / 1e200, y)
    np.testing.assert_array_equal(ours.predict(X[:20]), theirs.predict(X[:20] / 1e200))
    expected = np.sort(NearestNeighbors(n_neighbors=3).fit(X / 1e200).kneighbors()[0][:, 1])
    np.testing.assert_allclose(k_distances(X, 3) / 1e200, expected, rtol=1e-12)


def test_vote_on_points_far_beyond_the_training_scale_is_a_clear_error(moons):
    classifier = NeighborsVoteClassifier(n_neighbors=5).fit(moons, np.arange(len(moons)) % 2)
    with pytest.raises(ValueError, match="too far beyond the training points' scale"):
        classifier.predict([[1e200, 0.0]])
