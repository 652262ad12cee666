"""Standardising, PCA and the adjusted Rand index against scikit-learn's."""

import numpy as np
import pytest
import sklearn.decomposition
import sklearn.metrics
import sklearn.preprocessing
from hypothesis import given, settings
from hypothesis import strategies as st

from clustering.metrics import adjusted_rand_score, contingency_matrix
from clustering.preprocessing import PCA, StandardScaler


@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(3)
    mixing = np.array([[3.0, 0.5, 0.1, 0.0], [0.0, 1.0, 2.0, 0.3], [0.2, 0.0, 0.5, 40.0]])
    return rng.normal(size=(300, 3)) @ mixing + np.array([1e3, -5, 0, 7])


def test_standard_scaler_equals_sklearns(table):
    ours = StandardScaler().fit(table)
    theirs = sklearn.preprocessing.StandardScaler().fit(table)
    np.testing.assert_allclose(ours.transform(table), theirs.transform(table), atol=1e-10)
    np.testing.assert_allclose(ours.scale_, theirs.scale_)
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(table)), table)


def test_constant_feature_is_shifted_not_divided_by_zero():
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    Z = StandardScaler().fit_transform(X)
    assert np.all(np.isfinite(Z))
    np.testing.assert_array_equal(Z[:, 1], 0.0)


@pytest.mark.parametrize("n_components", [1, 2, 3])
def test_pca_equals_sklearns(table, n_components):
    ours = PCA(n_components).fit(table)
    theirs = sklearn.decomposition.PCA(n_components, svd_solver="full").fit(table)
    np.testing.assert_allclose(ours.explained_variance_ratio_, theirs.explained_variance_ratio_)
    np.testing.assert_allclose(ours.explained_variance_, theirs.explained_variance_)
    # Directions are unique up to sign; ours makes each one's largest coordinate positive.
    signs = np.sign(np.sum(ours.components_ * theirs.components_, axis=1))
    np.testing.assert_allclose(ours.components_, theirs.components_ * signs[:, None], atol=1e-10)
    np.testing.assert_allclose(ours.transform(table), theirs.transform(table) * signs, atol=1e-8)
    largest = np.abs(ours.components_).argmax(axis=1)
    assert np.all(ours.components_[np.arange(n_components), largest] > 0)


def test_pca_inverse_transform_lifts_the_picture_back_onto_its_plane(table):
    ours = PCA(2).fit(table)
    theirs = sklearn.decomposition.PCA(2, svd_solver="full").fit(table)
    Z = np.random.default_rng(1).normal(size=(20, 2)) * 30
    signs = np.sign(np.sum(ours.components_ * theirs.components_, axis=1))
    lifted = ours.inverse_transform(Z)
    np.testing.assert_allclose(lifted, theirs.inverse_transform(Z * signs), atol=1e-8)
    np.testing.assert_allclose(ours.transform(lifted), Z, atol=1e-8)  # it stays on the plane


def test_pca_refuses_more_components_than_features(table):
    with pytest.raises(ValueError, match="n_components"):
        PCA(5).fit(table)


def test_pca_keeps_all_of_two_features():
    X = np.random.default_rng(0).normal(size=(50, 2))
    assert PCA(2).fit(X).explained_variance_ratio_.sum() == pytest.approx(1.0)


labelings = st.lists(st.tuples(st.integers(-1, 4), st.integers(0, 6)), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(labelings)
def test_adjusted_rand_score_equals_sklearns(pairs):
    truth, clusters = np.array(pairs).T
    assert adjusted_rand_score(truth, clusters) == pytest.approx(
        sklearn.metrics.adjusted_rand_score(truth, clusters), abs=1e-12
    )


@pytest.mark.parametrize(
    ("truth", "clusters"),
    [
        ([0, 0, 1, 1], [5, 5, 9, 9]),  # the same partition under other names
        ([0, 0, 0], [1, 1, 1]),  # one group each
        ([0, 1, 2], [3, 4, 5]),  # one point a group each
        (["a", "b", "a", "c"], [0, 1, 1, -1]),  # strings against numbers with noise
        ([7], [0]),
    ],
)
def test_adjusted_rand_score_edge_cases_equal_sklearns(truth, clusters):
    assert adjusted_rand_score(truth, clusters) == pytest.approx(
        sklearn.metrics.adjusted_rand_score(truth, clusters)
    )


def test_contingency_matrix_counts_pairs_of_labels():
    rows, columns, counts = contingency_matrix(["b", "a", "b", "b"], [1, 0, 0, 1])
    assert list(rows) == ["a", "b"] and list(columns) == [0, 1]
    np.testing.assert_array_equal(counts, [[1, 0], [1, 2]])
    np.testing.assert_array_equal(
        counts, sklearn.metrics.cluster.contingency_matrix(["b", "a", "b", "b"], [1, 0, 0, 1])
    )


def test_contingency_matrix_refuses_labels_of_different_lengths():
    with pytest.raises(ValueError, match="one label per point"):
        contingency_matrix([0, 1, 2], [0, 1])
