"""Figures and tables for the Gaussian-mixture page.

Pure functions: results in (the points' ``predict_proba``, the means, the
density and most likely component over a grid, the fitted parameters), a
plotly figure or table rows out. The page evaluates the model; nothing here
fits or evaluates one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

from clustering import CriterionCurve, GaussianMixture
from clustering.mixture import as_matrix_stack
from figures.contours import region_borders
from figures.grid import Grid
from figures.palette import (
    ANOMALY,
    CENTROID,
    CENTROID_COLOR,
    CURVE_COLOR,
    DENSITY_SCALE,
    NOISE_GREY,
    POINT_RIM,
    SECOND_CURVE_COLOR,
    stepped_colorscale,
)
from figures.theme import POINT_SIZE, themed

# The chapter shades -log density between 1 and 100 on a log scale.
NEG_LOG_DENSITY_RANGE = (1.0, 100.0)
NEG_LOG_DENSITY_TICKS = (1, 2, 5, 10, 20, 50, 100)
# 150 x 150 cells of 3-4 px on the page shade smoothly; 200 x 200 sent and
# painted almost twice the data for no visible gain.
GRID_RESOLUTION = 150
N_BANDS = 11  # grey bands of the shading between NEG_LOG_DENSITY_RANGE's ends
# The browser blends the colours of neighbouring grid points when it scales the
# shading up, which softens each band's staircase edge into a smooth one.
SHADING_SMOOTHING = "fast"
# Share of the data's extent shaded around it: far enough that the shading has mostly
# faded to white at its edge, so where the page's column is narrower than PLOT_WIDTH and
# equal scales show more than the grid, the white beyond it looks the same.
MARGIN = 0.5
# The shaded area's shape (height / width), whatever the data: the chapter's sets
# span 0.50 (five blobs) to 0.77 (the ellipsoidal blobs, the page's first). One
# shape keeps the chart's height when the data set changes (resizing a chart costs
# about as much as drawing it again).
GRID_SHAPE = 0.75
BOUNDARY_LINE = {"color": CENTROID_COLOR, "dash": "dash", "width": 2}
# Fixed room around the plot (px). Plotly's automatic margins let the colour
# bar, the legend and the plot resize one another; on wide data (the five blobs)
# they never agreed, and Plotly redrew the figure until it gave up ("Too many
# auto-margin redraws"), freezing the browser for seconds. With fixed margins
# there is nothing to negotiate: one draw.
PLOT_WIDTH = 520  # about the plot area's width in the page's wide column
MARGINS = {"l": 60, "r": 105, "t": 10}  # y tick labels; colour bar with its ticks and title
AXIS_TITLE_ROOM = 55  # x tick labels and title under the plot
LEGEND_ROW = 28
LEGEND_PER_ROW = 2  # entries a legend row holds at the theme's font in the page's column


class DensityGrid(NamedTuple):
    """A fitted mixture evaluated on a grid: what the shading and boundaries are drawn from."""

    grid: Grid
    neg_log_density: np.ndarray  # (len(ys), len(xs))
    labels: np.ndarray  # most likely component, same shape


def full_covariances(model: GaussianMixture) -> np.ndarray:
    """Every covariance type written out as one (d, d) matrix per component."""
    return as_matrix_stack(model.covariances_, model.covariance_type, *model.means_.shape)


SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def feature_names(n_features: int) -> list[str]:
    """x₁, x₂, ... for the columns of the parameter table."""
    return [f"x{str(j + 1).translate(SUBSCRIPT_DIGITS)}" for j in range(n_features)]


def parameter_rows(model: GaussianMixture) -> list[dict[str, float | int]]:
    """One row per component: its weight, and its mean and variance along every feature.

    With two features the row also holds their covariance, between the two
    variances; with more, the table would need one column per pair, so it
    keeps the variances only.
    """
    names = feature_names(model.means_.shape[1])
    rows = []
    for component, (weight, mean, covariance) in enumerate(
        zip(model.weights_, model.means_, full_covariances(model), strict=True)
    ):
        spread = {
            f"var {name}": float(v) for name, v in zip(names, np.diag(covariance), strict=True)
        }
        if len(names) == 2:
            spread = {
                "var x₁": spread["var x₁"],
                "cov x₁x₂": float(covariance[0, 1]),
                "var x₂": spread["var x₂"],
            }
        means = {f"mean {name}": float(m) for name, m in zip(names, mean, strict=True)}
        rows.append({"component": component, "weight": float(weight), **means, **spread})
    return rows


def density_bands() -> list[list[float | str]]:
    """The shading's colorscale: :data:`N_BANDS` flat greys, dense dark to sparse white.

    Each band takes :data:`DENSITY_SCALE`'s grey at its middle, so a heatmap
    drawn with it looks like filled contours at the band edges.
    """
    stops = np.array([stop for stop, _ in DENSITY_SCALE])
    greys = np.array([int(color[1:3], 16) for _, color in DENSITY_SCALE], dtype=float)
    middles = (np.arange(N_BANDS) + 0.5) / N_BANDS
    return stepped_colorscale(
        [
            f"#{value:02X}{value:02X}{value:02X}"
            for value in np.interp(middles, stops, greys).round().astype(int)
        ]
    )


def _density_shading(density: DensityGrid) -> go.Heatmap:
    """−log density on a log scale in flat bands of grey, dense dark to sparse white.

    A heatmap whose colours the browser smooths between grid points: the band
    edges come out as smooth as filled contours, at a fraction of the drawing cost.
    """
    low, high = NEG_LOG_DENSITY_RANGE
    z = np.log10(np.clip(density.neg_log_density, low, high)).astype(np.float32)
    ticks = np.array(NEG_LOG_DENSITY_TICKS, dtype=float)
    return go.Heatmap(
        x=density.grid.xs.astype(np.float32),
        y=density.grid.ys.astype(np.float32),
        z=z,
        zmin=np.log10(low),
        zmax=np.log10(high),
        zsmooth=SHADING_SMOOTHING,
        colorscale=density_bands(),
        colorbar=dict(
            title=dict(text="−log density", side="right"),
            thickness=14,
            len=1,
            lenmode="fraction",
            x=1.02,
            xanchor="left",
            tickvals=np.log10(ticks),
            ticktext=[f"{tick:g}" for tick in ticks],
        ),
        hoverinfo="skip",
        showlegend=False,
        name="−log density",
    )


def _boundaries(density: DensityGrid, n_components: int) -> go.Scatter:
    """Dashed black lines where the most likely component changes, each drawn once.

    One trace of lines computed here (:func:`figures.contours.region_borders`),
    whatever k: the browser only draws them. It is also the legend's entry.
    """
    x, y = region_borders(density.labels, density.grid, n_components)
    return go.Scatter(
        x=x.astype(np.float32),
        y=y.astype(np.float32),
        mode="lines",
        line=BOUNDARY_LINE,
        hoverinfo="skip",
        name="decision boundary",
    )


def _points(
    X: np.ndarray, proba: np.ndarray, colors: Sequence[str], n_traces: int
) -> list[go.Scattergl]:
    """The data, one trace per most likely component; hovering shows ``predict_proba``.

    Padded to ``n_traces`` (empty, legend-less traces beyond k). Drawn with
    WebGL: as SVG, every point is a page element the browser rebuilds whenever
    the figure changes, which cost most of a control's redraw.
    """
    lines = "<br>".join(
        f"P(component {j}) = %{{customdata[{j}]:.3f}}" for j in range(proba.shape[1])
    )
    labels = proba.argmax(axis=1)
    n_components = proba.shape[1]
    return [
        go.Scattergl(
            x=X[labels == component, 0],
            y=X[labels == component, 1],
            mode="markers",
            marker=dict(
                color=colors[component] if component < n_components else NOISE_GREY,
                size=POINT_SIZE,
                line=POINT_RIM,
            ),
            customdata=proba[labels == component].astype(np.float32),  # hover shows 3 decimals
            hovertemplate=f"x₁ = %{{x:.2f}}, x₂ = %{{y:.2f}}<br>{lines}<extra></extra>",
            name=f"component {component}",
            showlegend=component < n_components,
        )
        for component in range(max(n_components, n_traces))
    ]


# The marks drawn over the points are WebGL too: the browser draws every WebGL
# trace above every SVG one, so an SVG mark would hide under the points.


def _means(means: np.ndarray) -> go.Scattergl:
    return go.Scattergl(
        x=means[:, 0],
        y=means[:, 1],
        mode="markers",
        marker=CENTROID,
        hovertemplate="mean of component %{customdata}<extra></extra>",
        customdata=np.arange(len(means)),
        name="component means",
    )


def _anomalies(X: np.ndarray) -> go.Scattergl:
    return go.Scattergl(
        x=X[:, 0],
        y=X[:, 1],
        mode="markers",
        marker=ANOMALY,
        hovertemplate="anomaly: x₁ = %{x:.2f}, x₂ = %{y:.2f}<extra></extra>",
        name=f"anomalies ({len(X)})",
        showlegend=len(X) > 0,
    )


def _samples(X_new: np.ndarray, y_new: np.ndarray, colors: Sequence[str]) -> go.Scattergl:
    """Points drawn from the model, as diamonds in the colour of the component that made them."""
    return go.Scattergl(
        x=X_new[:, 0],
        y=X_new[:, 1],
        mode="markers",
        marker=dict(
            symbol="diamond",
            size=POINT_SIZE + 2,
            opacity=0.85,
            color=np.asarray(y_new).astype(np.int16),
            colorscale=stepped_colorscale(colors),
            cmin=-0.5,
            cmax=len(colors) - 0.5,
            line=dict(width=1, color="black"),
        ),
        customdata=y_new,
        hovertemplate="sampled from component %{customdata}<extra></extra>",
        name=f"sampled ({len(X_new)})",
        showlegend=False,
    )


def _samples_legend(n_samples: int) -> go.Scatter:
    """The legend entry of the sampled points: a diamond in neutral grey (their colours vary)."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker=dict(symbol="diamond", size=POINT_SIZE + 2, color=NOISE_GREY,
                    line=dict(width=1, color="black")),
        name=f"sampled ({n_samples})",
        showlegend=n_samples > 0,
        hoverinfo="skip",
    )  # fmt: skip


def density_figure(
    X: np.ndarray,
    proba: np.ndarray,
    means: np.ndarray,
    colors: Sequence[str],
    density: DensityGrid,
    *,
    anomalies: np.ndarray | None = None,
    samples: tuple[np.ndarray, np.ndarray] | None = None,
    max_components: int = 0,
    axis_titles: tuple[str, str] = ("x₁", "x₂"),
) -> go.Figure:
    """The chapter's mixture figure: density shading, decision boundaries, points and means.

    The traces are the same for every k up to ``max_components`` and whether
    or not there are anomalies or samples, so the browser updates in place.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        The training data, drawn coloured by most likely component.
    proba : ndarray of shape (n_samples, k)
        The model's ``predict_proba(X)``.
    means : ndarray of shape (k, 2)
        The components' means.
    colors : sequence of k colours
        Component ``j``'s colour.
    density : DensityGrid
        The model's −log density and most likely component over a grid.
    anomalies : ndarray of bool, shape (n_samples,), optional
        Which points to mark as anomalies (the app's anomaly cross).
    samples : (X_new, y_new), optional
        Points drawn from the model, overlaid as diamonds in their component's colour.
    max_components : int, optional
        The largest k the page offers.
    axis_titles : (str, str), optional
        What the axes measure: the two features, or the principal components
        a picture of more features is drawn on.
    """
    n_traces = max(max_components, len(means))
    if anomalies is None:
        anomalies = np.zeros(len(X), dtype=bool)
    if samples is None:
        samples = (np.empty((0, 2)), np.empty(0, dtype=int))
    traces = [_density_shading(density), _boundaries(density, len(means))]
    traces += _points(X, proba, colors, n_traces)
    traces += [_samples(*samples, colors), _samples_legend(len(samples[0]))]
    traces += [_anomalies(X[anomalies]), _means(means)]
    figure = go.Figure(traces)
    figure.update_layout(density_layout(density.grid, n_legend_entries(traces), axis_titles))
    return themed(figure)


def n_legend_entries(traces: list) -> int:
    """How many entries the figure's legend shows."""
    return sum(1 for trace in traces if trace.showlegend is not False and trace.name)


def density_layout(
    grid: Grid, legend_entries: int, axis_titles: tuple[str, str] = ("x₁", "x₂")
) -> dict:
    """Equal scales, the plot as tall as the data's shape asks, every margin fixed.

    The height follows the grid's aspect ratio, so with equal scales the plot
    fills its area and the colour bar (as long as the plot area) lines up with
    it. The legend sits in the bottom margin, which is made tall enough for
    its rows; nothing is left to Plotly's automatic margins.
    """
    xs, ys = grid
    aspect = (ys[-1] - ys[0]) / (xs[-1] - xs[0])
    plot_height = int(np.clip(PLOT_WIDTH * aspect, 260, 640))
    legend_rows = -(-legend_entries // LEGEND_PER_ROW)
    bottom = AXIS_TITLE_ROOM + LEGEND_ROW * legend_rows
    return dict(
        height=plot_height + MARGINS["t"] + bottom,
        margin=dict(**MARGINS, b=bottom, autoexpand=False),
        xaxis=dict(title=axis_titles[0], range=[xs[0], xs[-1]], showgrid=False),
        yaxis=dict(
            title=axis_titles[1],
            range=[ys[0], ys[-1]],
            scaleanchor="x",
            scaleratio=1,
            showgrid=False,
        ),
        plot_bgcolor="white",
        legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0),
        hovermode="closest",
    )


def criteria_figure(curve: CriterionCurve) -> go.Figure:
    """BIC and AIC against the number of components, each minimum marked with a star."""
    figure = go.Figure()
    for name, values, best, color in (
        ("BIC", curve.bic, curve.best_bic, CURVE_COLOR),
        ("AIC", curve.aic, curve.best_aic, SECOND_CURVE_COLOR),
    ):
        figure.add_scatter(
            x=curve.n_components,
            y=values,
            mode="lines+markers",
            name=name,
            line=dict(color=color, width=2, dash="solid" if name == "BIC" else "dash"),
            hovertemplate=f"k = %{{x}}<br>{name} = %{{y:.1f}}<extra></extra>",
        )
        best_value = values[list(curve.n_components).index(best)]
        figure.add_scatter(
            x=[best],
            y=[best_value],
            mode="markers",
            marker=dict(symbol="star", size=18, color=color, line=dict(width=1, color="black")),
            name=f"lowest {name}: k = {best}",
            hovertemplate=f"lowest {name} at k = %{{x}}<extra></extra>",
        )
    figure.update_layout(
        height=360,
        margin=dict(l=10, r=10, t=30, b=10),
        xaxis=dict(title="number of components k", dtick=1),
        yaxis=dict(title="criterion (lower is better)"),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0),
    )
    return themed(figure)
