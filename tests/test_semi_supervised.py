"""The semi-supervised pipeline: our k-means against scikit-learn's, on the chapter's digits."""

import numpy as np
import pytest
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.linear_model import LogisticRegression

from clustering.datasets import load_digits_split
from clustering.semi_supervised import (
    UNLABELLED,
    active_learning_round,
    add_hand_labels,
    fit_chapter_classifier,
    label_accuracy,
    labelling_results,
    least_confident,
    partial_propagation_mask,
    partial_training_set,
    propagate_labels,
    propagation_accuracies,
    representatives,
    training_set_accuracy,
    training_sets,
)

SEEDS = (0, 1, 2, 3, 4)
K = 50
ROWS = ("representatives", "propagated", "partially propagated")


@pytest.fixture(scope="module")
def split():
    return load_digits_split()


@pytest.fixture(scope="module")
def ours(split):
    """seed -> (representative indices, fitted KMeans, distances) with our KMeans."""
    fits = {}
    for seed in SEEDS:
        indices, kmeans = representatives(split.X_train, K, random_state=seed)
        fits[seed] = indices, kmeans, kmeans.transform(split.X_train)
    return fits


def pipeline_accuracies(split, distances):
    """The chapter's pipeline on one clustering, the representatives labelled truthfully."""
    truth = split.y_train[distances.argmin(axis=0)]
    return propagation_accuracies(split.X_train, split.X_test, split.y_test, distances, truth)


def mean_accuracies(split, all_distances):
    runs = [pipeline_accuracies(split, distances) for distances in all_distances]
    return {row: np.mean([run[row] for run in runs]) for row in ROWS}


def test_representatives_are_closest_to_their_centroid(split, ours):
    indices, kmeans, _ = ours[SEEDS[0]]
    assert indices.shape == (K,)
    for cluster, row in enumerate(indices):
        own = np.linalg.norm(split.X_train - kmeans.cluster_centers_[cluster], axis=1)
        assert own[row] == pytest.approx(own.min())
        assert kmeans.labels_[row] == cluster


def test_pipeline_matches_sklearn_kmeans_over_five_seeds(split, ours):
    sklearn_distances = [
        SklearnKMeans(K, n_init=10, random_state=seed).fit_transform(split.X_train)
        for seed in SEEDS
    ]
    our_means = mean_accuracies(split, [ours[seed][2] for seed in SEEDS])
    their_means = mean_accuracies(split, sklearn_distances)
    for row in ROWS:
        assert abs(our_means[row] - their_means[row]) <= 0.015, (row, our_means, their_means)
    # The lesson itself: labelling representatives beats 50 random labels, and
    # propagating them helps further (the chapter: 74.8% -> 84.9% -> 89.4%).
    random_50 = training_set_accuracy(
        split.X_train[:K], split.y_train[:K], split.X_test, split.y_test
    )
    assert random_50 < our_means["representatives"] < our_means["propagated"]


def test_propagation_gives_each_cluster_its_representative_label():
    clusters = np.array([0, 2, 1, 2, 0])
    assert propagate_labels(clusters, [7, 3, 5]).tolist() == [7, 5, 3, 5, 7]


def test_unlabelled_representative_leaves_its_cluster_unlabelled():
    clusters = np.array([0, 1, 1, 2])
    propagated = propagate_labels(clusters, [4, UNLABELLED, 9])
    assert propagated.tolist() == [4, UNLABELLED, UNLABELLED, 9]


def test_accuracy_skips_unlabelled_rows(split):
    y = split.y_train.copy()
    y[700:] = UNLABELLED
    skipped = training_set_accuracy(split.X_train, y, split.X_test, split.y_test)
    first_half = training_set_accuracy(
        split.X_train[:700], split.y_train[:700], split.X_test, split.y_test
    )
    assert skipped == first_half


def test_accuracy_is_nan_until_two_classes_are_labelled(split):
    y = np.full(len(split.y_train), UNLABELLED)
    assert np.isnan(training_set_accuracy(split.X_train, y, split.X_test, split.y_test))
    y[0] = split.y_train[0]
    assert np.isnan(training_set_accuracy(split.X_train, y, split.X_test, split.y_test))


def test_pipeline_with_half_the_representatives_labelled(split, ours):
    indices, _, distances = ours[SEEDS[0]]
    labels = split.y_train[indices].copy()
    labels[K // 2 :] = UNLABELLED
    result = propagation_accuracies(split.X_train, split.X_test, split.y_test, distances, labels)
    labelled_reps = training_set_accuracy(
        split.X_train[indices[: K // 2]], labels[: K // 2], split.X_test, split.y_test
    )
    assert result["representatives"] == labelled_reps
    assert all(0.3 < result[row] < 1 for row in ROWS)


@pytest.mark.parametrize("percentile", [99, 90, 50])
def test_mask_keeps_the_expected_share_of_each_cluster(split, ours, percentile):
    _, kmeans, distances = ours[SEEDS[0]]
    keep = partial_propagation_mask(distances, kmeans.labels_, percentile)
    for cluster in range(K):
        members = kmeans.labels_ == cluster
        own = distances[members, cluster]
        # Exactly the members at or under the cluster's percentile, no more.
        assert keep[members].sum() == np.sum(own <= np.percentile(own, percentile))
    share = keep.mean()
    assert percentile / 100 - 0.03 <= share <= percentile / 100 + 0.03


def test_mask_drops_the_farthest_instance_of_each_cluster():
    distances = np.array([1.0, 2.0, 9.0, 0.5, 0.7, 4.0])
    clusters = np.array([0, 0, 0, 1, 1, 1])
    keep = partial_propagation_mask(distances, clusters, 90)
    assert keep.tolist() == [True, True, False, True, True, False]
    assert partial_propagation_mask(distances, clusters, 100).all()


def test_mask_accepts_own_distances_or_all_distances(ours):
    _, kmeans, distances = ours[SEEDS[0]]
    own = distances[np.arange(len(distances)), kmeans.labels_]
    np.testing.assert_array_equal(
        partial_propagation_mask(distances, kmeans.labels_, 95),
        partial_propagation_mask(own, kmeans.labels_, 95),
    )


def test_least_confident_orders_by_top_probability_and_skips_excluded():
    proba = np.array([[0.9, 0.1], [0.55, 0.45], [0.6, 0.4], [0.51, 0.49]])
    assert least_confident(proba, 2).tolist() == [3, 1]
    assert least_confident(proba, 2, exclude=[3]).tolist() == [1, 2]
    assert least_confident(proba, 10, exclude=[0, 1]).tolist() == [3, 2]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: propagate_labels([0, 3], [1, 2]), "only 2 representative labels"),
        (lambda: propagate_labels([0, -1], [1, 2]), "negative"),
        (lambda: propagate_labels([0, 1], [1, -2]), "-1 for unlabelled"),
        (lambda: propagate_labels([0.5, 1], [1, 2]), "whole numbers"),
        (lambda: propagate_labels([[0, 1]], [1, 2]), "1-D"),
        (lambda: partial_propagation_mask([1.0, 2.0], [0, 0], 101), "percentile"),
        (lambda: partial_propagation_mask([1.0], [0, 0], 50), "one row per instance"),
        (lambda: partial_propagation_mask(np.ones((2, 1)), [0, 1], 50), "column for every"),
        (lambda: least_confident(np.ones(3), 1), "2-D"),
        (lambda: least_confident(np.ones((3, 2)), -1), "n must be"),
        (lambda: least_confident(np.ones((3, 2)), 1, exclude=[-1]), "holds row -1"),
        (lambda: least_confident(np.ones((3, 2)), 1, exclude=[3]), "holds row 3"),
        (lambda: least_confident(np.ones((3, 2)), 1, exclude=[0.5]), "whole numbers"),
        (lambda: add_hand_labels([True], [1], [1], [2]), "holds row 1"),
        (lambda: add_hand_labels([True], [1], [0], [2, 3]), "one per row"),
        (lambda: label_accuracy([1, 2], [1]), "truth 1"),
        (
            lambda: active_learning_round(np.ones((3, 2)), [True] * 3, [1, 1, 1], 1),
            "fewer than two classes",
        ),
    ],
)
def test_bad_input_is_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# The page's current computations, written out as it does them today, so that the
# library functions that replace them are checked to give the same numbers.


def page_partial_training_set(clusters, distances, labels, percentile):
    propagated = propagate_labels(clusters, labels)
    keep = partial_propagation_mask(distances, clusters, percentile) & (propagated >= 0)
    return keep, propagated


def page_label_results(split, clusters, distances, labels, percentile):
    X_train, X_test, y_train, y_test = split
    accuracies = propagation_accuracies(
        X_train, X_test, y_test, distances, labels, percentile=percentile
    )
    keep, propagated = page_partial_training_set(clusters, distances, labels, percentile)
    accuracies["label accuracy"] = (
        float(np.mean(propagated[keep] == y_train[keep])) if keep.any() else float("nan")
    )
    return accuracies


@pytest.fixture(scope="module")
def half_labelled(split, ours):
    """The first clustering with every third representative left unlabelled."""
    indices, kmeans, distances = ours[SEEDS[0]]
    labels = split.y_train[indices].copy()
    labels[::3] = UNLABELLED
    return kmeans.labels_, distances, labels


@pytest.mark.parametrize("percentile", [99, 80])
def test_labelling_results_equal_the_pages_computation(split, half_labelled, percentile):
    clusters, distances, labels = half_labelled
    ours = labelling_results(split, clusters, distances, labels, percentile=percentile)
    assert ours == page_label_results(split, clusters, distances, labels, percentile)
    assert 0.5 < ours["label accuracy"] <= 1


def test_partial_training_set_equals_the_pages(half_labelled):
    clusters, distances, labels = half_labelled
    keep, propagated = partial_training_set(clusters, distances, labels, 95)
    page_keep, page_propagated = page_partial_training_set(clusters, distances, labels, 95)
    np.testing.assert_array_equal(keep, page_keep)
    np.testing.assert_array_equal(propagated, page_propagated)
    assert not np.any(propagated[keep] == UNLABELLED)


def test_training_sets_hold_the_chapters_three_sets(split, half_labelled):
    clusters, distances, labels = half_labelled
    sets = training_sets(split.X_train, clusters, distances, labels, percentile=90)
    X_reps, y_reps = sets["representatives"]
    np.testing.assert_array_equal(X_reps, split.X_train[distances.argmin(axis=0)])
    np.testing.assert_array_equal(y_reps, labels)
    assert len(sets["propagated"][0]) == len(split.X_train)
    X_partial, y_partial = sets["partially propagated"]
    assert len(X_partial) == len(y_partial) < 0.9 * len(split.X_train)
    assert np.all(y_partial >= 0)


def test_active_learning_round_equals_the_pages(split, ours, half_labelled):
    reps = ours[SEEDS[0]][0]
    clusters, distances, labels = half_labelled
    keep, propagated = page_partial_training_set(clusters, distances, labels, 99)
    model = LogisticRegression(max_iter=10_000).fit(split.X_train[keep], propagated[keep])
    page_rows = least_confident(model.predict_proba(split.X_train), 10, exclude=reps)
    rows = active_learning_round(split.X_train, keep, propagated, 10, exclude=reps)
    np.testing.assert_array_equal(rows, page_rows)
    assert not set(rows.tolist()) & set(reps.tolist())


def test_hand_labels_add_and_correct_rows_like_the_page(split, half_labelled):
    clusters, distances, labels = half_labelled
    keep, propagated = partial_training_set(clusters, distances, labels, 99)
    dropped = int(np.flatnonzero(~keep)[0])
    kept = int(np.flatnonzero(keep)[0])
    rows, hand = [dropped, kept, kept + 1], [3, 7, UNLABELLED]
    new_keep, new_labels = add_hand_labels(keep, propagated, rows, hand)
    # The page's loop, on copies.
    page_keep, page_labels = keep.copy(), propagated.copy()
    for row, label in zip(rows, hand, strict=True):
        if label >= 0:
            page_labels[row], page_keep[row] = label, True
    np.testing.assert_array_equal(new_keep, page_keep)
    np.testing.assert_array_equal(new_labels, page_labels)
    assert new_keep[dropped] and new_labels[dropped] == 3 and new_labels[kept] == 7
    assert not keep[dropped], "the inputs are left as they were"


def test_chapter_classifier_is_the_chapters_logistic_regression(split):
    model = fit_chapter_classifier(split.X_train[:200], split.y_train[:200])
    assert isinstance(model, LogisticRegression)
    assert model.max_iter == 10_000
    reference = LogisticRegression(max_iter=10_000).fit(split.X_train[:200], split.y_train[:200])
    np.testing.assert_array_equal(model.predict(split.X_test), reference.predict(split.X_test))


def test_label_accuracy_ignores_unlabelled_rows():
    assert label_accuracy([1, 2, UNLABELLED, 4], [1, 3, 0, 4]) == pytest.approx(2 / 3)
    assert np.isnan(label_accuracy([UNLABELLED], [0]))
