"""The semi-supervised page: how long a digit key press takes, and the work behind it.

Rows:

- a digit press, server side: one rerun of the page after pressing a digit
  button (what the user waits for before the tile shows its label). The
  classifiers retrain in a background worker, so the rerun does not wait for
  them; there is no scikit-learn counterpart.
- a press until the new accuracies are ready: the same, plus the background
  training of the three classifiers on 1,400 digits, polled every 20 ms.
- finding the 50 representatives: our k-means against scikit-learn's,
  both ``n_init=10`` on the 1,400 training digits (what a change of k or seed
  costs), with the inertia of each.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

from sklearn.cluster import KMeans as SklearnKMeans

from benchmarks._app import open_page, raise_if_failed, rerun_time
from benchmarks.run import Row, median_time
from clustering.datasets import load_digits_split
from clustering.semi_supervised import representatives

PAGE = "views/semi_supervised.py"
K, SEED = 50, 42


def press_rerun() -> float:
    """Median server-side seconds of a rerun after a digit press (warm-up untimed)."""
    return rerun_time(PAGE, lambda app: app.button(key="semi_digit_3"), [True] * 16)


def press_until_accuracies(presses: int = 6) -> float:
    """Median seconds from a digit press until the page shows the retrained accuracies."""
    app = open_page(PAGE)
    app.button(key="semi_fill").click().run()
    wait_for_results(app)
    times = []
    for index in range(presses):
        app.button(key=f"semi_tile_{index}").click().run()
        start = time.perf_counter()
        app.button(key=f"semi_digit_{index % 10}").click().run()
        wait_for_results(app)
        times.append(time.perf_counter() - start)
        raise_if_failed(app, PAGE)
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
