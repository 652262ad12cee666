"""The chapter's data sets have the chapter's sizes, groups and parameters."""

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_moons

from clustering import (
    load_digits_split,
    make_chapter_moons,
    make_ellipsoidal_blobs,
    make_five_blobs,
)
from clustering.datasets import FIVE_BLOB_CENTERS, FIVE_BLOB_STDS


def test_five_blobs_match_the_chapter_parameters():
    X, y = make_five_blobs()
    assert X.shape == (2000, 2)
    assert np.bincount(y).tolist() == [400] * 5
    for blob, (centre, std) in enumerate(zip(FIVE_BLOB_CENTERS, FIVE_BLOB_STDS, strict=True)):
        points = X[y == blob]
        np.testing.assert_allclose(points.mean(axis=0), centre, atol=4 * std / np.sqrt(400))
        np.testing.assert_allclose(points.std(axis=0), std, rtol=0.15)
    # The chapter's centres, as listed in the text.
    np.testing.assert_array_equal(
        FIVE_BLOB_CENTERS, [[0.2, 2.3], [-1.5, 2.3], [-2.8, 1.8], [-2.8, 2.8], [-2.8, 1.3]]
    )
    np.testing.assert_array_equal(FIVE_BLOB_STDS, [0.4, 0.3, 0.1, 0.1, 0.1])


def test_five_blobs_are_reproducible_and_seeded():
    X1, _ = make_five_blobs()
    X2, _ = make_five_blobs()
    X3, _ = make_five_blobs(random_state=8)
    np.testing.assert_array_equal(X1, X2)
    assert not np.allclose(X1, X3)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, {"n_samples": 1000, "noise": 0.05, "random_state": 42}),
        ({"n_samples": 300, "noise": 0.2, "random_state": 0},
         {"n_samples": 300, "noise": 0.2, "random_state": 0}),
    ],
)
def test_moons_are_sklearns_moons_with_the_chapter_defaults(kwargs, expected):
    X, y = make_chapter_moons(**kwargs)
    X_ref, y_ref = make_moons(**expected)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


def test_ellipsoidal_blobs_have_the_chapter_weights_and_shapes():
    X, y = make_ellipsoidal_blobs()
    assert X.shape == (1250, 2)
    # The chapter: "the true cluster weights are 0.4, 0.4, and 0.2".
    np.testing.assert_allclose(np.bincount(y) / len(y), [0.4, 0.4, 0.2])
    # The small blob is round (unit variance) around make_blobs' centre shifted by (6, -8).
    round_blob = X[y == 2]
    np.testing.assert_allclose(round_blob.std(axis=0), 1.0, rtol=0.15)
    # The other two are stretched: their covariance is far from isotropic.
    for blob in (0, 1):
        eigenvalues = np.linalg.eigvalsh(np.cov(X[y == blob].T))
        assert eigenvalues[1] / eigenvalues[0] > 4
    # Centres (4, -4) and (0, 0) mapped by the chapter's matrix.
    stretch = np.array([[0.374, 0.95], [0.732, 0.598]])
    for blob, centre in enumerate([(4, -4), (0, 0)]):
        expected = np.array(centre) @ stretch
        np.testing.assert_allclose(X[y == blob].mean(axis=0), expected, atol=0.15)


def test_digits_split_is_first_1400_then_the_rest():
    X_train, X_test, y_train, y_test = load_digits_split()
    X, y = load_digits(return_X_y=True)
    assert X_train.shape == (1400, 64) and X_test.shape == (397, 64)
    np.testing.assert_array_equal(np.vstack([X_train, X_test]), X)
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), y)
    split = load_digits_split()
    np.testing.assert_array_equal(split.y_train, y_train)
