"""The one box-and-grid helper: the area a 2-D figure shows, and a grid of points over it.

Pages evaluate a model on :attr:`Grid.points` (predict, score_samples ...) in
their cached compute functions; figure builders get the grid's axes and the
values reshaped to it, never the model.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

Box = tuple[tuple[float, float], tuple[float, float]]  # (x range, y range)
MARGIN = 0.1  # share of the data's extent added on every side


def padded_box(*arrays: np.ndarray | None, margin: float = MARGIN) -> Box:
    """The ``(x range, y range)`` around all the given 2-D points, ``margin`` of their extent added.

    Empty arrays and ``None`` are skipped; a flat direction gets a tiny extent.
    """
    points = np.concatenate(
        [np.asarray(a, dtype=float).reshape(-1, 2) for a in arrays if a is not None]
    )
    low, high = points.min(axis=0), points.max(axis=0)
    pad = margin * np.maximum(high - low, 1e-9)
    low, high = low - pad, high + pad
    return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))


def shaped(box: Box, shape: float) -> Box:
    """``box`` grown about its middle, in one direction, until its height is ``shape``
    times its width.

    A map as tall as its data's shape changes height with the data; a chart that
    changes height is resized in the browser, which costs about as much again as
    drawing it. A page whose maps all have one shape keeps one height.
    """
    (x0, x1), (y0, y1) = box
    width, height = x1 - x0, y1 - y0
    grow_x = max(height / shape - width, 0.0) / 2
    grow_y = max(shape * width - height, 0.0) / 2
    return (float(x0 - grow_x), float(x1 + grow_x)), (float(y0 - grow_y), float(y1 + grow_y))


class Grid(NamedTuple):
    """Grid axes over a box: ``xs`` along x, ``ys`` along y, cells square."""

    xs: np.ndarray
    ys: np.ndarray

    @property
    def points(self) -> np.ndarray:
        """Every grid point as a row ``(x, y)``, x varying fastest (row by row in y)."""
        xx, yy = np.meshgrid(self.xs, self.ys)
        return np.column_stack([xx.ravel(), yy.ravel()])

    def reshape(self, values: np.ndarray) -> np.ndarray:
        """One value per row of :attr:`points` as a ``(len(ys), len(xs))`` image."""
        return np.asarray(values).reshape(len(self.ys), len(self.xs))


def grid_over(box: Box, resolution: int) -> Grid:
    """A grid of square cells covering ``box``, ``resolution`` points along its longer side."""
    (x0, x1), (y0, y1) = box
    step = max(x1 - x0, y1 - y0) / (resolution - 1)
    xs = np.linspace(x0, x1, max(round((x1 - x0) / step) + 1, 2))
    ys = np.linspace(y0, y1, max(round((y1 - y0) / step) + 1, 2))
    return Grid(xs, ys)
