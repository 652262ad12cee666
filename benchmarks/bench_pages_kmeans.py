"""The two k-means pages: what a click costs on the server, and the work behind a first visit.

Rows:

- a rerun of "k-means & Voronoi" after moving k (target: under 150 ms). The
  page fits k = 1..10 for its elbow and silhouette curves, so once it has been
  opened every k is cached and a move costs the figures only;
- a rerun of "k-means step by step" after moving k (a new run of half-steps
  for the step player; stepping itself happens in the browser, no rerun);
- the library work of a first visit to the Voronoi page with the chapter's
  settings (KMeans for k = 1..10, random init, n_init=10, and the silhouette
  score for k = 2..10 on the five blobs), ours against scikit-learn's.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.metrics import silhouette_score as sklearn_silhouette_score

from benchmarks._app import rerun_time
from benchmarks.run import Row, median_time
from clustering.datasets import make_five_blobs
from clustering.kmeans import KMeans
from clustering.metrics import silhouette_score

TARGET = 0.150  # seconds for a rerun after moving k
K_MOVES = [5, 4, 6, 3, 7, 2, 8, 5]  # warm-up value first, then seven timed moves


def voronoi_workload(kmeans_class, score) -> list[float]:
    """The Voronoi page's first-visit work; returns the inertia for each k."""
    X, _ = make_five_blobs()
    inertias = []
    for k in range(1, 11):
        model = kmeans_class(n_clusters=k, init="random", n_init=10, random_state=42).fit(X)
        inertias.append(model.inertia_)
        if k >= 2:
            score(X, model.labels_)
    return inertias


def rows() -> Iterator[Row]:
    seconds = rerun_time("views/kmeans_voronoi.py", lambda app: app.slider(key="vor_k"), K_MOVES)
    verdict = "meets" if seconds < TARGET else "MISSES"
    yield Row(
        "page k-means & Voronoi: rerun after moving k",
        seconds,
        quality=f"{verdict} the {TARGET * 1e3:.0f} ms target",
        note=f"median of {len(K_MOVES) - 1} moves, AppTest",
    )

    seconds = rerun_time("views/kmeans_steps.py", lambda app: app.slider(key="steps_k"), K_MOVES)
    yield Row(
        "page k-means step by step: rerun after moving k",
        seconds,
        note=f"median of {len(K_MOVES) - 1} moves, AppTest, half-steps for the player included",
    )

    ours, our_inertias = median_time(lambda: voronoi_workload(KMeans, silhouette_score), 3)
    theirs, their_inertias = median_time(
        lambda: voronoi_workload(SklearnKMeans, sklearn_silhouette_score), 3
    )
    worst = np.max(np.abs(np.array(our_inertias) / np.array(their_inertias) - 1))
    yield Row(
        "Voronoi first visit: KMeans k=1..10 + silhouette",
        ours,
        theirs,
        quality=f"inertias within {worst:.1e} of sklearn's",
        note="random init, n_init=10, five blobs",
    )
