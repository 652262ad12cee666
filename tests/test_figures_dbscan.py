"""The DBSCAN page's figures draw the results they are given; the library evaluates the model."""

import numpy as np
import pytest
from figures.dbscan import (
    CURVE_POINTS,
    clusters_figure,
    k_distance_figure,
    new_points_table,
)
from figures.grid import grid_over, padded_box, shaped
from figures.palette import ANOMALY, PALETTE, palette_colors
from sklearn.cluster import DBSCAN as SklearnDBSCAN
from sklearn.neighbors import NearestNeighbors

from clustering import (
    DBSCAN,
    classifier_from_dbscan,
    k_distances,
    make_chapter_moons,
    make_ellipsoidal_blobs,
)
from clustering.dbscan import point_kinds

CHAPTER_X_NEW = np.array([[-0.5, 0], [0, 0.5], [1, -0.1], [2, 1]])


@pytest.fixture(scope="module")
def moons():
    return make_chapter_moons(1000, 0.05, 42)[0]


@pytest.fixture(scope="module")
def fitted(moons):
    model = DBSCAN(eps=0.05).fit(moons)
    return model, classifier_from_dbscan(model, max_distance=0.2)


def figure_of(X, model, classifier, X_new=CHAPTER_X_NEW, regions=True):
    box = padded_box(X, X_new)
    shading = None
    if regions:
        grid = grid_over(box, 40)
        shading = (grid, grid.reshape(classifier.predict(grid.points)))
    n_clusters = int(model.labels_.max()) + 1
    return clusters_figure(
        X,
        model.labels_,
        point_kinds(model),
        palette_colors(range(n_clusters)),
        box,
        shading,
        X_new,
        None if X_new is None else classifier.predict(X_new),
    )


def test_point_kinds_follow_scikit_learns_core_samples_and_noise(moons):
    ours = point_kinds(DBSCAN(eps=0.05).fit(moons))
    oracle = SklearnDBSCAN(eps=0.05).fit(moons)
    expected = np.full(len(moons), "border", dtype=object)
    expected[oracle.labels_ == -1] = "anomaly"
    expected[oracle.core_sample_indices_] = "core"
    np.testing.assert_array_equal(ours, expected)
    assert set(ours) == {"core", "border", "anomaly"}


def test_kneighbors_equals_scikit_learns_on_the_core_samples(fitted):
    model, classifier = fitted
    distances, indices = classifier.kneighbors(CHAPTER_X_NEW, n_neighbors=3)
    oracle = NearestNeighbors(n_neighbors=3).fit(model.components_)
    expected_distances, expected_indices = oracle.kneighbors(CHAPTER_X_NEW)
    np.testing.assert_allclose(distances, expected_distances)
    np.testing.assert_array_equal(indices, expected_indices)
    # Beyond max_distance from the nearest core sample, the vote says "anomaly".
    far = distances[:, 0] > classifier.max_distance
    assert far.any()
    np.testing.assert_array_equal(classifier.predict(CHAPTER_X_NEW)[far], -1)


def test_kneighbors_refuses_a_non_positive_count(fitted):
    with pytest.raises(ValueError, match="n_neighbors"):
        fitted[1].kneighbors(CHAPTER_X_NEW, n_neighbors=0)


def test_clusters_figure_draws_each_kind_of_point_as_given(moons, fitted):
    model, classifier = fitted
    figure = figure_of(moons, model, classifier)
    traces = {trace.name: trace for trace in figure.data}
    kinds = point_kinds(model)
    for kind, name in (
        ("core", "core points"),
        ("border", "border points"),
        ("anomaly", "anomalies"),
    ):
        assert len(traces[name].x) == np.sum(kinds == kind)
    np.testing.assert_array_equal(
        traces["core points"].marker.color, model.labels_[kinds == "core"]
    )
    regions = np.asarray(traces["decision regions"].z, dtype=float)
    assert np.isnan(regions).any()  # beyond the max distance: left blank
    assert set(np.unique(regions[~np.isnan(regions)])) <= set(range(7))
    assert list(traces["new points"].customdata) == classifier.predict(CHAPTER_X_NEW).tolist()
    numbers = [(a.x, a.y, a.text) for a in figure.layout.annotations]  # numbered as in the table
    expected = [(x, y, f"<b>{i}</b>") for i, (x, y) in enumerate(CHAPTER_X_NEW.tolist())]
    assert numbers == expected


def test_the_legend_shows_kinds_of_point_by_their_marks_not_a_cluster_colour(moons, fitted):
    figure = figure_of(moons, *fitted)
    # Plotly lists scatter traces in the legend unless told not to (a heatmap only when told).
    # The kinds' entries are SVG traces that draw nothing; the new points' stars are WebGL.
    shown = [t for t in figure.data if t.type in ("scatter", "scattergl")]
    legend = {t.name: t for t in shown if t.showlegend is not False}
    assert set(legend) == {"core point", "border point", "anomaly", "new points"}
    core, border = legend["core point"].marker, legend["border point"].marker
    assert core.size > border.size
    assert core.color == border.color and core.color not in PALETTE
    anomaly = legend["anomaly"].marker
    assert (anomaly.symbol, anomaly.color) == (ANOMALY["symbol"], ANOMALY["color"])


def test_the_figure_keeps_its_traces_without_regions_or_new_points(moons, fitted):
    full = figure_of(moons, *fitted)
    bare = figure_of(moons, *fitted, X_new=None, regions=False)
    assert [(t.type, t.name) for t in bare.data] == [(t.type, t.name) for t in full.data]
    (regions,) = [t for t in bare.data if t.name == "decision regions"]
    assert np.size(regions.z) == 0


@pytest.mark.parametrize("shape", [0.6, 0.7])
def test_a_shaped_box_holds_the_data_and_has_the_shape_asked_for(shape):
    """Grown about its middle in one direction only: a page's maps keep one height."""
    for data in (make_chapter_moons(1000, 0.05, 42)[0], make_ellipsoidal_blobs()[0]):
        box = padded_box(data)
        (x0, x1), (y0, y1) = shaped(box, shape)
        assert np.isclose((y1 - y0) / (x1 - x0), shape)
        assert x0 <= box[0][0] and x1 >= box[0][1] and y0 <= box[1][0] and y1 >= box[1][1]
        assert np.allclose([x0 + x1, y0 + y1], [sum(box[0]), sum(box[1])])  # same middle
        grown_x, grown_y = (x1 - x0) > box[0][1] - box[0][0], (y1 - y0) > box[1][1] - box[1][0]
        assert not (grown_x and grown_y)


def test_k_distance_figure_marks_the_core_points(moons):
    distances = k_distances(moons, 5)
    figure = k_distance_figure(distances, 0.05, 5)
    n_core = len(DBSCAN(eps=0.05).fit(moons).core_sample_indices_)
    ranks = np.asarray(figure.data[0].x)
    assert ranks[-1] == len(distances)  # the curve ends at the farthest point
    np.testing.assert_allclose(figure.data[0].y, distances[ranks - 1], rtol=1e-6)
    assert f"{n_core} core points" in figure.layout.annotations[0].text


def test_a_long_k_distance_curve_is_drawn_through_evenly_spread_ranks(moons):
    distances = np.sort(np.random.default_rng(0).random(5000))
    curve = k_distance_figure(distances, 0.5, 5).data[0]
    ranks = np.asarray(curve.x)
    assert len(ranks) == CURVE_POINTS and (ranks[0], ranks[-1]) == (1, 5000)
    assert np.diff(ranks).max() - np.diff(ranks).min() <= 1
    np.testing.assert_allclose(curve.y, distances[ranks - 1], rtol=1e-6)


def test_new_points_table_shows_the_votes_it_is_given():
    proba = np.array([[0.25, 0.75], [1.0, 0.0]])
    table = new_points_table(
        CHAPTER_X_NEW[:2], np.array([1, -1]), np.array([0.1, 0.4]), proba, np.array([0, 1])
    )
    np.testing.assert_allclose(table[["P(cluster 0)", "P(cluster 1)"]], proba)
    assert table["cluster"].tolist() == [1, -1]
    assert table["nearest core sample"].tolist() == [0.1, 0.4]
