"""Run for run, our KMeans equals scikit-learn's on the chapter's data sets.

Same init method, same seed, same number of runs: the same starts are drawn,
the same steps taken and the same run kept, so the labels (numbering
included), the iteration count and the inertia must agree.
"""

import itertools
import warnings

import numpy as np
import pytest
import sklearn.cluster
from threadpoolctl import threadpool_limits

from clustering import KMeans
from clustering.datasets import make_chapter_moons, make_ellipsoidal_blobs, make_five_blobs

DATASETS = {
    "five blobs": make_five_blobs,
    "moons": make_chapter_moons,
    "ellipsoids": make_ellipsoidal_blobs,
}


@pytest.fixture(scope="module", params=list(DATASETS))
def data(request):
    return DATASETS[request.param]()[0]


def fit_both(X, **params):
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", category=Warning)  # fewer distinct clusters, k = 1
        return KMeans(**params).fit(X), sklearn.cluster.KMeans(**params).fit(X)


# Both inits with scikit-learn's default n_init ("auto": one k-means++ run, ten
# random ones), and k-means++ with ten runs, so that its choice among runs is
# compared too ("random" with n_init=10 would repeat "auto").
RUNS = [("k-means++", "auto"), ("k-means++", 10), ("random", "auto")]


@pytest.mark.parametrize(("init", "n_init"), RUNS)
def test_every_k_and_seed_equals_sklearn_run_for_run(data, init, n_init):
    for k, seed in itertools.product(range(1, 11), range(5)):
        ours, theirs = fit_both(X=data, n_clusters=k, init=init, n_init=n_init, random_state=seed)
        context = f"k={k} seed={seed}"
        np.testing.assert_array_equal(ours.labels_, theirs.labels_, err_msg=context)
        assert ours.n_iter_ == theirs.n_iter_, context
        assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-10), context
        np.testing.assert_allclose(
            ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-9, atol=1e-12, err_msg=context
        )


def test_relocation_only_onto_points_at_a_positive_distance():
    # Five centres on five points, two of them the same: the duplicate's centre
    # loses the tie and is empty, but every point sits on its centre, so there
    # is nothing to relocate and the run stops after one iteration.
    X = np.array([[0, 0], [1, 1], [1, 1], [1, 0], [0, 1]], dtype=float)
    ours, theirs = fit_both(X, n_clusters=5, init=X)
    assert ours.n_iter_ == theirs.n_iter_ == 1
    np.testing.assert_array_equal(ours.cluster_centers_, theirs.cluster_centers_)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)


def test_a_lower_inertia_with_the_same_partition_keeps_the_first_run():
    X = make_five_blobs()[0]
    for k in (2, 3, 4):
        ours, theirs = fit_both(X, n_clusters=k, n_init=10, random_state=42)
        np.testing.assert_array_equal(ours.labels_, theirs.labels_)
        assert ours.n_iter_ == theirs.n_iter_
