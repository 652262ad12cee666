"""Time a page's server-side rerun with Streamlit's AppTest.

What a user waits for after moving a slider is one rerun of the page script:
reading widgets, the (cached) library calls and building the figures. AppTest
runs exactly that in-process, without a browser, so its time is the
server-side part of the latency. A page's bench module uses it like this::

    seconds = rerun_time(
        "views/kmeans_voronoi.py",
        lambda app: app.slider(key="vor_k"),
        values=[5, 4, 6, 3, 7, 2, 8],
    )
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

# AppTest runs pages without a server, so Streamlit warns on every cached call
# that there is no script-run context; the timing table is more use without it.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True

APP = Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py"
MIN_TIMED_RERUNS = 5


def open_page(page: str, timeout: float = 120) -> AppTest:
    """The app opened and run once at ``page`` (a path under ``app/``, e.g. ``views/x.py``)."""
    app = AppTest.from_file(str(APP), default_timeout=timeout).run()
    app.switch_page(page).run()
    raise_if_failed(app, page)
    return app


def raise_if_failed(app: AppTest, page: str) -> None:
    if app.exception:
        raise RuntimeError(f"{page} raised: {app.exception[0].message}")


def rerun_time(
    page: str,
    widget: Callable[[AppTest], Any],
    values: Sequence[Any],
    prepare: Callable[[AppTest], Any] | None = None,
) -> float:
    """Median seconds of one rerun of ``page`` after setting a widget to each value in turn.

    The first value is the warm-up: it runs untimed, so imports and the data
    set's cache are ready as on a user's second interaction. Every later value
    is one timed rerun; pass distinct values to time what a *new* setting
    costs (cache misses for the fit), repeat values to time cache hits.

    Parameters
    ----------
    page : str
        The page's path under ``app/``, e.g. ``"views/kmeans_voronoi.py"``.
    widget : callable
        Finds the widget in the app, e.g. ``lambda app: app.slider(key="vor_k")``.
    values : sequence
        Warm-up value, then at least five values to time.
    prepare : callable, optional
        Called with the app before every timed move, untimed: for instance to wait
        for background work, or to change another widget so that the next
        move finds nothing cached.
    """
    if len(values) < MIN_TIMED_RERUNS + 1:
        raise ValueError(f"give a warm-up value and at least {MIN_TIMED_RERUNS} to time")
    app = open_page(page)
    widget(app).set_value(values[0]).run()
    raise_if_failed(app, page)
    times = []
    for value in values[1:]:
        if prepare is not None:
            prepare(app)
            raise_if_failed(app, page)
        element = widget(app).set_value(value)
        start = time.perf_counter()
        element.run()
        times.append(time.perf_counter() - start)
        raise_if_failed(app, page)
    return statistics.median(times)
