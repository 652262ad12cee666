"""The two k-means pages in a real browser: navigation, k, half-steps, shared links."""

import re

import pytest

pytestmark = pytest.mark.e2e


def slider_value(app, label: str) -> str:
    slider = app.page.get_by_test_id("stSlider").filter(has_text=label)
    return slider.locator("input[type=range]").input_value()


def input_value(app, test_id: str, label: str) -> str:
    widget = app.page.get_by_test_id(test_id).filter(has_text=label)
    return widget.locator("input").first.input_value()


def metric_value(app, label: str) -> str:
    metric = app.page.get_by_test_id("stMetric").filter(has_text=re.compile(label))
    return metric.get_by_test_id("stMetricValue").inner_text()


def test_voronoi_page_moves_k_and_updates_the_inertia(app):
    app.open()
    app.go_to("k-means & Voronoi")
    assert not app.has_exception()
    assert slider_value(app, "Number of clusters k") == "5"
    before = metric_value(app, "Inertia")
    app.page.get_by_test_id("stSlider").locator("input[type=range]").first.press("ArrowLeft")
    app.wait_idle()
    app.screenshot("kmeans_voronoi-k4")
    assert slider_value(app, "Number of clusters k") == "4"
    assert metric_value(app, "Inertia") != before
    assert "vor_k=4" in app.page.url
    assert not app.has_exception()


def test_steps_page_forward_three_half_steps_by_keyboard(app):
    app.open()
    app.go_to("k-means step by step")
    assert not app.has_exception()
    values = [metric_value(app, "Inertia after")]
    app.page.get_by_role("button", name="Forward").click()
    app.wait_idle()
    values.append(metric_value(app, "Inertia after"))
    for _ in range(2):  # the shortcut works without the mouse
        app.page.keyboard.press("ArrowRight")
        app.wait_idle()
        values.append(metric_value(app, "Inertia after"))
    app.screenshot("kmeans_steps-3")
    assert "half-step 3" in app.page.get_by_test_id("stMetric").inner_text()
    assert len(set(values)) == 4, values
    app.page.keyboard.press("ArrowLeft")
    app.wait_idle()
    assert metric_value(app, "Inertia after") == values[2]


def test_a_shared_link_opens_the_same_voronoi_view(app):
    app.open("kmeans_voronoi", "vor_k=3&vor_seed=7&vor_init=k-means%2B%2B&vor_data=moons")
    assert slider_value(app, "Number of clusters k") == "3"
    assert input_value(app, "stNumberInput", "Seed") == "7"
    assert input_value(app, "stSelectbox", "Initialisation") == "k-means++"
    assert input_value(app, "stSelectbox", "Data set") == "moons"
    assert not app.has_exception()


def test_a_shared_link_opens_the_same_steps_view(app):
    app.open("kmeans_steps", "steps_k=3&steps_seed=7&steps_init=k-means%2B%2B")
    assert slider_value(app, "Number of clusters k") == "3"
    assert input_value(app, "stNumberInput", "Seed") == "7"
    assert input_value(app, "stSelectbox", "Initialisation") == "k-means++"
    assert not app.has_exception()


def test_settings_survive_a_round_trip_to_another_page(app):
    app.open("kmeans_voronoi", "vor_k=3")
    app.go_to("k-means step by step")
    app.go_to("k-means & Voronoi")
    assert slider_value(app, "Number of clusters k") == "3"


def test_voronoi_charts_change_in_place_without_a_blank_frame(app):
    app.open("kmeans_voronoi")
    title = app.page.locator(".st-key-vor_map .gtitle")
    assert "k = 5" in title.text_content()
    app.watch_charts()
    thumb = app.page.locator('input[type="range"][aria-label="Number of clusters k"]')
    thumb.focus()
    thumb.press("ArrowLeft")
    app.wait_idle()
    app.page.get_by_test_id("stNumberInput").filter(has_text="Seed").get_by_test_id(
        "stNumberInputStepUp"
    ).click()
    app.wait_idle()
    watch = app.blank_chart_moments()
    assert "k = 4" in title.text_content()  # the map did change
    assert watch["expected"] == 5  # map, elbow, silhouette score, diagram, failure case
    assert watch["blank"] == 0, f"a chart was not drawn at some moment: {watch}"
    assert not app.has_exception()
