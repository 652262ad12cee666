"""Run every benchmark module and print one table: our time, scikit-learn's, the ratio.

Each ``benchmarks/bench_*.py`` module exposes ``rows()``, a generator of
:class:`Row` objects. A row times our code and scikit-learn's on the same
workload in the same process, so the ratio is meaningful on whatever machine
runs it, and it carries the result quality of each side (inertia, identical
labels, log-likelihood ...) so that speed never hides a worse answer.

A module may instead print a table of its own with ``print_table()``: the
browser timings (``bench_browser.py``) are milliseconds per control, not a
comparison with scikit-learn. Those modules run after the others.

Usage::

    python -m benchmarks.run            # every module
    python -m benchmarks.run kmeans     # only bench_kmeans.py
    python -m benchmarks.run segment    # bench_segmentation.py: a name's start is enough
    python -m benchmarks.run browser    # only the browser table

Each module runs in a process of its own, so one cannot slow down the next.
"""

from __future__ import annotations

import importlib
import pkgutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import benchmarks


@dataclass
class Row:
    """One line of the benchmark table.

    ``ours`` and ``theirs`` are times in seconds (``theirs`` is None where
    scikit-learn has no counterpart or could not run); ``quality`` is free text
    comparing the two results, ``note`` anything else worth saying.
    """

    name: str
    ours: float
    theirs: float | None = None
    quality: str = ""
    note: str = ""


def median_time(func: Callable[[], object], repeat: int = 5) -> tuple[float, object]:
    """Call ``func`` ``repeat`` times; return the median wall time and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def format_seconds(seconds: float | None) -> str:
    """Render a duration with a unit that keeps three significant digits."""
    if seconds is None:
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def format_row(row: Row) -> str:
    """One table line: name, ours, sklearn, how many times faster we are, quality."""
    speedup = f"{row.theirs / row.ours:.1f}x" if row.theirs and row.ours else "—"
    cells = [row.name, format_seconds(row.ours), format_seconds(row.theirs), speedup]
    text = f"{cells[0]:<48} {cells[1]:>10} {cells[2]:>10} {cells[3]:>8}  {row.quality}"
    return text + (f"  ({row.note})" if row.note else "")


def bench_modules(selected: list[str]) -> list[str]:
    """Names of the ``bench_*`` modules to run: those whose name (after ``bench_``)
    starts with one of ``selected``, or all of them when none is selected."""
    names = sorted(
        info.name
        for info in pkgutil.iter_modules(benchmarks.__path__)
        if info.name.startswith("bench_")
    )
    if selected:
        names = [name for name in names if name.removeprefix("bench_").startswith(tuple(selected))]
    return names


# Modules that print their own table (``print_table()``) instead of Rows.
OWN_TABLES = ("bench_browser",)


def print_rows(name: str) -> None:
    """Run one bench module in this process and print its rows (or its table) as they come."""
    module = importlib.import_module(f"benchmarks.{name}")
    if name in OWN_TABLES:
        module.print_table()
        return
    for row in module.rows():
        print(format_row(row), flush=True)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--in-process"]:
        print_rows(argv[1])
        return
    names = bench_modules(argv)
    if not names:
        sys.exit(f"No benchmark module starts with {' or '.join(argv)}: see benchmarks/bench_*.py.")
    estimators = [name for name in names if name not in OWN_TABLES]
    if estimators:
        header = f"{'workload':<48} {'ours':>10} {'sklearn':>10} {'speedup':>8}  quality"
        print(header, flush=True)
        print("-" * len(header), flush=True)
    for name in estimators + [name for name in names if name in OWN_TABLES]:
        # A fresh process per module: a module that allocates gigabytes or
        # starts Streamlit's runtime must not slow down the next one (seen
        # here: the tiny k-means fit ran 2x slower after the DBSCAN module).
        subprocess.run([sys.executable, "-m", "benchmarks.run", "--in-process", name], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
