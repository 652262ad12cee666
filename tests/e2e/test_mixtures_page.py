"""The Gaussian-mixtures page in a real browser: switching covariance type refits the model."""

import re
import time
import warnings

import pytest
from sklearn.exceptions import ConvergenceWarning

from clustering import information_criteria, make_ellipsoidal_blobs

pytestmark = pytest.mark.e2e

COLUMNS = 7  # component, weight, mean x₁, mean x₂, var x₁, cov x₁x₂, var x₂
TABLE_TIMEOUT = 20.0
CURVE_TIMEOUT = 60.0


def parameter_table(app) -> list[list[float]]:
    """The parameters table as the browser has it (its cells, shown to three decimals)."""
    cells = app.page.get_by_test_id("stTable").locator("table td").all_inner_texts()
    values = [float(cell) for cell in cells]
    return [values[i : i + COLUMNS] for i in range(0, len(values), COLUMNS)]


def table_once(app, ready) -> list[list[float]]:
    """The parameters table, as soon as ``ready(table)`` holds.

    Read again until it is there (or the time is up): the page's idle check
    does not look at the table, so it is not relied on to have drawn it.
    """
    deadline = time.monotonic() + TABLE_TIMEOUT
    table = parameter_table(app)
    while not ready(table) and time.monotonic() < deadline:
        time.sleep(0.2)
        table = parameter_table(app)
    return table


def lowest_criteria(app) -> tuple[int, int]:
    """The k of the lowest BIC and AIC the page states, once its background curve is in.

    Nobody clicks: the page's poller reruns it when the worker is done.
    """
    main = app.page.get_by_test_id("stMain")
    deadline = time.monotonic() + CURVE_TIMEOUT
    while time.monotonic() < deadline:
        text = main.inner_text()
        found = re.search(r"lowest BIC is at k = (\d+) and the lowest AIC at k = (\d+)", text)
        if found and "Computing…" not in text:
            return int(found[1]), int(found[2])
        time.sleep(0.2)
    raise AssertionError("the BIC/AIC curve never appeared")


def library_lowest(covariance_type: str) -> tuple[int, int]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        curve = information_criteria(
            make_ellipsoidal_blobs()[0], range(1, 11), covariance_type, n_init=10, random_state=42
        )
    return curve.best_bic, curve.best_aic


def test_switching_the_covariance_type_changes_the_parameters(app):
    app.open("mixtures")
    assert not app.has_exception()
    main = app.page.get_by_test_id("stMain")
    assert "chapter's settings" in main.inner_text()
    full = table_once(app, lambda table: len(table) == 3)
    assert len(full) == 3
    assert sorted(round(row[1], 2) for row in full) == [0.21, 0.39, 0.40]  # the chapter's weights
    assert lowest_criteria(app) == library_lowest("full") == (3, 3)

    main.get_by_test_id("stRadio").get_by_text("spherical", exact=True).click()
    app.wait_idle()
    app.screenshot("mixtures-spherical")
    assert not app.has_exception()
    spherical = table_once(app, lambda table: len(table) == 3 and table != full)
    assert spherical != full
    for row in spherical:
        assert row[4] == row[6]  # one variance per component
        assert row[5] == 0.0  # no covariance between the features
    assert "gm_cov=spherical" in app.page.url
    assert lowest_criteria(app) == library_lowest("spherical")
    app.screenshot("mixtures-spherical-curve")
    assert app.page.locator(".ce-live-chart.js-plotly-plot").count() == 2  # density, BIC/AIC


def choose_data_set(app, name: str) -> None:
    app.page.get_by_test_id("stSelectbox").filter(has_text="Data set").click()
    app.page.get_by_role("option", name=name, exact=True).click()
    app.wait_idle()


def box(app, selector: str) -> dict:
    return app.page.locator(f".st-key-gm_density {selector}").first.bounding_box()


def test_five_blobs_draw_at_once_with_the_colour_bar_beside_the_plot(app):
    """Plotly once looped on this data set's margins ("Too many auto-margin redraws"),
    freezing the tab for seconds and leaving the colour bar taller than the plot."""
    app.open("mixtures", "gm_data=moons")
    app.watch_charts()
    choose_data_set(app, "five blobs")
    assert "gm_data=five+blobs" in app.page.url or "gm_data=five%20blobs" in app.page.url
    assert app.blank_chart_moments()["blank"] == 0
    assert not [text for _, text, _ in app.console if "auto-margin" in text]
    plot, colour_bar = box(app, ".nsewdrag"), box(app, ".colorbar")
    assert colour_bar["y"] >= plot["y"] - 2
    assert colour_bar["y"] + colour_bar["height"] <= plot["y"] + plot["height"] + 2
    assert colour_bar["x"] >= plot["x"] + plot["width"]  # beside the plot, not over it
    assert not app.has_exception()
