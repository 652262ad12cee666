"""The live chart's Python side: a figure object handed again is not serialized again."""

import json
from collections import OrderedDict

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
    monkeypatch.setattr(module, "_SERIALIZED", OrderedDict())
    return calls


def test_the_same_figure_object_is_serialized_once(counted):
    figure = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    first = module.serialized(figure, "view")
    assert module.serialized(figure, "view") == first
    assert counted == ["view"]
    assert json.loads(first)["layout"]["uirevision"] == "view"


def test_a_new_figure_or_revision_is_serialized_again(counted):
    figure = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    module.serialized(figure, "view")
    equal_but_new = go.Figure(go.Scatter(x=[1, 2], y=[5, 6]))
    changed = json.loads(module.serialized(equal_but_new, "view"))
    assert list(changed["data"][0]["y"]) == [5, 6]
    assert json.loads(module.serialized(equal_but_new, "other"))["layout"]["uirevision"] == "other"
    assert counted == ["view", "view", "other"]


def test_a_figure_shown_again_after_another_is_not_serialized_again(counted):
    # A slider moved back and forth hands the chart two cached figures in turn.
    at_four, at_five = (go.Figure(go.Scatter(x=[k], y=[k])) for k in (4, 5))
    texts = [module.serialized(figure, "view") for figure in (at_four, at_five, at_four, at_five)]
    assert texts[0] == texts[2] and texts[1] == texts[3] and texts[0] != texts[1]
    assert counted == ["view", "view"]


def test_the_oldest_figures_are_forgotten_past_the_bound(counted, monkeypatch):
    monkeypatch.setattr(module, "FIGURES", 2)
    figures = [go.Figure(go.Scatter(x=[i], y=[i])) for i in range(3)]
    for figure in figures:
        module.serialized(figure, "view")
    assert len(module._SERIALIZED) == 2
    module.serialized(figures[0], "view")  # forgotten: serialized again
    assert counted == ["view"] * 4
