"""Your own data in a real browser: draw clouds by clicking, share the link, download the CSV.

The your-data panel sits in the sidebar, so at 1280×720 the page's main figure
stays on the first screen beside it, whether the data are drawn or uploaded.
"""

import ast
import io
import re

import numpy as np
import pandas as pd
import pytest

from clustering import KMeans, make_five_blobs
from clustering.kmeans import lloyd_steps
from clustering.preprocessing import StandardScaler

pytestmark = pytest.mark.e2e

CLOUDS = ((0.3, 0.5), (0.55, 0.25), (0.8, 0.7))  # where to click, as shares of the plane
POINTS_A_CLICK = 20
PROJECTOR = {"width": 1280, "height": 720}


def metric_value(app, label: str) -> str:
    metric = app.page.get_by_test_id("stMetric").filter(has_text=label)
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def set_slider(app, label: str, key: str, presses: int = 0) -> None:
    """Move a slider with the keyboard: ``key`` once (Home/End), then ``presses`` right arrows."""
    thumb = app.page.get_by_role("slider", name=label)
    thumb.focus()
    thumb.press(key)
    for _ in range(presses):
        thumb.press("ArrowRight")
    app.wait_idle()


def click_on_plane(app, share_x: float, share_y: float) -> None:
    canvas = app.page.locator(".click-plane-canvas")
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] * share_x, "y": box["height"] * share_y})
    app.wait_idle()


def assert_on_first_screen(app, figure: str) -> None:
    """The main figure lies wholly on the first screen at 1280×720, and is a figure."""
    box = app.page.locator(figure).bounding_box()
    assert box["height"] > 200 and box["width"] > 300, box
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= PROJECTOR["width"], box
    assert box["y"] + box["height"] <= PROJECTOR["height"], box


def downloaded_table(app) -> pd.DataFrame:
    with app.page.expect_download() as download:
        app.page.get_by_role("button", name="Download the data with the clusters (CSV)").click()
    return pd.read_csv(io.BytesIO(download.value.path().read_bytes()))


def test_three_drawn_clouds_are_three_clusters_and_the_link_reopens_them(app, browser):
    app.page.set_viewport_size(PROJECTOR)
    app.open("dbscan", "db_data=your+data&db_eps=0.3")
    app.page.get_by_text("drawing", exact=True).click()
    app.wait_idle()
    set_slider(app, "Spread of a click", "Home")  # the tightest clouds
    set_slider(app, "Points a click drops", "Home", POINTS_A_CLICK - 1)
    for share_x, share_y in CLOUDS:
        click_on_plane(app, share_x, share_y)
    app.screenshot("three-clouds")
    assert not app.has_exception()
    assert metric_value(app, "Clusters") == "3"
    assert "yd_points=" in app.page.url
    assert_on_first_screen(app, ".st-key-db_clusters_chart .ce-live-chart")

    drawn = downloaded_table(app)
    assert list(drawn.columns) == ["x1", "x2", "cluster"]
    assert len(drawn) == len(CLOUDS) * POINTS_A_CLICK
    assert sorted(drawn["cluster"].unique()) == [0, 1, 2]

    link = app.page.url
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        fresh = type(app)(context.new_page(), app.base_url, app.test_name + "-reopened")
        fresh.page.goto(link)
        fresh.wait_idle()
        fresh.screenshot("reopened")
        assert metric_value(fresh, "Clusters") == "3"
        pd.testing.assert_frame_equal(downloaded_table(fresh), drawn)
    finally:
        context.close()


def test_a_click_on_a_point_removes_it(app):
    app.open("dbscan", "db_data=your+data")
    app.page.get_by_text("drawing", exact=True).click()
    app.wait_idle()
    set_slider(app, "Points a click drops", "Home")  # one point a click
    click_on_plane(app, 0.3, 0.3)
    click_on_plane(app, 0.7, 0.6)
    assert "2 points" in app.page.locator(".click-plane-count").inner_text()
    click_on_plane(app, 0.3, 0.3)  # on the first point: it goes
    assert app.page.locator(".click-plane-count").inner_text().startswith("1 point")
    app.page.get_by_role("button", name="Clear").click()
    app.wait_idle()
    assert app.page.locator(".click-plane-count").inner_text().startswith("0 points")
    assert "yd_points=" not in app.page.url


def player_shows(app) -> tuple[str, str]:
    """The step player's metric label and value."""
    return app.page.evaluate(
        """() => {
            const roots = [...document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')]
                .map((host) => host.shadowRoot.querySelector('.step-player')).filter(Boolean);
            const root = roots[0];
            return [root.querySelector('.metric-label').textContent,
                    root.querySelector('.metric-value').textContent];
        }"""
    )


def test_three_clicked_centroids_start_the_step_player(app):
    app.open("kmeans_steps", "steps_init=my+clicks&steps_k=3")
    assert "Click 3 more place(s)" in app.page.get_by_test_id("stAlert").first.inner_text()
    for share_x, share_y in ((0.25, 0.4), (0.5, 0.5), (0.8, 0.6)):  # inside the plot
        click_on_plane(app, share_x, share_y)
    app.page.locator(".step-player .map canvas[data-step]").wait_for()
    app.screenshot("clicked-centroids")
    assert not app.has_exception()
    code = app.page.get_by_test_id("stCode").inner_text()
    clicked = re.search(r"init = np\.array\((.*)\)  # your clicks", code).group(1)
    centres = np.array(ast.literal_eval(clicked))  # the printed array, as a reader pastes it
    states = list(lloyd_steps(make_five_blobs()[0], centres))
    last = len(states) - 1
    assert player_shows(app)[0] == f"Inertia after half-step 0 of {last}"
    for position in (1, 2, 3):
        app.page.get_by_role("button", name="Forward").click()
        app.page.locator(f".step-player[data-position='{position}']").wait_for()
    assert tuple(player_shows(app)) == (
        f"Inertia after half-step 3 of {last}",
        f"{states[3].inertia:.2f}",
    )


def test_an_uploaded_table_leaves_the_figure_on_the_first_screen_and_downloads_whole(app, tmp_path):
    rng = np.random.default_rng(3)
    groups = np.repeat([0, 1, 2], 40)
    features = np.array([[0, 0, 0], [5, 5, 0], [0, 5, 5]])[groups] + rng.normal(size=(120, 3))
    table = pd.DataFrame(features * [1, 100, 0.01], columns=["length", "weight", "ratio"])
    table["kind"] = np.array(["apple", "pear", "plum"])[groups]
    path = tmp_path / "fruit.csv"
    table.to_csv(path, index=False)
    app.page.set_viewport_size(PROJECTOR)
    app.open("kmeans_voronoi", "vor_data=your+data&vor_k=3")
    app.page.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(path)
    app.wait_idle()
    app.page.locator(".st-key-vor_map .ce-live-chart .main-svg").first.wait_for()
    app.screenshot("uploaded")
    assert not app.has_exception()
    assert_on_first_screen(app, ".st-key-vor_map .ce-live-chart")
    back = downloaded_table(app)
    pd.testing.assert_frame_equal(back.drop(columns="cluster"), table)
    X = StandardScaler().fit_transform(table.iloc[:, :3])
    expected = KMeans(3, init="random", n_init=10, random_state=42).fit(X).labels_
    np.testing.assert_array_equal(back["cluster"], expected)
