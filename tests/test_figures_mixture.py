"""The mixture page's figure builders draw what they are given about the fitted model."""

import numpy as np
import pytest
from figures.grid import grid_over, padded_box
from figures.mixture import DensityGrid, criteria_figure, density_figure
from figures.palette import ANOMALY, CENTROID, PALETTE

from clustering import density_anomalies, information_criteria, make_ellipsoidal_blobs

COLORS = [PALETTE[4], PALETTE[0], PALETTE[2], PALETTE[1], PALETTE[3], PALETTE[5]]


@pytest.fixture(scope="module")
def X():
    return make_ellipsoidal_blobs()[0]


@pytest.fixture(scope="module")
def curve(X):
    return information_criteria(X, range(1, 6), n_init=3, random_state=42)


def density_of(model, X, resolution=60) -> DensityGrid:
    """The model's density on a grid, evaluated as the page's cached function does."""
    grid = grid_over(padded_box(X), resolution)
    points = grid.points
    return DensityGrid(
        grid, grid.reshape(-model.score_samples(points)), grid.reshape(model.predict(points))
    )


def figure_of(model, X, **options):
    k = model.n_components
    return density_figure(
        X, model.predict_proba(X), model.means_, COLORS[:k], density_of(model, X), **options
    )


def traces_named(figure, prefix):
    return [trace for trace in figure.data if (trace.name or "").startswith(prefix)]


def test_density_figure_shows_the_models_density_and_responsibilities(X, curve):
    model = curve.model(3)
    is_anomaly, _ = density_anomalies(model, X)
    X_new, y_new = model.sample(50)
    density = density_of(model, X)
    figure = figure_of(model, X, anomalies=is_anomaly, samples=(X_new, y_new))

    contour = figure.data[0]
    expected = np.log10(np.clip(density.neg_log_density, 1, 100))
    np.testing.assert_allclose(contour.z, expected, rtol=1e-6)

    proba = model.predict_proba(X)
    for component in range(3):
        (trace,) = [t for t in figure.data if t.name == f"component {component}"]
        mine = model.predict(X) == component
        np.testing.assert_allclose(trace.x, X[mine, 0])
        np.testing.assert_allclose(trace.customdata, proba[mine], atol=1e-6)  # shown to 0.001
        assert trace.marker.color == COLORS[component]
    (means,) = traces_named(figure, "component means")
    np.testing.assert_allclose(np.column_stack([means.x, means.y]), model.means_)
    (anomalies,) = traces_named(figure, "anomalies")
    np.testing.assert_allclose(anomalies.x, X[is_anomaly, 0])
    sampled, legend = traces_named(figure, "sampled")  # the points, then their legend entry
    assert legend.showlegend and legend.marker.color not in COLORS
    np.testing.assert_allclose(sampled.x, X_new[:, 0])
    np.testing.assert_array_equal(sampled.marker.color, y_new)
    # The shading is a heatmap the browser only paints, the boundaries lines it only draws:
    # nothing is left for Plotly to contour.
    assert {trace.type for trace in figure.data} == {"heatmap", "scatter", "scattergl"}
    # The points are WebGL, and so is every mark drawn over them: a browser draws all
    # WebGL traces above the SVG ones. SVG keeps the lines and the legend-only entry.
    assert {t.name for t in figure.data if t.type == "scatter"} == {
        "decision boundary",
        legend.name,
    }
    (boundary,) = traces_named(figure, "decision boundary")
    assert_on_borders(boundary, density)


def assert_on_borders(boundary, density):
    """Every vertex of the boundary lies half-way between neighbouring grid points of
    different components, and every such pair has the boundary between them."""
    xs, ys = density.grid
    x, y = np.asarray(boundary.x, dtype=float), np.asarray(boundary.y, dtype=float)
    drawn = ~np.isnan(x)
    column = np.interp(x[drawn], xs, np.arange(len(xs)))
    row = np.interp(y[drawn], ys, np.arange(len(ys)))
    labels = density.labels
    # A vertex sits on a grid side: whole on one axis, half-way on the other.
    horizontal = np.isclose(row, row.round(), atol=1e-3)
    assert np.all(horizontal | np.isclose(column, column.round(), atol=1e-3))
    assert np.allclose(np.where(horizontal, column, row) % 1, 0.5, atol=1e-3)
    # The two grid points either side of each vertex.
    low_row, high_row = np.floor(row + 1e-3).astype(int), np.ceil(row - 1e-3).astype(int)
    low_col, high_col = np.floor(column + 1e-3).astype(int), np.ceil(column - 1e-3).astype(int)
    assert np.all(labels[low_row, low_col] != labels[high_row, high_col])
    changes = np.count_nonzero(labels[:, 1:] != labels[:, :-1]) + np.count_nonzero(
        labels[1:] != labels[:-1]
    )
    assert len(set(zip(row.round(3), column.round(3), strict=True))) == changes


def test_the_marks_are_the_apps_and_the_boundary_legend_shows_its_line(X, curve):
    figure = figure_of(curve.model(3), X, anomalies=np.arange(len(X)) < 5)
    (anomalies,) = traces_named(figure, "anomalies")
    assert (anomalies.marker.symbol, anomalies.marker.color) == (ANOMALY["symbol"], "#000000")
    (means,) = traces_named(figure, "component means")
    assert means.marker.symbol == CENTROID["symbol"]
    legend = [t for t in figure.data if t.showlegend is not False and t.name]
    (boundary,) = [t for t in legend if t.name == "decision boundary"]
    assert boundary.mode == "lines" and boundary.line.dash == "dash"
    # The line is dark, so it shows on the legend's white background and on the light shading.
    assert boundary.line.color == "#000000"
    # The shading is not viridis: light greys under the coloured points.
    shading = figure.data[0].colorscale
    assert all(color.startswith("#") and color[1:3] == color[3:5] for _, color in shading)


def test_the_density_figure_keeps_its_traces_for_every_k(X, curve):
    structures = []
    for k in (1, 3, 5):
        figure = figure_of(curve.model(k), X, max_components=10)
        structures.append([(trace.type, trace.name) for trace in figure.data])
        shown = [t.name for t in figure.data if t.name.startswith("component ") and t.showlegend]
        assert shown == [f"component {j}" for j in range(k)]
    assert structures[0] == structures[1] == structures[2]


def test_criteria_figure_marks_each_minimum_in_greys_not_cluster_colours(curve):
    figure = criteria_figure(curve)
    (best_bic,) = traces_named(figure, "lowest BIC")
    (best_aic,) = traces_named(figure, "lowest AIC")
    assert best_bic.x[0] == curve.n_components[np.argmin(curve.bic)]
    assert best_bic.y[0] == curve.bic.min()
    assert best_aic.y[0] == curve.aic.min()
    assert not {t.line.color for t in figure.data if t.mode == "lines+markers"} & set(PALETTE)
