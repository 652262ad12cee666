"""A class at once: N people labelling digits on the semi-supervised page of one server.

Each simulated person is a browser context (own cookies, own session) in one
headless Chromium, driven by Playwright. Each opens the page, types ten digit
labels at 150 ms per key (real key presses on the page), waits for the
accuracy table, moves the percentile slider one step with the keyboard, waits
again, and does that for a few rounds. Each types the representatives' true
labels except one "mistake" of its own, so every session's final labels are
different and cross-talk would show.

Measured, per N:

- action -> page: from a key press (or slider move) until the page's URL holds
  the new labels (or percentile), i.e. the server ran the rerun for it;
- action -> table: from the last key of a burst (or the slider move) until the
  accuracy table shows the result for exactly those labels, not marked as
  updating, with the page idle;
- timeouts (nothing within 30 s), and whether each session ended with exactly
  its own labels;
- CPU of the server (the app process and its worker processes) and of the
  clients (Chromium and this script), in cores, and the server's peak memory;
- from the server's worker pool (its JSON log): time queued after the
  debounce, compute time, jobs computed, shared, cancelled, refused.

The clients run on the same cores as the server, so their CPU share is
reported next to the latencies. Run::

    python -m benchmarks.bench_load --sessions 1,10
    python -m benchmarks.bench_load --sessions 10 --replicas 3   # through nginx
    make bench-load N=30

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

from benchmarks.run import Row
from clustering.datasets import load_digits_split
from clustering.semi_supervised import representatives
from scripts.serve_many import free_ports, start_nginx, start_replicas
from tests.e2e.conftest import CHROMIUM_FLAGS, find_chromium

K, SEED, PERCENTILE = 50, 42, 99
KEY_SECONDS = 0.150
ROUNDS = 3
KEYS_PER_ROUND = 10
TIMEOUT = 30.0
PAGE_TARGET, TABLE_TARGET = 1.0, 3.0
UPDATING = "Retraining|catching up|Training the classifier"

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
    """One key press or slider move: when, and the percentile the page should then show."""

    at: float  # ms since the epoch, as the page's Date.now()
    percentile: str
    kind: str  # "key" or "slider"


@dataclass
class Session:
    index: int
    typed: list[int]
    actions: list[Action] = field(default_factory=list)
    table_waits: list[float | None] = field(default_factory=list)  # seconds, None = timeout
    log: list = field(default_factory=list)
    labels: str = "." * K  # what the page holds, as its URL says
    error: str | None = None

    def own_labels(self) -> bool:
        """Every label on the page is one this session typed, in the order typed."""
        given = iter(str(digit) for digit in self.typed)
        return all(char in given for char in self.labels.replace(".", ""))


def plan_labels(truth: list[int], index: int) -> list[int]:
    """The digits session ``index`` types: the true labels with one mistake of its own."""
    typed = list(truth[: ROUNDS * KEYS_PER_ROUND])
    where = index % len(typed)
    typed[where] = (typed[where] + 1 + index // len(typed)) % 10
    return typed


async def run_session(browser, base_url: str, session: Session, start_at: float) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.add_init_script(RECORDER)
    page = await context.new_page()
    try:
        await page.goto(f"{base_url}/semi_supervised?semi_k={K}&semi_seed={SEED}", timeout=90_000)
        await wait_fresh(page, str(PERCENTILE), 90.0)
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
    session.table_waits.append(None if fresh is None else (fresh[0] - start) / 1000)
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


def page_latencies(session: Session) -> tuple[list[float], list[float], int]:
    """Seconds from each action until the page shows its effect, and the actions never shown.

    A key press shows once the URL holds more labels than it did at the press (a
    key lost by the page then counts at the next key that lands); a slider
    move once the URL holds the new percentile.
    """
    keys, sliders, timeouts = [], [], 0
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
        if seen is None or seen - action.at > TIMEOUT * 1000:
            timeouts += 1
        else:
            (keys if action.kind == "key" else sliders).append((seen - action.at) / 1000)
    return keys, sliders, timeouts


def labelled(labels: str | None) -> int:
    return 0 if labels is None else len(labels) - labels.count(".")


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


async def drive(base_url: str, count: int, meter: Meter) -> list[Session]:
    from playwright.async_api import async_playwright

    split = load_digits_split()
    rows, _ = representatives(split.X_train, K, random_state=SEED)
    truth = split.y_train[rows].tolist()
    sessions = [Session(index, plan_labels(truth, index)) for index in range(count)]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=find_chromium(), headless=True, args=CHROMIUM_FLAGS
        )
        meter.baseline()
        sampler = asyncio.create_task(sample_forever(meter))
        start_at = time.time() + 10 + count  # everyone loaded, then all start within 0.1 s
        await asyncio.gather(
            *(run_session(browser, base_url, s, start_at + s.index * 0.003) for s in sessions)
        )
        meter.sample()
        sampler.cancel()
        await browser.close()
    return sessions


def percentiles(values: list[float]) -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.2f} / {p95:.2f} s"


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
        "computed": len(finished),
        "failed": sum(not r["ok"] for r in finished),
        "refused": sum(r["event"] == "refused" for r in records),
        "restarts": sum(r["event"] == "restart" for r in records),
    }


@dataclass
class Result:
    sessions: int
    replicas: int
    keys: list[float]
    sliders: list[float]
    tables: list[float]
    timeouts: int
    wrong_labels: int
    lost_keys: int
    errors: list[str]
    server_cores: float
    seconds: float
    actions: int
    client_cores: float
    machine_cores: float
    server_peak_mb: float
    pool: dict

    def lines(self) -> list[str]:
        where = f"{self.replicas} replicas behind nginx" if self.replicas > 1 else "one server"
        pool = self.pool
        share = self.client_cores / max(self.machine_cores, 1e-9)
        return [
            f"N = {self.sessions} sessions, {where}",
            f"  key -> page        p50 / p95  {percentiles(self.keys)}  ({len(self.keys)} keys)",
            f"  slider -> page     p50 / p95  {percentiles(self.sliders)}",
            f"  action -> table    p50 / p95  {percentiles(self.tables)}  (last key or slider)",
            f"  timeouts (>{TIMEOUT:.0f} s)      {self.timeouts}",
            f"  sessions holding a label they did not type: {self.wrong_labels}; "
            f"key presses lost: {self.lost_keys} of {self.sessions * ROUNDS * KEYS_PER_ROUND}",
            f"  server CPU {self.server_cores:.2f} cores over {self.seconds:.0f} s, "
            f"{self.server_cores * self.seconds / max(self.actions, 1) * 1000:.0f} ms per action; "
            f"peak memory {self.server_peak_mb:.0f} MB",
            f"  clients CPU {self.client_cores:.2f} cores ({share:.0%} of all busy CPU; "
            f"machine busy {self.machine_cores:.2f} of {os.cpu_count()} cores)",
            f"  pool: queued after debounce p50 / p95 {percentiles(pool['queue'])}, "
            f"compute {percentiles(pool['compute'])}",
            f"  pool: {pool['computed']} jobs computed, {pool['failed']} failed, "
            f"{pool['refused']} refused, {pool['restarts']} worker restarts",
            *(f"  {error}" for error in self.errors[:10]),
        ]


def measure(count: int, replicas: int = 1) -> Result:
    """Run ``count`` sessions against fresh servers (``replicas`` > 1: behind nginx)."""
    run_dir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    with ExitStack() as stack:
        listen, *ports = free_ports(replicas + 1)
        started = stack.enter_context(start_replicas(ports, run_dir, jobs_log=True))
        roots = [process.pid for _, process in started]
        url = f"http://127.0.0.1:{ports[0]}"
        if replicas > 1:
            nginx = stack.enter_context(start_nginx([p for p, _ in started], listen, run_dir))
            roots.append(nginx.pid)
            url = f"http://127.0.0.1:{listen}"
        meter = Meter(roots)
        sessions = asyncio.run(drive(url, count, meter))
    keys, sliders, timeouts = [], [], 0
    for session in sessions:
        k, s, t = page_latencies(session)
        keys += k
        sliders += s
        timeouts += t + sum(wait is None for wait in session.table_waits)
    return Result(
        sessions=count,
        replicas=replicas,
        keys=keys,
        sliders=sliders,
        tables=[w for s in sessions for w in s.table_waits if w is not None],
        timeouts=timeouts,
        wrong_labels=sum(not s.own_labels() for s in sessions),
        lost_keys=sum(ROUNDS * KEYS_PER_ROUND - (K - s.labels.count(".")) for s in sessions),
        errors=[f"session {s.index}: {s.error}" for s in sessions if s.error]
        + [
            f"session {s.index} holds {s.labels} but typed {''.join(map(str, s.typed))}"
            for s in sessions
            if not s.own_labels()
        ],
        server_cores=meter.used_since_baseline("server"),
        seconds=time.monotonic() - meter.started,
        actions=sum(len(s.actions) for s in sessions),
        client_cores=meter.used_since_baseline("clients"),
        machine_cores=meter.machine_cores(),
        server_peak_mb=meter.peak_server_rss / 2**20,
        pool=pool_summary(run_dir),
    )


def rows() -> Iterator[Row]:
    """Rows for ``benchmarks.run``: p95s and a verdict per N (from ``BENCH_LOAD_N``)."""
    for count in parse_counts(os.environ.get("BENCH_LOAD_N", "1,10")):
        result = measure(count)
        page, table = p95(result.keys + result.sliders), p95(result.tables)
        ok = page <= PAGE_TARGET and table <= TABLE_TARGET and not result.timeouts
        yield Row(
            f"load N={count}: action -> page p95",
            page,
            quality=f"{'meets' if page <= PAGE_TARGET else 'MISSES'} the 1 s target",
        )
        yield Row(
            f"load N={count}: action -> accuracy table p95",
            table,
            quality=f"{'meets' if ok else 'MISSES'} 3 s, no timeouts, own labels",
            note=f"{result.timeouts} timeouts, {result.wrong_labels} sessions with wrong labels",
        )


def parse_counts(text: str) -> list[int]:
    return [int(part) for part in text.replace(" ", "").split(",") if part]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="N sessions labelling digits at once.")
    parser.add_argument("--sessions", default="1,10", help="comma-separated N, e.g. 1,10,30")
    parser.add_argument("--replicas", type=int, default=1, help="app processes behind nginx")
    args = parser.parse_args(argv)
    for count in parse_counts(args.sessions):
        print("\n".join(measure(count, args.replicas).lines()), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
