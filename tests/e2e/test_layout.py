"""Projector layout, phone toolbar and links that hold the whole view, in a real browser.

One tab per screen size for the whole module (the server and the browser's
cache are the session's):
at 1280×720 each chapter page's main figure lies wholly on the first screen;
on a 390×844 phone no chart's toolbar covers a chart title or legend; and a
link copied after moving the step player, highlighting a colour and turning on
the inertia curve reopens that exact view in a fresh tab; Back and Forward walk
through the half-steps.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import DESKTOP, AppPage, close_tab

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
# Each chapter page and where its main figure is.
MAIN_FIGURES = {
    "kmeans_voronoi": ".st-key-vor_map .ce-live-chart",
    "kmeans_steps": ".step-player .map",
    "dbscan": ".st-key-db_clusters_chart .ce-live-chart",
    "mixtures": ".st-key-gm_density .ce-live-chart",
    "segmentation": '[data-testid="stImage"]:has-text("Segmented into") img',
}
# Every toolbar, title and legend box of every Plotly chart, as [x0, y0, x1, y1].
CHART_PARTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map((chart) => {
    const boxes = (selector) => [...chart.querySelectorAll(selector)]
        .filter((element) => element.checkVisibility({opacityProperty: true}))
        .map((element) => element.getBoundingClientRect())
        .filter((box) => box.width > 0 && box.height > 0)
        .map((box) => [box.left, box.top, box.right, box.bottom]);
    return {toolbar: boxes('.modebar'), labels: boxes('.gtitle, .legend')};
})"""


# True once every element of the page is mounted and every live chart drawn: a component
# shows a skeleton until its code has loaded, and a live chart is empty until Plotly has.
ALL_DRAWN_JS = """() => !document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]')
    && [...document.querySelectorAll('.ce-live-chart')]
        .every((chart) => chart.querySelector('.main-svg'))"""


def visit(app: AppPage, page: str, query: str = "") -> None:
    """Open ``page`` and wait for the app (no full-page screenshot: it resizes the tab)."""
    app.page.goto(f"{app.base_url}/{page}" + (f"?{query}" if query else ""))
    app.wait_idle()


def open_drawn(app: AppPage, page: str) -> None:
    """Open ``page`` and wait until its main figure and all its charts are drawn.

    Plotly loads once per tab, seconds under load, and the charts' components
    mount only when their code has loaded: until then there is nothing to wait for.
    """
    visit(app, page)
    main = MAIN_FIGURES[page]
    app.page.locator(f"{main} .main-svg" if "ce-live-chart" in main else main).first.wait_for()
    app.page.wait_for_function(ALL_DRAWN_JS, timeout=60_000)


def overlaps(a: list[float], b: list[float]) -> bool:
    """Whether two [x0, y0, x1, y1] boxes share any area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def tab(context, app_server: str, name: str, viewport: dict) -> AppPage:
    """A new tab of ``viewport`` size in ``context``, one of the session's, whose cache the
    other tests' tabs share; closed by the caller with :func:`close_tab`."""
    page = context.new_page()
    page.set_viewport_size(viewport)
    return AppPage(page, app_server, name)


@pytest.fixture(scope="module")
def projector(browser_context, app_server):
    app = tab(browser_context(viewport=DESKTOP), app_server, "layout-projector", PROJECTOR)
    yield app
    close_tab(app.page)


@pytest.fixture(scope="module")
def phone(browser_context, app_server):
    context = browser_context(viewport=PHONE, has_touch=True, is_mobile=True)
    app = tab(context, app_server, "layout-phone", PHONE)
    yield app
    close_tab(app.page)


@pytest.fixture(scope="module")
def reader(browser):
    """A second browser profile where shared links are opened, one new tab (session) each."""
    context = browser.new_context(viewport=PROJECTOR)
    yield context
    context.close()


@pytest.fixture
def fresh_tab(reader, app_server, request):
    """Open a link in a new tab, as whoever received it would; the tab closes after the test."""
    pages = []

    def open_link(url: str) -> AppPage:
        app = AppPage(reader.new_page(), app_server, request.node.name)
        pages.append(app.page)
        app.page.goto(url)
        app.wait_idle()
        return app

    yield open_link
    for page in pages:
        page.close()


@pytest.mark.parametrize("page", MAIN_FIGURES)
def test_main_figure_is_on_the_first_screen_at_1280x720(projector, page):
    open_drawn(projector, page)
    figure = projector.page.locator(MAIN_FIGURES[page])
    figure.wait_for()
    box = figure.bounding_box()
    assert not projector.has_exception()
    assert box["height"] > 200 and box["width"] > 300, box  # a figure, not a sliver
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= PROJECTOR["width"], box
    assert box["y"] + box["height"] <= PROJECTOR["height"], box


def test_no_chart_toolbar_covers_a_title_or_legend_on_a_phone(phone):
    labels_seen = {}
    for page in MAIN_FIGURES:
        open_drawn(phone, page)
        charts = phone.page.locator(".js-plotly-plot")
        for index in range(charts.count()):
            chart = charts.nth(index)
            chart.scroll_into_view_if_needed()
            chart.locator(".main-svg").first.wait_for()
            chart.tap(position={"x": 40, "y": 40})  # a touch shows a hover toolbar
        parts = phone.page.evaluate(CHART_PARTS_JS)
        labels_seen[page] = sum(len(chart["labels"]) for chart in parts)
        for chart in parts:
            for toolbar in chart["toolbar"]:
                for label in chart["labels"]:
                    assert not overlaps(toolbar, label), (page, toolbar, label)
    # The check looked at real titles and legends: the map pages' charts have them.
    for page in ("kmeans_voronoi", "dbscan", "mixtures"):
        assert labels_seen[page] >= 1, labels_seen


def player_step(app: AppPage) -> str:
    return app.page.locator(".step-player .map canvas[data-step]").get_attribute("data-step")


def test_a_link_after_stepping_reopens_that_half_step(projector, fresh_tab):
    visit(projector, "kmeans_steps", "steps_k=4&steps_seed=3")
    forward = projector.page.locator(".step-player").get_by_role("button", name="Forward")
    for _ in range(3):
        forward.click()
    projector.page.wait_for_function("() => location.search.includes('steps_pos=3')")
    projector.wait_idle()
    link = projector.page.url

    reopened = fresh_tab(link)
    reopened.page.locator(".step-player .map canvas[data-step]").wait_for()
    assert player_step(reopened) == "3"
    assert (
        reopened.page.get_by_test_id("stSlider")
        .filter(has_text="Number of clusters k")
        .locator("input[type=range]")
        .input_value()
        == "4"
    )
    assert not reopened.has_exception()


def test_back_and_forward_walk_through_the_half_steps(projector):
    visit(projector, "kmeans_steps")
    forward = projector.page.locator(".step-player").get_by_role("button", name="Forward")
    for step in (1, 2):
        forward.click()
        projector.page.wait_for_function(f"() => location.search.includes('steps_pos={step}')")
        projector.wait_idle()
    projector.page.go_back()
    projector.wait_idle()
    assert "steps_pos=1" in projector.page.url  # not written over by the page
    assert player_step(projector) == "1"
    projector.page.go_forward()
    projector.wait_idle()
    assert "steps_pos=2" in projector.page.url and player_step(projector) == "2"
    forward.click()  # the player carries on from where Forward left it
    projector.page.wait_for_function("() => location.search.includes('steps_pos=3')")
    assert player_step(projector) == "3"


def choose(app: AppPage, label: str, option: str) -> None:
    app.page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    app.page.get_by_role("option", name=option, exact=True).click()
    app.wait_idle()


def toggle_state(app: AppPage, key: str) -> bool:
    return app.page.locator(f".st-key-{key} input").is_checked()


def flip(app: AppPage, key: str) -> None:
    app.page.locator(f".st-key-{key} label").first.click()
    app.wait_idle()


def test_a_link_after_highlighting_and_the_inertia_curve_reopens_them(projector, fresh_tab):
    visit(projector, "segmentation", "seg_k=5")
    choose(projector, "Show where one colour is", "colour 3")
    flip(projector, "seg_curve")
    link = projector.page.url
    assert "seg_highlight=colour+3" in link and "seg_curve=true" in link

    reopened = fresh_tab(link)
    highlight = reopened.page.locator(".st-key-seg_highlight input").first
    assert highlight.input_value() == "colour 3"
    assert reopened.page.get_by_text("Pixels of colour 3 as in the original").count() == 1
    assert toggle_state(reopened, "seg_curve")
    reopened.page.locator(".st-key-seg_inertia .ce-live-chart .main-svg").first.wait_for()
    assert not reopened.has_exception()
