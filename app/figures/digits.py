"""Pictures of the 8x8 digits for the semi-supervised page.

``digit_png`` turns one image into a PNG big enough to read, each of the 64
pixels a sharp square (nearest-neighbour scaling, no blur), for the clickable
tiles. ``label_check_figure`` lays out many digits in a grid with the label
the user gave each, marking the ones that differ from the truth.
``accuracy_figure`` sets our accuracies beside the chapter's.
Pure functions: arrays in, picture out.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from figures.palette import (
    AGREE_COLOR,
    CENTROID_COLOR,
    CURVE_COLOR,
    MISTAKE_COLOR,
    SECOND_CURVE_COLOR,
)
from figures.theme import TICK_SIZE, themed

DIGIT_SIDE = 8
ROW_GAP = 4  # blank pixel rows above each digit, where its label goes
MAX_INK = 16.0  # pixel values of the digits data set run from 0 (paper) to 16 (ink)
# Sources, not clusters: the palette's curve greys, never a cluster colour, told apart
# by lightness and a hatch.
OURS_COLOR = CURVE_COLOR
CHAPTER_COLOR = SECOND_CURVE_COLOR
CHAPTER_TEXT_COLOR = CENTROID_COLOR  # black on the hatched mid grey
OURS_TEXT_COLOR = "#FFFFFF"  # white on the dark grey


def digit_png(pixels: np.ndarray, scale: int = 12) -> bytes:
    """One digit as a PNG of ``8*scale`` pixels a side: dark ink on white, sharp squares.

    Parameters
    ----------
    pixels : array of 64 values (or 8x8), 0 to 16
        The image, as a row of ``X_digits``.
    scale : int
        Screen pixels per image pixel.
    """
    grey = 255 - np.asarray(pixels, dtype=float).reshape(DIGIT_SIDE, DIGIT_SIDE) * (
        255 / MAX_INK
    )
    big = np.kron(np.clip(grey, 0, 255).astype(np.uint8), np.ones((scale, scale), np.uint8))
    buffer = io.BytesIO()
    Image.fromarray(big, mode="L").save(buffer, format="PNG")
    return buffer.getvalue()


def label_check_figure(
    images: np.ndarray, labels: Sequence[int], truth: Sequence[int], columns: int = 10
) -> go.Figure:
    """A grid of digits, each titled with the user's label; red where it differs from the truth.

    Parameters
    ----------
    images : array of shape (n, 64)
        The digits in reading order.
    labels : sequence of int
        The user's label for each (-1: not labelled yet, shown as "?").
    truth : sequence of int
        The data set's true label for each.
    columns : int
        Digits per row.
    """
    n = len(images)
    rows = -(-n // columns)
    pitch_y, pitch_x = DIGIT_SIDE + ROW_GAP, DIGIT_SIDE + 1
    canvas = np.full((rows * pitch_y, columns * pitch_x), np.nan)
    annotations = []
    for position, (image, label, true) in enumerate(zip(images, labels, truth, strict=True)):
        row, column = divmod(position, columns)
        top, left = row * pitch_y + ROW_GAP, column * pitch_x
        canvas[top : top + DIGIT_SIDE, left : left + DIGIT_SIDE] = np.reshape(
            image, (DIGIT_SIDE, DIGIT_SIDE)
        )
        wrong = label >= 0 and label != true
        text = "?" if label < 0 else str(label)
        if wrong:
            text += f" (is {true})"
        annotations.append(
            {
                "x": left + DIGIT_SIDE / 2 - 0.5,
                "y": top - ROW_GAP / 2 - 0.5,
                "text": f"<b>{text}</b>",
                "showarrow": False,
                "font": {"color": MISTAKE_COLOR if wrong else AGREE_COLOR, "size": TICK_SIZE},
                "bgcolor": "white",
            }
        )
    figure = go.Figure(
        go.Heatmap(
            z=canvas,
            colorscale="Greys",
            zmin=0,
            zmax=MAX_INK,
            showscale=False,
            connectgaps=False,
            hoverinfo="skip",
        )
    )
    figure.update_layout(
        annotations=annotations,
        height=rows * 120 + 30,
        margin={"l": 5, "r": 5, "t": 30, "b": 5},
        plot_bgcolor="white",
    )
    figure.update_xaxes(visible=False, constrain="domain")
    figure.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    figure.update_layout(font={"size": TICK_SIZE})
    return figure


def accuracy_figure(ours: Mapping[str, float], chapter: Mapping[str, float]) -> go.Figure:
    """Horizontal bars: test accuracy of each training set, ours beside the chapter's."""
    names = list(ours)
    figure = go.Figure()
    # Text colours chosen here, not by Plotly: on the chapter's hatched mid grey it
    # picked white, which the hatching made unreadable.
    for source, values, color, hatch, text_color in (
        ("the chapter", [chapter.get(name, np.nan) for name in names], CHAPTER_COLOR, "/",
         CHAPTER_TEXT_COLOR),
        ("this page", [ours[name] for name in names], OURS_COLOR, "", OURS_TEXT_COLOR),
    ):  # fmt: skip
        figure.add_trace(
            go.Bar(
                y=names,
                x=values,
                name=source,
                orientation="h",
                marker={"color": color, "pattern_shape": hatch},
                text=[f"{value:.1%}" if np.isfinite(value) else "—" for value in values],
                # Inside the bar's end: a narrow column has no room beside the bars.
                textposition="inside",
                insidetextanchor="end",
                insidetextfont={"color": text_color},
            )
        )
    figure.update_layout(
        barmode="group",
        height=90 + 60 * len(names),
        margin={"l": 5, "r": 5, "t": 40, "b": 10},
        xaxis={"range": [0, 1], "tickformat": ".0%", "title": "test accuracy"},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "yref": "container", "y": 1, "yanchor": "top", "x": 0},
    )
    return themed(figure)
