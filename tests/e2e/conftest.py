"""Browser-test harness: the real Streamlit server driven by Debian's Chromium.

Fixtures
--------
``app_server``
    Starts ``streamlit run app/streamlit_app.py`` once per test session on a
    free port (headless, no usage stats, no file watcher, with the Python that
    runs the tests) and yields its base URL once ``/_stcore/health`` answers.
``browser``
    Chromium, launched once per session through Playwright's sync API.
``app``
    An :class:`AppPage` for one test: a fresh browser context (so no state
    leaks between tests) on the running server.

Every test module here sets ``pytestmark = pytest.mark.e2e`` so that
``pytest -m "not e2e"`` leaves the browser tests out.

The tests skip, with the reason, only when no Chromium is installed and the
``CI`` environment variable is unset; in CI a missing browser is a failure.
Screenshots of every page a test visits land in ``tests/e2e/artifacts/``.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks._server import CHROMIUM_FLAGS, ServerError, find_chromium, running_app

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
IDLE_TIMEOUT = 60.0
# Every chart on the page: Streamlit's own and the app's live charts.
CHARTS = '[data-testid="stPlotlyChart"], .ce-live-chart'
# Counts, from now on, the moments when fewer charts are drawn than were when it
# started: after every DOM change (before the browser paints it) and every frame.
WATCH_CHARTS_JS = """(selector) => {
    const drawn = () => [...document.querySelectorAll(selector)].filter((chart) => {
        const graph = chart.matches('.js-plotly-plot')
            ? chart : chart.querySelector('.js-plotly-plot');
        return graph && graph.querySelector('.main-svg')
            && graph.checkVisibility({visibilityProperty: true, opacityProperty: true});
    }).length;
    const watch = {expected: drawn(), blank: 0, fewest: Infinity, stop: false};
    const check = () => {
        const now = drawn();
        watch.fewest = Math.min(watch.fewest, now);
        if (now < watch.expected) watch.blank += 1;
    };
    new MutationObserver(() => { if (!watch.stop) check(); })
        .observe(document.body, {subtree: true, childList: true, attributes: true});
    const frame = () => { if (!watch.stop) { check(); requestAnimationFrame(frame); } };
    requestAnimationFrame(frame);
    window.__chartWatch = watch;
}"""


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        message = "no Chromium found at /usr/bin/chromium or on PATH (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must install it")
        pytest.skip(f"browser tests need a browser: {message}")
    return path


@pytest.fixture(scope="session")
def app_server(chromium_path: str) -> Iterator[str]:
    """Base URL of a Streamlit server running the app for the whole session."""
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):  # the folder shows the last run only
        old.unlink()
    try:
        with running_app(ARTIFACTS / "streamlit-server.log") as url:
            yield url
    except ServerError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


class AppPage:
    """One browser tab on the app, with waits that match how Streamlit works.

    After every action Streamlit reruns the script; :meth:`wait_idle` returns
    once the run has finished and the page has stopped changing, so a test can
    read what the user would see. :meth:`open` and :meth:`go_to` save a
    screenshot of the page they land on.
    """

    def __init__(self, page, base_url: str, test_name: str):
        self.page = page
        self.base_url = base_url
        self.test_name = re.sub(r"[^\w-]+", "_", test_name)
        self.shots = 0
        self.console: list[tuple[str, str, str]] = []  # (type, text, url) of problems
        page.on("console", self._remember_console)

    def _remember_console(self, message) -> None:
        # Plotly reports its layout problems with console.trace ("WARN: Too many ...").
        if message.type in ("warning", "error", "trace"):
            self.console.append((message.type, message.text, message.location.get("url", "")))

    def watch_charts(self) -> None:
        """Start counting the moments when a chart on the page is not drawn (see
        :meth:`blank_chart_moments`)."""
        self.page.evaluate(WATCH_CHARTS_JS, CHARTS)

    def blank_chart_moments(self) -> dict:
        """Since :meth:`watch_charts`: how many charts were drawn then (``expected``),
        the fewest drawn at any moment (``fewest``), and how many moments had fewer
        (``blank``). Stops the watch."""
        return self.page.evaluate(
            "() => { const w = window.__chartWatch; w.stop = true;"
            " return {expected: w.expected, fewest: w.fewest, blank: w.blank}; }"
        )

    def open(self, path: str = "", query: str = "") -> AppPage:
        """Load ``/<path>?<query>`` in the tab, wait for the app, take a screenshot."""
        url = f"{self.base_url}/{path}" + (f"?{query}" if query else "")
        self.page.goto(url)
        self.wait_idle()
        return self.screenshot()

    def go_to(self, title: str) -> AppPage:
        """Open a page by clicking its title in the sidebar navigation."""
        nav = self.page.get_by_test_id("stSidebarNav")
        nav.get_by_role("link", name=title, exact=False).first.click()
        self.wait_idle()
        return self.screenshot()

    def snapshot(self) -> str:
        """What is running and what is shown, as a string that changes when either does.

        Connection state, script state, status widget, stale elements, plotly
        charts (Streamlit's and the live charts) not drawn yet, URL, then the
        text of the page.
        """
        return self.page.evaluate(
            """() => {
                const app = document.querySelector('[data-testid="stApp"]');
                if (!app) return 'no-app';
                const main = document.querySelector('[data-testid="stMain"]');
                return [
                    app.getAttribute('data-test-connection-state'),
                    app.getAttribute('data-test-script-state'),
                    document.querySelector('[data-testid="stStatusWidget"]') ? 'busy' : 'idle',
                    document.querySelectorAll('[data-stale="true"]').length,
                    [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                        .filter((chart) => !chart.querySelector('.main-svg')).length
                    + document.querySelectorAll('.ce-live-chart:not(.js-plotly-plot)').length,
                    location.href,
                    main ? main.innerText : '',
                ].join('|');
            }"""
        )

    def wait_idle(self, settle: float = 0.4, timeout: float = IDLE_TIMEOUT) -> None:
        """Wait until the script run is over, every chart is drawn, and the page stays
        unchanged for ``settle`` seconds."""
        deadline = time.monotonic() + timeout
        last, stable_since = None, time.monotonic()
        while time.monotonic() < deadline:
            current = self.snapshot()
            idle = current.startswith("CONNECTED|notRunning|idle|0|0|")
            if current != last or not idle:
                last, stable_since = current, time.monotonic()
            elif time.monotonic() - stable_since >= settle:
                return
            time.sleep(0.1)
        raise AssertionError(f"app not idle after {timeout} s: {last[:300]!r}")

    def screenshot(self, label: str | None = None) -> AppPage:
        """Save a PNG of the whole page under ``tests/e2e/artifacts/``, named after test and page.

        Streamlit scrolls inside its main container, so a browser's full-page
        screenshot sees one screen only: the tab is made as tall as the content
        for the picture, then given its size back.
        """
        self.shots += 1
        page_name = label or self.page.url.split("/")[-1].split("?")[0] or "home"
        path = ARTIFACTS / f"{self.test_name}-{self.shots:02d}-{page_name}.png"
        size = self.page.viewport_size
        height = self.page.evaluate(
            """() => {
                const main = document.querySelector('[data-testid="stMain"]');
                return main ? main.scrollHeight : document.body.scrollHeight;
            }"""
        )
        tall = {"width": size["width"], "height": max(size["height"], min(height, 8000))}
        self.page.set_viewport_size(tall)
        self.page.wait_for_timeout(300)  # the charts redraw at the new size
        self.page.screenshot(path=str(path))
        self.page.set_viewport_size(size)
        return self

    def has_exception(self) -> bool:
        return self.page.get_by_test_id("stException").count() > 0


@pytest.fixture
def app(browser, app_server: str, request) -> Iterator[AppPage]:
    """A fresh tab (own cookies and session) on the running app."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        yield AppPage(context.new_page(), app_server, request.node.name)
    finally:
        context.close()
