"""The DBSCAN page in a real browser: move eps with the keyboard and read the cluster count."""

import pytest

pytestmark = pytest.mark.e2e

EPS_STEP = 0.01
DEFAULT_EPS = 0.2


def metric_value(app, label: str) -> str:
    """The value shown by the metric with this label."""
    metric = app.page.get_by_test_id("stMetric").filter(has_text=label)
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def move_eps(app, steps: int) -> None:
    """Move the eps slider by ``steps`` ticks with the arrow keys, as a keyboard user would."""
    thumb = app.page.locator('input[type="range"][aria-label="eps"]')
    thumb.focus()
    key = "ArrowRight" if steps > 0 else "ArrowLeft"
    for _ in range(abs(steps)):
        thumb.press(key)
    app.wait_idle()


def test_eps_0_05_gives_seven_clusters_and_0_2_the_two_moons(app):
    app.open("dbscan")
    assert not app.has_exception()
    assert metric_value(app, "Clusters") == "2"

    move_eps(app, round((0.05 - DEFAULT_EPS) / EPS_STEP))
    app.screenshot("dbscan-eps-0.05")
    assert metric_value(app, "Clusters") == "7"
    assert int(metric_value(app, "Anomalies")) > 50
    assert "db_eps=0.05" in app.page.url  # the scenario is in the shareable link

    move_eps(app, round((0.2 - 0.05) / EPS_STEP))
    app.screenshot("dbscan-eps-0.2")
    assert metric_value(app, "Clusters") == "2"
    assert metric_value(app, "Anomalies") == "0"
    assert vote_clusters(app) == [1, 0, 1, 0]

    # The map's part of the page writes the vote into its table further down:
    # with a max distance the far new points 0 and 3 become anomalies there.
    app.page.get_by_test_id("stMain").get_by_text("Use a max distance").click()
    app.wait_idle()
    assert vote_clusters(app) == [-1, 0, 1, -1]
    assert metric_value(app, "Clusters") == "2"
    assert not app.has_exception()


def vote_clusters(app) -> list[int]:
    """The cluster column of the new points' table (the page has that one table)."""
    table = app.page.get_by_test_id("stTable")
    assert table.count() == 1
    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    column = headers.index("cluster")
    rows = table.locator("tbody tr").all()
    return [int(row.locator("th, td").nth(column).inner_text()) for row in rows]


def test_shared_link_reopens_the_view(app):
    app.open("dbscan", "db_eps=0.05&db_new=0%2C%200")
    assert metric_value(app, "Clusters") == "7"
    assert app.page.get_by_test_id("stTable").count() == 1  # the vote on the new point
    assert not app.has_exception()
