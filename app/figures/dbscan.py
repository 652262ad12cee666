"""Figures and tables of the DBSCAN page: pure functions, fitted estimators in, figures out.

Nothing here fits a model. :func:`clusters_figure` draws what a fitted
``clustering.DBSCAN`` found (core points large, border points small, anomalies
as red crosses, as in the chapter's figure) and, given a fitted
``NeighborsVoteClassifier``, the regions where it would put new points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from figures.palette import NOISE_GREY, region_colorscale

ANOMALY_RED = "#D62728"
NEW_POINT_COLOR = "#000000"
REGION_RESOLUTION = 100  # a k-nearest-neighbour vote per grid point: the page's main cost
MARGIN = 0.1  # of the data's range, around the plotted area


def point_kinds(dbscan) -> np.ndarray:
    """'core', 'border' or 'anomaly' for each training point of a fitted DBSCAN."""
    kinds = np.where(dbscan.labels_ == -1, "anomaly", "border").astype(object)
    kinds[dbscan.core_sample_indices_] = "core"
    return kinds


def plot_bounds(*point_sets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper corners of a box around all the given 2-D points, with a margin."""
    points = np.concatenate([p for p in point_sets if p is not None and len(p)])
    low, high = points.min(axis=0), points.max(axis=0)
    pad = MARGIN * np.maximum(high - low, 1e-9)
    return low - pad, high + pad


def region_trace(classifier, low: np.ndarray, high: np.ndarray) -> go.Heatmap:
    """The predicted cluster over a grid, each cluster in a light version of its colour.

    Where it predicts -1 (beyond its max distance) the background stays blank.
    """
    # Square grid cells, REGION_RESOLUTION of them along the longer side.
    step = np.max(high - low) / REGION_RESOLUTION
    xs = np.arange(low[0], high[0] + step, step)
    ys = np.arange(low[1], high[1] + step, step)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    predicted = classifier.predict(grid).astype(np.float32)  # half the bytes of float64
    predicted[predicted < 0] = np.nan
    n_clusters = int(classifier.classes_.max()) + 1
    return go.Heatmap(
        x=xs,
        y=ys,
        z=predicted.reshape(len(ys), len(xs)),
        colorscale=region_colorscale(n_clusters),
        zmin=-0.5,
        zmax=n_clusters - 0.5,
        showscale=False,
        hoverinfo="skip",
        name="decision regions",
    )


def points_trace(X: np.ndarray, labels: np.ndarray, kind: str, **marker) -> go.Scatter:
    """One kind of training point (core, border or anomaly), hover showing its cluster."""
    return go.Scatter(
        x=X[:, 0],
        y=X[:, 1],
        mode="markers",
        name=kind,
        marker=marker,
        customdata=labels,
        hovertemplate=f"{kind}, cluster %{{customdata}}<br>(%{{x:.3f}}, %{{y:.3f}})<extra></extra>",
    )


def clusters_figure(
    X: np.ndarray,
    dbscan,
    classifier=None,
    X_new: np.ndarray | None = None,
    regions: bool = True,
) -> go.Figure:
    """The data coloured by DBSCAN's clusters, and optionally new points and decision regions.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        The data the DBSCAN was fitted on.
    dbscan : clustering.DBSCAN
        Fitted on ``X``.
    classifier : clustering.NeighborsVoteClassifier or None
        Fitted on the DBSCAN's core samples; predicts the new points.
    X_new : ndarray of shape (n_new, 2) or None
        New points, drawn as numbered black stars.
    regions : bool, default=True
        Shade the classifier's decision regions (when there is a classifier).
    """
    kinds = point_kinds(dbscan)
    labels = dbscan.labels_
    low, high = plot_bounds(X, X_new)
    traces = []
    if classifier is not None and regions:
        traces.append(region_trace(classifier, low, high))
    # Colour by label number through a stepped colorscale: plotly checks one array of
    # numbers much faster than a list of a thousand colour strings.
    n_clusters = max(int(labels.max()) + 1, 1)
    cluster_colors = {"colorscale": region_colorscale(n_clusters, alpha=1.0),
                      "cmin": -0.5, "cmax": n_clusters - 0.5}  # fmt: skip
    styles = {
        "core": {"size": 9, "line": {"width": 0.5, "color": "white"}, **cluster_colors},
        "border": {"size": 4, **cluster_colors},
        "anomaly": {"size": 8, "symbol": "x", "color": ANOMALY_RED},
    }
    for kind, style in styles.items():
        chosen = kinds == kind
        if kind != "anomaly":
            style = {**style, "color": labels[chosen]}
        traces.append(points_trace(X[chosen], labels[chosen], kind, **style))
    if X_new is not None and len(X_new):
        traces.append(new_points_trace(X_new, classifier))
    # Equal scales on both axes; the plot area shrinks to fit rather than showing past the data.
    axis = {"constrain": "domain", "showgrid": False}
    layout = {
        "height": 520,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "legend": {"orientation": "h", "y": 1.06, "x": 0},
        "plot_bgcolor": "white",
        "xaxis": {"range": [low[0], high[0]], **axis},
        "yaxis": {"range": [low[1], high[1]], "scaleanchor": "x", "scaleratio": 1, **axis},
    }
    return go.Figure(data=traces, layout=layout)


def new_points_trace(X_new: np.ndarray, classifier=None) -> go.Scatter:
    """The new points as numbered black stars; hover shows the predicted cluster."""
    predicted = classifier.predict(X_new) if classifier is not None else np.full(len(X_new), -1)
    return go.Scatter(
        x=X_new[:, 0],
        y=X_new[:, 1],
        mode="markers+text",
        name="new points",
        text=[str(i) for i in range(len(X_new))],
        textposition="top right",
        marker={"size": 15, "symbol": "star", "color": NEW_POINT_COLOR,
                "line": {"width": 1, "color": "white"}},
        customdata=predicted,
        hovertemplate="new point %{text}: cluster %{customdata}<extra></extra>",
    )  # fmt: skip


def k_distance_figure(distances: np.ndarray, eps: float, k: int) -> go.Figure:
    """The sorted k-distance curve with a horizontal line at ``eps``.

    Points left of where the curve crosses the line have ``k`` points
    (themselves included) within ``eps``: they are the core points.
    """
    n_core = int(np.sum(distances <= eps))
    curve = go.Scatter(
        x=np.arange(1, len(distances) + 1),
        y=distances,
        mode="lines",
        line={"color": "#0072B2"},
        hovertemplate="%{x} points have a k-distance ≤ %{y:.3f}<extra></extra>",
    )
    eps_line = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": eps, "y1": eps,
                "line": {"dash": "dash", "color": ANOMALY_RED}}  # fmt: skip
    last_core = {"type": "line", "yref": "paper", "y0": 0, "y1": 1, "x0": n_core + 0.5,
                 "x1": n_core + 0.5, "line": {"dash": "dot", "color": NOISE_GREY}}  # fmt: skip
    label = {"text": f"eps = {eps:g}: {n_core} core points", "xref": "paper", "x": 0,
             "xanchor": "left", "y": eps, "yanchor": "bottom", "showarrow": False}  # fmt: skip
    layout = {
        "height": 300,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "xaxis_title": "points, sorted by k-distance",
        "yaxis_title": f"distance to neighbour {k} (itself = 1)",
        "shapes": [eps_line, last_core],
        "annotations": [label],
        "showlegend": False,
    }
    return go.Figure(data=[curve], layout=layout)


def new_points_table(X_new: np.ndarray, classifier) -> pd.DataFrame:
    """One row per new point: coordinates, predicted cluster, distance to the nearest
    core sample, and the probability of each cluster (the share of the neighbours' votes)."""
    proba = classifier.predict_proba(X_new)
    nearest, _ = classifier.tree_.query(X_new, k=1)
    table = pd.DataFrame(
        {
            "x": X_new[:, 0],
            "y": X_new[:, 1],
            "cluster": classifier.predict(X_new),
            "nearest core sample": nearest,
        }
    )
    for column, cluster in enumerate(classifier.classes_):
        table[f"P(cluster {cluster})"] = proba[:, column]
    return table
