"""Unit tests of the k-means figure builders: pure functions, checked without a server."""

import json
from types import SimpleNamespace

import numpy as np
import pytest
from figures.kmeans import (
    REGION_ALPHA,
    changed_points,
    converged_message,
    failure_figure,
    labels_at,
    partition_inertia,
    restarts_figure,
    score_by_k_figure,
    silhouette_diagram,
    step_player_data,
    voronoi_figure,
)
from figures.palette import NOISE_GREY, PALETTE, with_alpha
from sklearn.cluster import KMeans as SklearnKMeans

from clustering.kmeans import KMeans, init_centroids, lloyd_steps


@pytest.fixture(scope="module")
def three_blobs():
    rng = np.random.default_rng(0)
    centers = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])
    X = np.concatenate([c + rng.normal(scale=0.5, size=(50, 2)) for c in centers])
    return X, np.repeat([0, 1, 2], 50)


@pytest.fixture(scope="module")
def model(three_blobs):
    return KMeans(3, n_init=3, random_state=0).fit(three_blobs[0])


@pytest.fixture(scope="module")
def states(three_blobs):
    X = three_blobs[0]
    return list(lloyd_steps(X, init_centroids(X, 3, method="random", random_state=2)))


def by_name(fig, prefix):
    return [t for t in fig.data if (t.name or "").startswith(prefix)]


def test_voronoi_regions_are_the_models_predictions(three_blobs, model):
    X, _ = three_blobs
    fig = voronoi_figure(X, model)
    regions = by_name(fig, "regions")[0]
    grid = np.array([[x, y] for y in regions.y for x in regions.x])
    assert np.array_equal(np.asarray(regions.z).ravel(), model.predict(grid))


def test_voronoi_points_are_split_by_cluster_with_the_palette(three_blobs, model):
    X, _ = three_blobs
    clusters = by_name(voronoi_figure(X, model), "cluster ")
    assert [t.marker.color for t in clusters] == list(PALETTE[:3])
    for label, trace in enumerate(clusters):
        assert np.array_equal(trace.x, X[model.labels_ == label, 0])


def test_voronoi_shows_new_points_only_when_given(three_blobs, model):
    X, _ = three_blobs
    (empty,) = by_name(voronoi_figure(X, model), "new instances")  # kept, so k moves in place
    assert len(empty.x) == 0
    new = np.array([[1.0, 1.0], [9.0, 9.0]])
    trace = by_name(voronoi_figure(X, model, new), "new instances")[0]
    assert np.array_equal(trace.x, new[:, 0])
    regions = by_name(voronoi_figure(X, model, new), "regions")[0]
    assert regions.x[-1] > 9.0  # the map grows to include the new points


def test_voronoi_has_the_same_traces_for_every_k(three_blobs):
    X, _ = three_blobs
    structures = []
    for k in (1, 3, 6):
        fit = KMeans(k, n_init=1, random_state=0).fit(X)
        figure = voronoi_figure(X, fit, max_clusters=10)
        structures.append([(trace.type, trace.name) for trace in figure.data])
        legend = [trace.name for trace in figure.data if trace.showlegend]
        assert [name for name in legend if name.startswith("cluster")] == [
            f"cluster {i}" for i in range(k)
        ]
    assert structures[0] == structures[1] == structures[2]
    assert len(structures[0]) == 1 + 10 + 2  # regions, ten clusters, centroids, new instances


def test_score_by_k_rings_the_current_k():
    fig = score_by_k_figure([1, 2, 3], [9.0, 4.0, 3.0], current_k=2, y_title="inertia")
    ring = by_name(fig, "k = 2")[0]
    assert list(ring.x) == [2] and list(ring.y) == [4.0]


def test_silhouette_diagram_has_one_sorted_knife_per_cluster():
    coefficients = np.array([0.2, 0.9, 0.5, 0.1, 0.7])
    labels = np.array([0, 0, 0, 1, 1])
    fig = silhouette_diagram(coefficients, labels, score=0.48)
    knives = by_name(fig, "cluster ")
    assert len(knives) == 2
    assert list(knives[0].x[1:-1]) == [0.9, 0.5, 0.2]
    assert fig.layout.shapes[0].x0 == 0.48


def test_partition_inertia_equals_kmeans_inertia_for_its_own_labels(three_blobs):
    X, _ = three_blobs
    oracle = SklearnKMeans(3, n_init=3, random_state=0).fit(X)
    assert partition_inertia(X, oracle.labels_) == pytest.approx(oracle.inertia_)


def test_failure_figure_titles_carry_both_inertias(three_blobs, model):
    X, y = three_blobs
    fig = failure_figure(X, y, model)
    titles = [a.text for a in fig.layout.annotations]
    assert f"{model.inertia_:.1f}" in titles[0]
    assert f"{partition_inertia(X, y):.1f}" in titles[1]


def test_first_assignment_rings_no_point_later_ones_ring_the_changes(states):
    assert not changed_points(states, 0).any()
    assert not changed_points(states, 1).any()
    assert not changed_points(states, 2).any()  # an update moves centroids, not labels
    expected = states[3].labels != states[1].labels
    assert expected.any()  # this start does move some points at the second assignment
    assert np.array_equal(changed_points(states, 3), expected)


def test_step_player_data_has_every_half_step_as_the_library_took_it(three_blobs, states):
    data = step_player_data(three_blobs[0], states)
    assert len(data["steps"]) == len(states)
    for step, state in zip(data["steps"], states, strict=True):
        assert step["phase"] == state.phase
        assert step["iteration"] == state.iteration
        assert np.allclose(step["centers"], state.centers, atol=1e-5)
    assert [s["action"] for s in data["steps"][:3]] == [
        "centroids placed",
        "points assigned",
        "centroids moved",
    ]
    assert np.allclose(data["points"], three_blobs[0], atol=1e-5)


def test_step_player_data_inertia_is_the_states(three_blobs, states):
    steps = step_player_data(three_blobs[0], states)["steps"]
    assert steps[0]["inertia"] is None and steps[0]["inertia_text"] == "—"
    for step, state in zip(steps[1:], states[1:], strict=True):
        assert step["inertia"] == state.inertia
        assert step["inertia_text"] == f"{state.inertia:.2f}"


def test_step_player_data_labels_and_changed_points(three_blobs, states):
    data = step_player_data(three_blobs[0], states)
    steps, labelings = data["steps"], data["labelings"]
    assert steps[0]["labeling"] is None
    for position, step in enumerate(steps[1:], start=1):
        labels = labelings[step["labeling"]]
        assert labels == labels_at(states, position).tolist()
        if states[position].phase == "update":  # an update keeps the labels it was given
            assert step["labeling"] == steps[position - 1]["labeling"]
    # The second assignment moves some points (see the test above); they are the ones ringed.
    moved = np.flatnonzero(states[3].labels != states[1].labels)
    assert moved.size and steps[3]["changed"] == moved.tolist()
    assert all(not step["changed"] for step in steps[:3])
    assert len(labelings) == len({tuple(labels) for labels in labelings})  # each stored once


def test_step_player_data_is_plain_json_with_the_palette_and_the_ending(three_blobs, states):
    X = three_blobs[0]
    data = step_player_data(X, states)
    assert json.loads(json.dumps(data)) == data  # nothing NumPy left in it
    assert data["colors"] == list(PALETTE[:3])
    assert data["regions"][0] == with_alpha(PALETTE[0], REGION_ALPHA)
    assert data["unassigned"] == NOISE_GREY
    (x0, x1), (y0, y1) = data["box"]
    every_centroid = np.concatenate([state.centers for state in states])
    for points in (X, every_centroid):
        assert (points[:, 0] > x0).all() and (points[:, 0] < x1).all()
        assert (points[:, 1] > y0).all() and (points[:, 1] < y1).all()
    last = states[-1]
    assert data["converged"] == (
        f"Converged after {last.iteration} iterations, inertia {last.inertia:.2f}."
    )


def test_converged_message_says_one_iteration_in_the_singular():
    state = SimpleNamespace(iteration=1, inertia=3.14159)
    assert converged_message(state) == "Converged after 1 iteration, inertia 3.14."


def test_restarts_figure_marks_only_the_best_run(three_blobs):
    X, _ = three_blobs
    runs = [
        SimpleNamespace(
            labels=np.zeros(len(X), dtype=int), centers=np.zeros((1, 2)), inertia=inertia
        )
        for inertia in (5.0, 2.0, 7.0)
    ]
    titles = [a.text for a in restarts_figure(X, runs, best=1).layout.annotations]
    assert [t.startswith("★ kept") for t in titles] == [False, True, False]
