"""Browser-side pieces of the app, built on Streamlit's components v2.

Where a person acts faster than a Streamlit rerun (typing labels, stepping
through k-means, clicking on a plane), the interaction runs in the browser:
the component applies every input at once and in order, and sends Python the
whole resulting state (the full label vector, the step index, the list of
points), never a delta that two merged reruns could lose or reorder.

Each component ``NAME`` is a set of files beside this module: ``NAME.js`` (an
ES module whose default export receives Streamlit's component object),
optionally ``NAME.css`` and ``NAME.html``, and ``NAME.py``, the Python wrapper
a page calls. Everything is read from the repository at run time: no CDN, no
request leaves the machine.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent


def _read(name: str, suffix: str) -> str | None:
    path = HERE / f"{name}.{suffix}"
    return path.read_text(encoding="utf-8") if path.is_file() else None


@cache
def load(name: str, *, isolate_styles: bool = True):
    """Register component ``name`` from its files beside this module; the mount callable.

    Parameters
    ----------
    name : str
        The files' stem, e.g. ``"label_grid"`` for ``label_grid.js`` (and
        ``label_grid.css``, ``label_grid.html`` when they exist).
    isolate_styles : bool, default=True
        Render inside a shadow root, away from the page's styles. A component
        that uses a library styling itself from the page's ``<head>`` (Plotly)
        needs False.

    Returns
    -------
    callable
        Streamlit's mount command: call it with ``key=``, ``data=``,
        ``default=`` and ``on_<state>_change=`` callbacks.
    """
    js = _read(name, "js")
    if js is None:
        raise FileNotFoundError(f"component {name!r} has no {name}.js in {HERE}")
    return st.components.v2.component(
        f"ce_{name}",
        html=_read(name, "html"),
        css=_read(name, "css"),
        js=js,
        isolate_styles=isolate_styles,
    )
