"""How long every scenario control takes in a real browser, from the input to a settled page.

The server-side rerun (``benchmarks/_app.py``) is only part of what a user
waits for: the browser also receives the new elements over the websocket and
React and Plotly draw them. This benchmark starts the real app
(:mod:`benchmarks._server`), drives headless Chromium with Playwright and, for
each control of each page, times

    input event  ->  the page's content has changed and the page is idle,

where *idle* means: a script run has started since the input and is over
(Streamlit's status widget gone, the app's script state not "running"), and
no DOM change inside the main area for ``QUIET_MS``. The time reported is
from the input event to the *last* DOM change, so the quiet period itself is
not counted. The measuring stays off the main thread while the page draws:
the content is compared only once the page is quiet. "Content changed" is a
concrete signature of what a person sees: the main area's text, every Plotly
chart's data (each trace's coordinates, values, hover data and colours, as
the length and end of their JSON), the number of figures each live chart has
received (one out of sight draws its new figure only when scrolled to) and
every image's address, in components too. (Tables are drawn on a canvas, so
their cells are not in the page's text.)

Each control is moved back and forth between two values: one untimed warm-up
move, then ``REPEAT`` timed moves, of which the table shows the median and the
range. After the warm-up the server's caches hold both values, so the timings
are of reruns and drawing, not of new fits.

Usage::

    python -m benchmarks.run browser      # or: make bench BENCH=browser
    python -m benchmarks.bench_browser dbscan mixtures   # some pages only
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks._server import CHROMIUM_FLAGS, find_chromium, is_console_problem, running_app

REPEAT = 5
QUIET_MS = 250
TIMEOUT_MS = 30_000
OPEN_TIMEOUT_MS = 120_000
TARGET_MS = 250
KEY_TARGET_MS = 100
VIEWPORT = {"width": 1400, "height": 1000}

# Installed in every page before the app loads: remembers the time of the first
# input event after ``__bench.arm()`` and of the latest DOM change in the main area.
INSTRUMENT_JS = """
window.__bench = {inputAt: null, armed: false, ran: false, lastChange: 0, observing: false};
window.__bench.arm = () => { __bench.inputAt = null; __bench.ran = false; __bench.armed = true; };
for (const type of ['pointerdown', 'mousedown', 'keydown']) {
  document.addEventListener(type, () => {
    if (__bench.armed && __bench.inputAt === null) __bench.inputAt = performance.now();
  }, true);
}
// The server answering after the input also shows a run happened: when the
// browser is slow, Streamlit can handle a whole short run in one render, and the
// script state then never shows "running".
const PageSocket = window.WebSocket;
window.WebSocket = class extends PageSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', () => {
      if (__bench.armed && __bench.inputAt !== null) __bench.ran = true;
    });
  }
};
window.__bench.observe = () => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || __bench.observing) return;
  new MutationObserver(() => { __bench.lastChange = performance.now(); })
    .observe(main, {subtree: true, childList: true, attributes: true, characterData: true});
  // A widget shows its new value at once: the move is only done after a script run.
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver((records) => {
    const running = (value) => value === 'running';
    if (records.some((r) => running(r.oldValue)) || running(app.dataset.testScriptState)) {
      __bench.ran = __bench.armed;
    }
  }).observe(app, {attributes: true, attributeOldValue: true,
                   attributeFilter: ['data-test-script-state']});
  __bench.observing = true;
  __bench.lastChange = performance.now();
};
// Enough of an array to see it change: its JSON's length and last characters
// (plain arrays, or Plotly's base64 typed arrays).
window.__bench.tail = (values) => {
  if (values === undefined || values === null) return '';
  const text = JSON.stringify(values);
  return text.length + ':' + text.slice(-120);
};
window.__bench.signature = () => {
  const tail = __bench.tail;
  const charts = [...document.querySelectorAll('.js-plotly-plot')].map((gd) =>
    JSON.stringify((gd.data || []).map((trace) => [
      trace.type, tail(trace.x), tail(trace.y), tail(trace.z), tail(trace.customdata),
      trace.marker ? tail(trace.marker.color) : '',
    ])) + (gd.layout && gd.layout.title ? JSON.stringify(gd.layout.title.text) : ''));
  // A live chart out of sight draws a new figure only when scrolled to; it counts
  // the figures it received (data-figures), so a change it holds still counts.
  const received = [...document.querySelectorAll('.ce-live-chart')]
    .map((chart) => chart.dataset.figures);
  const images = __bench.shadowRoots().flatMap((root) => [...root.querySelectorAll('img')])
    .map((img) => tail(img.src));
  return [__bench.deepText(), ...charts, ...received, ...images].join('|');
};
// The main area and the shadow roots inside it, where components draw (the
// labelling grid, its digit pictures, the step player): innerText and
// querySelectorAll on the page do not reach into them.
window.__bench.shadowRoots = () => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return [];
  const roots = [main];
  for (let i = 0; i < roots.length; i += 1) {
    for (const element of roots[i].querySelectorAll('*')) {
      if (element.shadowRoot) roots.push(element.shadowRoot);
    }
  }
  return roots;
};
window.__bench.deepText = () => {
  const [main, ...shadows] = __bench.shadowRoots();
  if (!main) return '';
  return [main.innerText, ...shadows.map((root) => root.textContent)].join('|');
};
window.__bench.busy = () => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !app || app.getAttribute('data-test-script-state') === 'running'
    || document.querySelector('[data-testid="stStatusWidget"]') !== null;
};
// Streamlit's charts and the app's live charts (components/live_chart.js).
window.__bench.charts = () => [
  ...document.querySelectorAll('[data-testid="stPlotlyChart"], .ce-live-chart'),
];
window.__bench.drawn = (chart) => {
  const graph = chart.matches('.js-plotly-plot') ? chart : chart.querySelector('.js-plotly-plot');
  return graph !== null && graph.querySelector('.main-svg') !== null
    && graph.checkVisibility({visibilityProperty: true, opacityProperty: true});
};
window.__bench.loaded = () => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = __bench.charts();
  return app && app.getAttribute('data-test-script-state') === 'notRunning' && !__bench.busy()
    && document.querySelectorAll('[data-stale="true"]').length === 0
    && charts.length > 0 && charts.every(__bench.drawn)
    && performance.now() - __bench.lastChange > 1000;
};
"""

# Resolves, in the page, once the content differs from ``before`` and the page is
# idle; returns the milliseconds from the input event to the last DOM change.
# The signature (a walk over every chart's data) is taken only once the page has
# been quiet, and again only after a later DOM change: taken on every poll it
# competed with Plotly for the main thread and added 100-200 ms to what it timed.
SETTLE_JS = """
async ({before, quiet, timeout}) => {
  const start = performance.now();
  let checkedAt = null;  // the DOM change whose signature was last compared
  while (performance.now() - start < timeout) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    if (__bench.busy() || __bench.inputAt === null || !__bench.ran) continue;
    if (performance.now() - __bench.lastChange < quiet) continue;
    if (checkedAt === __bench.lastChange) continue;
    checkedAt = __bench.lastChange;
    if (__bench.signature() !== before) {
      __bench.armed = false;
      return __bench.lastChange - __bench.inputAt;
    }
  }
  return null;
}
"""


# For a key handled in the browser (no rerun needed to show it): resolves at the
# first animation frame whose text differs from ``before``; returns the
# milliseconds from the key's input event to that frame.
KEY_SETTLE_JS = """
async ({before, timeout}) => {
  const start = performance.now();
  while (performance.now() - start < timeout) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    if (__bench.inputAt === null || __bench.deepText() === before) continue;
    __bench.armed = false;
    return performance.now() - __bench.inputAt;
  }
  return null;
}
"""


@dataclass(frozen=True)
class Control:
    """One control of one page and how to move it to its other value.

    ``move(page, forward)`` performs the user's action; it calls
    ``arm(page)`` right before the input event that is to be timed (for a
    select box: after opening it, before clicking the option).
    """

    page: str
    name: str
    move: Callable[[object, bool], None]
    target_ms: int = TARGET_MS
    query: str = ""
    in_browser: bool = False  # answered by a component at once, timed to the changed frame


@dataclass(frozen=True)
class Timing:
    """The timed moves of one control, in milliseconds (None: the page never settled)."""

    control: Control
    times: list[float | None]
    console: list[str]

    def summary(self) -> tuple[str, str]:
        """The median and the ``min–max`` range of the settled moves, as text.

        Moves that never settled are named after the range; "no change" when none did.
        """
        done = [time for time in self.times if time is not None]
        if not done:
            return "no change", f"{len(self.times)} of {len(self.times)} timed out"
        spread = f"{min(done):.0f}–{max(done):.0f}"
        if len(done) < len(self.times):
            spread += f" +{len(self.times) - len(done)} timed out"
        return f"{statistics.median(done):.0f}", spread


def arm(page) -> None:
    """Start the clock at the next input event."""
    page.evaluate("window.__bench.arm()")


# --- how a person moves each kind of widget ---------------------------------------


def slider(label: str) -> Callable[[object, bool], None]:
    """One arrow key on the slider's thumb: left, then right, back and forth."""

    def move(page, forward: bool) -> None:
        thumb = page.locator(f'input[type="range"][aria-label="{label}"]')
        thumb.focus()
        arm(page)
        thumb.press("ArrowLeft" if forward else "ArrowRight")

    return move


def number_input(label: str) -> Callable[[object, bool], None]:
    """Type the number one up (forward) or one down (back) and press Enter.

    Typing works however narrow the field is (Streamlit hides the + and −
    buttons of a narrow number input).
    """

    def move(page, forward: bool) -> None:
        field = page.get_by_test_id("stNumberInput").filter(has_text=label).locator("input")
        field.fill(str(int(field.input_value()) + (1 if forward else -1)))
        arm(page)
        field.press("Enter")

    return move


def number_choice(label: str, first: int, second: int) -> Callable[[object, bool], None]:
    """Type ``second`` (forward) or ``first`` (back) into the number input and press Enter.

    For a number whose neighbours can give the same picture (n_init: more
    starts often find the same best one), two values known to differ.
    """

    def move(page, forward: bool) -> None:
        field = page.get_by_test_id("stNumberInput").filter(has_text=label).locator("input")
        field.fill(str(second if forward else first))
        arm(page)
        field.press("Enter")

    return move


def selectbox(label: str, first: str, second: str) -> Callable[[object, bool], None]:
    """Open the select box, then click ``second`` (forward) or ``first`` (back)."""

    def move(page, forward: bool) -> None:
        page.get_by_test_id("stSelectbox").filter(has_text=label).click()
        option = page.get_by_role("option", name=second if forward else first, exact=True)
        option.wait_for()
        arm(page)
        option.click()

    return move


def radio(first: str, second: str) -> Callable[[object, bool], None]:
    """Click the radio option ``second`` (forward) or ``first`` (back)."""

    def move(page, forward: bool) -> None:
        main = page.get_by_test_id("stMain")
        choice = main.get_by_test_id("stRadio").get_by_text(
            second if forward else first, exact=True
        )
        arm(page)
        choice.click()

    return move


def toggle(label: str) -> Callable[[object, bool], None]:
    """Click the toggle (on, then off)."""

    def move(page, forward: bool) -> None:
        switch = page.get_by_test_id("stCheckbox").filter(has_text=label)
        arm(page)
        switch.locator("label").first.click()

    return move


def text_input(label: str, first: str, second: str) -> Callable[[object, bool], None]:
    """Type a new text into the field; Enter (the timed input) submits it."""

    def move(page, forward: bool) -> None:
        field = page.get_by_test_id("stTextInput").filter(has_text=label).locator("input")
        field.fill(second if forward else first)
        arm(page)
        field.press("Enter")

    return move


# --- the controls of every page ----------------------------------------------------

DATA_SETS = ("five blobs", "moons")
CONTROLS: tuple[Control, ...] = (
    Control("kmeans_voronoi", "data set", selectbox("Data set", *DATA_SETS)),
    Control("kmeans_voronoi", "k", slider("Number of clusters k")),
    Control("kmeans_voronoi", "init", selectbox("Initialisation", "random", "k-means++")),
    Control("kmeans_voronoi", "n_init", selectbox("n_init", "10", "3")),
    Control("kmeans_voronoi", "seed", number_input("Seed")),
    Control("kmeans_steps", "data set", selectbox("Data set", *DATA_SETS)),
    Control("kmeans_steps", "k", slider("Number of clusters k")),
    Control("kmeans_steps", "init", selectbox("Initialisation", "random", "k-means++")),
    Control("kmeans_steps", "seed", number_input("Seed")),
    Control("kmeans_steps", "n_init runs", slider("Number of runs (n_init)")),
    Control("dbscan", "data set", selectbox("Data set", "moons", "five blobs")),
    Control("dbscan", "points", slider("Points")),
    Control("dbscan", "noise", slider("Noise")),
    Control("dbscan", "seed", number_input("Seed")),
    Control("dbscan", "eps", slider("eps")),
    Control("dbscan", "min_samples", slider("min_samples")),
    Control("dbscan", "new points", text_input("New points", "-0.5, 0; 0, 0.5", "1, -0.1; 2, 1")),
    Control("dbscan", "voting k", slider("Neighbours that vote (k)")),
    Control("dbscan", "use max distance", toggle("Use a max distance")),
    Control(
        "dbscan",
        "max distance",
        slider("Max distance to the nearest core point"),
        query="db_use_max=true",
    ),
    Control("dbscan", "shade regions", toggle("Shade decision regions")),
    Control("mixtures", "data set", selectbox("Data set", "ellipsoidal blobs", "moons")),
    Control("mixtures", "data set: five blobs", selectbox("Data set", "moons", "five blobs")),
    Control("mixtures", "covariance type", radio("full", "spherical")),
    Control("mixtures", "k", slider("Components k")),
    Control("mixtures", "n_init", slider("Starts (n_init)")),
    Control("mixtures", "seed", number_input("Seed")),
    Control("mixtures", "anomaly percentile", slider("Anomalies: lowest-density percentile")),
    Control("mixtures", "sample", slider("Sample new points from the model"), query="gm_n_new=50"),
    Control("segmentation", "picture", radio("Ladybug", "China")),
    Control("segmentation", "k", slider("Number of colours k")),
    # Three and five starts segment the ladybug differently (10 and 11 do not).
    Control("segmentation", "n_init", number_choice("n_init", 3, 5), query="seg_n_init=3"),
    Control("segmentation", "seed", number_input("seed")),
    Control(
        "segmentation", "highlight", selectbox("Show where one colour is", "no colour", "colour 1")
    ),
    Control("semi_supervised", "k", slider("Clusters k (= labels you give)")),
    Control("semi_supervised", "seed", number_input("k-means seed")),
    Control("semi_supervised", "percentile", slider("Keep the closest % of each cluster")),
)


def key_press(forward_key: str, back_key: str) -> Callable[[object, bool], None]:
    """One key press on the page (not in a widget), ``forward_key`` then ``back_key``."""

    def move(page, forward: bool) -> None:
        arm(page)
        page.keyboard.press(forward_key if forward else back_key)

    return move


# Keys that components answer in the browser: the step player's arrows and the
# labelling grid's digits (a digit labels the selected tile, U undoes it).
KEY_PRESSES: tuple[Control, ...] = (
    Control("kmeans_steps", "→ / ← key", key_press("ArrowRight", "ArrowLeft"),
            target_ms=KEY_TARGET_MS, in_browser=True),
    Control("semi_supervised", "digit key / undo", key_press("7", "u"),
            target_ms=KEY_TARGET_MS, in_browser=True),
)  # fmt: skip


# --- running the moves ---------------------------------------------------------------


def open_page(context, base_url: str, control: Control, attempts: int = 2):
    """A fresh tab on the control's page, loaded and idle, with the instrumentation on.

    On a loaded machine a first load can outlast the waits (the server is busy
    warming caches); the tab is then closed and the page opened once more.
    """
    url = f"{base_url}/{control.page}" + (f"?{control.query}" if control.query else "")
    for attempt in range(1, attempts + 1):
        page = context.new_page()
        try:
            page.goto(url, timeout=OPEN_TIMEOUT_MS)
            page.wait_for_selector('[data-testid="stMain"]', timeout=OPEN_TIMEOUT_MS)
            page.evaluate("window.__bench.observe()")
            page.wait_for_function("() => __bench.loaded()", timeout=OPEN_TIMEOUT_MS, polling=100)
            return page
        except Exception:
            page.close()
            if attempt == attempts:
                raise
    raise ValueError("attempts must be at least 1")


def time_move(page, control: Control, forward: bool) -> float | None:
    """Milliseconds from the input event to the settled, changed page; None on time-out."""
    if control.in_browser:
        before = page.evaluate("window.__bench.deepText()")
        control.move(page, forward)
        return page.evaluate(KEY_SETTLE_JS, {"before": before, "timeout": TIMEOUT_MS})
    before = page.evaluate("window.__bench.signature()")
    control.move(page, forward)
    return page.evaluate(SETTLE_JS, {"before": before, "quiet": QUIET_MS, "timeout": TIMEOUT_MS})


def time_control(context, base_url: str, control: Control) -> Timing:
    """One warm-up move and ``REPEAT`` timed moves of ``control`` on a fresh tab."""
    page = open_page(context, base_url, control)
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(f"{message.type}: {message.text}")
            if is_console_problem(message.type, message.text)
            else None
        ),
    )
    time_move(page, control, forward=True)
    times = [time_move(page, control, forward=move % 2 == 1) for move in range(REPEAT)]
    page.close()
    return Timing(control, times, console)


def selected(pages: Sequence[str] = ()) -> list[Control]:
    """The controls of the named pages (URL paths), or of every page when none is named."""
    return [control for control in CONTROLS + KEY_PRESSES if not pages or control.page in pages]


def timings(base_url: str, browser, controls: Sequence[Control]) -> Iterator[Timing]:
    """Each control timed on its own fresh tab."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(INSTRUMENT_JS)
    for control in controls:
        try:
            yield time_control(context, base_url, control)
        except Exception as error:  # one broken control must not hide the others' numbers
            yield Timing(control, [None] * REPEAT, [f"bench error: {error}"])
    context.close()


# --- the table ------------------------------------------------------------------------


def format_timing(timing: Timing) -> str:
    """One table line: page, control, median, range, target and whether it is met."""
    median, spread = timing.summary()
    control = timing.control
    verdict = ""
    if median.isdigit():
        verdict = "ok" if float(median) <= control.target_ms else "MISSES"
    warnings = f"  {len(timing.console)} console warning(s)/error(s)" if timing.console else ""
    return (
        f"{control.page:<16} {control.name:<22} {median:>9} {spread:>13}"
        f"   ≤ {control.target_ms} ms {verdict:<6}{warnings}"
    )


HEADER = f"{'page':<16} {'control':<22} {'median ms':>9} {'min–max':>13}   target"


def print_table(pages: Sequence[str] = ()) -> None:
    """Start the app and the browser, time the controls, print the table as it goes.

    ``pages`` limits the table to those pages (URL paths such as ``"dbscan"``).
    """
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        print("browser timings skipped: no Chromium at /usr/bin/chromium or on the PATH")
        return
    print(f"\nBrowser: input -> page idle (median of {REPEAT} after one warm-up, ms)")
    print(HEADER)
    print("-" * len(HEADER), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "streamlit.log"
        with running_app(log) as base_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=CHROMIUM_FLAGS
            )
            for timing in timings(base_url, browser, selected(pages)):
                print(format_timing(timing), flush=True)
                for line in dict.fromkeys(timing.console):  # each distinct message once
                    print(f"    {line[:160]}", flush=True)
            browser.close()


if __name__ == "__main__":
    print_table(sys.argv[1:])
