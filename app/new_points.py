"""Reading new points typed by a user as text: ``x, y; x, y; ...``.

A text box is easy to edit, fits in a shareable URL, and keeps what the user
typed when it has a mistake, so the page can point at the mistake instead of
losing the input.
"""

from __future__ import annotations

import numpy as np
from safe_text import shorten

#: The chapter's data sets lie within a few units of the origin; a point a
#: thousand units away is already a dot at the edge of a chart whose data are
#: squeezed into a corner, and far larger values overflow the chart's grid.
MAX_COORDINATE = 1_000.0
SHOWN_CHARS = 30


def parse_points(
    text: str, n_features: int = 2, max_coordinate: float = MAX_COORDINATE
) -> np.ndarray:
    """Parse ``"x, y; x, y"`` into an array of shape (n_points, n_features).

    Points are separated by semicolons or new lines, coordinates by commas or
    spaces. An empty text gives no points.

    Raises
    ------
    ValueError
        Naming the first point that does not have ``n_features`` finite numbers
        of at most ``max_coordinate`` in size (quoting it, shortened).
    """
    chunks = [chunk.strip() for chunk in text.replace("\n", ";").split(";")]
    points = []
    for number, chunk in enumerate((c for c in chunks if c), start=1):
        parts = chunk.replace(",", " ").split()
        shown = shorten(repr(chunk), SHOWN_CHARS)
        try:
            values = [float(part) for part in parts]
        except ValueError:
            raise ValueError(f"point {number} ({shown}) is not {n_features} numbers.") from None
        if len(values) != n_features or not np.all(np.isfinite(values)):
            raise ValueError(
                f"point {number} ({shown}) needs exactly {n_features} finite numbers, "
                "e.g. '0.5, -0.2'."
            )
        if np.max(np.abs(values)) > max_coordinate:
            raise ValueError(
                f"point {number} ({shown}) lies too far away: keep each coordinate between "
                f"-{max_coordinate:g} and {max_coordinate:g} (the data lie within a few units "
                "of 0)."
            )
        points.append(values)
    return np.array(points, dtype=float).reshape(-1, n_features)
