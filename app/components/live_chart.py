"""A Plotly chart that changes in place when its figure changes, instead of blanking.

``st.plotly_chart`` hashes the figure into the element's identity, so every
new figure makes the browser drop the chart and draw a fresh one: a blank
frame, and a full first draw (the costliest part of a slider move), on every
change. :func:`live_chart` keeps one element per ``key`` and hands each new
figure to ``Plotly.react`` in the browser (``live_chart.js``).

The browser gets Plotly from the plotly Python package through the app's own
server: the folder holding ``plotly.min.js`` is declared as a (never mounted)
static component, which makes Streamlit serve its files. Nothing is fetched
from outside the machine.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit.components.v1 as static_components
from limits import FIGURES

from components import load

_PLOTLY_FILES = static_components.declare_component(
    "plotly_js", path=str(Path(plotly.__file__).parent / "package_data")
)
PLOTLY_PATH = f"component/{_PLOTLY_FILES.name}/plotly.min.js"
CONFIG = {"displaylogo": False, "responsive": True}
# A small template in place of plotly.py's large default one (sent with every
# figure): light grid, no zero lines, room made for tick labels, text a projector can show.
AXIS_LOOK = {"gridcolor": "#EBEBEB", "zeroline": False, "automargin": True}
BASE_LAYOUT = {
    "template": {"layout": {"xaxis": AXIS_LOOK, "yaxis": AXIS_LOOK}},
    "font": {"family": '"Source Sans", sans-serif', "size": 14},
    "paper_bgcolor": "white",
}


def figure_json(figure: go.Figure, revision: Any) -> str:
    """The figure as Plotly JSON, with the app's base layout and ``uirevision``.

    Settings the figure makes itself win over the base layout. ``uirevision``
    keeps what the user did to the chart (zoom, hidden legend entries) while
    it stays the same; a new value (say, another data set) resets the view.
    """
    spec = json.loads(pio.to_json(figure, validate=False))
    layout = spec.setdefault("layout", {})
    for name, value in BASE_LAYOUT.items():
        if name == "template" or name not in layout:
            layout[name] = value
    layout["uirevision"] = str(revision)
    return json.dumps(spec, separators=(",", ":"))


# The JSON of the figures charts were given lately, by figure object and
# revision: a page that hands a cached figure again (a slider moved back and
# forth between two values) does not serialize it again. Each entry holds its
# figure, so the figure's id cannot be reused by another object while it is
# here; the oldest entries go first. Sessions run in threads of their own.
_SERIALIZED: OrderedDict[tuple[int, str], tuple[go.Figure, str]] = OrderedDict()
_SERIALIZED_LOCK = threading.Lock()


def serialized(figure: go.Figure, revision: Any) -> str:
    """:func:`figure_json` of ``figure``, reused when this very object was serialized lately."""
    key = (id(figure), str(revision))
    with _SERIALIZED_LOCK:
        if key in _SERIALIZED:
            _SERIALIZED.move_to_end(key)
            return _SERIALIZED[key][1]
    text = figure_json(figure, key[1])
    with _SERIALIZED_LOCK:
        _SERIALIZED[key] = (figure, text)
        while len(_SERIALIZED) > FIGURES:
            _SERIALIZED.popitem(last=False)
    return text


def live_chart(
    figure: go.Figure,
    *,
    key: str,
    revision: Any = None,
    config: dict[str, Any] | None = None,
) -> None:
    """Show ``figure``; on later reruns the same ``key`` updates that chart in place.

    Parameters
    ----------
    figure : plotly.graph_objects.Figure
        The figure to show; give it a fixed height (``layout.height``).
    key : str
        The chart's identity across reruns, unique on the page.
    revision : any, optional
        The view's identity: zoom and legend choices survive updates with the
        same revision and are reset by a new one. Defaults to ``key``.
    config : dict, optional
        Extra Plotly config (``displayModeBar`` ...), on top of :data:`CONFIG`.
    """
    mount = load("live_chart", isolate_styles=False)
    mount(
        key=key,
        data={
            "figure": serialized(figure, key if revision is None else revision),
            "config": {**CONFIG, **(config or {})},
            "plotly_path": PLOTLY_PATH,
        },
    )
