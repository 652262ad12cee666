"""The DBSCAN page (AppTest) and its new-points parser (its figures: test_figures_dbscan.py)."""


import numpy as np
import pytest
from chart_specs import live_chart
from new_points import parse_points

from clustering import (
    DBSCAN,
    classifier_from_dbscan,
    make_chapter_moons,
    make_ellipsoidal_blobs,
    make_five_blobs,
)
from clustering.dbscan import point_kinds

PAGE = "views/dbscan.py"
CHAPTER_X_NEW = np.array([[-0.5, 0], [0, 0.5], [1, -0.1], [2, 1]])


@pytest.fixture
def page(app_at):
    app = app_at(PAGE).run()
    assert not app.exception
    return app


def shown_counts(app) -> dict[str, int]:
    return {metric.label: int(metric.value) for metric in app.metric}


def library_counts(X, eps, min_samples) -> dict[str, int]:
    model = DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    kinds = point_kinds(model)
    return {
        "Clusters": int(model.labels_.max()) + 1,
        "Core points": int(np.sum(kinds == "core")),
        "Border points": int(np.sum(kinds == "border")),
        "Anomalies": int(np.sum(kinds == "anomaly")),
    }


def moons(n_samples=1000, noise=0.05, seed=42):
    return make_chapter_moons(n_samples, noise, seed)[0]


def test_defaults_are_the_chapters_eps_0_2_model(page):
    assert shown_counts(page) == library_counts(moons(), 0.2, 5)
    assert shown_counts(page)["Clusters"] == 2
    assert "two moons" in page.info[0].value
    table = page.table[0].value
    knn = classifier_from_dbscan(DBSCAN(eps=0.2).fit(moons()), n_neighbors=50)
    np.testing.assert_array_equal(table["cluster"], knn.predict(CHAPTER_X_NEW))
    np.testing.assert_allclose(
        table[["P(cluster 0)", "P(cluster 1)"]], knn.predict_proba(CHAPTER_X_NEW)
    )


@pytest.mark.parametrize(("eps", "n_clusters"), [(0.05, 7), (0.2, 2)])
def test_eps_slider_reproduces_the_chapter(page, eps, n_clusters):
    page.slider(key="db_eps").set_value(eps).run()
    assert not page.exception
    assert shown_counts(page) == library_counts(moons(), eps, 5)
    assert shown_counts(page)["Clusters"] == n_clusters
    assert f"eps = {eps:g}" in page.info[0].value


@pytest.mark.parametrize(
    ("widget", "key", "value", "data"),
    [
        ("slider", "db_n", 500, moons(n_samples=500)),
        ("slider", "db_noise", 0.1, moons(noise=0.1)),
        ("number_input", "db_seed", 7, moons(seed=7)),
        ("slider", "db_min_samples", 12, moons()),
    ],
)
def test_data_and_dbscan_widgets(page, widget, key, value, data):
    getattr(page, widget)(key=key).set_value(value).run()
    assert not page.exception
    min_samples = value if key == "db_min_samples" else 5
    assert shown_counts(page) == library_counts(data, 0.2, min_samples)
    assert not page.info  # off the chapter's settings, no chapter claim


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("five blobs", make_five_blobs(2000, 42)[0]),
        ("ellipsoidal blobs", make_ellipsoidal_blobs(42)[0]),
    ],
)
def test_other_data_sets(page, name, data):
    moons_height = live_chart(page, "db_clusters_chart")["layout"]["height"]
    page.selectbox(key="db_data").set_value(name).run()
    assert not page.exception
    assert shown_counts(page) == library_counts(data, 0.2, 5)
    # The map keeps its shape, so the browser redraws it without resizing the chart.
    assert live_chart(page, "db_clusters_chart")["layout"]["height"] == moons_height
    if name == "five blobs":
        page.slider(key="db_blobs_n").set_value(1000).run()
        assert shown_counts(page) == library_counts(make_five_blobs(1000, 42)[0], 0.2, 5)


def test_neighbours_and_max_distance(page):
    page.slider(key="db_k").set_value(10).run()
    page.toggle(key="db_use_max").set_value(True).run()
    page.slider(key="db_max_distance").set_value(0.2).run()
    assert not page.exception
    knn = classifier_from_dbscan(DBSCAN(eps=0.2).fit(moons()), n_neighbors=10, max_distance=0.2)
    table = page.table[0].value
    np.testing.assert_array_equal(table["cluster"], knn.predict(CHAPTER_X_NEW))
    assert table["cluster"].tolist()[0] == -1 and table["cluster"].tolist()[3] == -1


def shaded_cells(app) -> int:
    """How many cells the clusters figure's region map paints (its z, plain or typed array)."""
    spec = live_chart(app, "db_clusters_chart")
    (regions,) = [trace for trace in spec["data"] if trace.get("type") == "heatmap"]
    z = regions["z"]
    if isinstance(z, dict):  # plotly's typed-array encoding: {"dtype", "bdata", "shape"}
        return int(np.prod([int(n) for n in z["shape"].split(",")]))
    return int(np.size(z))


def test_regions_toggle_removes_the_shading(page):
    assert shaded_cells(page) > 0
    traces_before = len(live_chart(page, "db_clusters_chart")["data"])
    page.toggle(key="db_regions").set_value(False).run()
    assert not page.exception
    assert shaded_cells(page) == 0
    # The map keeps its traces (an empty region map), so the browser updates it in place.
    assert len(live_chart(page, "db_clusters_chart")["data"]) == traces_before
    assert len(page.table) == 1  # the new points are still classified


def test_new_points_text(page):
    page.text_input(key="db_new").set_value("0, 0; 1.5, -0.4").run()
    assert not page.exception
    assert page.table[0].value[["x", "y"]].values.tolist() == [[0, 0], [1.5, -0.4]]


def test_bad_new_points_show_an_error_and_keep_the_text(page):
    page.text_input(key="db_new").set_value("0, 0; 1, oops").run()
    assert not page.exception
    assert "point 2" in page.error[0].value
    assert page.text_input(key="db_new").value == "0, 0; 1, oops"
    assert len(page.metric) == 4  # the clustering is still shown


def test_no_core_points_warns_instead_of_classifying(page):
    page.slider(key="db_eps").set_value(0.01).run()
    page.slider(key="db_min_samples").set_value(30).run()
    assert not page.exception
    assert shown_counts(page)["Core points"] == 0
    assert "No core points" in page.warning[0].value


def test_parse_points():
    np.testing.assert_array_equal(
        parse_points("-0.5, 0; 0 0.5\n1,-0.1;"), [[-0.5, 0], [0, 0.5], [1, -0.1]]
    )
    assert parse_points("  ").shape == (0, 2)
    with pytest.raises(ValueError, match=r"point 1 .* is not 2 numbers"):
        parse_points("a, b")
    with pytest.raises(ValueError, match=r"point 2 .* exactly 2 finite numbers"):
        parse_points("0, 0; 1, 2, 3")
    with pytest.raises(ValueError, match="finite"):
        parse_points("nan, 0")
