"""Start the real app server and find the browser: shared by the browser tests and benchmark.

The browser tests (``tests/e2e/conftest.py``) and the browser benchmark
(``benchmarks/bench_browser.py``) both need the same thing: ``streamlit run
app/streamlit_app.py`` on a free local port, started with the Python that runs
them, and Debian's Chromium with the same flags. Keeping it in one place means
a benchmark times exactly the app the tests check.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SERVER_START_TIMEOUT = 60.0


def is_console_problem(kind: str, text: str) -> bool:
    """Whether a browser console message says something is wrong with the page.

    Warnings, errors and traces count (Plotly reports layout loops with
    ``console.trace``), except the GPU driver's performance notes: a chart that
    draws its points with WebGL makes the software renderer of a headless
    browser log "GPU stall due to ReadPixels" once per drawing surface. That is
    advice about the renderer, not a fault of the page.
    """
    if kind not in ("warning", "error", "trace"):
        return False
    return "GL Driver Message (OpenGL, Performance" not in text


class ServerError(RuntimeError):
    """The app server exited or never answered; the message carries its log."""


def find_chromium() -> str | None:
    """Debian's Chromium, or any ``chromium`` on the PATH; None when there is none."""
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(port: int) -> list[str]:
    """``streamlit run`` for the app on ``port``: local only, headless, no file watcher."""
    return [
        sys.executable, "-m", "streamlit", "run", "app/streamlit_app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


def wait_for_health(
    url: str, server: subprocess.Popen, log: Path, timeout: float = SERVER_START_TIMEOUT
) -> None:
    """Poll the server's health endpoint until it answers "ok" (nginx passes it through).

    Raises
    ------
    ServerError
        If the server exits first or does not answer within ``timeout``
        seconds; the message includes its log.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServerError(f"{url} exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise ServerError(f"{url} did not answer within {timeout:.0f} s:\n{log.read_text()}")


@contextmanager
def running_app(log: Path) -> Iterator[str]:
    """The app served on a free port for the ``with`` block; yields its base URL.

    The server's output goes to ``log``. The server is stopped on exit, killed
    if it does not stop within ten seconds.
    """
    port = free_port()
    with log.open("w") as log_file:
        server = subprocess.Popen(
            server_command(port), cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
