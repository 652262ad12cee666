"""A class at once: N people labelling digits on the semi-supervised page of one server.

Each simulated person is a session of its own: by default a light client that
speaks Streamlit's websocket protocol from Python (``benchmarks/_light_client.py``:
what a tab sends and reads, without drawing a page), or, for ``--browsers B``
of the N, a browser context in one headless Chromium driven by Playwright.
Each opens the page, types ten digit labels at 150 ms per key (a light client
sends the grid's whole label vector after each key, as the grid does), waits
for the accuracy table, moves the percentile slider one step, waits again, and
does that for a few rounds; then it opens the DBSCAN page and moves its eps
slider. Each types the representatives' true labels except one "mistake" of
its own, so every session's final labels are different and cross-talk would
show.

Measured, per N:

- key -> page: from a key press until the server has run the page for it: a
  light client counts until that run finished (all its deltas sent), and also
  until the server's first answer that holds the new labels (the link's query
  string: what a browser session measures, as it cannot see a run end);
- slider -> page: the same for a slider move, on this page and on another page;
- action -> table: from the last key of a burst (or the slider move) until the
  accuracy table shows the result for exactly those labels, not marked as
  updating, in a finished run;
- timeouts (nothing within 30 s), and whether each session ended with exactly
  its own labels;
- CPU of the server (the app process and its worker processes) and of the
  clients (this script, and Chromium if any), in cores, and the server's peak
  memory;
- from the server's worker pool (its JSON log): time queued after the
  debounce, compute time, jobs computed, shared, cancelled, refused.

The clients run on the same cores as the server, so their CPU share is
reported next to the latencies, and the machine's load before the run. Run::

    python -m benchmarks.bench_load --sessions 1,10
    python -m benchmarks.bench_load --sessions 30 --browsers 2   # 28 light clients, 2 tabs
    python -m benchmarks.bench_load --sessions 30 --replicas 3   # through nginx
    make bench-load N=30 BROWSERS=2

``rows()`` serves ``make bench BENCH=load`` (sessions from ``BENCH_LOAD_N``,
default 1,10).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks._light_client import LightTab, Run, board_json
from benchmarks._server import CHROMIUM_FLAGS, find_chromium
from benchmarks.run import Row
from clustering.datasets import load_digits_split
from clustering.semi_supervised import representatives
from scripts.serve_many import BENCH_PORTS, ports_in, start_nginx, start_replicas

K, SEED, PERCENTILE = 50, 42, 99
KEY_SECONDS = 0.150
ROUNDS = 3
KEYS_PER_ROUND = 10
TIMEOUT = 30.0
OPEN_TIMEOUT = 240.0  # opening the page is not timed; a busy machine may take minutes
PAGE_TARGET, TABLE_TARGET = 1.0, 3.0
UPDATING = "Retraining|catching up|Training the classifier"
# The semi page's names (app/views/semi_supervised.py) and the other page a session visits.
SEMI_PAGE, GRID_KEY, GRID_ID = "semi_supervised", "semi_grid", f"semi:{K}:{SEED}"
LABELS_PARAM, PERCENTILE_KEY = "semi_labels", "semi_percentile"
OTHER_PAGE, OTHER_SLIDER, OTHER_FROM, OTHER_TO = "dbscan", "db_eps", 0.2, 0.21

# Runs in every page: logs each change of (URL labels, percentile, idle, updating),
# and waits in the page for the table to be fresh, so the benchmark polls nothing.
RECORDER = f"""
(() => {{
  const log = [];
  let last = '';
  function state() {{
    const app = document.querySelector('[data-testid="stApp"]');
    const main = document.querySelector('[data-testid="stMain"]');
    const params = new URLSearchParams(location.search);
    return {{
      labels: params.get('semi_labels'),
      percentile: params.get('semi_percentile') || '{PERCENTILE}',
      idle: !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale="true"]'),
      updating: /{UPDATING}/.test(main ? main.textContent : ''),
      table: !!document.querySelector('[data-testid="stDataFrame"]'),
      error: !!document.querySelector('[data-testid="stException"]'),
    }};
  }}
  setInterval(() => {{
    const now = state(), text = JSON.stringify(now);
    if (text !== last) {{ last = text; log.push([Date.now(), now]); }}
  }}, 25);
  window.__bench = {{
    log,
    // Resolves with the time the page became fresh (idle, table shown, not updating, the
    // given percentile, at least minLabels labels in the URL) once it has stayed so for
    // settleMs; null after timeoutMs.
    waitFresh(percentile, settleMs, timeoutMs, minLabels) {{
      const start = Date.now();
      let since = null, labels = null;
      return new Promise((resolve) => {{
        const check = () => {{
          const s = state();
          const held = s.labels ? s.labels.replace(/[.]/g, '').length : 0;
          const good = s.percentile === percentile && s.idle && !s.updating && s.table
            && held >= minLabels;
          if (!good) since = null;
          else if (since === null || s.labels !== labels) since = Date.now();
          labels = s.labels;
          if (since !== null && Date.now() - since >= settleMs) return resolve([since, labels]);
          if (Date.now() - start > timeoutMs) return resolve(null);
          setTimeout(check, 25);
        }};
        check();
      }});
    }},
  }};
}})();
"""


@dataclass
class Action:
    """One key press or slider move of a browser session: when, and the percentile the page
    should then show."""

    at: float  # ms since the epoch, as the page's Date.now()
    percentile: str
    kind: str  # "key" or "slider"


@dataclass
class Session:
    """One simulated person: what it typed, and how long each of its actions took."""

    index: int
    typed: list[int]
    client: str = "light"  # or "browser"
    actions: list[Action] = field(default_factory=list)
    log: list = field(default_factory=list)  # a browser page's recorded states
    waits: dict[str, list[float | None]] = field(default_factory=dict)  # seconds, None = timeout
    labels: str = "." * K  # what the server holds, as the page's link says
    error: str | None = None

    def waited(self, what: str, seconds: float | None) -> None:
        late = seconds is not None and seconds > TIMEOUT
        self.waits.setdefault(what, []).append(None if late else seconds)

    def own_labels(self) -> bool:
        """Every label on the page is one this session typed, in the order typed."""
        given = iter(str(digit) for digit in self.typed)
        return all(char in given for char in self.labels.replace(".", ""))

    def lost_keys(self) -> int:
        return ROUNDS * KEYS_PER_ROUND - labelled(self.labels)


def plan_labels(truth: list[int], index: int) -> list[int]:
    """The digits session ``index`` types: the true labels with one mistake of its own."""
    typed = list(truth[: ROUNDS * KEYS_PER_ROUND])
    where = index % len(typed)
    typed[where] = (typed[where] + 1 + index // len(typed)) % 10
    return typed


def labelled(labels: str | None) -> int:
    return 0 if labels is None else len(labels) - labels.count(".")


def url_labels(labels: list[int]) -> str:
    """Labels as the page's link writes them (``labelling.to_url``): a digit or '.' each."""
    return "".join("." if label < 0 else str(label) for label in labels)


# ----- a light client -------------------------------------------------------------------------


def table_fresh(labels: str, percentile: int):
    """Whether a run shows the accuracy table for exactly these labels and percentile,
    not marked as updating."""

    def fresh(run: Run) -> bool:
        return (
            run.query.get(LABELS_PARAM) == labels
            and run.query.get(PERCENTILE_KEY, str(PERCENTILE)) == str(percentile)
            and run.has("dataframe")
            and not run.says(UPDATING)
        )

    return fresh


async def run_light_session(base_url: str, session: Session, start_at: float) -> None:
    tab = LightTab(base_url)
    try:
        await tab.open(SEMI_PAGE, {"semi_k": str(K), "semi_seed": str(SEED)})
        if (
            await tab.wait_for(table_fresh(url_labels([-1] * K), PERCENTILE), 0, OPEN_TIMEOUT)
            is None
        ):
            raise TimeoutError("the page never showed its table")
        await asyncio.sleep(max(0.0, start_at - time.time()))
        labels, percentile = [-1] * K, PERCENTILE
        for round_number in range(ROUNDS):
            await type_light_burst(tab, session, labels, round_number, percentile)
            percentile -= 1
            at = time.time()
            await tab.move_slider(PERCENTILE_KEY, percentile)
            moved = await tab.wait_for(
                lambda run, p=str(percentile): run.query.get(PERCENTILE_KEY) == p, at, TIMEOUT
            )
            session.waited("slider -> page", None if moved is None else moved.finished_at - at)
            await wait_light_table(tab, session, at, url_labels(labels), percentile)
        await final_labels(tab, session, url_labels(labels))
        await other_page_slider(tab, session)
    except Exception as error:  # one failed session is reported, the others go on
        session.error = f"{type(error).__name__}: {error}"
    finally:
        await tab.close()


async def type_light_burst(
    tab: LightTab, session: Session, labels: list[int], round_number: int, percentile: int
) -> None:
    """One round's digits at 150 ms a key, each sent as the grid sends it: the whole vector."""
    first = round_number * KEYS_PER_ROUND
    start, sent = time.time(), []
    for index in range(first, first + KEYS_PER_ROUND):
        await asyncio.sleep(max(0.0, start + (index - first) * KEY_SECONDS - time.time()))
        labels[index] = session.typed[index]
        sent.append((time.time(), index + 1))
        await tab.set_component_state(GRID_KEY, board_json(GRID_ID, labels, index + 1))
    await wait_light_table(tab, session, sent[-1][0], url_labels(labels), percentile)
    for at, count in sent:
        record_key(tab, session, at, count)


def record_key(tab: LightTab, session: Session, at: float, count: int) -> None:
    """Time from a key sent at ``at`` (the ``count``-th label) to the first finished run,
    and to the server's first answer, that hold it."""
    run = next(
        (
            r
            for r in tab.runs
            if r.started_at >= at and labelled(r.query.get(LABELS_PARAM)) >= count
        ),
        None,
    )
    session.waited("key -> page", None if run is None else run.finished_at - at)
    answer = next(
        (
            change.at
            for change in tab.query_changes
            if change.at >= at and labelled(change.query.get(LABELS_PARAM)) >= count
        ),
        None,
    )
    session.waited("key -> first answer", None if answer is None else answer - at)


async def wait_light_table(
    tab: LightTab, session: Session, at: float, labels: str, percentile: int
) -> None:
    """Wait for the table to be fresh for ``labels`` after an action at ``at``."""
    run = await tab.wait_for(table_fresh(labels, percentile), at, TIMEOUT)
    session.waited("action -> table", None if run is None else run.finished_at - at)
    if run is not None:
        session.labels = run.query[LABELS_PARAM]


async def final_labels(tab: LightTab, session: Session, typed: str) -> None:
    """The labels the server ends with: a late vector (after a timeout) is not a lost one."""
    held = await tab.wait_for(lambda run: run.query.get(LABELS_PARAM) == typed, 0, OPEN_TIMEOUT)
    session.labels = typed if held is not None else tab.query.get(LABELS_PARAM, session.labels)


async def other_page_slider(tab: LightTab, session: Session) -> None:
    """Open the DBSCAN page in the same session and move its eps slider one step."""
    at = time.time()
    await tab.go_to(OTHER_PAGE)
    if await tab.wait_for(lambda run: tab.holds(OTHER_SLIDER), at, TIMEOUT) is None:
        session.waited("other page slider -> page", None)
        return
    at = time.time()
    await tab.move_slider(OTHER_SLIDER, OTHER_TO)
    moved = await tab.wait_for(
        lambda run: run.query.get(OTHER_SLIDER) == f"{OTHER_TO:g}", at, TIMEOUT
    )
    session.waited("other page slider -> page", None if moved is None else moved.finished_at - at)


# ----- a browser session ----------------------------------------------------------------------


async def run_browser_session(browser, base_url: str, session: Session, start_at: float) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.add_init_script(RECORDER)
    page = await context.new_page()
    try:
        await page.goto(f"{base_url}/{SEMI_PAGE}?semi_k={K}&semi_seed={SEED}", timeout=90_000)
        await wait_fresh(page, str(PERCENTILE), OPEN_TIMEOUT)
        await asyncio.sleep(max(0.0, start_at - time.time()))
        percentile = PERCENTILE
        for round_number in range(ROUNDS):
            await type_burst(page, session, round_number, str(percentile))
            percentile -= 1
            await move_slider(page, session, str(percentile))
    except Exception as error:  # one failed session is reported, the others go on
        session.error = f"{type(error).__name__}: {error}"
    finally:
        session.log = await page.evaluate("window.__bench ? window.__bench.log : []")
        await context.close()
    record_browser_pages(session)


async def type_burst(page, session: Session, round_number: int, percentile: str) -> None:
    """Type one round's digits at 150 ms a key, as a person does (not waiting for the page)."""
    await page.evaluate("document.activeElement && document.activeElement.blur()")
    digits = session.typed[round_number * KEYS_PER_ROUND : (round_number + 1) * KEYS_PER_ROUND]
    start, presses = time.time(), []
    for offset, digit in enumerate(digits):
        await asyncio.sleep(max(0.0, start + offset * KEY_SECONDS - time.time()))
        at = time.time() * 1000
        presses.append(asyncio.create_task(page.keyboard.press(str(digit))))
        session.actions.append(Action(at, percentile, "key"))
    await asyncio.gather(*presses)
    await record_table_wait(page, session, percentile)


async def move_slider(page, session: Session, percentile: str) -> None:
    """One step left on the percentile slider with the keyboard, then wait for the table."""
    thumb = page.locator('input[type="range"][aria-label^="Keep the closest"]')
    await thumb.focus(timeout=TIMEOUT * 3000)  # a starved page may take long to be ready
    at = time.time() * 1000
    await page.keyboard.press("ArrowLeft")
    session.actions.append(Action(at, percentile, "slider"))
    await record_table_wait(page, session, percentile)


async def record_table_wait(page, session: Session, percentile: str) -> None:
    """Wait for the accuracy table to be fresh; note how long it took and the labels held."""
    start = session.actions[-1].at
    typed = sum(action.kind == "key" for action in session.actions)
    fresh = await wait_fresh(page, percentile, TIMEOUT, typed)
    session.waited("action -> table", None if fresh is None else (fresh[0] - start) / 1000)
    session.labels = await page.evaluate("new URLSearchParams(location.search).get('semi_labels')")


async def wait_fresh(page, percentile: str, seconds: float, labels: int = 0) -> list | None:
    """Wait until the table is fresh for ``percentile`` and the server holds ``labels`` labels.

    Without the label count, a page whose keys had not yet reached the server
    would count as fresh (for the labels it last had), and a session could end
    before its last keys arrived.
    """
    return await page.evaluate(
        "([p, s, t, n]) => window.__bench.waitFresh(p, s, t, n)",
        [percentile, 600, seconds * 1000, labels],
    )


def record_browser_pages(session: Session) -> None:
    """Seconds from each action until the page's link shows its effect.

    A key press shows once the link holds more labels than it did at the press
    (a key lost by the page then counts at the next key that lands): the
    server's first answer for it; a slider move once the link holds the new
    percentile.
    """
    for action in session.actions:
        before = [state for when, state in session.log if when < action.at]
        count = labelled(before[-1]["labels"]) if before else 0
        seen = next(
            (
                when
                for when, state in session.log
                if when >= action.at
                and state["percentile"] == action.percentile
                and (action.kind == "slider" or labelled(state["labels"]) > count)
            ),
            None,
        )
        what = "key -> first answer" if action.kind == "key" else "slider -> page"
        session.waited(what, None if seen is None else (seen - action.at) / 1000)


# ----- CPU and memory from /proc -------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def children_of() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def descendants(roots: list[int], tree: dict[int, list[int]]) -> set[int]:
    found, todo = set(), list(roots)
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(tree.get(pid, []))
    return found


def cpu_and_rss(pid: int) -> tuple[float, int]:
    """CPU seconds used so far and resident bytes of one process (0, 0 once gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0
    return (int(fields[11]) + int(fields[12])) / TICK, int(fields[21]) * PAGE_BYTES


class Meter:
    """Samples CPU and memory of the server's and the clients' process trees twice a second."""

    def __init__(self, server_roots: list[int]):
        self.server_roots = server_roots
        self.cpu: dict[int, float] = {}
        self.groups: dict[int, str] = {}
        self.peak_server_rss = 0
        self.baseline()

    def sample(self) -> None:
        tree = children_of()
        server = descendants(self.server_roots, tree)
        clients = descendants([os.getpid()], tree) - server
        rss = 0
        for group, pids in (("server", server), ("clients", clients)):
            for pid in pids:
                used, resident = cpu_and_rss(pid)
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), used)
                self.groups[pid] = group
                rss += resident if group == "server" else 0
        self.peak_server_rss = max(self.peak_server_rss, rss)

    def baseline(self) -> None:
        """Count CPU from now on (the servers' start-up is not load)."""
        self.sample()
        self.base = dict(self.cpu)
        self.started = time.monotonic()
        self.machine_start = self.machine_busy()

    def used_since_baseline(self, group: str) -> float:
        seconds = time.monotonic() - self.started
        used = sum(
            cpu - self.base.get(pid, 0.0)
            for pid, cpu in self.cpu.items()
            if self.groups[pid] == group
        )
        return used / seconds

    def machine_cores(self) -> float:
        return (self.machine_busy() - self.machine_start) / (time.monotonic() - self.started)

    @staticmethod
    def machine_busy() -> float:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = fields[3] + fields[4]
        return (sum(fields[:8]) - idle) / TICK


async def sample_forever(meter: Meter) -> None:
    while True:
        meter.sample()
        await asyncio.sleep(0.5)


# ----- one load level -----------------------------------------------------------------------


async def drive(base_url: str, count: int, browsers: int, meter: Meter) -> list[Session]:
    split = load_digits_split()
    rows, _ = representatives(split.X_train, K, random_state=SEED)
    truth = split.y_train[rows].tolist()
    sessions = [
        Session(index, plan_labels(truth, index), "browser" if index < browsers else "light")
        for index in range(count)
    ]
    async with ExitStackAsync() as stack:
        browser = await stack.chromium() if browsers else None
        meter.baseline()
        sampler = asyncio.create_task(sample_forever(meter))
        start_at = time.time() + 10 + count  # everyone loaded, then all start within 0.1 s
        await asyncio.gather(*(start(s, browser, base_url, start_at) for s in sessions))
        meter.sample()
        sampler.cancel()
    return sessions


def start(session: Session, browser, base_url: str, start_at: float):
    at = start_at + session.index * 0.003
    if session.client == "browser":
        return run_browser_session(browser, base_url, session, at)
    return run_light_session(base_url, session, at)


class ExitStackAsync:
    """Starts Chromium only when a run has browser sessions, and closes it at the end."""

    async def __aenter__(self):
        self._playwright = self._browser = None
        return self

    async def chromium(self):
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=find_chromium(), headless=True, args=CHROMIUM_FLAGS
        )
        return self._browser

    async def __aexit__(self, *exc):
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()


def percentiles(values: list[float]) -> str:
    if not values:
        return "—"
    return f"{statistics.median(values):.2f} / {p95(values):.2f} s"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def pool_summary(run_dir: Path) -> dict:
    """Queue and compute times and counts from the worker pools' logs."""
    records = []
    for path in run_dir.glob("jobs-*.jsonl"):
        records += [json.loads(line) for line in path.read_text().splitlines() if line]
    finished = [r for r in records if r["event"] == "finished"]
    return {
        "queue": [r["queue"] for r in finished if r["queue"] is not None],
        "compute": [r["compute"] for r in finished],
        "compute by job": {
            channel.rsplit(".", 1)[-1]: [r["compute"] for r in finished if r["channel"] == channel]
            for channel in sorted({r["channel"] for r in finished})
        },
        "computed": len(finished),
        "failed": sum(not r["ok"] for r in finished),
        "refused": sum(r["event"] == "refused" for r in records),
        "restarts": sum(r["event"] == "restart" for r in records),
    }


MEASURES = (
    "key -> page",
    "key -> first answer",
    "slider -> page",
    "other page slider -> page",
    "action -> table",
)


@dataclass
class Result:
    sessions: list[Session]
    replicas: int
    load_before: str
    server_cores: float
    seconds: float
    client_cores: float
    machine_cores: float
    server_peak_mb: float
    pool: dict

    def times(self, what: str, client: str | None = None) -> list[float | None]:
        return [
            wait
            for session in self.sessions
            if client in (None, session.client)
            for wait in session.waits.get(what, [])
        ]

    def done(self, what: str, client: str | None = None) -> list[float]:
        return [wait for wait in self.times(what, client) if wait is not None]

    @property
    def timeouts(self) -> int:
        counted = ("key -> page", "slider -> page", "other page slider -> page", "action -> table")
        browser_keys = self.times("key -> first answer", "browser")
        return sum(self.times(what).count(None) for what in counted) + browser_keys.count(None)

    def page_p95(self) -> float:
        """The p95 of action -> page over all sessions (a browser's key: its first answer)."""
        pages = self.done("key -> page") + self.done("key -> first answer", "browser")
        return p95(pages + self.done("slider -> page") + self.done("other page slider -> page"))

    def lines(self) -> list[str]:
        count = len(self.sessions)
        browsers = sum(s.client == "browser" for s in self.sessions)
        where = f"{self.replicas} replicas behind nginx" if self.replicas > 1 else "one server"
        share = self.client_cores / max(self.machine_cores, 1e-9)
        actions = sum(len(w) for s in self.sessions for k, w in s.waits.items() if "->" in k)
        pool = self.pool
        lines = [
            f"N = {count} sessions ({count - browsers} light clients, {browsers} browsers), "
            f"{where}; load average before: {self.load_before}",
        ]
        for client in ("light", "browser"):
            for what in MEASURES:
                found = self.times(what, client)
                if found:
                    lines.append(
                        f"  {client:7} {what:27} p50 / p95  {percentiles(self.done(what, client))}"
                        f"  ({len(found)}, {found.count(None)} timed out)"
                    )
        wrong = [s for s in self.sessions if not s.own_labels()]
        lines += [
            f"  action -> page p95 {self.page_p95():.2f} s, table p95 "
            f"{p95(self.done('action -> table')):.2f} s, "
            f"timeouts (>{TIMEOUT:.0f} s) {self.timeouts}",
            f"  sessions holding a label they did not type: {len(wrong)}; labels lost: "
            f"{sum(s.lost_keys() for s in self.sessions)} of {count * ROUNDS * KEYS_PER_ROUND}",
            f"  server CPU {self.server_cores:.2f} cores over {self.seconds:.0f} s "
            f"({self.server_cores * self.seconds / max(actions, 1) * 1000:.0f} ms per action); "
            f"peak memory {self.server_peak_mb:.0f} MB",
            f"  clients CPU {self.client_cores:.2f} cores ({share:.0%} of all busy CPU; "
            f"machine busy {self.machine_cores:.2f} of {os.cpu_count()} cores)",
            f"  pool: queued after debounce p50 / p95 {percentiles(pool['queue'])}, "
            f"compute {percentiles(pool['compute'])}",
            "  pool compute by job: "
            + "; ".join(
                f"{name} {percentiles(times)}" for name, times in pool["compute by job"].items()
            ),
            f"  pool: {pool['computed']} jobs computed, {pool['failed']} failed, "
            f"{pool['refused']} refused, {pool['restarts']} worker restarts",
        ]
        lines += [f"  session {s.index}: {s.error}" for s in self.sessions if s.error][:10]
        lines += [
            f"  session {s.index} holds {s.labels} but typed {''.join(map(str, s.typed))}"
            for s in wrong
        ][:10]
        return lines


def measure(count: int, replicas: int = 1, browsers: int = 0) -> Result:
    """Run ``count`` sessions (``browsers`` of them in Chromium) against fresh servers
    (``replicas`` > 1: behind nginx)."""
    run_dir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    with ExitStack() as stack:
        listen, *ports = ports_in(BENCH_PORTS, replicas + 1)
        started = stack.enter_context(start_replicas(ports, run_dir, jobs_log=True))
        roots = [process.pid for _, process in started]
        url = f"http://127.0.0.1:{ports[0]}"
        if replicas > 1:
            nginx = stack.enter_context(start_nginx([p for p, _ in started], listen, run_dir))
            roots.append(nginx.pid)
            url = f"http://127.0.0.1:{listen}"
        meter = Meter(roots)
        sessions = asyncio.run(drive(url, count, min(browsers, count), meter))
    return Result(
        sessions=sessions,
        replicas=replicas,
        load_before=load_before,
        server_cores=meter.used_since_baseline("server"),
        seconds=time.monotonic() - meter.started,
        client_cores=meter.used_since_baseline("clients"),
        machine_cores=meter.machine_cores(),
        server_peak_mb=meter.peak_server_rss / 2**20,
        pool=pool_summary(run_dir),
    )


def rows() -> Iterator[Row]:
    """Rows for ``benchmarks.run``: p95s and a verdict per N (from ``BENCH_LOAD_N``)."""
    for count in parse_counts(os.environ.get("BENCH_LOAD_N", "1,10")):
        result = measure(count)
        page, table = result.page_p95(), p95(result.done("action -> table"))
        own = all(session.own_labels() for session in result.sessions)
        ok = page <= PAGE_TARGET and table <= TABLE_TARGET and not result.timeouts and own
        yield Row(
            f"load N={count}: action -> page p95",
            page,
            quality=f"{'meets' if page <= PAGE_TARGET else 'MISSES'} the 1 s target",
        )
        yield Row(
            f"load N={count}: action -> accuracy table p95",
            table,
            quality=f"{'meets' if ok else 'MISSES'} 3 s, no timeouts, own labels",
            note=f"{result.timeouts} timeouts, {sum(not s.own_labels() for s in result.sessions)} "
            "sessions with wrong labels",
        )


def parse_counts(text: str) -> list[int]:
    return [int(part) for part in text.replace(" ", "").split(",") if part]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="N sessions labelling digits at once.")
    parser.add_argument("--sessions", default="1,10", help="comma-separated N, e.g. 1,10,30")
    parser.add_argument("--replicas", type=int, default=1, help="app processes behind nginx")
    parser.add_argument(
        "--browsers", type=int, default=0, help="how many of the N are Chromium tabs"
    )
    args = parser.parse_args(argv)
    for count in parse_counts(args.sessions):
        print("\n".join(measure(count, args.replicas, args.browsers).lines()), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
