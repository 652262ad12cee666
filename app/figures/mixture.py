"""Figures and tables for the Gaussian-mixture page.

Pure functions: a fitted :class:`clustering.GaussianMixture` (and arrays) in, a
plotly figure or table rows out. They evaluate the model on a grid but never fit.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

from clustering import CriterionCurve, GaussianMixture
from clustering.mixture import as_matrix_stack
from figures.palette import CENTROID_COLOR, cluster_color

# The chapter shades -log density between 1 and 100 on a log scale.
NEG_LOG_DENSITY_RANGE = (1.0, 100.0)
NEG_LOG_DENSITY_TICKS = (1, 2, 5, 10, 20, 50, 100)
ANOMALY_COLOR = "#D62728"  # the chapter marks anomalies with red stars
# 150 x 150 cells of 3-4 px on the page draw smooth contours; 200 x 200 sent and
# contoured almost twice the data for no visible gain.
GRID_RESOLUTION = 150
MARGIN = 1.0
# Fixed room around the plot (px). Plotly's automatic margins let the colour
# bar, the legend and the plot resize one another; on wide data (the five blobs)
# they never agreed, and Plotly redrew the figure until it gave up ("Too many
# auto-margin redraws"), freezing the browser for seconds. With fixed margins
# there is nothing to negotiate: one draw.
PLOT_WIDTH = 520  # about the plot area's width in the page's wide column
MARGINS = {"l": 55, "r": 95, "t": 10}  # y tick labels; colour bar with its ticks and title
AXIS_TITLE_ROOM = 45  # x tick labels and title under the plot
LEGEND_ROW = 24
LEGEND_PER_ROW = 4


def grid_around(X: np.ndarray, resolution: int = GRID_RESOLUTION, margin: float = MARGIN):
    """The axes of a square grid covering ``X`` plus ``margin`` on every side."""
    low = X.min(axis=0) - margin
    high = X.max(axis=0) + margin
    return np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution)


def full_covariances(model: GaussianMixture) -> np.ndarray:
    """Every covariance type written out as one (d, d) matrix per component."""
    return as_matrix_stack(model.covariances_, model.covariance_type, *model.means_.shape)


def parameter_rows(model: GaussianMixture) -> list[dict[str, float | int]]:
    """One row per component: weight, mean and the covariance entries (2-D data)."""
    rows = []
    for component, (weight, mean, covariance) in enumerate(
        zip(model.weights_, model.means_, full_covariances(model), strict=True)
    ):
        rows.append(
            {
                "component": component,
                "weight": float(weight),
                "mean x₁": float(mean[0]),
                "mean x₂": float(mean[1]),
                "var x₁": float(covariance[0, 0]),
                "cov x₁x₂": float(covariance[0, 1]),
                "var x₂": float(covariance[1, 1]),
            }
        )
    return rows


def _density_contours(xs, ys, neg_log_density) -> go.Contour:
    """Filled contours of -log density, coloured on a log scale like the chapter's figure."""
    low, high = NEG_LOG_DENSITY_RANGE
    z = np.log10(np.clip(neg_log_density, low, high)).astype(np.float32)
    ticks = np.array(NEG_LOG_DENSITY_TICKS, dtype=float)
    return go.Contour(
        x=xs,
        y=ys,
        z=z,
        colorscale="Viridis",
        contours=dict(start=np.log10(low), end=np.log10(high), size=np.log10(high / low) / 11),
        line=dict(width=0.5, color="rgba(255,255,255,0.4)"),
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
        name="−log density",
    )


def _boundaries(xs, ys, labels: np.ndarray, n_components: int) -> list[go.Contour]:
    """Dashed lines where the most likely component changes: one outline per region."""
    return [
        go.Contour(
            x=xs,
            y=ys,
            z=(labels == component).astype(np.int8),
            contours=dict(start=0.5, end=0.5, size=1, coloring="none"),
            line=dict(color="white", dash="dash", width=2),
            showscale=False,
            hoverinfo="skip",
            showlegend=component == 0,
            legendgroup="boundary",
            name="decision boundary",
        )
        for component in range(n_components)
    ]


def _points(X: np.ndarray, proba: np.ndarray) -> list[go.Scatter]:
    """The data, one trace per most likely component; hovering shows ``predict_proba``."""
    lines = "<br>".join(
        f"P(component {j}) = %{{customdata[{j}]:.3f}}" for j in range(proba.shape[1])
    )
    labels = proba.argmax(axis=1)
    return [
        go.Scatter(
            x=X[labels == component, 0],
            y=X[labels == component, 1],
            mode="markers",
            marker=dict(color=cluster_color(component), size=5, line=dict(width=0.5)),
            customdata=proba[labels == component],
            hovertemplate=f"x₁ = %{{x:.2f}}, x₂ = %{{y:.2f}}<br>{lines}<extra></extra>",
            name=f"component {component}",
        )
        for component in range(proba.shape[1])
    ]


def _means(means: np.ndarray) -> go.Scatter:
    return go.Scatter(
        x=means[:, 0],
        y=means[:, 1],
        mode="markers",
        marker=dict(symbol="x", size=14, color=CENTROID_COLOR, line=dict(width=2, color="white")),
        hovertemplate="mean of component %{customdata}<extra></extra>",
        customdata=np.arange(len(means)),
        name="component means",
    )


def _anomalies(X: np.ndarray) -> go.Scatter:
    return go.Scatter(
        x=X[:, 0],
        y=X[:, 1],
        mode="markers",
        marker=dict(symbol="star", size=13, color=ANOMALY_COLOR, line=dict(width=1, color="white")),
        hovertemplate="anomaly: x₁ = %{x:.2f}, x₂ = %{y:.2f}<extra></extra>",
        name=f"anomalies ({len(X)})",
    )


def _samples(X_new: np.ndarray, y_new: np.ndarray) -> list[go.Scatter]:
    """Points drawn from the model, as diamonds in the colour of the component that made them."""
    components = [int(component) for component in np.unique(y_new)]
    return [
        go.Scatter(
            x=X_new[y_new == component, 0],
            y=X_new[y_new == component, 1],
            mode="markers",
            marker=dict(
                symbol="diamond",
                size=7,
                color=cluster_color(component),
                opacity=0.85,
                line=dict(width=1, color="black"),
            ),
            hovertemplate=f"sampled from component {component}<extra></extra>",
            legendgroup="sampled",
            showlegend=component == components[0],
            name=f"sampled ({len(X_new)})",
        )
        for component in components
    ]


class DensityGrid(NamedTuple):
    """A fitted mixture evaluated on a grid: what the contours and boundaries are drawn from."""

    xs: np.ndarray
    ys: np.ndarray
    neg_log_density: np.ndarray  # (len(ys), len(xs))
    labels: np.ndarray  # most likely component, same shape


def evaluate_on_grid(
    model: GaussianMixture, X: np.ndarray, resolution: int = GRID_RESOLUTION
) -> DensityGrid:
    """The model's −log density and most likely component on a grid covering ``X``."""
    xs, ys = grid_around(X, resolution)
    xx, yy = np.meshgrid(xs, ys)
    points = np.column_stack([xx.ravel(), yy.ravel()])
    neg_log_density = -model.score_samples(points).reshape(xx.shape)
    return DensityGrid(xs, ys, neg_log_density, model.predict(points).reshape(xx.shape))


def density_figure(
    model: GaussianMixture,
    X: np.ndarray,
    *,
    grid: DensityGrid | None = None,
    anomalies: np.ndarray | None = None,
    samples: tuple[np.ndarray, np.ndarray] | None = None,
) -> go.Figure:
    """The chapter's mixture figure: density contours, decision boundaries and means.

    Parameters
    ----------
    model : GaussianMixture
        Fitted on 2-D data.
    X : ndarray of shape (n_samples, 2)
        The training data, drawn coloured by most likely component.
    grid : DensityGrid, optional
        ``evaluate_on_grid(model, X)``, if the caller already has it (it is the
        costly part, worth caching).
    anomalies : ndarray of bool, shape (n_samples,), optional
        Which points to mark as anomalies (red stars).
    samples : (X_new, y_new), optional
        Points drawn from the model, overlaid as diamonds in their component's colour.
    """
    xs, ys, neg_log_density, labels = grid if grid is not None else evaluate_on_grid(model, X)
    traces = [_density_contours(xs, ys, neg_log_density)]
    traces += _boundaries(xs, ys, labels, model.n_components)
    traces += _points(X, model.predict_proba(X))
    if samples is not None and len(samples[0]):
        traces += _samples(*samples)
    if anomalies is not None and anomalies.any():
        traces.append(_anomalies(X[anomalies]))
    traces.append(_means(model.means_))
    figure = go.Figure(traces)
    figure.update_layout(density_layout(xs, ys, n_legend_entries(traces)))
    return figure


def n_legend_entries(traces: list) -> int:
    """How many entries the figure's legend shows."""
    return sum(1 for trace in traces if trace.showlegend is not False and trace.name)


def density_layout(xs: np.ndarray, ys: np.ndarray, legend_entries: int) -> dict:
    """Equal scales, the plot as tall as the data's shape asks, every margin fixed.

    The height follows the grid's aspect ratio, so with equal scales the plot
    fills its area and the colour bar (as long as the plot area) lines up with
    it. The legend sits in the bottom margin, which is made tall enough for
    its rows; nothing is left to Plotly's automatic margins.
    """
    aspect = (ys[-1] - ys[0]) / (xs[-1] - xs[0])
    plot_height = int(np.clip(PLOT_WIDTH * aspect, 260, 640))
    legend_rows = -(-legend_entries // LEGEND_PER_ROW)
    bottom = AXIS_TITLE_ROOM + LEGEND_ROW * legend_rows
    return dict(
        height=plot_height + MARGINS["t"] + bottom,
        margin=dict(**MARGINS, b=bottom, autoexpand=False),
        xaxis=dict(title="x₁", range=[xs[0], xs[-1]]),
        yaxis=dict(title="x₂", range=[ys[0], ys[-1]], scaleanchor="x", scaleratio=1),
        legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, x=0),
        hovermode="closest",
    )


def criteria_figure(curve: CriterionCurve) -> go.Figure:
    """BIC and AIC against the number of components, each minimum marked with a star."""
    figure = go.Figure()
    for name, values, best, color in (
        ("BIC", curve.bic, curve.best_bic, cluster_color(4)),
        ("AIC", curve.aic, curve.best_aic, cluster_color(5)),
    ):
        figure.add_scatter(
            x=curve.n_components,
            y=values,
            mode="lines+markers",
            name=name,
            line=dict(color=color),
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
    return figure
