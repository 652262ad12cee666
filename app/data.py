"""The chapter's 2-D data sets, by name, cached for every page.

Pages offer these names in a select box and load the points with
:func:`load_points`; the arrays are computed once per session and shared.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from clustering.datasets import make_chapter_moons, make_ellipsoidal_blobs, make_five_blobs

DATASETS = {
    "five blobs": make_five_blobs,
    "ellipsoidal blobs": make_ellipsoidal_blobs,
    "moons": make_chapter_moons,
}


@st.cache_data(show_spinner=False)
def load_points(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The points ``X`` and their true groups ``y`` of the chapter's data set ``name``."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {sorted(DATASETS)}")
    return DATASETS[name]()
