"""Figures of the two k-means pages: Voronoi regions, choosing k, and Lloyd's steps.

Every function here is pure: results come in (points, labels, centroids, the
clusters predicted over a grid, the colour of each cluster), a ``go.Figure``
goes out (for the step player, the plain data it draws). None of them fits or
evaluates a model: the pages predict the regions in their cached compute
functions and pass the arrays.

Colours come from :mod:`figures.palette`: each figure gets ``colors``, the
colour of each cluster number, so the same clusters have the same colours on
every page.

Points, centroids and new instances are WebGL traces (``go.Scattergl``). As
SVG, every point is an element of the page, and a change of k or of the seed
redrew some 10,000 attributes: about 160 ms of the browser's time for the
five blobs' 2,000 points, against about 50 ms on one WebGL canvas. Marks that
must show above the points are WebGL traces too, because the WebGL canvas
lies over the figure's SVG layer. Curves with a handful of points stay SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.grid import Box, Grid, padded_box, shaped
from figures.palette import (
    CENTROID,
    CENTROID_COLOR,
    CURVE_COLOR,
    NEW_POINT,
    NOISE_GREY,
    POINT_RIM,
    REGION_ALPHA,
    cluster_marker,
    region_colorscale,
    with_alpha,
)
from figures.theme import POINT_SIZE, SMALL_POINT_SIZE, themed

MAP_WIDTH = 600  # about the width in pixels of a map in the page's main column
RESTARTS_WIDTH = 860  # about the width in pixels of the restarts panels, all together
REGION_RESOLUTION = 200  # grid points along the longer side of a region map
LABEL_SHIFT = 18  # pixels between a new instance and its number
LEGEND_ROOM = 60  # pixels under a map for its legend, below the x tick labels
# One shape (height / width) for the Voronoi map, and one for the restarts
# panels, whatever the data: a map as tall as its data changes height with the
# data set, and the browser then resizes the WebGL chart, which costs about as
# much again as drawing it. Panels in rows of two or three are narrow: taller.
MAP_SHAPE = 0.55
PANEL_SHAPE = 0.7
# Fixed room for a map's tick labels. Plotly's automatic margins measure the
# labels once drawn and, when they need room, draw the whole figure again: on a
# change of data set that second pass cost the browser 80-190 ms.
TICK_ROOM_LEFT = 45  # pixels: a y label such as "−0.5" in the tick font
TICK_ROOM_BELOW = 30  # pixels: one row of x labels
# Map axes are numbers: said outright, Plotly skips guessing each axis's type
# from the data (it tried every value as a date: ~40 ms for the restarts panels).
LINEAR = {"type": "linear"}
# Points drawn in each restarts panel: a panel is about 280 px wide, where a
# few hundred points show the clusters as well as thousands (2,000 points in
# each of six panels took the step page well over its 250 ms budget).
RESTART_PANEL_POINTS = 500


def screen_coordinates(values: np.ndarray) -> np.ndarray:
    """Coordinates as float32: far finer than a pixel, half the bytes on the way to the browser."""
    return np.asarray(values, dtype=np.float32)


# --- building blocks ---------------------------------------------------------


def cluster_traces(
    X: np.ndarray,
    labels: np.ndarray,
    colors: Sequence[str],
    showlegend: bool = True,
    n_traces: int = 0,
) -> list[go.Scattergl]:
    """One scatter trace per cluster ``0 .. len(colors)-1`` (empty clusters get an empty trace).

    ``n_traces`` pads the list with empty, legend-less traces up to that
    length, so that figures for different k have the same traces in the same
    order and the browser can update them in place.
    """
    n_clusters = len(colors)
    return [
        go.Scattergl(
            x=X[labels == cluster, 0],
            y=X[labels == cluster, 1],
            mode="markers",
            marker={
                "size": POINT_SIZE,
                "color": colors[cluster] if cluster < n_clusters else NOISE_GREY,
                "line": POINT_RIM,
            },
            name=f"cluster {cluster}",
            legendgroup=f"cluster {cluster}",
            showlegend=showlegend and cluster < n_clusters,
        )
        for cluster in range(max(n_clusters, n_traces))
    ]


def centroid_trace(centers: np.ndarray, name: str = "centroids") -> go.Scattergl:
    """The centroids as white discs with a black cross, visible on any region colour."""
    return go.Scattergl(
        x=centers[:, 0],
        y=centers[:, 1],
        mode="markers",
        marker=CENTROID,
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
        marker={"size": size, "color": "rgba(0,0,0,0)", "line": {"color": "black", "width": 2}},
        name=name,
        hoverinfo="skip",
    )


def region_heatmap(grid: Grid, regions: np.ndarray, colors: Sequence[str]) -> go.Heatmap:
    """Each grid cell painted in a light version of the colour of the cluster it belongs to.

    ``regions[i, j]`` is the cluster of grid point ``(grid.xs[j], grid.ys[i])``
    (for k-means, that of the nearest centroid: the Voronoi cells); a negative
    value leaves the cell blank.
    """
    colors = list(colors) or [NOISE_GREY]  # no cluster (all noise): a scale is still needed
    # Small integers go to the browser as one byte each (k is at most a few dozen).
    z = np.asarray(regions).astype(np.float32 if np.any(regions < 0) else np.int8)
    if z.dtype == np.float32:
        z[z < 0] = np.nan
    return go.Heatmap(
        x=grid.xs,
        y=grid.ys,
        z=z,
        zmin=-0.5,
        zmax=len(colors) - 0.5,
        colorscale=region_colorscale(colors),
        showscale=False,
        hoverinfo="skip",
        name="regions",
    )


def map_layout(fig: go.Figure, box: Box, title: str = "") -> go.Figure:
    """Show exactly ``box`` at the same scale on both axes, the legend under the x ticks.

    Equal scales keep the Voronoi borders perpendicular to the segments
    between centroids; the height follows the box's shape so the plot fills
    its column instead of floating in white space. The margins are fixed (see
    :data:`TICK_ROOM_LEFT`), so a new figure is drawn in one pass.
    """
    (x0, x1), (y0, y1) = box
    height = int(np.clip(MAP_WIDTH * (y1 - y0) / (x1 - x0), 200, 640)) + 40 + LEGEND_ROOM
    fig.update_xaxes(LINEAR, range=[x0, x1], constrain="domain", showgrid=False, automargin=False)
    fig.update_yaxes(
        LINEAR, range=[y0, y1], scaleanchor="x", scaleratio=1, constrain="domain", automargin=False
    )
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        height=height + TICK_ROOM_BELOW,
        margin={
            "l": TICK_ROOM_LEFT,
            "r": 10,
            "t": 40 if title else 10,
            "b": LEGEND_ROOM + TICK_ROOM_BELOW,
        },
        plot_bgcolor="white",
        legend=below_legend(),
    )
    return themed(fig)


def below_legend(itemsizing: str = "constant") -> dict:
    """A horizontal legend at the very bottom of the figure, clear of the x tick labels.

    ``itemsizing="trace"`` shows each marker at its own size (where size means something).
    """
    return {
        "orientation": "h",
        "yref": "container",
        "y": 0,
        "yanchor": "bottom",
        "x": 0,
        "itemsizing": itemsizing,
    }


def equal_panels(fig: go.Figure, box: Box, n_panels: int, n_cols: int) -> None:
    """Give every panel of a subplot grid the same box, at equal scales."""
    for panel in range(n_panels):
        row, col = divmod(panel, n_cols)
        anchor = "x" if panel == 0 else f"x{panel + 1}"
        fig.update_xaxes(
            LINEAR, range=box[0], constrain="domain", showgrid=False, row=row + 1, col=col + 1
        )
        fig.update_yaxes(
            LINEAR,
            range=box[1],
            scaleanchor=anchor,
            scaleratio=1,
            constrain="domain",
            row=row + 1,
            col=col + 1,
        )


# --- page "k-means & Voronoi" ------------------------------------------------


def voronoi_figure(
    X: np.ndarray,
    labels: np.ndarray,
    centers: np.ndarray,
    grid: Grid,
    regions: np.ndarray,
    colors: Sequence[str],
    new_points: np.ndarray | None = None,
    title: str = "",
    max_clusters: int = 0,
) -> go.Figure:
    """Points coloured by cluster over the centroids' Voronoi regions, new instances as stars.

    The traces are always the same, in the same order: the regions, one per
    cluster up to ``max_clusters`` (empty beyond k), the centroids, the new
    instances (empty when there are none). A change of k or of the new points
    then only changes the traces' data, which the browser updates in place.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        The training points.
    labels : ndarray of shape (n_samples,)
        Their clusters (``labels_``).
    centers : ndarray of shape (k, 2)
        The centroids (``cluster_centers_``).
    grid, regions : Grid and ndarray of shape (len(grid.ys), len(grid.xs))
        The cluster ``predict`` gives each grid point; the grid covers the map.
    colors : sequence of k colours
        Cluster ``i``'s colour.
    new_points : ndarray of shape (n_new, 2), optional
        Instances to place on the map (the chapter's ``X_new``), numbered from 0.
    max_clusters : int, optional
        The largest k the page offers: the number of cluster traces.
    """
    if new_points is None:
        new_points = np.empty((0, 2))
    fig = go.Figure([region_heatmap(grid, regions, colors)])
    fig.add_traces(cluster_traces(X, labels, colors, n_traces=max_clusters))
    fig.add_trace(centroid_trace(centers))
    fig.add_trace(new_points_trace(new_points))
    fig.update_layout(annotations=new_point_numbers(new_points, centers))
    box = ((grid.xs[0], grid.xs[-1]), (grid.ys[0], grid.ys[-1]))
    return map_layout(fig, box, title)


def new_points_trace(points: np.ndarray) -> go.Scattergl:
    """New instances as black stars (their numbers are annotations, see below)."""
    return go.Scattergl(
        x=points[:, 0],
        y=points[:, 1],
        mode="markers",
        marker=NEW_POINT,
        name="new instances",
        customdata=np.arange(len(points)),
        hovertemplate="new instance %{customdata}<br>(%{x:.2f}, %{y:.2f})<extra></extra>",
    )


def new_point_numbers(points: np.ndarray, centers: np.ndarray | None = None) -> list[dict]:
    """Each new instance's number on a white label, set on the side away from its nearest centroid.

    Labels are drawn above every trace (WebGL ones included, whose own text
    would make the browser read pixels back), and pushing each one away from
    the nearest centroid keeps it off the centroid's marker. Without centroids
    each number sits above and to the right of its point.
    """
    numbers = []
    for number, point in enumerate(np.asarray(points, dtype=float)):
        if centers is None or len(centers) == 0:
            away = np.array([0.7, 0.7])
        else:
            away = point - centers[np.argmin(((centers - point) ** 2).sum(axis=1))]
        length = np.hypot(*away)
        dx, dy = away / length if length > 0 else (-0.7, -0.7)
        numbers.append(
            {
                "x": point[0],
                "y": point[1],
                "text": f"<b>{number}</b>",
                "showarrow": False,
                "xshift": LABEL_SHIFT * dx,
                "yshift": LABEL_SHIFT * dy,
                "bgcolor": "rgba(255,255,255,0.85)",
                "borderpad": 1,
            }
        )
    return numbers


def score_by_k_figure(
    ks: Sequence[int], scores: Sequence[float], current_k: int, y_title: str
) -> go.Figure:
    """A score (inertia, silhouette) against the number of clusters, the current k ringed."""
    ks, scores = list(ks), list(scores)
    fig = go.Figure(
        go.Scatter(x=ks, y=scores, mode="lines+markers", name=y_title, line={"color": CURVE_COLOR})
    )
    if current_k in ks:
        fig.add_trace(
            rings([current_k], [scores[ks.index(current_k)]], size=18, name=f"k = {current_k}")
        )
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        showlegend=False,
        xaxis={"title": "k", "dtick": 1},
        yaxis={"title": y_title},
        title={"text": f"{y_title} against k", "x": 0, "xanchor": "left"},
    )
    return themed(fig)


def silhouette_diagram(
    coefficients: np.ndarray, labels: np.ndarray, score: float, colors: Sequence[str]
) -> go.Figure:
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
                fillcolor=colors[int(cluster)],
                mode="lines",
                line={"width": 0.5, "color": CURVE_COLOR},
                name=f"cluster {cluster}",
            )
        )
        bottom += len(values) + gap
    fig.add_vline(x=score, line={"dash": "dash", "color": "black"})
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        title={"text": f"silhouettes, mean {score:.3f}", "x": 0, "xanchor": "left"},
        xaxis={"title": "silhouette coefficient", "range": [min(-0.1, coefficients.min()), 1]},
        yaxis={"showticklabels": False, "title": "points, by cluster"},
        showlegend=False,
    )
    return themed(fig)


class Partition(NamedTuple):
    """A grouping of the points to draw: labels, the colour of each group, and its inertia."""

    labels: np.ndarray
    colors: Sequence[str]
    inertia: float


def failure_figure(
    X: np.ndarray,
    found: Partition,
    centers: np.ndarray,
    grid: Grid,
    regions: np.ndarray,
    truth: Partition,
) -> go.Figure:
    """k-means' clusters and Voronoi regions (left) beside the groups the data came from (right).

    ``found`` is k-means' answer (its ``inertia_``), ``truth`` the true groups
    with their inertia about their own means; ``regions`` are k-means'
    predictions over ``grid``, which covers the points.
    """
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            f"k-means' clusters (inertia {found.inertia:.1f})",
            f"the true groups (inertia {truth.inertia:.1f})",
        ),
        horizontal_spacing=0.04,
    )
    fig.add_trace(region_heatmap(grid, regions, found.colors), row=1, col=1)
    for trace in cluster_traces(X, found.labels, found.colors):
        fig.add_trace(trace, row=1, col=1)
    fig.add_trace(centroid_trace(centers), row=1, col=1)
    for trace in cluster_traces(X, truth.labels, truth.colors, showlegend=False):
        fig.add_trace(trace, row=1, col=2)
    box = ((grid.xs[0], grid.xs[-1]), (grid.ys[0], grid.ys[-1]))
    equal_panels(fig, box, n_panels=2, n_cols=2)
    fig.update_layout(
        height=480,
        margin={"l": 10, "r": 10, "t": 60, "b": LEGEND_ROOM},
        plot_bgcolor="white",
        legend=below_legend(),
    )
    return themed(fig)


# --- page "k-means step by step" ---------------------------------------------

STEP_ACTIONS = {
    "init": "centroids placed",
    "assign": "points assigned",
    "update": "centroids moved",
}
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


def step_player_data(X: np.ndarray, states: Sequence[Any], colors: Sequence[str]) -> dict:
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
    colors : sequence of k colours
        Cluster ``i``'s colour (the run keeps its cluster numbers throughout).

    Returns
    -------
    dict
        ``points`` (``[x, y]`` per sample); ``box`` (the x and y ranges that
        hold the points and every centroid position, with a margin);
        ``colors``, ``regions`` (the same colours, light), ``unassigned``,
        ``centroid``, ``curve`` (colours from the palette); ``steps`` (per half-step: its
        ``phase``, ``iteration``, ``action`` in words, ``centers``,
        ``inertia`` and ``inertia_text``, the index of its ``labeling``, and
        the indices of the points that ``changed`` cluster in it);
        ``labelings`` (the distinct label vectors); ``converged`` (the
        message for the last half-step).
    """
    steps, labelings = half_steps(states)
    box = padded_box(X, *(np.asarray(state.centers) for state in states))
    return {
        "points": plain(X),
        "box": [[float(low), float(high)] for low, high in box],
        "colors": list(colors),
        "regions": [with_alpha(color, REGION_ALPHA) for color in colors],
        "unassigned": NOISE_GREY,
        "centroid": CENTROID_COLOR,
        "curve": CURVE_COLOR,
        "steps": steps,
        "labelings": labelings,
        "converged": converged_message(states[-1]),
    }


def panel_sample(n_points: int) -> np.ndarray:
    """Indices of at most :data:`RESTART_PANEL_POINTS` points spread evenly over ``0 .. n-1``."""
    count = min(n_points, RESTART_PANEL_POINTS)
    return np.unique(np.linspace(0, n_points - 1, count).round().astype(int))


def restarts_figure(
    X: np.ndarray, runs: Sequence[Any], best: int, colors: Sequence[Sequence[str]]
) -> go.Figure:
    """Several k-means runs from different random starts, side by side, the best one marked.

    ``runs`` are the last states of the runs (``labels``, ``centers``,
    ``inertia``, as ``clustering.kmeans.best_of_runs`` returns them); ``best``
    is the index of the one ``n_init`` keeps; ``colors[r][i]`` is the colour
    of cluster ``i`` of run ``r`` (so a cluster found by two runs has one colour).
    Panels go in rows of at most three, each tall enough to read. Each panel
    draws the same evenly spread sample of at most :data:`RESTART_PANEL_POINTS`
    points, so the panels differ only where the runs do.
    """
    shown = panel_sample(len(X))
    n_cols = min(len(runs), 3 if len(runs) != 4 else 2)
    n_rows = -(-len(runs) // n_cols)
    box = shaped(padded_box(X), PANEL_SHAPE)  # one height for every data set: no resize
    # Each panel as tall as its share of the page's width and the panels' shape ask.
    panel_height = int(np.clip(RESTARTS_WIDTH / n_cols * PANEL_SHAPE, 160, 320))
    titles = [
        f"{'★ ' if i == best else ''}run {i + 1} · inertia {run.inertia:.1f}"
        for i, run in enumerate(runs)
    ]
    fig = make_subplots(
        rows=n_rows,
        cols=n_cols,
        subplot_titles=titles,
        horizontal_spacing=0.03,
        vertical_spacing=0.12 / n_rows,
    )
    for i, (run, run_colors) in enumerate(zip(runs, colors, strict=True)):
        row, col = divmod(i, n_cols)
        fig.add_trace(
            go.Scattergl(
                x=screen_coordinates(X[shown, 0]),
                y=screen_coordinates(X[shown, 1]),
                mode="markers",
                marker={
                    "size": SMALL_POINT_SIZE,
                    **cluster_marker(np.asarray(run.labels)[shown], run_colors),
                },
                hoverinfo="skip",
            ),
            row=row + 1,
            col=col + 1,
        )
        fig.add_trace(centroid_trace(np.asarray(run.centers)), row=row + 1, col=col + 1)
    equal_panels(fig, box, n_panels=len(runs), n_cols=n_cols)
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False)
    fig.update_layout(
        height=40 + (panel_height + 40) * n_rows,
        showlegend=False,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        plot_bgcolor="white",
    )
    return themed(fig)
