"""The look every figure shares: text a projector shows, markers seen from the back of a room.

Each builder calls :func:`themed` on the figure it returns instead of setting
fonts of its own, so one change here changes every chart of the app.
"""

from __future__ import annotations

import plotly.graph_objects as go

FONT_SIZE = 16  # titles, hover labels, annotations
TICK_SIZE = 15  # tick labels and legend entries: at least 14 px on a projector
POINT_SIZE = 7  # a data point on a map
SMALL_POINT_SIZE = 5  # a data point on a small panel or a border point


def themed(figure: go.Figure) -> go.Figure:
    """``figure`` with the app's font sizes on every axis, legend and annotation."""
    figure.update_layout(font={"size": FONT_SIZE}, legend={"font": {"size": TICK_SIZE}})
    figure.update_xaxes(tickfont={"size": TICK_SIZE}, title_font={"size": FONT_SIZE})
    figure.update_yaxes(tickfont={"size": TICK_SIZE}, title_font={"size": FONT_SIZE})
    figure.update_annotations(font_size=FONT_SIZE)
    return figure
