"""The live chart's Python side: the same figure object handed again is not serialized again."""

import json

import plotly.graph_objects as go
import pytest
from components import live_chart as module


@pytest.fixture
def counted(monkeypatch):
    """Count the calls of figure_json while keeping what it returns."""
    calls = []
    original = module.figure_json

    def counting(figure, revision):
        calls.append(revision)
        return original(figure, revision)

    monkeypatch.setattr(module, "figure_json", counting)
    monkeypatch.setattr(module, "_SERIALIZED", {})
    return calls


def test_the_same_figure_object_is_serialized_once_per_key(counted):
    figure = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    first = module.serialized(figure, "chart", "view")
    assert module.serialized(figure, "chart", "view") == first
    assert counted == ["view"]
    assert json.loads(first)["layout"]["uirevision"] == "view"


def test_a_new_figure_or_revision_is_serialized_again(counted):
    figure = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    module.serialized(figure, "chart", "view")
    equal_but_new = go.Figure(go.Scatter(x=[1, 2], y=[5, 6]))
    changed = json.loads(module.serialized(equal_but_new, "chart", "view"))
    assert list(changed["data"][0]["y"]) == [5, 6]
    assert (
        json.loads(module.serialized(equal_but_new, "chart", "other"))["layout"]["uirevision"]
        == "other"
    )
    module.serialized(figure, "another chart", "view")  # each key remembers its own
    assert counted == ["view", "view", "other", "view"]
