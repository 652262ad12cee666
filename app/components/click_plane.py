"""The clickable plane: draw points (or place centroids) by clicking, in the browser.

Python keeps the list of points and a *revision*, bumped whenever Python
itself replaces the list (clear, start from a data set, a shared link). The
browser applies each click at once and sends back its whole list with the
plane's name and the revision it started from (state ``points``). Python takes
a list only when both match and every point is a pair of numbers inside the
plane: a list sent just before Python replaced it, or anything crafted, is
dropped (:func:`reported_points`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from components import load

Bounds = tuple[float, float, float, float]


def click_plane(
    points: np.ndarray,
    *,
    plane: str,
    revision: int,
    bounds: Bounds,
    limit: int,
    key: str,
    on_change: Callable[[], None],
    label: str,
    mode: str = "draw",
    brush: int = 1,
    spread: float = 0.0,
    background: np.ndarray | None = None,
) -> None:
    """Mount the plane.

    Parameters
    ----------
    points : ndarray of shape (n, 2)
        Python's list, shown when the plane or the revision is new.
    plane, revision : str, int
        Which list the browser edits; see the module docstring.
    bounds : (x_min, x_max, y_min, y_max)
        The plane shown; clicks outside it are moved to its edge.
    limit : int
        The most points the browser lets the list hold.
    key : str
        The element's key; ``st.session_state[key]["points"]`` holds the last report.
    on_change : callable
        Called (as a widget callback) when the browser sends a list.
    label : str
        What the plane shows, for screen readers.
    mode : {"draw", "centroids"}
        "draw": a click on empty space drops ``brush`` points spread around
        it with standard deviation ``spread``; "centroids": one cross a click.
    background : ndarray of shape (m, 2), optional
        Points drawn in grey under the list (the data, when placing centroids).
    """
    mount = load("click_plane")
    mount(
        key=key,
        data={
            "points": np.asarray(points, dtype=float).round(2).tolist(),
            "plane": plane,
            "revision": int(revision),
            "bounds": [float(b) for b in bounds],
            "limit": int(limit),
            "label": label,
            "mode": mode,
            "brush": int(brush),
            "spread": float(spread),
            "background": [] if background is None else np.asarray(background).tolist(),
        },
        default={"points": None},
        on_points_change=on_change,
    )


def reported_points(
    value: Any, plane: str, revision: int, bounds: Bounds, limit: int
) -> np.ndarray | None:
    """The points in a report from the browser, if it is about this plane and revision.

    Returns None for anything else: a report from before Python replaced the
    list, another plane's, or a value that is not a list of at most ``limit``
    finite pairs inside ``bounds``.
    """
    if not isinstance(value, dict) or value.get("plane") != plane:
        return None
    if value.get("revision") != revision or isinstance(value.get("revision"), bool):
        return None
    points = value.get("points")
    if not isinstance(points, list) or len(points) > limit:
        return None
    if not all(is_point(point, bounds) for point in points):
        return None
    return np.array(points, dtype=float).reshape(-1, 2)


def is_point(point: Any, bounds: Bounds) -> bool:
    """Whether ``point`` is ``[x, y]``: two finite numbers inside ``bounds``."""
    if not isinstance(point, list) or len(point) != 2:
        return False
    if not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in point):
        return False
    x, y = point
    x_min, x_max, y_min, y_max = bounds
    return math.isfinite(x) and math.isfinite(y) and x_min <= x <= x_max and y_min <= y <= y_max
