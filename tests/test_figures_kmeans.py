"""Unit tests of the k-means figure builders: pure functions, checked without a server."""

import json
from types import SimpleNamespace

import numpy as np
import pytest
from figures.grid import grid_over, padded_box
from figures.kmeans import (
    RESTART_PANEL_POINTS,
    Partition,
    changed_points,
    converged_message,
    failure_figure,
    labels_at,
    panel_sample,
    restarts_figure,
    score_by_k_figure,
    silhouette_diagram,
    step_player_data,
    voronoi_figure,
)
from figures.palette import CENTROID, NEW_POINT, NOISE_GREY, PALETTE, REGION_ALPHA, with_alpha
from figures.theme import TICK_SIZE
from sklearn.cluster import KMeans as SklearnKMeans

from clustering.kmeans import KMeans, init_centroids, lloyd_steps
from clustering.metrics import partition_inertia

# Colours in an order that is not the palette's, to see that figures use the ones given.
SHUFFLED = [PALETTE[2], PALETTE[0], PALETTE[5], PALETTE[1], PALETTE[3], PALETTE[4]]


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


def voronoi(X, model, new_points=None, max_clusters=0, colors=None):
    """The Voronoi figure of a fitted model, its regions predicted as the page does."""
    centers = model.cluster_centers_
    grid = grid_over(padded_box(X, centers, new_points), 60)
    regions = grid.reshape(model.predict(grid.points))
    colors = SHUFFLED[: len(centers)] if colors is None else colors
    return voronoi_figure(
        X, model.labels_, centers, grid, regions, colors, new_points, max_clusters=max_clusters
    )


def test_voronoi_regions_are_the_predictions_it_is_given(three_blobs, model):
    X, _ = three_blobs
    regions = by_name(voronoi(X, model), "regions")[0]
    grid = np.array([[x, y] for y in regions.y for x in regions.x])
    assert np.array_equal(np.asarray(regions.z).ravel(), model.predict(grid))
    # Cluster i's region is painted in a light version of cluster i's colour.
    assert regions.colorscale[0][1] == with_alpha(SHUFFLED[0], REGION_ALPHA)
    assert regions.colorscale[-1][1] == with_alpha(SHUFFLED[2], REGION_ALPHA)


def test_voronoi_points_are_split_by_cluster_in_the_colours_given(three_blobs, model):
    X, _ = three_blobs
    clusters = by_name(voronoi(X, model), "cluster ")
    assert [t.marker.color for t in clusters] == SHUFFLED[:3]
    for label, trace in enumerate(clusters):
        assert np.array_equal(trace.x, X[model.labels_ == label, 0])


def test_voronoi_shows_new_points_only_when_given(three_blobs, model):
    X, _ = three_blobs
    (empty,) = by_name(voronoi(X, model), "new instances")  # kept, so k moves in place
    assert len(empty.x) == 0
    new = np.array([[1.0, 1.0], [9.0, 9.0]])
    figure = voronoi(X, model, new)
    trace = by_name(figure, "new instances")[0]
    assert np.array_equal(trace.x, new[:, 0])
    assert trace.marker.symbol == NEW_POINT["symbol"]
    regions = by_name(figure, "regions")[0]
    assert regions.x[-1] > 9.0  # the map grows to include the new points


def test_new_instance_numbers_sit_away_from_the_nearest_centroid(three_blobs, model):
    X, _ = three_blobs
    centers = model.cluster_centers_
    # Each new point sits just beside a centroid, where a label to its top right
    # would lie on the centroid's marker.
    new = centers + np.array([[-0.1, -0.1], [0.1, 0.0], [0.0, 0.1]])
    numbers = voronoi(X, model, new).layout.annotations
    assert [a.text for a in numbers] == ["<b>0</b>", "<b>1</b>", "<b>2</b>"]
    for label, point, center in zip(numbers, new, centers, strict=True):
        away = point - center
        assert np.sign(label.xshift) == np.sign(away[0]) or away[0] == 0
        assert np.sign(label.yshift) == np.sign(away[1]) or away[1] == 0
        assert np.hypot(label.xshift, label.yshift) >= CENTROID["size"] / 2


def test_voronoi_has_the_same_traces_for_every_k(three_blobs):
    X, _ = three_blobs
    structures = []
    for k in (1, 3, 6):
        fit = KMeans(k, n_init=1, random_state=0).fit(X)
        figure = voronoi(X, fit, max_clusters=10, colors=PALETTE[:k])
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
    fig = silhouette_diagram(coefficients, labels, score=0.48, colors=SHUFFLED[:2])
    knives = by_name(fig, "cluster ")
    assert len(knives) == 2
    assert list(knives[0].x[1:-1]) == [0.9, 0.5, 0.2]
    assert [knife.fillcolor for knife in knives] == SHUFFLED[:2]
    assert fig.layout.shapes[0].x0 == 0.48


def test_partition_inertia_equals_kmeans_inertia_for_its_own_labels(three_blobs):
    X, _ = three_blobs
    oracle = SklearnKMeans(3, n_init=3, random_state=0).fit(X)
    assert partition_inertia(X, oracle.labels_) == pytest.approx(oracle.inertia_)


def test_failure_figure_shows_the_partitions_and_inertias_it_is_given(three_blobs, model):
    X, y = three_blobs
    centers = model.cluster_centers_
    grid = grid_over(padded_box(X, centers), 40)
    regions = grid.reshape(model.predict(grid.points))
    found = Partition(model.labels_, SHUFFLED[:3], model.inertia_)
    truth = Partition(y, PALETTE[:3], partition_inertia(X, y))
    fig = failure_figure(X, found, centers, grid, regions, truth)
    titles = [a.text for a in fig.layout.annotations]
    assert f"{model.inertia_:.1f}" in titles[0]
    assert f"{truth.inertia:.1f}" in titles[1]
    clusters = by_name(fig, "cluster ")
    assert [t.marker.color for t in clusters] == SHUFFLED[:3] + list(PALETTE[:3])
    # The legend sits at the bottom of the figure, under the panels' x tick labels.
    assert fig.layout.legend.yref == "container" and fig.layout.legend.y == 0
    assert fig.layout.margin.b >= 50


def test_first_assignment_rings_no_point_later_ones_ring_the_changes(states):
    assert not changed_points(states, 0).any()
    assert not changed_points(states, 1).any()
    assert not changed_points(states, 2).any()  # an update moves centroids, not labels
    expected = states[3].labels != states[1].labels
    assert expected.any()  # this start does move some points at the second assignment
    assert np.array_equal(changed_points(states, 3), expected)


def test_step_player_data_has_every_half_step_as_the_library_took_it(three_blobs, states):
    data = step_player_data(three_blobs[0], states, SHUFFLED[:3])
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
    steps = step_player_data(three_blobs[0], states, SHUFFLED[:3])["steps"]
    assert steps[0]["inertia"] is None and steps[0]["inertia_text"] == "—"
    for step, state in zip(steps[1:], states[1:], strict=True):
        assert step["inertia"] == state.inertia
        assert step["inertia_text"] == f"{state.inertia:.2f}"


def test_step_player_data_labels_and_changed_points(three_blobs, states):
    data = step_player_data(three_blobs[0], states, SHUFFLED[:3])
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


def test_step_player_data_is_plain_json_with_the_colours_given_and_the_ending(three_blobs, states):
    X = three_blobs[0]
    data = step_player_data(X, states, SHUFFLED[:3])
    assert json.loads(json.dumps(data)) == data  # nothing NumPy left in it
    assert data["colors"] == SHUFFLED[:3]
    assert data["regions"][0] == with_alpha(SHUFFLED[0], REGION_ALPHA)
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


def test_restarts_figure_marks_only_the_best_run_and_is_readable(three_blobs):
    X, _ = three_blobs
    runs = [
        SimpleNamespace(
            labels=np.zeros(len(X), dtype=int), centers=np.zeros((1, 2)), inertia=inertia
        )
        for inertia in (5.0, 2.0, 7.0, 3.0)
    ]
    figure = restarts_figure(X, runs, best=1, colors=[[color] for color in SHUFFLED[:4]])
    titles = [a.text for a in figure.layout.annotations]
    assert [t.startswith("★ run") for t in titles] == [False, True, False, False]
    # Four runs in two rows of two, each panel about 300 px tall, titles projector-sized.
    assert figure.layout.height >= 600
    assert all(a.font.size >= 14 for a in figure.layout.annotations)
    # Each run's points take that run's colours (label 0 is the second band after grey).
    scales = [t.marker.colorscale for t in figure.data if t.marker.colorscale]
    assert [scale[2][1] for scale in scales] == SHUFFLED[:4]


@pytest.mark.parametrize("stretch", [(1.0, 1.0), (4.0, 1.0), (1.0, 4.0)])
def test_restarts_panels_keep_their_height_whatever_the_datas_shape(three_blobs, stretch):
    # A chart that changes height is resized in the browser, costing a second draw.
    X = three_blobs[0] * np.array(stretch)
    runs = [SimpleNamespace(labels=np.zeros(len(X), dtype=int), centers=X[:1], inertia=1.0)] * 3
    figure = restarts_figure(X, runs, best=0, colors=[[PALETTE[0]]] * 3)
    square = restarts_figure(three_blobs[0], runs, best=0, colors=[[PALETTE[0]]] * 3)
    assert figure.layout.height == square.layout.height
    (x0, x1), (y0, y1) = figure.layout.xaxis.range, figure.layout.yaxis.range
    assert x0 <= X[:, 0].min() and X[:, 0].max() <= x1  # every point still in the panel
    assert y0 <= X[:, 1].min() and X[:, 1].max() <= y1


def test_restarts_panels_draw_the_same_even_sample_of_a_large_data_set():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 2))
    labels = [rng.integers(0, 3, len(X)) for _ in range(2)]
    runs = [SimpleNamespace(labels=run, centers=np.zeros((3, 2)), inertia=1.0) for run in labels]
    figure = restarts_figure(X, runs, best=0, colors=[SHUFFLED[:3]] * 2)
    panels = [t for t in figure.data if t.marker.colorscale]
    sample = panel_sample(len(X))
    assert len(sample) == RESTART_PANEL_POINTS and sample[0] == 0 and sample[-1] == len(X) - 1
    for panel, run in zip(panels, labels, strict=True):
        assert np.array_equal(panel.x, X[sample, 0].astype(np.float32))
        assert np.array_equal(panel.marker.color, run[sample])  # each point keeps its cluster
    assert np.array_equal(panel_sample(40), np.arange(40))  # a small set is drawn whole


def test_every_kmeans_figure_uses_projector_sized_text(three_blobs, model):
    X, _ = three_blobs
    figures = [
        voronoi(X, model),
        score_by_k_figure([1, 2, 3], [9.0, 4.0, 3.0], current_k=2, y_title="inertia"),
        silhouette_diagram(np.array([0.2, 0.9, 0.5]), np.array([0, 0, 1]), 0.5, SHUFFLED),
    ]
    for figure in figures:
        assert figure.layout.xaxis.tickfont.size >= 14
        assert figure.layout.yaxis.tickfont.size >= 14
        assert figure.layout.legend.font.size == TICK_SIZE
