"""Contour lines of a gridded field, computed here so the browser only draws lines.

Plotly can contour a grid itself (``go.Contour``), but it does so in the
browser on every redraw, and a figure with a dozen contour traces over a
150 x 150 grid took it half a second. Here the lines are found once, in
Python, by *marching squares*: each grid cell (four neighbouring grid points)
is classed by which of its corners lie above the level, and that class says
which of the cell's sides the line crosses; the crossing on a side is placed
by linear interpolation between its two corners. The pieces are then chained
into polylines, and the figure draws all of them as one ``scatter`` trace with
gaps (NaN) between the lines.
"""

from __future__ import annotations

import numpy as np

from figures.grid import Grid

# The sides of a cell, named by number: 0 bottom, 1 right, 2 top, 3 left. Its
# corners: bit 0 bottom-left, bit 1 bottom-right, bit 2 top-right, bit 3 top-left.
# For each of the 16 classes (which corners are above the level), the pairs of
# sides a line joins. In the two saddle classes (5, 10) each corner above the
# level is cut off on its own.
SEGMENTS: tuple[tuple[tuple[int, int], ...], ...] = (
    (),
    ((3, 0),),
    ((0, 1),),
    ((3, 1),),
    ((1, 2),),
    ((3, 0), (1, 2)),
    ((0, 2),),
    ((3, 2),),
    ((2, 3),),
    ((0, 2),),
    ((0, 1), (2, 3)),
    ((1, 2),),
    ((1, 3),),
    ((0, 1),),
    ((3, 0),),
    (),
)


def crossing_segments(
    above: np.ndarray, keep: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Which sides of which cells the line between ``above`` and the rest crosses.

    Parameters
    ----------
    above : bool ndarray of shape (ny, nx)
        Whether each grid point is above the level (inside the region).
    keep : bool ndarray of shape (ny - 1, nx - 1), optional
        Cells whose pieces to keep (all by default).

    Returns
    -------
    cells : int ndarray of shape (n_pieces, 2)
        The ``(row, column)`` of the cell of each piece of line.
    sides : int ndarray of shape (n_pieces, 2)
        The two sides of that cell the piece joins.
    """
    a = above.astype(np.int8)
    classes = a[:-1, :-1] + 2 * a[:-1, 1:] + 4 * a[1:, 1:] + 8 * a[1:, :-1]
    if keep is not None:
        classes = np.where(keep, classes, 0)
    cells, sides = [], []
    for cell_class, pieces in enumerate(SEGMENTS):
        if not pieces:
            continue
        rows, columns = np.nonzero(classes == cell_class)
        for piece in pieces:
            cells.append(np.column_stack([rows, columns]))
            sides.append(np.broadcast_to(piece, (len(rows), 2)))
    if not cells:
        return np.empty((0, 2), dtype=np.intp), np.empty((0, 2), dtype=np.intp)
    return np.concatenate(cells), np.concatenate(sides)


def side_ids(cells: np.ndarray, sides: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A number for each grid side, the same from both cells that share it.

    Horizontal sides (between ``(i, j)`` and ``(i, j + 1)``) come first, then vertical ones.
    """
    ny, nx = shape
    rows, columns = cells[:, :1], cells[:, 1:]
    horizontal = (rows + (sides == 2)) * (nx - 1) + columns
    vertical = ny * (nx - 1) + rows * nx + columns + (sides == 1)
    return np.where((sides == 0) | (sides == 2), horizontal, vertical)


def side_points(
    ids: np.ndarray, field: np.ndarray, level: float, grid: Grid
) -> tuple[np.ndarray, np.ndarray]:
    """Where the line crosses each numbered side: linear interpolation of ``field`` to ``level``."""
    ny, nx = field.shape
    n_horizontal = ny * (nx - 1)
    is_vertical = ids >= n_horizontal
    row = np.where(is_vertical, (ids - n_horizontal) // nx, ids // (nx - 1))
    column = np.where(is_vertical, (ids - n_horizontal) % nx, ids % (nx - 1))
    row_2 = row + is_vertical
    column_2 = column + ~is_vertical
    start, end = field[row, column], field[row_2, column_2]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.clip(np.nan_to_num((level - start) / (end - start), nan=0.5), 0.0, 1.0)
    x = grid.xs[column] + t * (grid.xs[column_2] - grid.xs[column])
    y = grid.ys[row] + t * (grid.ys[row_2] - grid.ys[row])
    return x, y


def chain(pairs: np.ndarray) -> list[list[int]]:
    """Join pieces that share a side into polylines, each as its list of side numbers.

    Every side belongs to at most two pieces (one per cell beside it), so the
    pieces form simple paths and loops; a loop's first side is repeated at its end.
    """
    neighbours: dict[int, list[int]] = {}
    for first, second in pairs.tolist():
        neighbours.setdefault(first, []).append(second)
        neighbours.setdefault(second, []).append(first)
    visited: set[int] = set()
    lines = []
    # Open paths start at a side with one neighbour; whatever is left is loops.
    starts = [side for side, near in neighbours.items() if len(near) == 1]
    for start in starts + list(neighbours):
        if start in visited:
            continue
        line = [start]
        visited.add(start)
        while True:
            ahead = [side for side in neighbours[line[-1]] if side not in visited]
            if not ahead:
                break
            line.append(ahead[0])
            visited.add(ahead[0])
        if len(line) > 2 and line[0] in neighbours[line[-1]]:
            line.append(line[0])  # close the loop
        lines.append(line)
    return lines


def contour_lines(
    field: np.ndarray,
    level: float,
    grid: Grid,
    above: np.ndarray | None = None,
    keep: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The lines where ``field`` crosses ``level``, as x and y arrays with NaN between lines.

    Parameters
    ----------
    field : ndarray of shape (len(grid.ys), len(grid.xs))
        The values at the grid points (row ``i`` at ``grid.ys[i]``).
    level : float
        The contour level.
    grid : Grid
        The grid's axes.
    above : bool ndarray, same shape as ``field``, optional
        Which grid points count as above the level; ``field > level`` by default.
    keep : bool ndarray of shape (ny - 1, nx - 1), optional
        The cells whose pieces of line to draw (all by default).
    """
    above = field > level if above is None else above
    cells, sides = crossing_segments(above, keep)
    if not len(cells):
        return np.empty(0), np.empty(0)
    ids = side_ids(cells, sides, field.shape)
    lines = chain(ids)
    order = np.concatenate([np.append(line, -1) for line in lines])
    x, y = side_points(np.maximum(order, 0), field, level, grid)
    gap = order < 0
    x[gap], y[gap] = np.nan, np.nan
    return x[:-1], y[:-1]


def region_borders(labels: np.ndarray, grid: Grid, n_regions: int) -> tuple[np.ndarray, np.ndarray]:
    """The borders between regions of a label image, each border drawn once.

    Region ``c``'s outline is the half-way line between its grid points and
    the others'. A border between regions ``a < b`` is on both outlines, so
    a cell's piece of ``c``'s outline is kept only where a region numbered
    above ``c`` shares the cell: drawn twice, a dashed line would look solid.
    """
    highest = np.maximum.reduce(
        [labels[:-1, :-1], labels[:-1, 1:], labels[1:, 1:], labels[1:, :-1]]
    )
    xs, ys = [], []
    for region in range(n_regions):
        inside = labels == region
        x, y = contour_lines(inside.astype(np.float32), 0.5, grid, inside, keep=highest > region)
        if len(x):
            xs += [x, [np.nan]]
            ys += [y, [np.nan]]
    if not xs:
        return np.empty(0), np.empty(0)
    return np.concatenate(xs[:-1]), np.concatenate(ys[:-1])
