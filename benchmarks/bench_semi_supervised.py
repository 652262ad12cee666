"""The semi-supervised page: how long a digit key press takes, and the work behind it.

Rows:

- a digit press, server side: one rerun of the page after the labelling grid
  (a browser component, which shows the label at once) sends its new label
  vector. The classifiers retrain in a background worker, so the rerun does
  not wait for them; there is no scikit-learn counterpart.
- a press until the new accuracies are ready: the same, plus the background
  training of the three classifiers on 1,400 digits, polled every 20 ms.
- finding the 50 representatives: our k-means against scikit-learn's,
  both ``n_init=10`` on the 1,400 training digits (what a change of k or seed
  costs), with the inertia of each.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterator

from sklearn.cluster import KMeans as SklearnKMeans

from benchmarks._app import open_page, raise_if_failed
from benchmarks.run import Row, median_time
from clustering.datasets import load_digits_split
from clustering.semi_supervised import representatives

PAGE = "views/semi_supervised.py"
K, SEED = 50, 42


GRID = "semi_grid"


def grid_data(app) -> dict:
    """What the page sends the labelling grid: Python's copy of the labels, its revision."""
    [grid] = [element for element in app.get("bidi_component") if element.key == GRID]
    return json.loads(grid.proto.json)


def send_labels(app, labels: list[int]) -> None:
    """What the labelling grid does after a key press: send its whole label vector, then rerun.

    AppTest cannot run the component's JavaScript, so the vector goes in
    through session_state, which is where the page reads it from.
    """
    data = grid_data(app)
    vector = {"grid": data["grid"], "revision": data["revision"], "labels": labels, "cursor": 0}
    app.session_state[GRID] = {"board": vector}
    app.run()
    raise_if_failed(app, PAGE)


def press_rerun(presses: int = 15) -> float:
    """Median server-side seconds of a rerun after a digit press (warm-up untimed)."""
    app = open_page(PAGE)
    labels = [3] + [-1] * (K - 1)
    send_labels(app, list(labels))  # warm-up
    times = []
    for index in range(1, presses + 1):
        labels[index] = 3
        start = time.perf_counter()
        send_labels(app, list(labels))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def press_until_accuracies(presses: int = 6) -> float:
    """Median seconds from a digit press until the page shows the retrained accuracies."""
    app = open_page(PAGE)
    app.button(key="semi_fill").click().run()
    wait_for_results(app)
    labels = grid_data(app)["labels"]
    times = []
    for index in range(presses):
        labels[index] = index % 10
        start = time.perf_counter()
        send_labels(app, list(labels))
        wait_for_results(app)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def wait_for_results(app, poll: float = 0.02) -> None:
    while any("raining" in caption.value for caption in [*app.caption, *app.info]):
        time.sleep(poll)
        app.run()


def rows() -> Iterator[Row]:
    yield Row(
        "semi: digit press -> page rerun (server side)",
        press_rerun(),
        note="median of 15, classifiers retrain in the background",
    )
    yield Row(
        "semi: digit press -> new accuracies ready",
        press_until_accuracies(),
        note="3 logistic regressions on up to 1,400 digits, 50/50 labelled",
    )
    X = load_digits_split().X_train
    ours, (_, kmeans) = median_time(lambda: representatives(X, K, random_state=SEED), 3)
    theirs, sklearn_kmeans = median_time(
        lambda: SklearnKMeans(K, n_init=10, random_state=SEED).fit(X), 3
    )
    yield Row(
        "semi: 50 representatives of 1,400 digits",
        ours,
        theirs,
        quality=f"inertia ours {kmeans.inertia_:.0f} vs sklearn {sklearn_kmeans.inertia_:.0f}",
    )
