"""Figures of the two k-means pages: Voronoi regions, choosing k, and Lloyd's steps.

Every function here is pure: arrays or a fitted estimator come in, a
``go.Figure`` goes out (for the step player, the plain data it draws). None
of them fits a model; the Voronoi figures only call ``predict`` on a grid to
paint each centroid's region.

Colours come from :mod:`figures.palette`, so cluster ``i`` has the same colour
here as on every other page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.palette import (
    CENTROID_COLOR,
    NOISE_GREY,
    cluster_color,
    cluster_marker,
    region_colorscale,
    with_alpha,
)

Box = tuple[tuple[float, float], tuple[float, float]]  # (x range, y range)
POINT_SIZE = 5
MAP_WIDTH = 600  # about the width in pixels of a map in the page's main column
GRID_RESOLUTION = 200
MARGIN = 0.1  # share of the data's extent added around it in the region plots


# --- building blocks ---------------------------------------------------------


def cluster_traces(
    X: np.ndarray,
    labels: np.ndarray,
    n_clusters: int,
    showlegend: bool = True,
    n_traces: int = 0,
) -> list[go.Scatter]:
    """One scatter trace per cluster ``0 .. n_clusters-1`` (empty clusters get an empty trace).

    ``n_traces`` pads the list with empty, legend-less traces up to that
    length, so that figures for different k have the same traces in the same
    order and the browser can update them in place.
    """
    return [
        go.Scatter(
            x=X[labels == cluster, 0],
            y=X[labels == cluster, 1],
            mode="markers",
            marker={"size": POINT_SIZE, "color": cluster_color(cluster)},
            name=f"cluster {cluster}",
            legendgroup=f"cluster {cluster}",
            showlegend=showlegend and cluster < n_clusters,
        )
        for cluster in range(max(n_clusters, n_traces))
    ]


def centroid_trace(centers: np.ndarray, name: str = "centroids") -> go.Scatter:
    """The centroids as large white discs with a black cross, visible on any region colour."""
    return go.Scatter(
        x=centers[:, 0],
        y=centers[:, 1],
        mode="markers",
        marker={
            "symbol": "circle-x",
            "size": 15,
            "color": "white",
            "line": {"color": CENTROID_COLOR, "width": 2},
        },
        name=name,
        hovertemplate="centroid %{customdata}<br>(%{x:.2f}, %{y:.2f})<extra></extra>",
        customdata=np.arange(len(centers)),
    )


def rings(x, y, size: int, name: str) -> go.Scatter:
    """Empty black circles drawn around the given points to single them out."""
    return go.Scatter(
        x=x,
        y=y,
        mode="markers",
        marker={"size": size, "color": "rgba(0,0,0,0)", "line": {"color": "black", "width": 1.5}},
        name=name,
        hoverinfo="skip",
    )


def padded_box(*arrays: np.ndarray) -> Box:
    """The ``(x range, y range)`` around all the given 2-D points, with a margin."""
    points = np.concatenate([np.asarray(a, dtype=float).reshape(-1, 2) for a in arrays])
    low, high = points.min(axis=0), points.max(axis=0)
    pad = MARGIN * np.maximum(high - low, 1e-9)
    low, high = low - pad, high + pad
    return (low[0], high[0]), (low[1], high[1])


def region_heatmap(model: Any, box: Box, n_clusters: int) -> go.Heatmap:
    """Each grid cell painted in a light version of the cluster ``model.predict`` gives it.

    For k-means the painted regions are the Voronoi cells of the centroids:
    every location belongs to the centroid nearest to it.
    """
    (x0, x1), (y0, y1) = box
    xs = np.linspace(x0, x1, GRID_RESOLUTION)
    ys = np.linspace(y0, y1, GRID_RESOLUTION)
    grid = np.column_stack([np.repeat(xs[None, :], len(ys), 0).ravel(), np.repeat(ys, len(xs))])
    # Small integers go to the browser as one byte each (k is at most a few dozen).
    regions = np.asarray(model.predict(grid)).astype(np.int8).reshape(len(ys), len(xs))
    return go.Heatmap(
        x=xs,
        y=ys,
        z=regions,
        zmin=-0.5,
        zmax=n_clusters - 0.5,
        colorscale=region_colorscale(n_clusters),
        showscale=False,
        hoverinfo="skip",
        name="regions",
    )


def map_layout(fig: go.Figure, box: Box, title: str = "") -> go.Figure:
    """Show exactly ``box`` at the same scale on both axes, the legend on top.

    Equal scales keep the Voronoi borders perpendicular to the segments
    between centroids; the height follows the box's shape so the plot fills
    its column instead of floating in white space.
    """
    (x0, x1), (y0, y1) = box
    height = int(np.clip(MAP_WIDTH * (y1 - y0) / (x1 - x0), 260, 640)) + 110
    fig.update_xaxes(range=[x0, x1], constrain="domain", showgrid=False)
    fig.update_yaxes(range=[y0, y1], scaleanchor="x", scaleratio=1, constrain="domain")
    fig.update_layout(
        title=title,
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.08, "yanchor": "top", "itemsizing": "constant"},
    )
    return fig


def equal_panels(fig: go.Figure, box: Box, n_cols: int) -> None:
    """Give every panel of a one-row subplot grid the same box, at equal scales."""
    for col in range(1, n_cols + 1):
        anchor = "x" if col == 1 else f"x{col}"
        fig.update_xaxes(range=box[0], constrain="domain", showgrid=False, row=1, col=col)
        fig.update_yaxes(
            range=box[1], scaleanchor=anchor, scaleratio=1, constrain="domain", row=1, col=col
        )


# --- page "k-means & Voronoi" ------------------------------------------------


def voronoi_figure(
    X: np.ndarray,
    model: Any,
    new_points: np.ndarray | None = None,
    title: str = "",
    max_clusters: int = 0,
) -> go.Figure:
    """Points coloured by cluster over the centroids' Voronoi regions, new instances as crosses.

    The traces are always the same, in the same order: the regions, one per
    cluster up to ``max_clusters`` (empty beyond k), the centroids, the new
    instances (empty when there are none). A change of k or of the new points
    then only changes the traces' data, which the browser updates in place.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        The training points; ``model.labels_`` gives their clusters.
    model : fitted KMeans
        Provides ``cluster_centers_``, ``labels_`` and ``predict``.
    new_points : ndarray of shape (n_new, 2), optional
        Instances to place on the map (the chapter's ``X_new``).
    max_clusters : int, optional
        The largest k the page offers: the number of cluster traces.
    """
    centers = np.asarray(model.cluster_centers_)
    n_clusters = len(centers)
    if new_points is None:
        new_points = np.empty((0, 2))
    box = padded_box(X, centers, new_points)
    fig = go.Figure([region_heatmap(model, box, n_clusters)])
    fig.add_traces(cluster_traces(X, np.asarray(model.labels_), n_clusters, n_traces=max_clusters))
    fig.add_trace(centroid_trace(centers))
    fig.add_trace(new_points_trace(new_points))
    return map_layout(fig, box, title)


def new_points_trace(points: np.ndarray) -> go.Scatter:
    """New instances as black crosses, numbered as in the table below the figure."""
    return go.Scatter(
        x=points[:, 0],
        y=points[:, 1],
        mode="markers+text",
        marker={
            "symbol": "x",
            "size": 14,
            "color": "black",
            "line": {"color": "white", "width": 1},
        },
        text=[str(i) for i in range(len(points))],
        textposition="top right",
        name="new instances",
    )


def score_by_k_figure(
    ks: Sequence[int], scores: Sequence[float], current_k: int, y_title: str
) -> go.Figure:
    """A score (inertia, silhouette) against the number of clusters, the current k ringed."""
    ks, scores = list(ks), list(scores)
    fig = go.Figure(
        go.Scatter(x=ks, y=scores, mode="lines+markers", name=y_title, line={"color": "#0072B2"})
    )
    if current_k in ks:
        fig.add_trace(
            rings([current_k], [scores[ks.index(current_k)]], size=16, name=f"k = {current_k}")
        )
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        showlegend=False,
        xaxis={"title": "k", "dtick": 1},
        yaxis={"title": y_title},
        title=f"{y_title} against k",
    )
    return fig


def silhouette_diagram(coefficients: np.ndarray, labels: np.ndarray, score: float) -> go.Figure:
    """Each cluster's silhouette coefficients, sorted, as a filled "knife"; the mean as a line.

    A good clustering has every knife reaching past the dashed mean line; a
    thin knife means a small cluster, a knife mostly left of the line one whose
    points sit nearly as close to a neighbouring cluster as to their own.
    """
    fig = go.Figure()
    bottom = 0
    gap = max(len(labels) // 100, 1)
    for cluster in np.unique(labels):
        values = np.sort(coefficients[labels == cluster])[::-1]
        ys = bottom + np.arange(len(values))
        fig.add_trace(
            go.Scatter(
                x=np.concatenate([[0], values, [0]]),
                y=np.concatenate([[ys[0]], ys, [ys[-1]]]),
                fill="toself",
                mode="lines",
                line={"width": 0.5, "color": cluster_color(int(cluster))},
                name=f"cluster {cluster}",
            )
        )
        bottom += len(values) + gap
    fig.add_vline(x=score, line={"dash": "dash", "color": "black"})
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title=f"Silhouette diagram (mean {score:.3f})",
        xaxis={"title": "silhouette coefficient", "range": [min(-0.1, coefficients.min()), 1]},
        yaxis={"showticklabels": False, "title": "points, grouped by cluster"},
        showlegend=False,
    )
    return fig


def partition_inertia(X: np.ndarray, groups: np.ndarray) -> float:
    """The inertia of a given grouping: squared distances from each point to its group's mean."""
    return float(
        sum(((X[groups == g] - X[groups == g].mean(axis=0)) ** 2).sum() for g in np.unique(groups))
    )


def failure_figure(X: np.ndarray, true_groups: np.ndarray, model: Any) -> go.Figure:
    """k-means' clusters and Voronoi regions (left) beside the groups the data came from (right)."""
    centers = np.asarray(model.cluster_centers_)
    n_clusters = len(centers)
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            f"k-means' clusters and regions (inertia {model.inertia_:.1f})",
            f"the true groups (inertia {partition_inertia(X, true_groups):.1f})",
        ),
        horizontal_spacing=0.04,
    )
    fig.add_trace(region_heatmap(model, padded_box(X, centers), n_clusters), row=1, col=1)
    for trace in cluster_traces(X, np.asarray(model.labels_), n_clusters):
        fig.add_trace(trace, row=1, col=1)
    fig.add_trace(centroid_trace(centers), row=1, col=1)
    n_groups = int(true_groups.max()) + 1
    for trace in cluster_traces(X, true_groups, n_groups, showlegend=False):
        fig.add_trace(trace, row=1, col=2)
    equal_panels(fig, padded_box(X, centers), n_cols=2)
    fig.update_layout(
        height=460,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.02, "yanchor": "top"},
    )
    return fig


# --- page "k-means step by step" ---------------------------------------------

STEP_ACTIONS = {
    "init": "centroids placed",
    "assign": "points assigned",
    "update": "centroids moved",
}
REGION_ALPHA = 0.18  # light enough that a point keeps its colour over its own region
DECIMALS = 5  # coordinates sent to the browser: far finer than a pixel


def labels_at(states: Sequence[Any], position: int) -> np.ndarray | None:
    """The labels in force at ``position``: those of the last state that has labels."""
    for state in reversed(states[: position + 1]):
        if state.labels is not None:
            return np.asarray(state.labels)
    return None


def changed_points(states: Sequence[Any], position: int) -> np.ndarray:
    """Boolean mask of the points an assign half-step at ``position`` moved to another cluster.

    Only an assign step changes labels; at any other position, and at the
    first assignment (there is nothing to change from), no point is marked.
    """
    state = states[position]
    previous = labels_at(states, position - 1) if position > 0 else None
    if state.phase != "assign" or previous is None:
        return np.zeros(0 if state.labels is None else len(state.labels), dtype=bool)
    return np.asarray(state.labels) != previous


def inertia_text(inertia: float) -> str:
    """The inertia as the page prints it: two decimals, a dash before the first assignment."""
    return "—" if np.isnan(inertia) else f"{inertia:.2f}"


def converged_message(last: Any) -> str:
    """What the player says at the last half-step of a run."""
    n = int(last.iteration)
    return (
        f"Converged after {n} iteration{'' if n == 1 else 's'}, "
        f"inertia {inertia_text(last.inertia)}."
    )


def plain(values: np.ndarray) -> list:
    """An array as nested lists of Python floats, rounded for a compact JSON."""
    return np.round(np.asarray(values, dtype=float), DECIMALS).tolist()


def half_steps(states: Sequence[Any]) -> tuple[list[dict], list[list[int]]]:
    """One plain dict per half-step, and the distinct labelings they point to.

    An update keeps the labels of the assign before it, so a labeling is
    stored once and each half-step names it by its index (None before the
    first assignment); this halves what the browser receives.
    """
    steps, labelings = [], []
    for position, state in enumerate(states):
        labels = labels_at(states, position)
        if labels is not None and (not labelings or labelings[-1] != labels.tolist()):
            labelings.append(labels.astype(int).tolist())
        steps.append(
            {
                "phase": state.phase,
                "iteration": int(state.iteration),
                "action": STEP_ACTIONS[state.phase],
                "centers": plain(state.centers),
                "inertia": None if np.isnan(state.inertia) else float(state.inertia),
                "inertia_text": inertia_text(state.inertia),
                "labeling": None if labels is None else len(labelings) - 1,
                "changed": np.flatnonzero(changed_points(states, position)).tolist(),
            }
        )
    return steps, labelings


def step_player_data(X: np.ndarray, states: Sequence[Any]) -> dict:
    """Every half-step of one run of Lloyd's algorithm, as plain JSON data for the step player.

    The step player (``components/step_player.js``) draws the points, the
    centroids' Voronoi regions, trails and the inertia chart itself, and steps
    through the half-steps in the browser, so it gets the whole run at once.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        The points.
    states : sequence of LloydState
        Every half-step of the run, as :func:`clustering.kmeans.lloyd_steps`
        yields them; the last one is where the run converged.

    Returns
    -------
    dict
        ``points`` (``[x, y]`` per sample); ``box`` (the x and y ranges that
        hold the points and every centroid position, with a margin);
        ``colors``, ``regions`` (the same colours, light), ``unassigned``,
        ``centroid`` (colours from the palette); ``steps`` (per half-step: its
        ``phase``, ``iteration``, ``action`` in words, ``centers``,
        ``inertia`` and ``inertia_text``, the index of its ``labeling``, and
        the indices of the points that ``changed`` cluster in it);
        ``labelings`` (the distinct label vectors); ``converged`` (the
        message for the last half-step).
    """
    n_clusters = len(states[0].centers)
    steps, labelings = half_steps(states)
    box = padded_box(X, *(np.asarray(state.centers) for state in states))
    return {
        "points": plain(X),
        "box": [[float(low), float(high)] for low, high in box],
        "colors": [cluster_color(i) for i in range(n_clusters)],
        "regions": [with_alpha(cluster_color(i), REGION_ALPHA) for i in range(n_clusters)],
        "unassigned": NOISE_GREY,
        "centroid": CENTROID_COLOR,
        "steps": steps,
        "labelings": labelings,
        "converged": converged_message(states[-1]),
    }


def restarts_figure(X: np.ndarray, runs: Sequence[Any], best: int) -> go.Figure:
    """Several k-means runs from different random starts, side by side, the best one marked.

    ``runs`` are the last states of the runs (``labels``, ``centers``,
    ``inertia``, as ``clustering.kmeans.best_of_runs`` returns them); ``best``
    is the index of the one ``n_init`` keeps.
    """
    titles = [
        f"{'★ kept · ' if i == best else ''}run {i + 1}: inertia {run.inertia:.1f}"
        for i, run in enumerate(runs)
    ]
    fig = make_subplots(rows=1, cols=len(runs), subplot_titles=titles, horizontal_spacing=0.02)
    for i, run in enumerate(runs, start=1):
        fig.add_trace(
            go.Scatter(
                x=X[:, 0],
                y=X[:, 1],
                mode="markers",
                marker={"size": 3, **cluster_marker(run.labels, len(run.centers))},
                hoverinfo="skip",
            ),
            row=1,
            col=i,
        )
        fig.add_trace(centroid_trace(np.asarray(run.centers)), row=1, col=i)
    equal_panels(fig, padded_box(X), n_cols=len(runs))
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False)
    fig.update_layout(
        height=200,
        showlegend=False,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        plot_bgcolor="white",
    )
    fig.update_annotations(font_size=12)
    return fig
