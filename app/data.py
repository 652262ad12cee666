"""The app's one data-set registry, and the colours of clusterings of each data set.

:data:`DATASETS` maps a name to the function that makes its points; every
page offers these names and loads points with :func:`load_points` (the DBSCAN
page passes the size, noise and seed it lets the user choose).

:func:`cluster_colors` gives the clusters of any clustering of a data set
their colours, the same on every page (see :mod:`figures.palette` for the
rule); it rests on the data set's reference clusterings, fitted once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st
from figures.palette import match_colors, palette_colors
from limits import GENERATED_SETS, REFERENCE_CLUSTERINGS

from clustering.datasets import make_chapter_moons, make_ellipsoidal_blobs, make_five_blobs
from clustering.kmeans import KMeans

DATASETS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "five blobs": make_five_blobs,
    "ellipsoidal blobs": make_ellipsoidal_blobs,
    "moons": make_chapter_moons,
}
# The reference clusterings that place the colours: k-means as good as ten starts
# find, from a fixed seed, for every k the pages offer.
REFERENCE_STARTS = 10
REFERENCE_SEED = 0
REFERENCE_LEVELS = 10


@st.cache_data(show_spinner=False, max_entries=GENERATED_SETS)
def load_points(name: str, **options) -> tuple[np.ndarray, np.ndarray]:
    """The points ``X`` and true groups ``y`` of data set ``name``.

    ``options`` go to its loader (``n_samples``, ``noise``, ``random_state``
    where it takes them); without them, the chapter's own data.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {sorted(DATASETS)}")
    return DATASETS[name](**options)


def any_points(name: str) -> np.ndarray:
    """The points of a chapter data set or, for any other name, of the user's own data.

    A user's data set is named by its content, so the reference clusterings of
    the user's points are cached like the chapter's; a large table's are made
    on the sample its figures draw, which places the colours as well and ten
    k-means fits on it take a fraction of the time.
    """
    if name in DATASETS:
        return load_points(name)[0]
    # your_data builds on this module, so it is imported only when needed.
    from your_data import load_points as load_users_points
    from your_data import sampled

    return load_users_points(sampled(name))[0]


@st.cache_data(show_spinner=False, max_entries=REFERENCE_CLUSTERINGS)
def reference_centers(name: str, k: int) -> np.ndarray:
    """The centroids of data set ``name``'s reference clustering into ``k`` clusters."""
    X = any_points(name)
    model = KMeans(n_clusters=k, n_init=REFERENCE_STARTS, random_state=REFERENCE_SEED)
    return model.fit(X).cluster_centers_


@st.cache_data(show_spinner=False, max_entries=REFERENCE_CLUSTERINGS)
def reference_order(name: str, k: int) -> tuple[int, ...]:
    """Palette indices of the reference clustering for ``k``: those of ``k - 1``, followed."""
    if k == 1:
        return (0,)
    previous = reference_order(name, k - 1)
    order = match_colors(reference_centers(name, k), reference_centers(name, k - 1), previous)
    return tuple(order)


@st.cache_data(show_spinner=False, max_entries=REFERENCE_CLUSTERINGS)
def colour_pool(name: str, levels: int) -> tuple[np.ndarray, np.ndarray]:
    """Every centroid of the reference clusterings k = 1 .. ``levels``, and its palette index."""
    centers = np.concatenate([reference_centers(name, k) for k in range(1, levels + 1)])
    order = np.concatenate([reference_order(name, k) for k in range(1, levels + 1)])
    return centers, order


def cluster_colors(name: str, centers: np.ndarray) -> list[str]:
    """The colour of each cluster (given by its centroid) of a clustering of data set ``name``.

    The same for the same centroids on every page (see :mod:`figures.palette`).
    """
    # A user's small table cannot be split into more clusters than it has points.
    levels = min(max(len(centers), REFERENCE_LEVELS), len(any_points(name)))
    pool = colour_pool(name, levels)
    return palette_colors(match_colors(centers, *pool))
