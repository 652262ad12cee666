"""Contour lines found in Python by marching squares lie where the field crosses the level."""

import numpy as np
from figures.contours import contour_lines, region_borders
from figures.grid import grid_over


def polylines(x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """The lines of a NaN-separated pair of arrays, each as an (n, 2) array."""
    breaks = np.flatnonzero(np.isnan(x))
    pieces = zip(np.split(x, breaks), np.split(y, breaks), strict=True)
    return [np.column_stack([xs[~np.isnan(xs)], ys[~np.isnan(ys)]]) for xs, ys in pieces]


def test_a_circle_is_one_closed_line_on_the_circle_enclosing_its_inside():
    grid = grid_over(((-2.0, 2.0), (-1.5, 1.5)), 80)
    xx, yy = np.meshgrid(grid.xs, grid.ys)
    x, y = contour_lines(np.hypot(xx - 0.3, yy + 0.2), 1.0, grid)
    (line,) = polylines(x, y)
    np.testing.assert_allclose(line[0], line[-1])  # closed
    # Linear interpolation along the grid's sides lands within a sliver of the circle.
    radii = np.hypot(line[:, 0] - 0.3, line[:, 1] + 0.2)
    assert np.abs(radii - 1).max() < 0.01
    # The enclosed area (shoelace) is the disc's.
    area = 0.5 * abs(np.dot(line[:-1, 0], line[1:, 1]) - np.dot(line[1:, 0], line[:-1, 1]))
    assert abs(area - np.pi) < 0.01


def test_region_borders_draw_each_border_once_and_only_borders():
    grid = grid_over(((0.0, 1.0), (0.0, 1.0)), 21)
    xx, yy = np.meshgrid(grid.xs, grid.ys)
    labels = (xx > 0.52).astype(int) + 2 * (yy > 0.31)  # four quadrants: 0 1 below, 2 3 above
    x, y = region_borders(labels, grid, n_regions=5)
    drawn = np.column_stack([x, y])[~np.isnan(x)]
    on_vertical = np.isclose(drawn[:, 0], 0.525)
    on_horizontal = np.isclose(drawn[:, 1], 0.325)
    assert np.all(on_vertical | on_horizontal)
    # Every point of the two borders once (the crossing point may end several lines).
    assert len(np.unique(drawn[on_vertical, 1])) == len(grid.ys)
    assert len(np.unique(drawn[on_horizontal, 0])) == len(grid.xs)
    assert len(drawn) <= len(grid.xs) + len(grid.ys) + 4


def test_no_crossing_no_line():
    grid = grid_over(((0.0, 1.0), (0.0, 1.0)), 10)
    x, y = contour_lines(np.zeros((10, 10)), 0.5, grid)
    assert len(x) == len(y) == 0
    assert len(region_borders(np.zeros((10, 10), dtype=int), grid, 3)[0]) == 0
