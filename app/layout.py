"""How the chapter pages are arranged, so that each fits a projector screen.

Every chapter page follows one pattern: the title, one row of the controls
that define the scenario, then the main figure in a wide column with a narrow
column beside it for the numbers, the secondary controls and a short
explanation; everything else (the page's introduction, other figures, tables)
comes below. At 1280×720 the main figure then lies wholly on the first screen.
"""

from __future__ import annotations

import plotly.graph_objects as go

#: The wide and the narrow column beside it, as ``st.columns`` weights.
FIGURE_AND_SIDE = (2.3, 1)
#: The tallest main figure, in pixels: on a 720-pixel-high screen the title and
#: one row of controls take about 210 pixels above it.
MAIN_FIGURE_MAX_HEIGHT = 480
#: Room for tick labels and a one-row legend around a plot, in pixels.
AXES_ROOM = 70
#: The plot area's width of a map in the wide column at 1280×720 (sidebar open).
MAP_PLOT_WIDTH = 500


def fit_screen(
    figure: go.Figure, max_height: int = MAIN_FIGURE_MAX_HEIGHT, plot_width: int | None = None
) -> go.Figure:
    """``figure`` at most ``max_height`` pixels tall (its own height if lower).

    A map with equal axis scales keeps them: Plotly shrinks the plot to fit,
    and the room it leaves goes below the plot, not between a legend on top
    and the plot. Given the plot's width on a 1280-pixel-wide screen
    (``plot_width``), such a map is also made no taller than its shape needs
    at that width, so little room is left at all.
    """
    heights = [max_height, figure.layout.height or max_height]
    if figure.layout.yaxis.scaleanchor:
        figure.update_yaxes(constraintoward="top")
        if plot_width is not None:
            heights.append(height_for_width(figure, plot_width))
    figure.update_layout(height=min(heights))
    return figure


def height_for_width(figure: go.Figure, plot_width: int) -> int:
    """The height at which an equal-scale plot ``plot_width`` pixels wide fills its area.

    Axes whose margins are fixed (``automargin=False``) already hold their tick
    labels in the margins; others get :data:`AXES_ROOM` more.
    """
    (x0, x1), (y0, y1) = figure.layout.xaxis.range, figure.layout.yaxis.range
    margin = figure.layout.margin
    axes_room = 0 if figure.layout.xaxis.automargin is False else AXES_ROOM
    return round(plot_width * (y1 - y0) / (x1 - x0)) + (margin.t or 0) + (margin.b or 0) + axes_room
