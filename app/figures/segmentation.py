"""Figures and pictures for the image-segmentation page: arrays in, figure or image out."""

from __future__ import annotations

import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from figures.palette import CENTROID_COLOR, CURVE_COLOR
from figures.theme import themed

FADED_GREY = 0.25  # how much of a faded pixel's colour is kept; the rest is light grey


def hex_colour(rgb) -> str:
    """An RGB triple as ``#rrggbb``."""
    red, green, blue = (int(value) for value in rgb)
    return f"#{red:02x}{green:02x}{blue:02x}"


def palette_figure(palette: np.ndarray, counts: np.ndarray, highlight: int | None = None):
    """One bar per palette colour, painted in that colour, as long as its share of pixels.

    The bar of ``highlight`` (a colour's index) gets a thick black outline.
    """
    shares = 100 * counts / counts.sum()
    names = [f"{index + 1}" for index in range(len(palette))]
    outline = [3 if index == highlight else 0.5 for index in range(len(palette))]
    figure = go.Figure(
        go.Bar(
            x=shares,
            y=names,
            orientation="h",
            marker={
                "color": [hex_colour(rgb) for rgb in palette],
                "line": {"color": CENTROID_COLOR, "width": outline},
            },
            text=[f"{hex_colour(rgb)}  {share:.1f}%" for rgb, share in zip(palette, shares,
                                                                           strict=True)],
            textposition="outside",
            hovertemplate="colour %{y}: %{x:.2f}% of the pixels<extra></extra>",
        )
    )
    figure.update_layout(
        height=60 + 28 * len(palette),
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        # Room after the longest bar for its label ("#rrggbb  28.4%") at the theme's size.
        xaxis={"title": "share of pixels (%)", "range": [0, max(shares.max() * 1.7, 1)]},
        yaxis={"title": "colour", "autorange": "reversed", "type": "category"},
        showlegend=False,
    )
    return themed(figure)


def inertia_figure(ks, inertias, current_k: int | None = None):
    """Inertia against the number of colours k, with the current k marked."""
    figure = go.Figure(
        go.Scatter(
            x=list(ks),
            y=list(inertias),
            mode="lines+markers",
            name="inertia",
            line={"color": CURVE_COLOR},
            hovertemplate="k=%{x}: inertia %{y:.4g}<extra></extra>",
        )
    )
    if current_k in ks:
        index = list(ks).index(current_k)
        figure.add_trace(
            go.Scatter(
                x=[current_k],
                y=[inertias[index]],
                mode="markers",
                marker={"size": 14, "color": CENTROID_COLOR, "symbol": "circle-open",
                        "line": {"width": 3}},
                name=f"k = {current_k}",
                hoverinfo="skip",
            )
        )
    figure.update_layout(
        height=320,
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis={"title": "number of colours k", "dtick": 1},
        yaxis={"title": "inertia (squared RGB distance)"},
        showlegend=False,
    )
    return themed(figure)


def highlight_image(image: np.ndarray, labels: np.ndarray, colour: int) -> np.ndarray:
    """The picture with only the pixels of cluster ``colour`` left as they are.

    Every other pixel fades towards light grey, so the chosen colour's pixels
    stand out wherever they are, however few.
    """
    faded = (FADED_GREY * image + (1 - FADED_GREY) * 220).astype(np.uint8)
    return np.where((labels == colour)[..., None], image, faded)


def png_bytes(image: np.ndarray) -> bytes:
    """An RGB uint8 array encoded as PNG (lossless, so every colour stays exact)."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
