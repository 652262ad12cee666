"""Browser-test harness: the real Streamlit server driven by Debian's Chromium.

Fixtures
--------
``app_server``
    Starts ``streamlit run app/streamlit_app.py`` once per test session on a
    free port (headless, no usage stats, no file watcher, with the Python that
    runs the tests) and yields its base URL once ``/_stcore/health`` answers.
``browser``
    Chromium, launched once per session through Playwright's sync API.
``browser_context``
    The session's browser context for a set of context options (viewport,
    touch, pixel ratio), made on first use and shared by every tab opened with
    those options, so that they share the browser's cache (see below).
``new_tab``
    Opens fresh tabs on the running server in those shared contexts, for
    tests that need another screen (a phone) or a second tab.
``app``
    An :class:`AppPage` for one test: a fresh tab, 1400×1000, on the running
    server.
``tour``
    What one walk through every page saw (a :class:`Tour`), walked once per
    session for the tests that check it.

A fresh tab is a new Streamlit session with its own ``sessionStorage``; its
``localStorage`` (where Streamlit keeps the sidebar's state) is cleared when
the test ends. Tabs share cookies (Streamlit sets only its XSRF cookie) and
the HTTP cache, as tabs of one browser do: Streamlit's scripts, Plotly and the
components' code then load and compile once per session, not once per test,
which was most of the time a test took to open its first page.

Every test module here sets ``pytestmark = pytest.mark.e2e`` so that
``pytest -m "not e2e"`` leaves the browser tests out.

The tests skip, with the reason, only when no Chromium is installed and the
``CI`` environment variable is unset; in CI a missing browser is a failure.
Screenshots of every page a test visits land in ``tests/e2e/artifacts/``.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import catalog
import pytest
from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from benchmarks._server import (
    CHROMIUM_FLAGS,
    ServerError,
    find_chromium,
    is_console_problem,
    running_app,
)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
IDLE_TIMEOUT = 60.0
DESKTOP = {"width": 1400, "height": 1000}
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


@pytest.fixture(scope="session")
def browser_context(browser) -> Iterator[Callable[..., BrowserContext]]:
    """Return a function that gives the session's context for the options given.

    Playwright's ``new_context`` options (``viewport``, ``is_mobile``,
    ``has_touch``, ``device_scale_factor``, ...) that cannot change once a
    context exists pick the context; the first call with a set of options makes
    it. All contexts close at the end of the session.
    """
    contexts: dict[str, BrowserContext] = {}

    def context_for(**options) -> BrowserContext:
        key = repr(sorted(options.items()))
        if key not in contexts:
            contexts[key] = browser.new_context(**options)
        return contexts[key]

    yield context_for
    for context in contexts.values():
        context.close()


def close_tab(page: Page) -> None:
    """Forget what the tab stored for the app's address (``localStorage``), then close it."""
    try:
        page.evaluate("() => { try { localStorage.clear(); } catch (error) {} }")
    except PlaywrightError:  # the tab crashed or is on no page: nothing stored to clear
        pass
    page.close()


# What is running and what is shown, as a string that changes when either does:
# connection state, script state, status widget, stale elements, plotly charts
# (Streamlit's and the live charts) not drawn yet, URL, then the text of the page.
SNAPSHOT_JS = """() => {
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
IDLE_PREFIX = "CONNECTED|notRunning|idle|0|0|"
IDLE_WAITS = itertools.count()  # a number for every wait of the session
# True once the snapshot has been idle and unchanged for ``settle`` ms. ``watch`` numbers
# this wait, so that each wait starts its own clock (a new page starts with none).
SETTLED_JS = f"""([watch, settle]) => {{
    const current = ({SNAPSHOT_JS})();
    const now = performance.now();
    const seen = window.__ceSettle;
    if (!seen || seen.watch !== watch || seen.last !== current
            || !current.startsWith('{IDLE_PREFIX}')) {{
        window.__ceSettle = {{watch, last: current, since: now}};
        return false;
    }}
    return now - seen.since >= settle;
}}"""


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
        if is_console_problem(message.type, message.text):
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
        """Open a page by clicking its title in the sidebar navigation.

        The wait starts once the tab is at the link's address: a loaded machine
        may take longer than :meth:`wait_idle`'s settling time to act on the click,
        and the page left behind must not pass for the one asked for.
        """
        link = self.page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).first
        target = urlsplit(urljoin(self.page.url, link.get_attribute("href"))).path
        link.click()
        self.page.wait_for_url(lambda url: urlsplit(url).path == target)
        self.wait_idle()
        return self.screenshot()

    def snapshot(self) -> str:
        """What is running and what is shown, as a string that changes when either does
        (see ``SNAPSHOT_JS``)."""
        return self.page.evaluate(SNAPSHOT_JS)

    def wait_idle(self, settle: float = 0.4, timeout: float = IDLE_TIMEOUT) -> None:
        """Wait until the script run is over, every chart is drawn, and the page stays
        unchanged for ``settle`` seconds.

        The page itself checks every 50 ms (see ``SETTLED_JS``): no round trip to
        Python per look, and a settled page is seen within 50 ms.
        """
        watch = [next(IDLE_WAITS), settle * 1000]
        try:
            self.page.wait_for_function(SETTLED_JS, arg=watch, polling=50, timeout=timeout * 1000)
        except PlaywrightTimeout:
            raise AssertionError(
                f"app not idle after {timeout} s: {self.snapshot()[:300]!r}"
            ) from None

    def screenshot(self, label: str | None = None) -> AppPage:
        """Save a PNG of the whole page under ``tests/e2e/artifacts/``, named after test and page.

        Streamlit scrolls inside its main container, so a browser's full-page
        screenshot sees one screen only: the tab is made as tall as the content
        for the picture, then given its size back. A page that fits the tab is taken
        as it is, without a resize.
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
        if height <= size["height"]:
            self.page.screenshot(path=str(path))
            return self
        self.page.set_viewport_size({"width": size["width"], "height": min(height, 8000)})
        self.page.wait_for_timeout(300)  # the charts redraw at the new size
        self.page.screenshot(path=str(path))
        self.page.set_viewport_size(size)
        return self

    def has_exception(self) -> bool:
        return self.page.get_by_test_id("stException").count() > 0


@pytest.fixture
def new_tab(browser_context, app_server: str, request) -> Iterator[Callable[..., AppPage]]:
    """Return a function that opens a fresh tab on the running app: ``new_tab(name=None,
    **context_options)``, e.g. ``new_tab(viewport=..., is_mobile=True, has_touch=True)``.

    The tab is a new Streamlit session in the session's context for those options
    (see :func:`browser_context`); its screenshots are named after ``name``, by
    default the test's name. Every tab it opened closes when the test ends.
    """
    pages: list[Page] = []

    def open_tab(name: str | None = None, **context_options) -> AppPage:
        page = browser_context(**context_options).new_page()
        pages.append(page)
        return AppPage(page, app_server, name or request.node.name)

    try:
        yield open_tab
    finally:
        for page in pages:
            close_tab(page)


@pytest.fixture
def app(new_tab) -> AppPage:
    """A fresh tab (own Streamlit session), 1400×1000, on the running app."""
    return new_tab(viewport=DESKTOP)


@dataclass(frozen=True)
class Tour:
    """What a visitor's tab saw on a walk through the app (see :func:`tour`).

    Attributes
    ----------
    base_url : str
        The app's address.
    home_text : str
        The text of the home page, where the walk starts.
    exception_shown : dict of str to bool
        For each page visited, by its title (the deep link's page as "deep link"),
        whether it showed an exception.
    requested : list of str
        Every address the tab asked for during the walk, in order.
    """

    base_url: str
    home_text: str
    exception_shown: dict[str, bool]
    requested: list[str]


@pytest.fixture(scope="session")
def tour(browser_context, app_server: str) -> Tour:
    """Walk through the app once per session as a visitor does, in a fresh tab.

    The home page, then every chapter page by its link in the sidebar, then the
    first chapter page opened afresh from a deep link (a new page load fetches
    the favicon and fonts again). The tests that check such a walk (every page
    opens, nothing is fetched from outside) read this one.
    """
    page = browser_context(viewport=DESKTOP).new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    app = AppPage(page, app_server, "tour")
    try:
        app.open()
        home_text = page.get_by_test_id("stMain").inner_text()
        exception_shown = {}
        for chapter_page in catalog.CHAPTER_PAGES:
            app.go_to(chapter_page.title)
            exception_shown[chapter_page.title] = app.has_exception()
        app.open(catalog.CHAPTER_PAGES[0].file.removesuffix(".py"), "vor_k=3")
        exception_shown["deep link"] = app.has_exception()
    finally:
        close_tab(page)
    return Tour(app_server, home_text, exception_shown, requested)
