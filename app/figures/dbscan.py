"""Figures and tables of the DBSCAN page: results in (labels, point kinds, votes), figures out.

Nothing here fits or evaluates a model. :func:`clusters_figure` draws what a
fitted ``clustering.DBSCAN`` found (core points large, border points small,
anomalies as the app's anomaly cross) and, when the page passes them, the
regions where the core points' vote would put new points.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from figures.grid import Grid
from figures.kmeans import below_legend, map_layout, new_point_numbers, region_heatmap
from figures.palette import (
    ANOMALY,
    CURVE_COLOR,
    NEW_POINT,
    NOISE_GREY,
    POINT_RIM,
    stepped_colorscale,
)
from figures.theme import POINT_SIZE, SMALL_POINT_SIZE, themed

CURVE_POINTS = 600  # points a k-distance curve is drawn through: about one a pixel
REGION_RESOLUTION = 100  # a k-nearest-neighbour vote per grid point: the page's main cost
PLURALS = {"core": "core points", "border": "border points", "anomaly": "anomalies"}
# The map's shape (height / width), whatever the data: the chapter's sets span
# 0.53 (moons) to 0.77 (the blobs); one shape keeps the chart's height.
MAP_SHAPE = 0.7
KIND_LEGEND_COLOR = "#555555"  # legend markers show a kind's shape and size, not a cluster
CORE = {"size": POINT_SIZE + 3, "line": {"width": 0.8, "color": "white"}}
BORDER = {"size": SMALL_POINT_SIZE, "line": POINT_RIM}


def cluster_colorscale(colors: Sequence[str]) -> dict:
    """Marker settings that colour points by cluster number through a stepped colorscale.

    Plotly checks one array of numbers much faster than a list of a thousand
    colour strings.
    """
    bands = list(colors) or [NOISE_GREY]  # no cluster at all: a scale is still needed
    return {"colorscale": stepped_colorscale(bands), "cmin": -0.5, "cmax": len(bands) - 0.5}


def points_trace(X: np.ndarray, labels: np.ndarray, kind: str, marker: dict) -> go.Scattergl:
    """One kind of training point (core, border or anomaly), hover showing its cluster.

    Drawn with WebGL: a thousand points as SVG are a thousand page elements that
    the browser rebuilds on every change of the figure, which cost most of a
    slider move. The legend shows the kinds from :func:`kind_legend`, not from
    these traces, whose colours vary point by point.
    """
    # Single precision and small integers: half the bytes for the browser to decode,
    # and hover shows three decimals.
    return go.Scattergl(
        x=X[:, 0].astype(np.float32),
        y=X[:, 1].astype(np.float32),
        mode="markers",
        name=PLURALS[kind],
        marker=marker,
        customdata=labels.astype(np.int16),
        showlegend=False,
        hovertemplate=f"{kind}, cluster %{{customdata}}<br>(%{{x:.3f}}, %{{y:.3f}})<extra></extra>",
    )


def kind_legend(kind: str, marker: dict, color: str = KIND_LEGEND_COLOR) -> go.Scatter:
    """A legend entry for a kind of point: its marker's shape and size, in neutral grey.

    (The anomaly mark keeps its own colour: it means the same on every page.)
    """
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=kind,
        marker={**marker, "color": color},
        hoverinfo="skip",
    )


def clusters_figure(
    X: np.ndarray,
    labels: np.ndarray,
    kinds: np.ndarray,
    colors: Sequence[str],
    box: tuple,
    regions: tuple[Grid, np.ndarray] | None = None,
    X_new: np.ndarray | None = None,
    new_clusters: np.ndarray | None = None,
) -> go.Figure:
    """The data coloured by DBSCAN's clusters, and optionally new points and decision regions.

    The traces are the same whatever is shown (an empty region map, no new
    points), so the browser updates the chart in place.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        The data the DBSCAN was fitted on.
    labels, kinds : ndarrays of shape (n_samples,)
        DBSCAN's ``labels_`` and each point's kind (``clustering.dbscan.point_kinds``).
    colors : sequence of str
        Cluster ``i``'s colour, one per cluster.
    box : ((x0, x1), (y0, y1))
        The area shown.
    regions : (Grid, ndarray), optional
        The vote's cluster at each grid point (-1: an anomaly, left blank).
    X_new, new_clusters : ndarrays, optional
        New points, drawn as numbered stars, and the cluster the vote gives each.
    """
    if X_new is None:
        X_new, new_clusters = np.empty((0, 2)), np.empty(0, dtype=int)
    grid, shading = regions if regions is not None else (Grid(np.empty(0), np.empty(0)), None)
    shade = np.empty((0, 0), dtype=np.int8) if shading is None else shading
    region_trace = region_heatmap(grid, shade, colors)
    region_trace.name = "decision regions"
    traces = [region_trace]
    marker_colors = cluster_colorscale(colors)
    styles = {"core": {**CORE, **marker_colors}, "border": {**BORDER, **marker_colors}}
    for kind, style in styles.items():
        chosen = kinds == kind
        marker = {**style, "color": labels[chosen].astype(np.int16)}
        traces.append(points_trace(X[chosen], labels[chosen], kind, marker))
    anomalies = kinds == "anomaly"
    traces.append(points_trace(X[anomalies], labels[anomalies], "anomaly", ANOMALY))
    traces += [
        kind_legend("core point", CORE),
        kind_legend("border point", BORDER),
        kind_legend("anomaly", ANOMALY, ANOMALY["color"]),
    ]
    traces.append(new_points_trace(X_new, new_clusters))
    figure = map_layout(go.Figure(data=traces), box)
    figure.update_layout(
        legend=below_legend(itemsizing="trace"), annotations=new_point_numbers(X_new)
    )
    return figure


def new_points_trace(X_new: np.ndarray, clusters: np.ndarray) -> go.Scattergl:
    """The new points as numbered black stars; hover shows the cluster the vote gives.

    WebGL like the data's points: the browser draws WebGL traces above every
    SVG one, so an SVG star would hide under the points. Their numbers are
    annotations (:func:`figures.kmeans.new_point_numbers`); ``text`` only feeds the hover.
    """
    return go.Scattergl(
        x=X_new[:, 0],
        y=X_new[:, 1],
        mode="markers",
        name="new points",
        text=[str(i) for i in range(len(X_new))],
        marker=NEW_POINT,
        customdata=clusters,
        hovertemplate="new point %{text}: cluster %{customdata}<extra></extra>",
    )


def k_distance_figure(distances: np.ndarray, eps: float, k: int) -> go.Figure:
    """The sorted k-distance curve with a horizontal line at ``eps``.

    Points left of where the curve crosses the line have ``k`` points
    (themselves included) within ``eps``: they are the core points.
    """
    n_core = int(np.sum(distances <= eps))
    ranks = curve_ranks(len(distances))
    curve = go.Scatter(
        x=ranks,
        y=distances[ranks - 1].astype(np.float32),
        mode="lines",
        line={"color": CURVE_COLOR, "width": 2},
        hovertemplate="%{x} points have a k-distance ≤ %{y:.3f}<extra></extra>",
    )
    eps_line = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": eps, "y1": eps,
                "line": {"dash": "dash", "color": "black"}}  # fmt: skip
    last_core = {"type": "line", "yref": "paper", "y0": 0, "y1": 1, "x0": n_core + 0.5,
                 "x1": n_core + 0.5, "line": {"dash": "dot", "color": NOISE_GREY}}  # fmt: skip
    label = {"text": f"eps = {eps:g}: {n_core} core points", "xref": "paper", "x": 0,
             "xanchor": "left", "y": eps, "yanchor": "bottom", "showarrow": False}  # fmt: skip
    layout = {
        "height": 320,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "xaxis_title": "points, sorted by k-distance",
        "yaxis_title": f"distance to neighbour {k} (itself = 1)",
        "shapes": [eps_line, last_core],
        "annotations": [label],
        "showlegend": False,
    }
    return themed(go.Figure(data=[curve], layout=layout))


def curve_ranks(n: int, most: int = CURVE_POINTS) -> np.ndarray:
    """The ranks (1 … n) a sorted curve of ``n`` values is drawn through: all, or ``most``
    evenly spread ones with the first and the last.

    A curve a few hundred pixels wide shows no more; thousands of points would
    only be sent and drawn again on every change of the page.
    """
    return np.unique(np.linspace(1, n, min(n, most)).round().astype(np.int32))


def new_points_table(
    X_new: np.ndarray,
    clusters: np.ndarray,
    nearest: np.ndarray,
    proba: np.ndarray,
    classes: np.ndarray,
) -> pd.DataFrame:
    """One row per new point: coordinates, the cluster the vote gives, the distance to the
    nearest core sample, and the probability of each cluster (its share of the votes).

    ``proba`` has one column per entry of ``classes`` (the clusters that vote).
    """
    table = pd.DataFrame(
        {"x": X_new[:, 0], "y": X_new[:, 1], "cluster": clusters, "nearest core sample": nearest}
    )
    for column, cluster in enumerate(classes):
        table[f"P(cluster {cluster})"] = proba[:, column]
    return table
