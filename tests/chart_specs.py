"""Read the figures an AppTest page shows in its live charts (``components.live_chart``)."""

from __future__ import annotations

import json

LIVE_CHART = "ce_live_chart"


def live_charts(app) -> dict[str, dict]:
    """Every live chart on the page: its key -> the Plotly figure it was given."""
    charts = {}
    for element in app.get("bidi_component"):
        if element.proto.component_name == LIVE_CHART:
            key = element.proto.id.rsplit("-", 1)[-1]
            charts[key] = json.loads(json.loads(element.proto.json)["figure"])
    return charts


def live_chart(app, key: str) -> dict:
    """The figure of the live chart with this key; fails when the page has none."""
    charts = live_charts(app)
    assert key in charts, f"no chart {key!r} on the page, only {sorted(charts)}"
    return charts[key]
