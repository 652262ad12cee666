"""Silhouette coefficients against scikit-learn's, and their error messages."""

import numpy as np
import pytest
import sklearn.metrics

from clustering import KMeans, make_five_blobs, silhouette_samples, silhouette_score
from clustering import metrics as our_metrics


@pytest.fixture(scope="module")
def blobs():
    X, _ = make_five_blobs()
    return X[::2]


@pytest.mark.parametrize("k", [2, 3, 5, 8])
def test_samples_equal_sklearns_on_kmeans_clusters(blobs, k):
    labels = KMeans(k, random_state=0).fit_predict(blobs)
    np.testing.assert_allclose(
        silhouette_samples(blobs, labels),
        sklearn.metrics.silhouette_samples(blobs, labels),
        rtol=0, atol=1e-10,
    )


def test_any_label_values_and_singleton_clusters(blobs):
    rng = np.random.default_rng(0)
    X = blobs[:60]
    labels = np.array(["b", "a", "c"])[rng.integers(0, 3, len(X))].astype(object)
    labels[5] = "alone"  # a cluster of one point: coefficient 0
    ours = silhouette_samples(X, labels)
    np.testing.assert_allclose(ours, sklearn.metrics.silhouette_samples(X, labels), atol=1e-10)
    assert ours[5] == 0


def test_chunked_computation_equals_one_block(blobs, monkeypatch):
    labels = KMeans(4, random_state=0).fit_predict(blobs)
    whole = silhouette_samples(blobs, labels)
    # A budget of a few rows at a time, with a last chunk shorter than the rest.
    monkeypatch.setattr(our_metrics, "CHUNK_BYTES", 8 * len(blobs) * 7)
    assert our_metrics._rows_per_chunk(len(blobs)) == 7
    np.testing.assert_allclose(silhouette_samples(blobs, labels), whole, atol=1e-12)


def test_score_is_sklearns_score(blobs):
    labels = KMeans(5, random_state=0).fit_predict(blobs)
    assert silhouette_score(blobs, labels) == pytest.approx(
        sklearn.metrics.silhouette_score(blobs, labels), abs=1e-10
    )


def test_sampled_score_uses_sklearns_sample(blobs):
    labels = KMeans(5, random_state=0).fit_predict(blobs)
    ours = silhouette_score(blobs, labels, sample_size=300, random_state=3)
    theirs = sklearn.metrics.silhouette_score(blobs, labels, sample_size=300, random_state=3)
    assert ours == pytest.approx(theirs, abs=1e-10)
    assert ours != pytest.approx(silhouette_score(blobs, labels), abs=1e-6)


@pytest.mark.parametrize("n_labels", [1, 10])
def test_too_few_or_too_many_labels_is_a_clear_error(n_labels):
    X = np.random.default_rng(0).normal(size=(10, 2))
    labels = np.arange(10) % n_labels
    with pytest.raises(ValueError, match=r"between 2 and n_samples - 1 = 9 distinct labels"):
        silhouette_samples(X, labels)
    with pytest.raises(ValueError, match=f"got {n_labels}"):
        silhouette_score(X, labels)


def test_labels_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError, match="one label per row"):
        silhouette_score(np.zeros((5, 2)), [0, 1, 0])


def test_sample_size_out_of_range_is_refused(blobs):
    labels = np.arange(len(blobs)) % 3
    with pytest.raises(ValueError, match="sample_size must be in"):
        silhouette_score(blobs, labels, sample_size=len(blobs) + 1)


def test_nan_in_X_is_refused():
    X = np.array([[0.0, 1.0], [np.nan, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match="NaN"):
        silhouette_samples(X, [0, 1, 1])


# -- inertia ------------------------------------------------------------------


def test_inertia_is_accurate_far_from_the_origin():
    X = np.array([[1e9 + 1], [1e9 + 1], [1e9 - 1], [1e9 - 1], [5e9]])
    labels = np.array([0, 0, 0, 0, 1])
    assert our_metrics.inertia(X, labels, [[1e9], [5e9]]) == 4.0
    assert KMeans(2, random_state=0).fit(X).inertia_ == 4.0


def test_inertia_weighs_points_and_overflows_only_beyond_float64():
    rng = np.random.default_rng(0)
    X, centers = rng.normal(size=(50, 3)), rng.normal(size=(4, 3))
    labels, weights = rng.integers(0, 4, 50), rng.uniform(0, 2, 50)
    expected = ((X - centers[labels]) ** 2).sum(axis=1) @ weights
    assert our_metrics.inertia(X, labels, centers, weights) == pytest.approx(expected, rel=1e-12)
    huge = our_metrics.inertia(X * 2.0**500, labels, centers * 2.0**500, weights)
    assert huge == pytest.approx(expected * 2.0**1000, rel=1e-12)
    assert our_metrics.inertia(X * 1e300, labels, centers * 1e300) == np.inf
