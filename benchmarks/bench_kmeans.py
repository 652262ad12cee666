"""KMeans: ours against scikit-learn's on the chapter's workloads.

Each workload runs ``n_init=10`` starts with the same seed on both sides; the
time is the median of 5 fits and the quality column gives each side's
inertia (lower is better) and how far ours is above scikit-learn's.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import sklearn.cluster
from sklearn.datasets import load_sample_image

from benchmarks.run import Row, median_time
from clustering import KMeans, load_digits_split, make_five_blobs

REPEAT = 5


def workloads() -> Iterator[tuple[str, np.ndarray, int]]:
    """(name, X, k) for every workload of the issue."""
    yield "five blobs 2000x2, k=5", make_five_blobs()[0], 5
    yield "digits train 1400x64, k=50", load_digits_split().X_train, 50
    for photo in ("china.jpg", "flower.jpg"):
        pixels = load_sample_image(photo).reshape(-1, 3)
        yield f"{photo} {pixels.shape[0]}x3 pixels, k=8", pixels, 8


def rows() -> Iterator[Row]:
    for name, X, k in workloads():
        ours_time, ours = median_time(
            lambda X=X, k=k: KMeans(k, n_init=10, random_state=0).fit(X), REPEAT
        )
        theirs_time, theirs = median_time(
            lambda X=X, k=k: sklearn.cluster.KMeans(k, n_init=10, random_state=0).fit(X),
            REPEAT,
        )
        excess = 100 * (ours.inertia_ / theirs.inertia_ - 1)
        quality = (
            f"inertia ours {ours.inertia_:.6g}, sklearn {theirs.inertia_:.6g} ({excess:+.3f}%)"
        )
        yield Row(f"KMeans n_init=10: {name}", ours_time, theirs_time, quality)
