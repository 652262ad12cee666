"""The app's colours: one colour-blind-safe palette for clusters, one grey for noise.

Every page colours cluster ``i`` with ``PALETTE[i]``, so cluster 0 looks the
same on the k-means, DBSCAN and mixture pages. The first seven colours are
Okabe & Ito's palette (without its black, which we keep for centroids), the
next nine are Paul Tol's "muted" scheme: both were designed to stay distinct
for the common forms of colour blindness. Sixteen colours cover k up to 16;
larger labels wrap around.

Noise (DBSCAN's label -1) and anomalies use ``NOISE_GREY``, which is not in the
palette, so a grey point never means "cluster i".
"""

from __future__ import annotations

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
PALETTE = OKABE_ITO + TOL_MUTED
NOISE_GREY = "#A0A0A0"
CENTROID_COLOR = "#000000"


def cluster_color(label: int) -> str:
    """The colour of cluster ``label``; negative labels (noise) get ``NOISE_GREY``."""
    if label < 0:
        return NOISE_GREY
    return PALETTE[label % len(PALETTE)]


def label_colors(labels: np.ndarray) -> list[str]:
    """One colour per sample from its cluster label (``-1`` and below: noise grey)."""
    return [cluster_color(int(label)) for label in np.asarray(labels).ravel()]


def with_alpha(color: str, alpha: float) -> str:
    """A ``#RRGGBB`` colour as a CSS ``rgba(...)`` string with opacity ``alpha``."""
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def region_colorscale(n_clusters: int, alpha: float = 0.25) -> list[list[float | str]]:
    """A stepped plotly colorscale giving integer ``0 .. n_clusters-1`` their cluster colours.

    Use it for a heatmap of predicted labels over a grid (decision regions)
    with ``zmin=-0.5`` and ``zmax=n_clusters-0.5``: each integer then falls in
    the middle of its own flat band, so the region of cluster ``i`` is painted
    in a light version of cluster ``i``'s colour.
    """
    scale: list[list[float | str]] = []
    for label in range(n_clusters):
        color = with_alpha(cluster_color(label), alpha)
        scale.append([label / n_clusters, color])
        scale.append([(label + 1) / n_clusters, color])
    return scale
