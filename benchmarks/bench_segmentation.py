"""Colour segmentation: segment_image against scikit-learn's KMeans on every pixel.

Two workloads from issue 7:

1. Each photo (the ladybug, china.jpg, flower.jpg) for k = 2..10 with n_init=10:
   our ``segment_image`` (from the raw picture, colour table included) against
   ``sklearn.cluster.KMeans(k, n_init=10)`` fitted on ``image.reshape(-1, 3)``,
   one fit each, with both inertias. Target: at least 5x faster at every k,
   inertia within 0.1%.
2. The page's server-side rerun after moving k (AppTest): for a k whose fit
   is cached (target < 150 ms median) and for a k not computed yet (< 500 ms).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.datasets import load_sample_image

from benchmarks._app import rerun_time
from benchmarks.run import Row, median_time
from clustering.segmentation import segment_image

LADYBUG = Path(__file__).resolve().parent.parent / "assets" / "ladybug.png"
PAGE = "views/segmentation.py"
KS = range(2, 11)
SEED = 0


def pictures() -> dict[str, np.ndarray]:
    return {
        "ladybug.png": np.asarray(Image.open(LADYBUG).convert("RGB")),
        "china.jpg": load_sample_image("china.jpg"),
        "flower.jpg": load_sample_image("flower.jpg"),
    }


def segmentation_rows() -> Iterator[Row]:
    for name, image in pictures().items():
        pixels = image.reshape(-1, 3).astype(np.float64)
        for k in KS:
            ours, result = median_time(
                partial(segment_image, image, k, n_init=10, random_state=SEED), repeat=1
            )
            sklearn_model = SklearnKMeans(n_clusters=k, n_init=10, random_state=SEED)
            theirs, model = median_time(partial(sklearn_model.fit, pixels), repeat=1)
            gap = 100 * (result.inertia / model.inertia_ - 1)
            yield Row(
                f"segment_image {name} k={k} n_init=10",
                ours,
                theirs,
                quality=f"inertia {result.inertia:.5g} vs {model.inertia_:.5g} ({gap:+.3f}%)",
            )


def rerun_rows() -> Iterator[Row]:
    slider = lambda app: app.slider(key="seg_k")  # noqa: E731
    values = [8, 2, 3, 9, 10, 11, 12, 13]  # warm-up at the default k, then seven new ones
    fresh = rerun_time(PAGE, slider, values)
    yield Row("page rerun, k moved to a new k (ladybug)", fresh, note="target < 500 ms median")
    cached = rerun_time(PAGE, slider, values)  # the same k again: every fit is cached
    yield Row("page rerun, k moved to a cached k (ladybug)", cached,
              note="target < 150 ms median")


def rows() -> Iterator[Row]:
    yield from rerun_rows()
    yield from segmentation_rows()
