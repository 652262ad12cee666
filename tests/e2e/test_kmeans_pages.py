"""The two k-means pages in a real browser: navigation, k, half-steps, shared links."""

import re
from pathlib import Path

import pytest

from clustering.datasets import make_five_blobs
from clustering.kmeans import init_centroids, lloyd_steps
from tests.e2e.conftest import AppPage

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # git-ignored


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


@pytest.fixture
def phone(browser, app_server, request):
    """A tab on a 390 x 844 touch screen."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    try:
        yield AppPage(context.new_page(), app_server, request.node.name)
    finally:
        context.close()


def library_steps(k=5, method="random", seed=42) -> list:
    """The half-steps the library takes on the five blobs: what the page must show."""
    X = make_five_blobs()[0]
    return list(lloyd_steps(X, init_centroids(X, k, method=method, random_state=seed)))


def open_player(app, query: str = "") -> None:
    """Open the step page (with ``query``) and wait until the player has drawn."""
    app.open("kmeans_steps", query)
    app.page.locator(".step-player .map canvas[data-step]").wait_for()


def shown(app) -> dict:
    """What the player shows in the next painted frame (also mid-playback), read at one
    instant: metric label and value, the half-step the map and the inertia chart's
    marker were drawn for, the message, and which buttons are disabled.

    The player changes all it shows in one animation frame, before the browser paints;
    reading in a later callback of that frame sees exactly what gets painted."""
    return app.page.evaluate(
        """() => new Promise((resolve) => requestAnimationFrame(() => {
            const host = document.querySelector('[data-testid="stBidiComponentIsolated"]');
            const root = host.shadowRoot.querySelector('.step-player');
            const text = (selector) => root.querySelector(selector).textContent;
            const disabled = {};
            for (const button of root.querySelectorAll('.toolbar button')) {
                disabled[button.textContent.replace(/[^A-Za-z ]/g, '').trim()] = button.disabled;
            }
            resolve({
                label: text('.metric-label'),
                value: text('.metric-value'),
                map: root.querySelector('.map canvas').dataset.step,
                marker: root.querySelector('.chart canvas').dataset.marker,
                message: text('.converged'),
                disabled,
            });
        }))"""
    )


def wait_settled(app) -> None:
    """Wait until the player has reported its position and the rerun it caused is over."""
    app.page.wait_for_timeout(500)
    app.wait_idle()


def test_steps_page_forward_three_half_steps_by_button_and_keyboard(app):
    states = library_steps()
    open_player(app)
    assert not app.has_exception()
    assert shown(app)["label"] == f"Inertia after half-step 0 of {len(states) - 1}"
    app.page.get_by_role("button", name="Forward").click()
    for _ in range(2):  # the keys work without the mouse
        app.page.keyboard.press("ArrowRight")
    now = shown(app)
    assert now["label"].startswith("Inertia after half-step 3 of")
    assert now["value"] == f"{states[3].inertia:.2f}"
    assert now["map"] == "3" and now["marker"] == "3"
    app.page.keyboard.press("ArrowLeft")
    assert shown(app)["value"] == f"{states[2].inertia:.2f}"
    app.screenshot("kmeans_steps-2")


def test_steps_ten_right_keys_at_60_ms_end_on_half_step_10(app):
    states = library_steps(method="k-means++")
    assert len(states) > 11  # enough half-steps that none is clamped
    open_player(app, "steps_init=k-means%2B%2B")
    for _ in range(10):
        app.page.keyboard.press("ArrowRight")
        app.page.wait_for_timeout(60)
    now = shown(app)
    assert now["label"] == f"Inertia after half-step 10 of {len(states) - 1}"
    assert now["value"] == f"{states[10].inertia:.2f}"
    assert now["map"] == "10" and now["marker"] == "10"
    wait_settled(app)
    assert "steps_pos=10" in app.page.url
    assert shown(app)["label"].startswith("Inertia after half-step 10 of")


def test_steps_keys_typed_while_the_page_reruns_all_land(app):
    """Ten keys at 30 ms right after a control reruns the whole page (the run stays the
    same), five more while the player's own report reruns its part: none is lost."""
    states = library_steps(method="k-means++")
    open_player(app, "steps_init=k-means%2B%2B")
    thumb = app.page.locator('input[type="range"][aria-label="Number of runs (n_init)"]')
    thumb.focus()
    thumb.press("ArrowRight")  # a full rerun starts; the keys go to the page, not the slider
    app.page.evaluate("() => document.activeElement.blur()")
    for burst in (10, 5):
        for _ in range(burst):
            app.page.keyboard.press("ArrowRight")
            app.page.wait_for_timeout(30)
        app.page.wait_for_timeout(350)  # the player reports: its fragment reruns
    wait_settled(app)
    now = shown(app)
    assert now["label"] == f"Inertia after half-step 15 of {len(states) - 1}"
    assert now["map"] == "15" and now["marker"] == "15"
    assert "steps_pos=15" in app.page.url
    assert not app.has_exception()


def test_steps_play_to_the_end_keeps_everything_in_step_then_back(app):
    states = library_steps()
    last = len(states) - 1
    app.page.set_viewport_size({"width": 1280, "height": 720})
    open_player(app)
    app.page.get_by_role("button", name="Play").click()
    for part in (".map canvas", ".toolbar"):  # the map and its buttons fit on the screen
        box = app.page.locator(f".step-player {part}").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 720, part
    app.page.locator(".step-player[data-position='3']").wait_for()
    now = shown(app)  # mid-playback: picture, metric and chart agree
    assert now["map"] == now["marker"] == now["label"].split()[3]
    assert now["disabled"]["Back"] is False and now["disabled"]["Pause"] is False
    app.page.screenshot(path=str(ARTIFACTS / "kmeans_steps-playing-1280x720.png"))
    app.page.locator(".step-player[data-playing=false]").wait_for(timeout=20_000)
    end = shown(app)
    assert end["label"] == f"Inertia after half-step {last} of {last}"
    assert end["value"] == f"{states[-1].inertia:.2f}"
    assert end["map"] == end["marker"] == str(last)
    assert end["message"] == (
        f"Converged after {states[-1].iteration} iterations, inertia {states[-1].inertia:.2f}."
    )
    assert end["disabled"] == {
        "Reset": False,
        "Back": False,
        "Play": False,
        "Forward": True,
        "To the end": True,
    }
    app.page.get_by_role("button", name="Back").click()
    back = shown(app)
    assert back["label"] == f"Inertia after half-step {last - 1} of {last}"
    assert back["marker"] == str(last - 1) and back["message"] == ""
    assert back["disabled"]["Forward"] is False
    wait_settled(app)
    assert f"steps_pos={last - 1}" in app.page.url


def test_steps_a_link_with_the_position_reopens_there(app):
    states = library_steps(k=3, seed=7)
    open_player(app, "steps_k=3&steps_seed=7")
    app.page.keyboard.press("End")
    app.page.keyboard.press("ArrowLeft")
    wait_settled(app)
    link = app.page.url
    assert f"steps_pos={len(states) - 2}" in link
    app.page.goto("about:blank")
    app.page.goto(link)
    app.wait_idle()
    app.page.locator(".step-player .map canvas[data-step]").wait_for()
    assert shown(app)["label"] == f"Inertia after half-step {len(states) - 2} of {len(states) - 1}"
    assert slider_value(app, "Number of clusters k") == "3"
    # An arrow key on the k slider moves k, not the player; the new k starts at 0.
    app.page.get_by_test_id("stSlider").locator("input[type=range]").first.press("ArrowRight")
    app.wait_idle()
    assert slider_value(app, "Number of clusters k") == "4"
    last = len(library_steps(k=4, seed=7)) - 1
    assert shown(app)["label"] == f"Inertia after half-step 0 of {last}"
    assert "steps_pos=0" in app.page.url


@pytest.mark.parametrize(("asked", "opened"), [("999", "last"), ("-4", "0"), ("two", "0")])
def test_steps_a_link_with_a_bad_position_opens_clamped(app, asked, opened):
    last = len(library_steps()) - 1
    open_player(app, f"steps_pos={asked}")
    expected = last if opened == "last" else 0
    assert shown(app)["label"] == f"Inertia after half-step {expected} of {last}"
    assert not app.has_exception()


def test_steps_phone_taps_step_forward_with_nothing_cut_off(phone):
    states = library_steps()
    open_player(phone)
    forward = phone.page.get_by_role("button", name="Forward")
    for _ in range(3):
        forward.tap()
        phone.page.wait_for_timeout(60)
    assert shown(phone)["value"] == f"{states[3].inertia:.2f}"
    phone.page.get_by_role("button", name="Back").tap()
    assert shown(phone)["label"].startswith("Inertia after half-step 2 of")
    assert phone.page.evaluate("() => document.documentElement.scrollWidth") <= 390
    for part in (".map canvas", ".toolbar", ".chart canvas"):
        box = phone.page.locator(f".step-player {part}").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, part
    phone.page.screenshot(path=str(ARTIFACTS / "kmeans_steps-phone-390x844.png"))


def test_steps_tab_reaches_play_and_shows_where_the_focus_is(app):
    open_player(app)
    for _ in range(40):
        app.page.keyboard.press("Tab")
        focused = app.page.evaluate(
            """() => {
                let node = document.activeElement;
                while (node && node.shadowRoot && node.shadowRoot.activeElement) {
                    node = node.shadowRoot.activeElement;
                }
                return node ? [node.textContent, getComputedStyle(node).outlineStyle] : null;
            }"""
        )
        if focused and "Play" in focused[0]:
            break
    else:
        raise AssertionError("Tab never reached the Play button")
    assert focused[1] != "none"  # the focus is visible
    app.page.keyboard.press("Space")  # Space on the focused button presses it
    app.page.locator(".step-player[data-playing=true]").wait_for()


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


def wait_for_marked_k(app, key: str, k: int) -> None:
    """Wait until the k-curve ``key`` as Plotly drew it rings ``k`` (its trace "k = <k>")."""
    app.page.wait_for_function(
        """([key, name]) => {
            const graph = document.querySelector(`.st-key-${key} .js-plotly-plot`);
            return graph !== null && graph.data[1].name === name;
        }""",
        arg=[key, f"k = {k}"],
        timeout=30_000,
    )


def marked_k(app, key: str) -> str:
    """The ring trace's name of the k-curve ``key`` as Plotly drew it, right now."""
    return app.page.evaluate(
        "(key) => document.querySelector(`.st-key-${key} .js-plotly-plot`).data[1].name", key
    )


def test_voronoi_a_chart_out_of_sight_takes_the_new_figure_when_scrolled_to(app):
    app.page.set_viewport_size({"width": 1280, "height": 720})
    app.open("kmeans_voronoi")
    wait_for_marked_k(app, "vor_elbow", 5)
    app.watch_charts()
    thumb = app.page.locator('input[type="range"][aria-label="Number of clusters k"]')
    thumb.focus()
    thumb.press("ArrowLeft")
    app.wait_idle()
    assert "k = 4" in app.page.locator(".st-key-vor_map .gtitle").text_content()
    # The elbow is below the fold: it keeps its picture until a person can see it.
    assert marked_k(app, "vor_elbow") == "k = 5"
    app.page.locator(".st-key-vor_elbow").scroll_into_view_if_needed()
    wait_for_marked_k(app, "vor_elbow", 4)
    assert app.blank_chart_moments()["blank"] == 0
    assert not app.has_exception()
