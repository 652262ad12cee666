"""Every colour and mark the app draws with, and how clusters get their colours.

Cluster colours
    One qualitative palette, safe for the common forms of colour blindness:
    Okabe & Ito's seven colours (without their black, which marks centroids
    and anomalies here), strongest first so that small k never starts with the
    pale yellow, then nine of Paul Tol's "muted" colours. Larger indices wrap.

Which cluster gets which colour
    A cluster number is only a name: another seed or another k numbers the
    same clusters differently. So colours are given by place, not by number,
    and without remembering anything between reruns:

    1. Each data set has *reference clusterings* for k = 1 .. 10 (k-means,
       best of 10 starts, a fixed seed; ``data.colour_pool``). The one cluster
       of k = 1 has colour 0. The reference for k takes the colours of the
       reference for k - 1, each cluster from the nearest centroid
       (:func:`match_colors`); the one cluster left over takes the first free
       colour. Together the references make a *pool* of coloured centroids:
       every colour with the places it has stood.
    2. Any clustering of that data set, on any page and from any settings
       (a mixture's components by their means), takes its colours from the
       pool the same way, nearest first (:func:`match_colors` again).

    So the colours depend on the data set and the centroids only: the same
    clustering has the same colours on the Voronoi map, in the step player and
    in the restarts panels, whatever the path that led there, and a cluster
    keeps its colour when another seed finds it again. When k moves by one,
    the clusters that stay put keep their colours: in a sweep of the chapter's
    three data sets, both inits, 1 and 10 starts, seven seeds and k = 1 .. 10,
    667 of the 668 clusters shared by neighbouring k did, and all 790 shared by
    neighbouring seeds (0 .. 4). The one exception came from a single unlucky run far
    from every reference; only remembering the path could avoid it, and then
    the same clustering could wear different colours on two pages.

Anomalies
    One mark, a black cross (:data:`ANOMALY`), that no cluster uses; DBSCAN's
    noise and a mixture's low-density points both wear it. Points that have no
    cluster yet (before Lloyd's first assignment) are grey.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

OKABE_ITO = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
)
TOL_MUTED = (
    "#332288",  # indigo
    "#88CCEE",  # cyan
    "#44AA99",  # teal
    "#117733",  # green
    "#999933",  # olive
    "#DDCC77",  # sand
    "#CC6677",  # rose
    "#882255",  # wine
    "#AA4499",  # purple
)
ORANGE, SKY_BLUE, GREEN, YELLOW, BLUE, VERMILLION, PURPLE = OKABE_ITO
#: Cluster colours in their canonical order: the strongest on white first, yellow last.
PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, SKY_BLUE, PURPLE, YELLOW, *TOL_MUTED)

#: Points not assigned to any cluster yet.
NOISE_GREY = "#A0A0A0"
#: Centroids, means, new points and the anomaly cross: black is no cluster's colour.
CENTROID_COLOR = "#000000"
ANOMALY_COLOR = "#000000"
#: The anomaly mark: a black cross with a thin white rim (visible on any shading).
ANOMALY = {"symbol": "x", "size": 11, "color": ANOMALY_COLOR,
           "line": {"width": 1, "color": "white"}}  # fmt: skip
#: Centroids and a mixture's means: a white disc with a black cross, seen on any region.
CENTROID = {"symbol": "circle-x", "size": 17, "color": "white",
            "line": {"color": CENTROID_COLOR, "width": 2}}  # fmt: skip
#: New instances placed by the user: numbered black stars.
NEW_POINT = {"symbol": "star", "size": 17, "color": CENTROID_COLOR,
             "line": {"width": 1, "color": "white"}}  # fmt: skip

#: Lines and bars that are not clusters (curves, scores, comparisons): greys, never a cluster hue.
CURVE_COLOR = "#333333"
SECOND_CURVE_COLOR = "#8C8C8C"
#: A thin dark rim around coloured points keeps pale colours visible on their own region.
POINT_RIM = {"width": 0.6, "color": "rgba(0,0,0,0.55)"}
#: Opacity of a cluster's colour in its region: light enough that its own points stand out.
REGION_ALPHA = 0.16
#: Shading of a mixture's -log density (1 to 100 on a log scale), dense (dark grey) to
#: sparse (white from about 30 on, like the page around the plot): coloured points and
#: the black boundaries stay visible on every shade.
DENSITY_SCALE = [[0.0, "#6E6E6E"], [0.5, "#D4D4D4"], [0.75, "#FFFFFF"], [1.0, "#FFFFFF"]]
#: Semantic colours of the digits page (not clusters: right and wrong labels, the selection).
MISTAKE_COLOR = VERMILLION
AGREE_COLOR = BLUE
SELECTED_COLOR = BLUE


def cluster_color(index: int) -> str:
    """The colour of palette index ``index``; negative indices (noise) get ``NOISE_GREY``."""
    if index < 0:
        return NOISE_GREY
    return PALETTE[index % len(PALETTE)]


def palette_colors(order: Sequence[int]) -> list[str]:
    """The colours of the palette indices in ``order`` (one per cluster number)."""
    return [cluster_color(int(index)) for index in order]


def label_colors(labels: np.ndarray, colors: Sequence[str] | None = None) -> list[str]:
    """One colour per sample from its cluster label; ``-1`` (noise) grey.

    ``colors[i]`` is cluster ``i``'s colour; by default the palette in order.
    """
    labels = np.asarray(labels).ravel()
    if colors is None:
        colors = [cluster_color(i) for i in range(max(int(labels.max(initial=-1)) + 1, 0))]
    return [NOISE_GREY if label < 0 else colors[label] for label in labels]


def match_colors(
    centers: np.ndarray, pool_centers: np.ndarray, pool_order: Sequence[int]
) -> list[int]:
    """Palette indices for the clusters at ``centers``, taken from coloured centroids nearby.

    Each colour of the pool stands at the places of its centroids; a
    cluster's distance to a colour is the squared distance from its centroid
    to the nearest of them. The closest cluster-and-colour pair is joined
    first, then the closest pair among those left, and so on: a cluster that
    sits where a colour has been keeps that colour, even where handing it to
    another cluster would make the total distance smaller (an optimal total,
    the Hungarian method, moved the colours of unchanged clusters 27 times in
    the sweep described above; nearest-first, once). Clusters left without a
    colour (the pool has fewer colours than there are clusters) take the
    lowest palette indices not in use, in the order of their numbers.

    Parameters
    ----------
    centers : ndarray of shape (k, n_features)
        The clustering to colour.
    pool_centers : ndarray of shape (m, n_features)
        Centroids that already have colours (a colour may stand at several places).
    pool_order : sequence of m ints
        The palette index of each of them.

    Returns
    -------
    list of k ints
        The palette index of each cluster, all different.
    """
    centers = np.asarray(centers, dtype=float)
    pool_centers = np.asarray(pool_centers, dtype=float).reshape(-1, centers.shape[1])
    pool_order = np.asarray(pool_order, dtype=int)
    colors = np.unique(pool_order)
    order = [-1] * len(centers)
    if len(colors):
        squared = ((centers[:, None, :] - pool_centers[None, :, :]) ** 2).sum(axis=2)
        distances = np.column_stack([squared[:, pool_order == c].min(axis=1) for c in colors])
        taken = set()
        for flat in np.argsort(distances, axis=None, kind="stable"):
            cluster, column = divmod(int(flat), len(colors))
            if order[cluster] < 0 and column not in taken:
                order[cluster] = int(colors[column])
                taken.add(column)
    free = (index for index in range(len(centers) + len(colors)) if index not in order)
    return [index if index >= 0 else next(free) for index in order]


def with_alpha(color: str, alpha: float) -> str:
    """A ``#RRGGBB`` colour as a CSS ``rgba(...)`` string with opacity ``alpha``."""
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def stepped_colorscale(colors: Sequence[str]) -> list[list[float | str]]:
    """A plotly colorscale of flat bands, one per colour, of equal width.

    With ``cmin``/``zmin`` set to ``first - 0.5`` and ``cmax``/``zmax`` to
    ``last + 0.5`` for consecutive integers ``first .. last``, integer
    ``first + i`` falls in the middle of band ``i`` and gets ``colors[i]``.
    """
    n = len(colors)
    scale: list[list[float | str]] = []
    for i, color in enumerate(colors):
        scale += [[i / n, color], [(i + 1) / n, color]]
    return scale


def region_colorscale(colors: Sequence[str], alpha: float = REGION_ALPHA) -> list:
    """Light versions of ``colors`` for integers ``0 .. len(colors)-1`` (region heatmaps).

    Use it with ``zmin=-0.5`` and ``zmax=len(colors)-0.5``, so the region of
    cluster ``i`` is painted in a light version of ``colors[i]``.
    """
    return stepped_colorscale([with_alpha(color, alpha) for color in colors])


def cluster_marker(labels: np.ndarray, colors: Sequence[str]) -> dict:
    """Plotly ``marker`` settings that colour points by cluster label, noise (-1) grey.

    ``colors[i]`` is cluster ``i``'s colour. The labels go to the browser as
    one small integer array mapped through a stepped colorscale, which is far
    lighter to build and send than one colour string per point (it matters for
    thousands of points).
    """
    return {
        "color": np.asarray(labels).astype(np.int16),
        "colorscale": stepped_colorscale([NOISE_GREY, *colors]),
        "cmin": -1.5,
        "cmax": len(colors) - 0.5,
        "line": POINT_RIM,
    }
